import type { ScoreRepo } from '../ports/scores.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the scores tables, run in order by `migrate()`. */
export const scoresSchema: readonly string[] = [];

/** The duckdb implementation of {@link ScoreRepo}. */
export function createScoreRepo(_ctx: DuckdbContext): ScoreRepo {
  return {};
}

import type { ScoreRepo } from '../ports/scores.ts';
import type { PgContext } from './connection.ts';

/** DDL for the scores tables, run in order by `migrate()`. */
export const scoresSchema: readonly string[] = [];

/** The postgres implementation of {@link ScoreRepo}. */
export function createScoreRepo(_ctx: PgContext): ScoreRepo {
  return {};
}

import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the ingest feature's commands. */
export function registerImportCommands(_program: Command, _ctx: CliContext): void {}

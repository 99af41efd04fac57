import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the batch feature's commands. */
export function registerBatchCommands(_program: Command, _ctx: CliContext): void {}

import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the jobs feature's commands. */
export function registerJobCommands(_program: Command, _ctx: CliContext): void {}

import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the nilm feature's commands. */
export function registerNilmCommands(_program: Command, _ctx: CliContext): void {}

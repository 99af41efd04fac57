import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the api feature's commands. */
export function registerApiCommands(_program: Command, _ctx: CliContext): void {}

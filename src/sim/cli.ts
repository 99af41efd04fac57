import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the sim feature's commands. */
export function registerSimulateCommands(_program: Command, _ctx: CliContext): void {}

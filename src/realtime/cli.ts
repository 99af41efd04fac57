import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';

/** Registers the realtime feature's commands. */
export function registerRealtimeCommands(_program: Command, _ctx: CliContext): void {}

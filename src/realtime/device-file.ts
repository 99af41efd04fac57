/**
 * A device token file followed while the server runs: an edit applies without a restart, and an
 * entry removed or changed (token, organisation, meters) is reported so that the connections it
 * opened are closed. The folder is watched rather than the file, because editors and `mv` replace
 * the file (a new inode) instead of writing into it. A file that no longer parses keeps the entries
 * last read, and the error names the file and the field.
 */
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type DeviceAuth, type StaticDeviceAuth, parseDeviceTokenFile } from './device-auth.ts';

/** Options of {@link watchDeviceTokenFile}. */
export interface DeviceFileOptions {
  /** Called with the `deviceKey`s of entries that were removed or changed. */
  onRemoved(keys: string[]): void;
  /** A re-read that failed (the previous entries stay in force). */
  onError?: (err: unknown) => void;
  /** Changes within this time are read once; default 50 ms. */
  debounceMs?: number;
}

/** A device token file being followed. */
export interface WatchedDeviceFile extends DeviceAuth {
  /** Whether an entry with this `deviceKey` is in the file as last read. */
  has(deviceKey: string): boolean;
  /** Reads the file again now (the watcher does this on every change). */
  reload(): Promise<void>;
  /** Stops following the file. */
  close(): void;
}

/** Reads the file (it must parse) and follows it. */
export async function watchDeviceTokenFile(
  path: string,
  opts: DeviceFileOptions,
): Promise<WatchedDeviceFile> {
  const onError = opts.onError ?? (() => undefined);
  let current: StaticDeviceAuth = parseDeviceTokenFile(await readFile(path, 'utf8'), path);
  let timer: NodeJS.Timeout | undefined;
  // Reloads run one after another, so that two quick edits are compared in order.
  let chain: Promise<void> = Promise.resolve();
  const reloadNow = async (): Promise<void> => {
    let next: StaticDeviceAuth;
    try {
      next = parseDeviceTokenFile(await readFile(path, 'utf8').catch(() => ''), path);
    } catch (err) {
      return onError(err);
    }
    const removed = [...current.keys].filter((k) => !next.keys.has(k));
    current = next;
    if (removed.length > 0) opts.onRemoved(removed);
  };
  const reload = (): Promise<void> => (chain = chain.then(reloadNow));
  const watcher = watch(dirname(path), (_event, name) => {
    if (name !== null && name !== basename(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), opts.debounceMs ?? 50);
  });
  watcher.on('error', onError);
  return {
    verify: (token) => current.verify(token),
    has: (key) => current.keys.has(key),
    reload,
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

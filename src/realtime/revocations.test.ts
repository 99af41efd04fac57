/**
 * The connection registry: which open connections a revocation closes, the re-check of a changed
 * user's connections, the re-check at tracking time that catches a revocation racing the opening, and
 * the resync that re-checks everything.
 */
import { describe, expect, it } from 'vitest';
import type { CredentialRef, CredentialState } from '../store/ports/revocations.ts';
import { createConnectionRegistry } from './revocations.ts';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('connection registry', () => {
  const world = () => {
    const revoked = new Set<string>();
    const expires = new Map<string, number>();
    const closed: string[] = [];
    const registry = createConnectionRegistry({
      check: async (c): Promise<CredentialState> => {
        const key = c.tokenId ?? c.sessionId ?? '';
        return revoked.has(key) ? { valid: false } : { valid: true, expiresAt: expires.get(key) ?? null };
      },
    });
    const open = (name: string, credential: CredentialRef) =>
      registry.track({ credential, close: (reason) => closed.push(`${name}: ${reason}`) });
    return { revoked, expires, closed, registry, open };
  };

  it('closes the connections of a revoked token or ended session, and only those', async () => {
    const w = world();
    w.open('mqtt-a', { tokenId: 'a' });
    w.open('sse-a', { tokenId: 'a' });
    w.open('ws-b', { tokenId: 'b' });
    w.open('sse-s1', { sessionId: 's1', userId: 'u1' });
    w.open('ws-s2', { sessionId: 's2', userId: 'u1' });
    await settle();
    expect(w.registry.size()).toBe(5);
    w.registry.revoke({ type: 'token-revoked', tokenId: 'a' });
    w.registry.revoke({ type: 'session-ended', sessionId: 's1' });
    expect(w.closed).toEqual([
      'mqtt-a: API token revoked',
      'sse-a: API token revoked',
      'sse-s1: session ended',
    ]);
    expect(w.registry.size()).toBe(2);
  });

  it("re-checks a changed user's connections and closes those whose session ended", async () => {
    const w = world();
    w.open('old', { sessionId: 's-old', userId: 'u1' });
    w.open('new', { sessionId: 's-new', userId: 'u1' });
    w.open('other', { sessionId: 's-other', userId: 'u2' });
    await settle();
    w.revoked.add('s-old').add('s-other');
    w.registry.revoke({ type: 'user-changed', userId: 'u1' });
    await settle();
    expect(w.closed).toEqual(['old: credential no longer valid']);
    w.registry.revoke({ type: 'resync' });
    await settle();
    expect(w.closed).toEqual(['old: credential no longer valid', 'other: credential no longer valid']);
  });

  it('closes a connection whose credential was revoked while it opened, and never twice', async () => {
    const w = world();
    w.revoked.add('late');
    const release = w.open('late', { tokenId: 'late' });
    w.registry.revoke({ type: 'token-revoked', tokenId: 'late' });
    await settle();
    release();
    expect(w.closed).toEqual(['late: API token revoked']);
    expect(w.registry.size()).toBe(0);
  });

  it('does not track what has no token or session, and forgets released connections', async () => {
    const w = world();
    w.open('file-device', {});
    const release = w.open('gone', { tokenId: 'g' });
    expect(w.registry.size()).toBe(1);
    release();
    w.registry.revoke({ type: 'token-revoked', tokenId: 'g' });
    expect(w.closed).toEqual([]);
    expect(w.registry.size()).toBe(0);
  });

  it('closes a connection when its credential expires, not before', async () => {
    const w = world();
    w.expires.set('soon', Date.now() + 60);
    w.expires.set('later', Date.now() + 60_000);
    w.open('soon', { tokenId: 'soon' });
    w.open('later', { sessionId: 'later', userId: 'u' });
    await new Promise((r) => setTimeout(r, 30));
    expect(w.closed).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(w.closed).toEqual(['soon: credential expired']);
    expect(w.registry.size()).toBe(1);
  });
});

/**
 * Random secrets and their at-rest hashes. Session cookies and API tokens are 256-bit random values;
 * only their SHA-256 is stored (a fast hash is enough for high-entropy secrets, and it keeps the
 * per-request check cheap). Passwords, chosen by people, use argon2id.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

/** A random URL-safe secret of `bytes` bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A short random identifier with a prefix, e.g. `usr_8f3k2...`. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** SHA-256 of a secret, hex. */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** argon2id hash of a password, with OWASP's recommended minimum cost (19 MiB, 2 passes, 1 lane). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/** True when `password` matches the argon2 `hash`. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** API tokens read `ls_<tokenId>.<secret>`; the id finds the row, the secret is checked against its hash. */
export function formatToken(tokenId: string, secret: string): string {
  return `ls_${tokenId}.${secret}`;
}

/** Splits a presented token into id and secret, or undefined when it is not one of ours. */
export function parseToken(token: string): { tokenId: string; secret: string } | undefined {
  const m = /^ls_([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{20,128})$/.exec(token.trim());
  return m ? { tokenId: m[1]!, secret: m[2]! } : undefined;
}

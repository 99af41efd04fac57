/**
 * Device tokens: 32 random bytes behind a recognisable prefix (`lsd_`, so that a leaked one is easy to
 * find in logs and code), kept in the store as their SHA-256 only.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every device token the registry issues. */
export const DEVICE_TOKEN_PREFIX = 'lsd_';
/** Characters of a token kept to tell tokens apart (`lsd_` and four more). */
const HINT_LENGTH = 8;

/** A fresh token with its hash and hint. */
export interface IssuedToken {
  /** The secret: shown once, never stored. */
  token: string;
  hash: string;
  hint: string;
}

/** SHA-256 (hex) of a token, the form the store keeps and looks up. */
export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a new token; `random` supplies the bytes (tests pass a fixed source). */
export function issueDeviceToken(random: (n: number) => Buffer = randomBytes): IssuedToken {
  const token = `${DEVICE_TOKEN_PREFIX}${random(32).toString('base64url')}`;
  return { token, hash: hashDeviceToken(token), hint: token.slice(0, HINT_LENGTH) };
}

/** A new device id (`dev_` and 16 hex digits). */
export function newDeviceId(random: (n: number) => Buffer = randomBytes): string {
  return `dev_${random(8).toString('hex')}`;
}

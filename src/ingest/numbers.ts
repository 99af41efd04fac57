/**
 * Number parsing straight from bytes. The fast path handles plain decimals (`-12.5`, `300`); anything
 * else (exponents, long mantissas) falls back to `Number()` on the decoded text.
 */

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
];

/**
 * Parses the decimal number in `buf[start, end)`. Returns NaN when the text is not a number, and
 * ±Infinity / NaN for the texts `Infinity` / `NaN` (see {@link numberProblem}).
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  while (start < end && (buf[start] === 32 || buf[start] === 9)) start++;
  while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
  if (start >= end) return NaN;
  let i = start;
  let neg = false;
  const c0 = buf[i];
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return slowParse(buf, start, end);
    }
  }
  if (digits === 0) return NaN;
  if (digits > 15 || frac > 18) return slowParse(buf, start, end);
  const v = frac === 0 ? mant : mant / POW10[frac]!;
  return neg ? -v : v;
}

/** A decimal number, or the words Number() reads as non-finite (classified by {@link numberProblem}). */
const DECIMAL = /^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|Infinity|inf|NaN)\s*$/i;

function slowParse(buf: Uint8Array, start: number, end: number): number {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  // Number() also reads hex, octal and binary ('0x10' is 16): a meter value is decimal or it is wrong.
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/** Rejection reason of a finite value that is no longer finite after scaling to the stored unit. */
export const OUT_OF_RANGE = 'value-out-of-range';

/** The message of an {@link OUT_OF_RANGE} rejection: what overflowed and by which factor. */
export function overflowMessage(value: number, factor: string): string {
  return `value ${value} x ${factor} is not finite (overflows a 64-bit float) in the stored unit`;
}

/**
 * Classifies a value that is not a finite number: `missing-value` (empty), `not-finite` (NaN,
 * Infinity) or `not-a-number` (anything else).
 */
export function numberProblem(text: string): 'missing-value' | 'not-finite' | 'not-a-number' {
  const t = text.trim().toLowerCase().replace(/^[+-]/, '');
  if (t === '') return 'missing-value';
  if (t === 'nan' || t === 'inf' || t === 'infinity') return 'not-finite';
  // A decimal too large for a 64-bit float ('1e309') reads as Infinity.
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !Number.isFinite(Number(t))) return 'not-finite';
  return 'not-a-number';
}

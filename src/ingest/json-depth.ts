/**
 * A linear pre-check of JSON nesting before `JSON.parse`: V8 parses nesting recursively, and 100,000
 * `[` in a 200 kB upload threw `RangeError: Maximum call stack size exceeded`, which reached the
 * caller only as "the import failed". Scanning the bytes once finds the first place nested too deep,
 * so the error can say where.
 */

/** Where a document first nests deeper than allowed (1-based line and column, in bytes). */
export interface TooDeep {
  line: number;
  column: number;
}

/**
 * The first position in `buf` where objects and arrays nest deeper than `max`, or undefined when the
 * document stays within it. Brackets inside strings (with escapes) do not count; the text is not
 * otherwise validated (JSON.parse does that next).
 */
export function findTooDeep(buf: Uint8Array, max: number): TooDeep | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      else if (c === 10) {
        line++;
        lineStart = i + 1;
      }
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return { line, column: i - lineStart + 1 };
    } else if (c === 125 || c === 93) depth--;
    else if (c === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return undefined;
}

/**
 * Long-line cost of the line splitter (issue 13, item 3): one line of `small` MB and one of `big` MB
 * (default 20 and 200) fed in 1 MiB chunks, as a file stream delivers them. A linear reader takes
 * about big/small times as long for the big line; a quadratic one about (big/small)^2 times.
 *
 *   npx tsx bench/long-lines.ts [smallMB] [bigMB]
 */
import { LineSplitter } from '../src/ingest/lines.ts';

const CHUNK = 1 << 20;

function time(mb: number): { seconds: number; lines: number } {
  const chunk = Buffer.alloc(CHUNK, 0x31);
  const sp = new LineSplitter();
  // Buffer the whole line (no length limit) so the cost of joining its pieces is what is measured.
  sp.maxLineBytes = Number.MAX_SAFE_INTEGER;
  let lines = 0;
  const onLine = (): void => {
    lines++;
  };
  const t0 = performance.now();
  for (let i = 0; i < mb; i++) sp.push(chunk, onLine);
  sp.push(Buffer.from('\n2,3\n'), onLine);
  sp.end(onLine);
  return { seconds: (performance.now() - t0) / 1000, lines };
}

const small = Number(process.argv[2] ?? 20);
const big = Number(process.argv[3] ?? 200);
const a = time(small);
const b = time(big);
console.log(
  `${small} MB line: ${a.seconds.toFixed(3)} s; ${big} MB line: ${b.seconds.toFixed(3)} s; ` +
    `ratio ${(b.seconds / a.seconds).toFixed(1)} (linear ${(big / small).toFixed(0)}, quadratic ${((big / small) ** 2).toFixed(0)})`,
);

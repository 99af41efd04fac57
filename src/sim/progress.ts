/** Progress lines for `loadscope simulate`: a rewritten line on a terminal, a plain line every 5 s otherwise. */

/** Reports a running count of readings. */
export interface SimProgress {
  update(readings: number, extra?: string): void;
  done(readings: number, extra?: string): void;
}

/** Creates a progress reporter on `err`; `now` is injectable for tests. */
export function createSimProgress(
  err: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  now: () => number = Date.now,
): SimProgress {
  const t0 = now();
  let last = 0;
  const line = (n: number, extra?: string): string => {
    const s = Math.max(1e-3, (now() - t0) / 1000);
    return `${label}: ${n.toLocaleString('en-US')} readings in ${s.toFixed(1)} s (${Math.round(n / s).toLocaleString('en-US')}/s)${extra ? `, ${extra}` : ''}`;
  };
  return {
    update(n, extra) {
      const t = now();
      if (t - last < (err.isTTY ? 200 : 5000)) return;
      last = t;
      err.write(err.isTTY ? `\r${line(n, extra)}\x1b[K` : `${line(n, extra)}\n`);
    },
    done(n, extra) {
      err.write(`${err.isTTY ? '\r' : ''}${line(n, extra)}${err.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}

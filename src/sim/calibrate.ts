/**
 * Calibration of the appliance model on the real data sets in the shared data folder. Run
 * `npx tsx src/sim/calibrate.ts [dataDir]` to print the figures; the constants in
 * `model/appliances.ts` were derived from this output (see docs/simulator.md).
 */
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.ts';
import { wallClock } from '../util/time/index.ts';

/** Figures of one power series sampled on a regular grid (W). */
export interface PowerFigures {
  /** Mean power over all samples, W. */
  meanW: number;
  /** Mean energy per day, kWh. */
  dailyKwh: number;
  /** Fraction of samples above the on threshold. */
  duty: number;
  /** Median power while on, W. */
  onMedianW: number;
  /** 97th percentile of all samples, W. */
  p97W: number;
  /** Largest sample, W. */
  maxW: number;
  /** Switch-ons per day (off -> on transitions after at least `minOffS` off). */
  usesPerDay: number;
  /** Mean length of one on period, minutes. */
  runMinutes: number;
}

/** Figures of one hourly energy series (AMPds circuits). */
export interface HourlyFigures {
  dailyKwh: number;
  /** Fraction of hours with more than 10 % of the p97 hour's energy. */
  activeHours: number;
  p97Wh: number;
  maxWh: number;
}

/** Everything `calibrate` measures. */
export interface CalibrationReport {
  ampds?: {
    days: number;
    circuits: Record<string, HourlyFigures>;
    /** Whole-house (WHE) mean energy per local hour of day, divided by the overall mean (24 values). */
    hourShape: number[];
    /** Mean daily WHE energy per calendar month (1..12), kWh. */
    monthlyDailyKwh: number[];
  };
  redd3?: { days: number; circuits: Record<string, PowerFigures> };
  redd1?: { mainsMeanW: number; mainsP3W: number; mainsP97W: number };
  refit?: Record<string, Record<string, PowerFigures>>;
}

/** Accumulates a regular power series into {@link PowerFigures}. */
class PowerStats {
  private values: number[] = [];
  private onCount = 0;
  private onSum: number[] = [];
  private runs = 0;
  private runSamples = 0;
  private offRun = Infinity;
  private on = false;
  constructor(
    private readonly stepS: number,
    private readonly thresholdW: number,
    private readonly minOffS: number,
  ) {}
  add(w: number): void {
    this.values.push(w);
    if (w > this.thresholdW) {
      this.onCount++;
      this.onSum.push(w);
      if (!this.on && this.offRun * this.stepS >= this.minOffS) this.runs++;
      if (!this.on && this.offRun * this.stepS < this.minOffS) this.runSamples += this.offRun;
      this.on = true;
      this.offRun = 0;
      this.runSamples++;
    } else {
      this.on = false;
      this.offRun++;
    }
  }
  figures(): PowerFigures {
    const n = this.values.length;
    const sorted = Float64Array.from(this.values).sort();
    const onSorted = Float64Array.from(this.onSum).sort();
    const mean = this.values.reduce((a, b) => a + b, 0) / Math.max(1, n);
    const days = (n * this.stepS) / 86400;
    return {
      meanW: mean,
      dailyKwh: (mean * 24) / 1000,
      duty: this.onCount / Math.max(1, n),
      onMedianW: onSorted[Math.floor(onSorted.length / 2)] ?? 0,
      p97W: sorted[Math.floor(0.97 * (n - 1))] ?? 0,
      maxW: sorted[n - 1] ?? 0,
      usesPerDay: this.runs / Math.max(days, 1e-9),
      runMinutes: this.runs ? (this.runSamples * this.stepS) / 60 / this.runs : 0,
    };
  }
}

async function* lines(path: string): AsyncGenerator<string> {
  const input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  yield* createInterface({ input, crlfDelay: Infinity });
}

function num(s: string | undefined, file: string, line: number, field: string): number {
  const v = Number(s);
  if (s === undefined || s === '' || !Number.isFinite(v)) {
    throw new InputError(`expected a number, got '${s ?? ''}'`, { file, line, field });
  }
  return v;
}

async function ampds(file: string): Promise<NonNullable<CalibrationReport['ampds']>> {
  let header: string[] = [];
  const cols: number[][] = [];
  const hourSum = new Float64Array(24);
  const hourN = new Float64Array(24);
  const monthSum = new Float64Array(12);
  const monthHours = new Float64Array(12);
  let lineNo = 0;
  // AMPds is in Burnaby, BC; local hour of day follows America/Vancouver.
  const clock = wallClock('America/Vancouver');
  for await (const line of lines(file)) {
    lineNo++;
    const f = line.split(',');
    if (lineNo === 1) {
      header = f;
      for (let i = 0; i < f.length; i++) cols.push([]);
      continue;
    }
    for (let i = 1; i < f.length; i++) cols[i]?.push(num(f[i], file, lineNo, header[i] ?? `column ${i}`));
    const local = clock.fields(num(f[0], file, lineNo, 'TimeStamp') * 1000);
    const hour = local.hour;
    const month = local.month - 1;
    const whe = num(f[header.indexOf('WHE')], file, lineNo, 'WHE');
    hourSum[hour] = (hourSum[hour] ?? 0) + whe;
    hourN[hour] = (hourN[hour] ?? 0) + 1;
    monthSum[month] = (monthSum[month] ?? 0) + whe;
    monthHours[month] = (monthHours[month] ?? 0) + 1;
  }
  const hours = lineNo - 1;
  const circuits: Record<string, HourlyFigures> = {};
  for (let i = 1; i < header.length; i++) {
    const v = Float64Array.from(cols[i] ?? []).sort();
    const p97 = v[Math.floor(0.97 * (v.length - 1))] ?? 0;
    const total = v.reduce((a, b) => a + b, 0);
    circuits[header[i] ?? `c${i}`] = {
      dailyKwh: total / 1000 / (hours / 24),
      activeHours: v.filter((x) => x > 0.1 * p97 && x > 5).length / v.length,
      p97Wh: p97,
      maxWh: v[v.length - 1] ?? 0,
    };
  }
  const hourMeans = Array.from(hourSum, (s, h) => s / (hourN[h] ?? 1));
  const mean = hourMeans.reduce((a, b) => a + b, 0) / 24;
  return {
    days: hours / 24,
    circuits,
    hourShape: hourMeans.map((m) => m / mean),
    monthlyDailyKwh: Array.from(monthSum, (s, m) => (s / (monthHours[m] ?? 1)) * 0.024),
  };
}

async function redd3(file: string): Promise<NonNullable<CalibrationReport['redd3']>> {
  let header: string[] = [];
  let stats: PowerStats[] = [];
  let lineNo = 0;
  let lastS = 0;
  for await (const line of lines(file)) {
    lineNo++;
    const f = line.split(',');
    if (lineNo === 1) {
      header = f;
      stats = f.map((name) => new PowerStats(3, name === 'mains' ? 0 : 15, 60));
      continue;
    }
    lastS = num(f[0], file, lineNo, 'seconds');
    for (let i = 1; i < header.length; i++)
      stats[i]?.add(num(f[i], file, lineNo, header[i] ?? `column ${i}`));
  }
  const circuits: Record<string, PowerFigures> = {};
  for (let i = 1; i < header.length; i++) circuits[header[i] ?? `c${i}`] = (stats[i] as PowerStats).figures();
  return { days: lastS / 86400, circuits };
}

async function redd1(file: string): Promise<NonNullable<CalibrationReport['redd1']>> {
  const v: number[] = [];
  let lineNo = 0;
  for await (const line of lines(file)) {
    lineNo++;
    if (lineNo === 1) continue;
    const f = line.split(',');
    v.push(num(f[1], file, lineNo, '1 mains') + num(f[2], file, lineNo, '2 mains'));
  }
  const s = Float64Array.from(v).sort();
  return {
    mainsMeanW: v.reduce((a, b) => a + b, 0) / v.length,
    mainsP3W: s[Math.floor(0.03 * (s.length - 1))] ?? 0,
    mainsP97W: s[Math.floor(0.97 * (s.length - 1))] ?? 0,
  };
}

async function refit(dir: string, only?: RegExp): Promise<NonNullable<CalibrationReport['refit']>> {
  const out: Record<string, Record<string, PowerFigures>> = {};
  const files = readdirSync(dir)
    .filter((f) => /^REFIT_House\d+_\d{4}-\d{2}\.csv\.gz$/.test(f) && (!only || only.test(f)))
    .sort();
  const byHouse = new Map<string, string[]>();
  for (const f of files) {
    const house = f.split('_')[1] as string;
    byHouse.set(house, [...(byHouse.get(house) ?? []), f]);
  }
  for (const [house, hf] of byHouse) {
    let header: string[] = [];
    let stats: PowerStats[] = [];
    for (const f of hf) {
      let lineNo = 0;
      for await (const line of lines(join(dir, f))) {
        lineNo++;
        const cells = line.split(',');
        if (lineNo === 1) {
          if (!stats.length) {
            header = cells;
            stats = cells.map((name) => new PowerStats(30, name === 'Aggregate' ? 0 : 20, 300));
          }
          continue;
        }
        // Months that are all zero are missing data (see data/README.md): skip zero aggregate rows.
        const agg = num(cells[1], f, lineNo, 'Aggregate');
        if (agg <= 0) continue;
        for (let i = 1; i < header.length; i++)
          stats[i]?.add(num(cells[i], f, lineNo, header[i] ?? `column ${i}`));
      }
    }
    out[house] = {};
    for (let i = 1; i < header.length; i++)
      out[house][header[i] ?? `c${i}`] = (stats[i] as PowerStats).figures();
  }
  return out;
}

/** Reads whichever of the calibration files exist under `dataDir` and measures them. */
export async function calibrate(
  dataDir: string,
  opts: { refit?: boolean; /** Only REFIT files whose name matches. */ refitFiles?: RegExp } = {},
): Promise<CalibrationReport> {
  const report: CalibrationReport = {};
  const a = join(dataDir, 'ampds', 'AMPdsR1_1hr_Wh.csv');
  if (existsSync(a)) report.ampds = await ampds(a);
  const r3 = join(dataDir, 'redd', 'house_3_relative_3s.csv.gz');
  if (existsSync(r3)) report.redd3 = await redd3(r3);
  const r1 = join(dataDir, 'redd', 'house_1_2011-05-01_mains.csv');
  if (existsSync(r1)) report.redd1 = await redd1(r1);
  const rf = join(dataDir, 'refit');
  if ((opts.refit ?? true) && existsSync(rf)) report.refit = await refit(rf, opts.refitFiles);
  return report;
}

function round(v: unknown): unknown {
  if (typeof v === 'number') return Math.round(v * 1000) / 1000;
  if (Array.isArray(v)) return v.map(round);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
  return v;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2] ?? process.env['LOADSCOPE_DATA_DIR'] ?? '../shared/data';
  process.stdout.write(JSON.stringify(round(await calibrate(dir)), null, 1) + '\n');
}

/**
 * The linking half of the Green Button reader: files closed Atom entries (UsagePoint, MeterReading,
 * ReadingType, LocalTimeParameters, IntervalBlock) and emits an IntervalBlock's readings once its
 * MeterReading and ReadingType are known. Entries are linked by their Atom `self` / `up` / `related`
 * hrefs: an IntervalBlock belongs to the MeterReading whose href prefixes its own, the MeterReading
 * names its ReadingType, and the UsagePoint (one meter each) gives the service kind.
 */
import type { FormatContext } from '../format.ts';
import { OUT_OF_RANGE, overflowMessage } from '../numbers.ts';
import { TS_MAX, TS_MIN } from '../time.ts';
import { kindFromText, looksLikeAddress } from '../naming.ts';
import { ESPI_SERVICE, ESPI_UOM, espiChannelLabel, espiMeasurement, zoneFromLocalTime } from './espi.ts';

/** A ReadingType's fields that matter for values. */
export interface ReadingType {
  uom?: number;
  pow10?: number;
  intervalLength?: number;
  accumulation?: number;
  /** 1 forward (delivered to the customer), 19 reverse (received from the customer: export). */
  flowDirection?: number;
}

/** Interval readings of one IntervalBlock entry, columnar, waiting to be emitted. */
export interface Pending {
  meterReading: string;
  usagePoint: string;
  start: number[];
  duration: number[];
  value: number[];
  quality: number[];
  line: number[];
  raw: string[];
}

/** One Atom entry as the parser collected it. */
export interface EntryState {
  links: { rel: string; href: string }[];
  /** Local name of the ESPI element inside `content` (UsagePoint, IntervalBlock, ...). */
  kind: string | null;
  title: string;
  /** ESPI leaf values by `parent/name`, e.g. `ReadingType/uom`. */
  fields: Record<string, string>;
  block: Pending;
}

/** An empty block. */
export function newBlock(): Pending {
  return {
    meterReading: '',
    usagePoint: '',
    start: [],
    duration: [],
    value: [],
    quality: [],
    line: [],
    raw: [],
  };
}

const last = (href: string): string => href.replace(/\/+$/, '').split('/').pop() ?? href;
const parent = (href: string, segment: string): string => {
  const i = href.lastIndexOf(`/${segment}`);
  return i < 0 ? '' : href.slice(0, i);
};
/** A number from element text; undefined when empty. */
export const num = (s: string | undefined): number | undefined =>
  s === undefined || s.trim() === '' ? undefined : Number(s);

/** The entries of one feed and the blocks still waiting for their reading type. */
export class EspiFeed {
  private readonly usagePoints = new Map<string, { kind?: number; title: string }>();
  /** MeterReading href -> its ReadingType href and the entry's title. */
  private readonly meterReadings = new Map<string, { readingType: string; title: string }>();
  private readonly readingTypes = new Map<string, ReadingType>();
  private waiting: Pending[] = [];
  /** True once a usage point's title named the facility. */
  private named = false;

  constructor(private readonly ctx: FormatContext) {}

  /** At the end of the feed: emits or rejects every block still waiting. */
  finish(): void {
    for (const b of this.waiting) this.tryEmit(b, true);
    this.waiting = [];
  }

  private hrefOf(e: EntryState, rel: string): string {
    return e.links.find((l) => l.rel === rel)?.href ?? '';
  }

  /** Files a closed entry; emits the blocks whose reading type is known now. */
  closeEntry(e: EntryState): void {
    const self = this.hrefOf(e, 'self');
    const f = e.fields;
    switch (e.kind) {
      case 'UsagePoint':
        this.usagePoints.set(self, { kind: num(f['ServiceCategory/kind']), title: e.title });
        this.nameFacility(e.title.trim());
        break;
      case 'MeterReading': {
        const rt = e.links.find((l) => l.rel === 'related' && /ReadingType/.test(l.href));
        this.meterReadings.set(self, { readingType: rt?.href ?? '', title: e.title.trim() });
        break;
      }
      case 'ReadingType':
        this.readingTypes.set(self, {
          uom: num(f['ReadingType/uom']),
          pow10: num(f['ReadingType/powerOfTenMultiplier']),
          intervalLength: num(f['ReadingType/intervalLength']),
          accumulation: num(f['ReadingType/accumulationBehaviour']),
          flowDirection: num(f['ReadingType/flowDirection']),
        });
        break;
      case 'LocalTimeParameters': {
        const zone = zoneFromLocalTime({
          tzOffset: num(f['LocalTimeParameters/tzOffset']),
          dstOffset: num(f['LocalTimeParameters/dstOffset']),
          dstStartRule: f['LocalTimeParameters/dstStartRule'],
          dstEndRule: f['LocalTimeParameters/dstEndRule'],
        });
        if (zone && !this.ctx.opts.tz) this.ctx.catalog.facility.timeZone = zone;
        break;
      }
      case 'IntervalBlock': {
        const b = e.block;
        const href = self || this.hrefOf(e, 'up');
        b.meterReading = parent(href, 'IntervalBlock');
        b.usagePoint = parent(b.meterReading, 'MeterReading');
        if (b.start.length) this.waiting.push(b);
        break;
      }
      default:
    }
    this.waiting = this.waiting.filter((b) => !this.tryEmit(b, false));
  }

  /**
   * The first usage point's title names a facility this import creates (unless the user named it):
   * a street address is its address too, and words like "Multi-Family" give its kind.
   */
  private nameFacility(title: string): void {
    const f = this.ctx.catalog.facility;
    if (!title || this.named) return;
    this.named = true;
    if (looksLikeAddress(title) && !f.address) f.address = title;
    if (!f.chosen) f.name = title;
    const kind = kindFromText(title);
    if (kind && !f.explicit.has('kind') && f.kind === 'unknown') f.kind = kind;
  }

  private findType(mr: string): ReadingType | undefined {
    const href = this.meterReadings.get(mr)?.readingType;
    if (href === undefined) return undefined;
    return (
      this.readingTypes.get(href) ??
      [...this.readingTypes].find(
        ([k]) => last(k) === last(href) && k.endsWith(href.replace(/^.*?(ReadingType)/, '$1')),
      )?.[1]
    );
  }

  private rejectAll(b: Pending, field: string, reason: string, message: string): void {
    for (let i = 0; i < b.start.length; i++)
      this.ctx.rejects.reject(b.line[i]!, field, reason, message, b.raw[i]!);
  }

  /** Emits a block's readings when its reading type is known; at the end of the feed, rejects it otherwise. */
  private tryEmit(b: Pending, final: boolean): boolean {
    const rt = this.findType(b.meterReading);
    if (!rt) {
      if (final)
        this.rejectAll(
          b,
          'ReadingType',
          'unknown-reading-type',
          `no MeterReading/ReadingType found for IntervalBlock of '${b.meterReading || '(no link)'}'`,
        );
      return final;
    }
    const up = this.usagePoints.get(b.usagePoint);
    const uom = rt.uom === undefined ? undefined : ESPI_UOM[rt.uom];
    if (!uom) {
      this.rejectAll(
        b,
        'uom',
        'unknown-unit',
        rt.uom === undefined
          ? 'the ReadingType has no uom'
          : `unknown ESPI uom ${rt.uom}; known: ${Object.entries(ESPI_UOM)
              .map(([k, v]) => `${k}=${v.name}`)
              .join(', ')}`,
      );
      return true;
    }
    let service = up?.kind === undefined ? undefined : ESPI_SERVICE[up.kind];
    if (up?.kind === undefined)
      service =
        uom.unit === 'Wh' || uom.unit === 'W' ? 'electricity' : uom.unit === 'therm' ? 'gas' : undefined;
    if (!service) {
      this.rejectAll(
        b,
        'ServiceCategory/kind',
        'unsupported-service',
        `service kind ${up?.kind ?? '(missing)'} is not electricity (0), gas (1) or water (2)`,
      );
      return true;
    }
    const meter = `up-${last(b.usagePoint || 'unknown')}`;
    this.ctx.catalog.meter(meter, { serviceType: service });
    const scale = uom.factor * 10 ** (rt.pow10 ?? 0);
    const intervalMs = rt.intervalLength
      ? rt.intervalLength * 1000
      : Number.isFinite(b.duration[0])
        ? b.duration[0]! * 1000
        : null;
    const measurement = espiMeasurement(rt.accumulation, uom.unit);
    const channel = this.ctx.catalog.channel({
      meter,
      name: `mr-${last(b.meterReading || 'unknown')}`,
      label: espiChannelLabel({
        title: this.meterReadings.get(b.meterReading)?.title ?? '',
        service,
        measurement,
        intervalMs,
        reverse: rt.flowDirection === 19,
      }),
      // Energy received from the customer is the export register, not a second whole-building draw.
      isMains: rt.flowDirection !== 19,
      appliance: null,
      measurement,
      unit: uom.unit,
      intervalMs,
    });
    for (let i = 0; i < b.start.length; i++) {
      const ts = Math.round(b.start[i]! * 1000);
      if (!Number.isFinite(ts))
        this.ctx.rejects.reject(
          b.line[i]!,
          'timePeriod/start',
          'bad-timestamp',
          'expected unix seconds in timePeriod/start',
          b.raw[i]!,
        );
      else if (!(ts >= TS_MIN && ts < TS_MAX))
        this.ctx.rejects.reject(
          b.line[i]!,
          'timePeriod/start',
          'timestamp-out-of-range',
          `start ${b.start[i]} is outside 1970..2100`,
          b.raw[i]!,
        );
      else if (!Number.isFinite(b.value[i]!))
        this.ctx.rejects.reject(
          b.line[i]!,
          'value',
          'not-a-number',
          'expected a number in IntervalReading/value',
          b.raw[i]!,
        );
      else if (!Number.isFinite(b.value[i]! * scale))
        // powerOfTenMultiplier 400 makes the scale itself Infinity: each reading is quarantined, the
        // other blocks of the feed still land.
        this.ctx.rejects.reject(
          b.line[i]!,
          'value',
          OUT_OF_RANGE,
          overflowMessage(b.value[i]!, `${uom.factor} x 10^${rt.pow10 ?? 0} (powerOfTenMultiplier)`),
          b.raw[i]!,
        );
      else this.ctx.out.push(channel, ts, b.value[i]! * scale, b.quality[i]);
    }
    return true;
  }
}

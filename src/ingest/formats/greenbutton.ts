/**
 * Green Button ESPI Atom feeds, streamed with saxes. Entries are linked by their Atom `self` / `up` /
 * `related` hrefs: an IntervalBlock belongs to the MeterReading whose href prefixes its own, the
 * MeterReading names its ReadingType, and the UsagePoint (one meter each) gives the service kind.
 * Readings of an entry are held until the entry closes (its links may follow the content); blocks
 * whose ReadingType has not been seen yet wait until it appears or the feed ends.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { InputError } from '../../errors.ts';
import type { Format } from '../format.ts';
import { TS_MAX, TS_MIN } from '../time.ts';
import { ESPI_SERVICE, ESPI_UOM, espiMeasurement, zoneFromLocalTime } from './espi.ts';

const ATOM = 'http://www.w3.org/2005/Atom';
const ESPI = 'http://naesb.org/espi';

interface ReadingType {
  uom?: number;
  pow10?: number;
  intervalLength?: number;
  accumulation?: number;
}

interface Pending {
  meterReading: string;
  usagePoint: string;
  start: number[];
  duration: number[];
  value: number[];
  quality: number[];
  line: number[];
  raw: string[];
}

interface EntryState {
  links: { rel: string; href: string }[];
  kind: string | null;
  title: string;
  fields: Record<string, string>;
  block: Pending;
}

const last = (href: string): string => href.replace(/\/+$/, '').split('/').pop() ?? href;
const parent = (href: string, segment: string): string => {
  const i = href.lastIndexOf(`/${segment}`);
  return i < 0 ? '' : href.slice(0, i);
};
const num = (s: string | undefined): number | undefined =>
  s === undefined || s.trim() === '' ? undefined : Number(s);

/** The Green Button ESPI XML format. */
export const greenbutton: Format = {
  async run(ctx, source) {
    const parser = new SaxesParser({ xmlns: true, fileName: ctx.file });
    const usagePoints = new Map<string, { kind?: number; title: string }>();
    const meterReadings = new Map<string, string>();
    const readingTypes = new Map<string, ReadingType>();
    let waiting: Pending[] = [];
    let sawRoot = false;
    let sawEspi = false;
    let entry: EntryState | null = null;
    let text = '';
    const path: string[] = [];
    let reading: Record<string, string> | null = null;
    let readingLine = 0;

    const newBlock = (): Pending => ({
      meterReading: '',
      usagePoint: '',
      start: [],
      duration: [],
      value: [],
      quality: [],
      line: [],
      raw: [],
    });

    parser.on('opentag', (tag: SaxesTagNS) => {
      if (!sawRoot) {
        sawRoot = true;
        if (!((tag.local === 'feed' || tag.local === 'entry') && (tag.uri === ATOM || tag.uri === ESPI))) {
          throw new InputError(
            `not a Green Button ESPI feed: the root element is <${tag.name}> (${tag.uri || 'no namespace'}), expected an Atom <feed>`,
            { file: ctx.file, line: parser.line },
          );
        }
      }
      if (tag.uri === ESPI) sawEspi = true;
      path.push(tag.local);
      text = '';
      if (tag.local === 'entry' && tag.uri === ATOM)
        entry = { links: [], kind: null, title: '', fields: {}, block: newBlock() };
      else if (entry && tag.local === 'link' && tag.uri === ATOM) {
        entry.links.push({
          rel: String(tag.attributes['rel']?.value ?? ''),
          href: String(tag.attributes['href']?.value ?? ''),
        });
      } else if (entry && tag.uri === ESPI && path[path.length - 2] === 'content') entry.kind = tag.local;
      else if (tag.local === 'IntervalReading') {
        reading = {};
        readingLine = parser.line;
      }
    });
    parser.on('text', (t) => {
      text += t;
    });
    parser.on('closetag', (tag: SaxesTagNS) => {
      path.pop();
      const name = tag.local;
      if (!entry) return;
      const value = text.trim();
      text = '';
      if (reading) {
        const ctxName = path[path.length - 1];
        if (name === 'IntervalReading') {
          pushReading(entry.block, reading, readingLine);
          reading = null;
        } else if (ctxName === 'timePeriod' && (name === 'start' || name === 'duration'))
          reading[name] = value;
        else if (name === 'value' && ctxName === 'IntervalReading') reading['value'] = value;
        else if (name === 'quality') reading['quality'] = value;
        return;
      }
      if (name === 'title' && tag.uri === ATOM) entry.title = value;
      else if (tag.uri === ESPI && value !== '') entry.fields[`${path[path.length - 1]}/${name}`] = value;
      if (name === 'entry' && tag.uri === ATOM) {
        closeEntry(entry);
        entry = null;
      }
    });

    const pushReading = (b: Pending, r: Record<string, string>, line: number): void => {
      ctx.rows++;
      b.start.push(num(r['start']) ?? NaN);
      b.duration.push(num(r['duration']) ?? NaN);
      b.value.push(r['value'] === undefined || r['value'] === '' ? NaN : Number(r['value']));
      b.quality.push(Math.min(3, Math.max(0, num(r['quality']) ?? 0)) || 0);
      b.line.push(line);
      b.raw.push(JSON.stringify(r));
    };

    const hrefOf = (e: EntryState, rel: string): string => e.links.find((l) => l.rel === rel)?.href ?? '';

    const closeEntry = (e: EntryState): void => {
      const self = hrefOf(e, 'self');
      const f = e.fields;
      switch (e.kind) {
        case 'UsagePoint':
          usagePoints.set(self, { kind: num(f['ServiceCategory/kind']), title: e.title });
          if (e.title && !ctx.catalog.facility.address) ctx.catalog.facility.address = e.title;
          break;
        case 'MeterReading': {
          const rt = e.links.find((l) => l.rel === 'related' && /ReadingType/.test(l.href));
          meterReadings.set(self, rt?.href ?? '');
          break;
        }
        case 'ReadingType':
          readingTypes.set(self, {
            uom: num(f['ReadingType/uom']),
            pow10: num(f['ReadingType/powerOfTenMultiplier']),
            intervalLength: num(f['ReadingType/intervalLength']),
            accumulation: num(f['ReadingType/accumulationBehaviour']),
          });
          break;
        case 'LocalTimeParameters': {
          const zone = zoneFromLocalTime({
            tzOffset: num(f['LocalTimeParameters/tzOffset']),
            dstOffset: num(f['LocalTimeParameters/dstOffset']),
            dstStartRule: f['LocalTimeParameters/dstStartRule'],
            dstEndRule: f['LocalTimeParameters/dstEndRule'],
          });
          if (zone && !ctx.opts.tz) ctx.catalog.facility.timeZone = zone;
          break;
        }
        case 'IntervalBlock': {
          const b = e.block;
          const href = self || hrefOf(e, 'up');
          b.meterReading = parent(href, 'IntervalBlock');
          b.usagePoint = parent(b.meterReading, 'MeterReading');
          if (b.start.length) waiting.push(b);
          break;
        }
        default:
      }
      waiting = waiting.filter((b) => !tryEmit(b, false));
    };

    const findType = (mr: string): ReadingType | undefined => {
      const href = meterReadings.get(mr);
      if (href === undefined) return undefined;
      return (
        readingTypes.get(href) ??
        [...readingTypes].find(
          ([k]) => last(k) === last(href) && k.endsWith(href.replace(/^.*?(ReadingType)/, '$1')),
        )?.[1]
      );
    };

    const rejectAll = (b: Pending, field: string, reason: string, message: string): void => {
      for (let i = 0; i < b.start.length; i++)
        ctx.rejects.reject(b.line[i]!, field, reason, message, b.raw[i]!);
    };

    /** Emits a block's readings when its reading type is known; at the end of the feed, rejects it otherwise. */
    const tryEmit = (b: Pending, final: boolean): boolean => {
      const rt = findType(b.meterReading);
      if (!rt) {
        if (final)
          rejectAll(
            b,
            'ReadingType',
            'unknown-reading-type',
            `no MeterReading/ReadingType found for IntervalBlock of '${b.meterReading || '(no link)'}'`,
          );
        return final;
      }
      const up = usagePoints.get(b.usagePoint);
      const uom = rt.uom === undefined ? undefined : ESPI_UOM[rt.uom];
      if (!uom) {
        rejectAll(
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
        rejectAll(
          b,
          'ServiceCategory/kind',
          'unsupported-service',
          `service kind ${up?.kind ?? '(missing)'} is not electricity (0), gas (1) or water (2)`,
        );
        return true;
      }
      const meter = `up-${last(b.usagePoint || 'unknown')}`;
      ctx.catalog.meter(meter, { serviceType: service });
      const scale = uom.factor * 10 ** (rt.pow10 ?? 0);
      const channel = ctx.catalog.channel({
        meter,
        name: `mr-${last(b.meterReading || 'unknown')}`,
        isMains: true,
        appliance: null,
        measurement: espiMeasurement(rt.accumulation, uom.unit),
        unit: uom.unit,
        intervalMs: rt.intervalLength
          ? rt.intervalLength * 1000
          : Number.isFinite(b.duration[0])
            ? b.duration[0]! * 1000
            : null,
      });
      for (let i = 0; i < b.start.length; i++) {
        const ts = Math.round(b.start[i]! * 1000);
        if (!Number.isFinite(ts))
          ctx.rejects.reject(
            b.line[i]!,
            'timePeriod/start',
            'bad-timestamp',
            'expected unix seconds in timePeriod/start',
            b.raw[i]!,
          );
        else if (!(ts >= TS_MIN && ts < TS_MAX))
          ctx.rejects.reject(
            b.line[i]!,
            'timePeriod/start',
            'timestamp-out-of-range',
            `start ${b.start[i]} is outside 1970..2100`,
            b.raw[i]!,
          );
        else if (!Number.isFinite(b.value[i]!))
          ctx.rejects.reject(
            b.line[i]!,
            'value',
            'not-a-number',
            'expected a number in IntervalReading/value',
            b.raw[i]!,
          );
        else ctx.out.push(channel, ts, b.value[i]! * scale, b.quality[i]!);
      }
      return true;
    };

    const decoder = new StringDecoder('utf8');
    let broken: string | null = null;
    const feed = (s: string | null): void => {
      if (broken) return;
      try {
        if (s === null) parser.close();
        else parser.write(s);
      } catch (err) {
        if (err instanceof InputError) throw err;
        broken = err instanceof Error ? err.message : String(err);
      }
    };
    for await (const chunk of source!.chunks()) {
      feed(decoder.write(chunk));
      await ctx.out.drain();
      ctx.tick(source!.bytesRead());
      ctx.signal?.throwIfAborted();
      if (broken) break;
    }
    feed(decoder.end());
    feed(null);
    if (!sawRoot)
      throw new InputError('not a Green Button ESPI feed: the file has no XML element', { file: ctx.file });
    if (!sawEspi)
      throw new InputError(
        'not a Green Button ESPI feed: no element in the ESPI namespace (http://naesb.org/espi)',
        { file: ctx.file },
      );
    const srcErr = source!.error();
    if (broken || srcErr) {
      // The readings of the entry that was open when the data stopped are complete ones: keep them.
      if (entry !== null && (entry as EntryState).kind === 'IntervalBlock') closeEntry(entry);
      ctx.rejects.reject(
        parser.line,
        '',
        'truncated',
        `the XML stops being readable here (${srcErr ?? broken}); entries after this point are lost`,
        '',
      );
    }
    for (const b of waiting) tryEmit(b, true);
    waiting = [];
  },
};

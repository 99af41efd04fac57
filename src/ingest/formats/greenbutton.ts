/**
 * Green Button ESPI Atom feeds, streamed with saxes: this half collects each Atom entry (links, ESPI
 * leaf values, interval readings) and hands it to {@link EspiFeed} when it closes. Readings of an
 * entry are held until the entry closes (its links may follow the content); blocks whose ReadingType
 * has not been seen yet wait until it appears or the feed ends.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { InputError } from '../../errors.ts';
import type { Format } from '../format.ts';
import { type EntryState, EspiFeed, newBlock, num, type Pending } from './espi-feed.ts';

const ATOM = 'http://www.w3.org/2005/Atom';
const ESPI = 'http://naesb.org/espi';

/** The Green Button ESPI XML format. */
export const greenbutton: Format = {
  async run(ctx, source) {
    const parser = new SaxesParser({ xmlns: true, fileName: ctx.file });
    const feedState = new EspiFeed(ctx);
    let sawRoot = false;
    let sawEspi = false;
    let entry: EntryState | null = null;
    let text = '';
    const path: string[] = [];
    let reading: Record<string, string> | null = null;
    let readingLine = 0;

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
        feedState.closeEntry(entry);
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
      if (entry !== null && (entry as EntryState).kind === 'IntervalBlock') feedState.closeEntry(entry);
      ctx.rejects.reject(
        parser.line,
        '',
        'truncated',
        `the XML stops being readable here (${srcErr ?? broken}); entries after this point are lost`,
        '',
      );
    }
    feedState.finish();
  },
};

/**
 * The XML half of the Green Button reader, free of the import context so that it can run in a worker
 * thread: saxes events in, closed Atom entries out. Each entry collects its links, ESPI leaf values
 * and interval readings; the linking half ({@link EspiFeed}) runs where the store is.
 *
 * Nesting and text are limited: saxes resolves namespaces by walking up the open elements, so 40,000
 * nested elements (a 280 kB upload) cost about 84 s; ESPI nests seven deep, so 64 is ample.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { type EntryState, newBlock, num, type Pending } from './espi-feed.ts';

const ATOM = 'http://www.w3.org/2005/Atom';
const ESPI = 'http://naesb.org/espi';

/** Deepest element nesting accepted. */
export const XML_MAX_DEPTH = 64;
/** Longest text of one element, characters (ESPI leaves are numbers and short titles). */
export const XML_MAX_TEXT = 1 << 20;

/** A problem that ends the parse: what was wrong, and the line of the XML. */
export interface EspiProblem {
  message: string;
  line: number;
}

/** Thrown through saxes by the handlers below and caught by {@link EspiSax.write}. */
class Stop extends Error {
  constructor(readonly problem: EspiProblem) {
    super(problem.message);
  }
}

/** State of one streamed feed. */
export class EspiSax {
  private readonly parser: SaxesParser<{ xmlns: true; fileName: string }>;
  sawRoot = false;
  sawEspi = false;
  /** Interval readings read so far. */
  rows = 0;
  /** The entry open when the parse stopped (its complete readings are kept for a cut file). */
  entry: EntryState | null = null;
  /** Why the XML stopped being readable (a well-formedness error), or null. */
  broken: string | null = null;
  private text = '';
  private readonly path: string[] = [];
  private reading: Record<string, string> | null = null;
  private readingLine = 0;

  /** `onEntry` gets every Atom entry when it closes. */
  constructor(
    fileName: string,
    private readonly onEntry: (e: EntryState) => void,
  ) {
    this.parser = new SaxesParser({ xmlns: true, fileName });
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('text', (t) => {
      this.text += t;
      if (this.text.length > XML_MAX_TEXT)
        this.stop(`an element's text is longer than ${XML_MAX_TEXT} characters; ESPI values are short`);
    });
    // CDATA is text too: <value><![CDATA[200]]></value> is the value 200.
    this.parser.on('cdata', (t) => {
      this.text += t;
      if (this.text.length > XML_MAX_TEXT)
        this.stop(`an element's text is longer than ${XML_MAX_TEXT} characters; ESPI values are short`);
    });
    this.parser.on('closetag', (tag) => this.close(tag));
  }

  /** Line of the XML being read. */
  get line(): number {
    return this.parser.line;
  }

  /**
   * Feeds text (`null` ends the document). Returns a problem that makes the file unusable (not ESPI,
   * nested too deep, text too long); a well-formedness error only sets {@link broken}, since the
   * entries before it are good.
   */
  write(s: string | null): EspiProblem | undefined {
    if (this.broken) return undefined;
    try {
      if (s === null) this.parser.close();
      else this.parser.write(s);
    } catch (err) {
      if (err instanceof Stop) return err.problem;
      this.broken = err instanceof Error ? err.message : String(err);
    }
    return undefined;
  }

  private stop(message: string): never {
    throw new Stop({ message, line: this.parser.line });
  }

  private open(tag: SaxesTagNS): void {
    if (!this.sawRoot) {
      this.sawRoot = true;
      if (!((tag.local === 'feed' || tag.local === 'entry') && (tag.uri === ATOM || tag.uri === ESPI)))
        this.stop(
          `not a Green Button ESPI feed: the root element is <${tag.name}> (${tag.uri || 'no namespace'}), expected an Atom <feed>`,
        );
    }
    if (this.path.length >= XML_MAX_DEPTH)
      this.stop(
        `elements nested deeper than ${XML_MAX_DEPTH} levels (<${tag.name}> inside <${this.path.slice(-3).join('><')}>); a Green Button feed nests about 7 deep`,
      );
    if (tag.uri === ESPI) this.sawEspi = true;
    const path = this.path;
    path.push(tag.local);
    this.text = '';
    const entry = this.entry;
    if (tag.local === 'entry' && tag.uri === ATOM)
      this.entry = { links: [], kind: null, title: '', fields: {}, block: newBlock() };
    else if (entry && tag.local === 'link' && tag.uri === ATOM) {
      entry.links.push({
        rel: String(tag.attributes['rel']?.value ?? ''),
        href: String(tag.attributes['href']?.value ?? ''),
      });
    } else if (entry && tag.uri === ESPI && path[path.length - 2] === 'content') entry.kind = tag.local;
    else if (tag.local === 'IntervalReading') {
      this.reading = {};
      this.readingLine = this.parser.line;
    }
  }

  private close(tag: SaxesTagNS): void {
    const path = this.path;
    path.pop();
    const name = tag.local;
    const entry = this.entry;
    if (!entry) return;
    const value = this.text.trim();
    this.text = '';
    const reading = this.reading;
    if (reading) {
      const parent = path[path.length - 1];
      if (name === 'IntervalReading') {
        this.push(entry.block, reading, this.readingLine);
        this.reading = null;
      } else if (parent === 'timePeriod' && (name === 'start' || name === 'duration')) reading[name] = value;
      else if (name === 'value' && parent === 'IntervalReading') reading['value'] = value;
      else if (name === 'quality') reading['quality'] = value;
      return;
    }
    if (name === 'title' && tag.uri === ATOM) entry.title = value;
    else if (tag.uri === ESPI && value !== '') entry.fields[`${path[path.length - 1]}/${name}`] = value;
    if (name === 'entry' && tag.uri === ATOM) {
      this.entry = null;
      this.onEntry(entry);
    }
  }

  private push(b: Pending, r: Record<string, string>, line: number): void {
    this.rows++;
    b.start.push(num(r['start']) ?? NaN);
    b.duration.push(num(r['duration']) ?? NaN);
    b.value.push(r['value'] === undefined || r['value'] === '' ? NaN : Number(r['value']));
    b.quality.push(Math.min(3, Math.max(0, num(r['quality']) ?? 0)) || 0);
    b.line.push(line);
    b.raw.push(JSON.stringify(r));
  }
}

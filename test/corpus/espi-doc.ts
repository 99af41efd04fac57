/**
 * Builds small Green Button ESPI feeds for tests: one electricity usage point, its MeterReading and
 * ReadingType, and one IntervalBlock of hourly readings. Parts can be swapped to make bad feeds.
 */

/** What {@link espiFeed} can vary. */
export interface EspiFeedParts {
  /** ReadingType/powerOfTenMultiplier; default 0. */
  pow10?: number | string;
  /** ReadingType/uom; default 72 (Wh). */
  uom?: number | string;
  /** IntervalReading values, one hour apart from 2024-01-01T00:00Z; default 100, 200, 300. */
  values?: (number | string)[];
  /** Extra XML put inside the IntervalBlock (before the readings). */
  blockExtra?: string;
}

/** An ESPI Atom feed as text. */
export function espiFeed(p: EspiFeedParts = {}): string {
  const values = p.values ?? [100, 200, 300];
  const readings = values
    .map(
      (v, i) =>
        `<IntervalReading><timePeriod><duration>3600</duration><start>${1704067200 + i * 3600}</start></timePeriod><value>${v}</value></IntervalReading>`,
    )
    .join('\n      ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <link rel="self" href="/espi/UsagePoint/1"/>
    <content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/UsagePoint/1/MeterReading/1"/>
    <link rel="related" href="/espi/ReadingType/1"/>
    <content><MeterReading xmlns="http://naesb.org/espi"/></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/ReadingType/1"/>
    <content><ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><intervalLength>3600</intervalLength><powerOfTenMultiplier>${p.pow10 ?? 0}</powerOfTenMultiplier><uom>${p.uom ?? 72}</uom></ReadingType></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/UsagePoint/1/MeterReading/1/IntervalBlock/1"/>
    <content><IntervalBlock xmlns="http://naesb.org/espi">${p.blockExtra ?? ''}
      ${readings}
    </IntervalBlock></content>
  </entry>
</feed>
`;
}

/**
 * A Green Button feed with a delivered and a received (flowDirection 19) reading type: the received
 * one is the export register, not a second mains, so the ordinary energy of the meter is what it
 * drew from the grid and the solar view still finds the export.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseSources } from '../../solar/roles.ts';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import { importFile } from '../import-file.ts';

function reading(n: number, flow: number, values: number[]): string {
  const rows = values
    .map(
      (v, i) =>
        `<IntervalReading><timePeriod><duration>3600</duration><start>${1717200000 + i * 3600}</start></timePeriod><value>${v}</value></IntervalReading>`,
    )
    .join('');
  return `
  <entry>
    <link rel="self" href="/espi/UsagePoint/1/MeterReading/${n}"/>
    <link rel="related" href="/espi/ReadingType/${n}"/>
    <content><MeterReading xmlns="http://naesb.org/espi"/></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/ReadingType/${n}"/>
    <content><ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><flowDirection>${flow}</flowDirection><intervalLength>3600</intervalLength><powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom></ReadingType></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/UsagePoint/1/MeterReading/${n}/IntervalBlock/1"/>
    <content><IntervalBlock xmlns="http://naesb.org/espi">${rows}</IntervalBlock></content>
  </entry>`;
}

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <link rel="self" href="/espi/UsagePoint/1"/>
    <content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content>
  </entry>${reading(1, 1, [500, 400, 100])}${reading(2, 19, [0, 300, 900])}
</feed>
`;

describe('Green Button export registers', () => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-espi-export-'));
    await writeFile(join(dir, 'net.xml'), FEED);
    await importFile(t.store, {
      path: join(dir, 'net.xml'),
      format: 'greenbutton',
      org: 'alpha',
      facility: 'pv-home',
      quarantineDir: dir,
    });
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the delivered reading as the mains and the received one as an export channel', async () => {
    const channels = await t.store.catalog.listChannels({ facilityId: 'pv-home' });
    expect(new Map(channels.map((c) => [c.name, c.isMains]))).toEqual(
      new Map([
        ['Electricity use, 1 h', true],
        ['Electricity use, 1 h, exported', false],
      ]),
    );
    const roles = chooseSources(channels);
    expect(roles.get('export')?.map((c) => c.name)).toEqual(['Electricity use, 1 h, exported']);
    expect(roles.get('net')?.map((c) => c.name)).toEqual(['Electricity use, 1 h']);
  });
});

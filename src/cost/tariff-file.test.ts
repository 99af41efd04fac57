/**
 * Tariff files and grid-intensity CSVs: bad input is refused with the file, the field (or line) and
 * what was expected.
 */
import { describe, expect, it } from 'vitest';
import { createFleet } from '../sim/fleet.ts';
import { parseIntensityCsv, readIntensityFile } from './intensity.ts';
import { parseTariffText, readTariffFile } from './tariff-file.ts';

const good = `
tariffs:
  - name: Home
    commodity: electricity
    currency: EUR
    validFrom: 2024-01-01
    energy: { kind: flat, rate: 0.3 }
`;

describe('tariff files', () => {
  it('reads YAML and JSON, filling the defaults', () => {
    const [t] = parseTariffText(good, 'a.yaml');
    expect(t).toMatchObject({ name: 'Home', unit: 'kWh', standingPerDay: 0, default: false });
    const json = JSON.stringify({ tariffs: [{ ...t, validFrom: '2025-01-01' }] });
    expect(parseTariffText(json, 'a.json')[0]!.validFrom).toBe('2025-01-01');
  });

  it.each([
    [good.replace('rate: 0.3', 'rate: -1'), 'tariffs[0].energy.rate', /0 or more/],
    [good.replace('2024-01-01', '2024-02-30'), 'tariffs[0].validFrom', /date that exists/],
    [good.replace('currency: EUR', 'currency: euro'), 'tariffs[0].currency', /ISO 4217/],
    [good.replace('kind: flat', 'kind: fixed'), 'tariffs[0].energy.kind', /flat|tou|tiered/],
    [good.replace('commodity: electricity', 'commodity: gas'), 'tariffs[0].unit', /m3, ft3, ccf, therm/],
    [
      good.replace(
        '{ kind: flat, rate: 0.3 }',
        '{ kind: tiered, tiers: [{ upTo: 100, rate: 0.1 }, { upTo: 50, rate: 0.2 }] }',
      ),
      'tariffs[0].energy.tiers[1].upTo',
      /the last tier has no upTo/,
    ],
    [
      good.replace(
        '{ kind: flat, rate: 0.3 }',
        '{ kind: tou, otherwise: 0.1, periods: [{ name: p, from: 20, to: 8, rate: 1 }] }',
      ),
      'tariffs[0].energy.periods[0].to',
      /after 'from'/,
    ],
  ])('refuses a bad field (%#)', (text, field, message) => {
    expect(() => parseTariffText(text, 'prices.yaml')).toThrow(`prices.yaml, field '${field}'`);
    expect(() => parseTariffText(text, 'prices.yaml')).toThrow(message);
  });

  it('refuses overlapping versions of one name, and YAML that does not parse', () => {
    const two = good + good.replace('tariffs:\n', '').replace('2024-01-01', '2024-06-01');
    expect(() => parseTariffText(two, 'p.yaml')).toThrow(/tariffs\[1\]\.validFrom.*overlaps tariffs\[0\]/);
    const adjoining =
      good.replace('    energy', '    validTo: 2024-06-01\n    energy') +
      two.split('tariffs:')[1]!.split('  - name')[2]!.replace(/^/, '  - name');
    expect(parseTariffText(adjoining, 'p.yaml')).toHaveLength(2);
    expect(() => parseTariffText('tariffs: [', 'p.yaml')).toThrow(/p\.yaml.*not valid YAML/);
  });
});

describe('grid-intensity CSV', () => {
  it('reads rows with * for every month, comments and blank lines', () => {
    const rows = parseIntensityCsv(
      '# a profile\nregion,month,hour,g_per_kwh\n\nR,*,0,200 # night\nR,7,18,310\n',
      'g.csv',
    );
    expect(rows).toEqual([
      { region: 'R', month: 0, hour: 0, gPerKwh: 200 },
      { region: 'R', month: 7, hour: 18, gPerKwh: 310 },
    ]);
  });

  it.each([
    ['region,hour,g\nR,0,1\n', /g\.csv:1: expected the header/],
    [
      'region,month,hour,g_per_kwh\nR,*,24,100\n',
      /g\.csv:2, field 'hour': expected a local hour 0-23, found '24'/,
    ],
    ['region,month,hour,g_per_kwh\nR,13,1,100\n', /g\.csv:2, field 'month'/],
    ['region,month,hour,g_per_kwh\nR,*,1,-5\n', /g\.csv:2, field 'g_per_kwh'/],
    ['region,month,hour,g_per_kwh\nR,*,1,5\nR,*,1,6\n', /g\.csv:3: R month \* hour 1 is given twice/],
    ['', /g\.csv: empty/],
  ])('refuses bad input (%#)', (text, message) => {
    expect(() => parseIntensityCsv(text, 'g.csv')).toThrow(message);
  });
});

describe('the example files in examples/tariffs', () => {
  it('price every tariff name the simulator gives its meters, and the profile names their region', async () => {
    const tariffs = await readTariffFile('examples/tariffs/con-edison.yaml');
    const fleet = createFleet({ seed: 1, meters: 400, businessShare: 0.3 });
    const simulated = new Set(fleet.meters.map((m) => m.tariff));
    expect(simulated.size).toBe(7);
    for (const name of simulated)
      expect(
        tariffs.some((t) => t.name === name),
        String(name),
      ).toBe(true);
    const regions = new Set(
      (await readIntensityFile('examples/tariffs/nyiso-intensity.csv')).map((r) => r.region),
    );
    for (const t of tariffs) if (t.region) expect(regions.has(t.region)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { parseExperiment, parsePeriod } from './experiment.ts';

const good = {
  name: 'x',
  samplePeriod: '30s',
  appliances: ['kettle'],
  methods: ['co', 'eventsig'],
  runs: [
    {
      name: 'r',
      train: [{ dataset: 'refit', house: 2, from: '2014-05-01', to: '2014-06-01' }],
      test: [{ dataset: 'store', facility: 'f1', from: '2014-05-01', to: '2014-06-01' }],
    },
  ],
};

describe('experiment files', () => {
  it('parses periods and defaults the metrics and on-threshold', () => {
    const e = parseExperiment(good);
    expect(e.periodMs).toBe(30_000);
    expect(e.metrics).toEqual(['mae', 'rmse', 'f1', 'nde', 'eae', 'feac']);
    expect(e.onThreshold).toBe(10);
    expect(parsePeriod('1min')).toBe(60_000);
    expect(parsePeriod(3000)).toBe(3000);
  });

  it('names the field that is wrong', () => {
    expect(() => parseExperiment({ ...good, methods: ['magic'] }, 'e.yaml')).toThrow(
      /e\.yaml, field 'methods\.0'/,
    );
    expect(() => parseExperiment({ ...good, samplePeriod: 'soon' }, 'e.yaml')).toThrow(
      /field 'samplePeriod'/,
    );
    const badRun = {
      ...good,
      runs: [
        { ...good.runs[0]!, train: [{ dataset: 'refit', house: 2, from: 'yesterday', to: '2014-06-01' }] },
      ],
    };
    expect(() => parseExperiment(badRun, 'e.yaml')).toThrow(/field 'runs\.0\.train\.0\.from'/);
  });
});

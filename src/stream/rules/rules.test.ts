import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { batchOf } from '../batch.ts';
import type { AlertSignal } from '../signals.ts';
import { createRuleEngine } from './engine.ts';
import { type PatternRule, parseRule } from '../../domain/rule-spec.ts';

const info = { orgId: 'o1', facilityId: 'f1', meterId: 'm1', isMains: true };

function engineWith(rules: unknown[], thresholds: Record<string, number> = {}) {
  const out: AlertSignal[] = [];
  const e = createRuleEngine({
    channelInfo: (id) => (id.startsWith('x') ? undefined : id === 'sub' ? { ...info, isMains: false } : info),
    threshold: (id, name) => thresholds[`${id}:${name}`],
    emit: (s) => out.push(s),
  });
  e.setRules(
    rules.map((r, i): PatternRule => ({
      ...parseRule(r),
      id: `r${i}`,
      orgId: 'o1',
      createdAt: 0,
      updatedAt: 0,
    })),
  );
  const feed = (channelId: string, values: number[], step = 1000, t0 = 0) =>
    e.process(batchOf(values.map((value, i) => ({ channelId, ts: t0 + i * step, value }))));
  return { e, out, feed };
}

describe('pattern rules', () => {
  it('validates rules and names the bad field', () => {
    expect(() => parseRule({ name: 'x', condition: { type: 'silent', for: 'soon' } })).toThrow(InputError);
    expect(() => parseRule({ name: 'x', condition: { type: 'above', for: '5m' } })).toThrow(
      /value or threshold/,
    );
    expect(() =>
      parseRule({
        name: 'x',
        condition: { type: 'count', n: 0, within: '1m', of: { type: 'silent', for: '1m' } },
      }),
    ).toThrow(/condition\.n/);
    expect(() => parseRule({ name: 'x', condition: { type: 'above', threshold: 'banana' } })).toThrow(
      /field 'condition\.threshold': expected a percentile threshold such as p97/,
    );
    expect(() => parseRule({ name: 'x', condition: { type: 'above', value: 'banana' } })).toThrow(
      /field 'condition\.value': expected a number/,
    );
    expect(parseRule({ name: 'ok', condition: { type: 'drop_to_zero' } })).toMatchObject({
      enabled: true,
      severity: 'warning',
      scope: {},
    });
  });

  it('sustained load above X for T fires once per episode', () => {
    const { out, feed } = engineWith([{ name: 'high', condition: { type: 'above', value: 100, for: '3s' } }]);
    feed('c', [200, 200, 200, 200, 200, 50, 200, 200, 200, 200]);
    expect(out.map((s) => s.ts)).toEqual([3000, 9000]);
  });

  it('above the p97 threshold times a factor', () => {
    const { out, feed } = engineWith(
      [{ name: 'p', condition: { type: 'above', threshold: 'p97', factor: 2 } }],
      { 'c:p97': 50 },
    );
    feed('c', [90, 110, 120]);
    expect(out).toHaveLength(1);
  });

  it('names the threshold the condition crossed (issue 14, item 1)', () => {
    const { out, feed } = engineWith(
      [
        { name: 'p', condition: { type: 'above', threshold: 'p97', factor: 2 } },
        { name: 'low', condition: { type: 'below', value: 10 } },
        {
          name: 'seq',
          condition: {
            type: 'sequence',
            within: '1m',
            of: [
              { type: 'above', value: 100 },
              { type: 'below', value: 20 },
            ],
          },
        },
      ],
      { 'c:p97': 50 },
    );
    feed('c', [90, 110, 5]);
    const by = new Map(out.map((s) => [s.rule, s]));
    expect(by.get('p')).toMatchObject({ value: 110, threshold: 100 });
    expect(by.get('low')).toMatchObject({ value: 5, threshold: 10 });
    expect(by.get('seq')).toMatchObject({ value: 5, threshold: 20 });
    expect(by.get('p')!.message((v) => `${v} W`)).toBe('rule p matched: value 110 W, threshold 100 W');
    const {
      e,
      out: silent,
      feed: feedQuiet,
    } = engineWith([{ name: 'quiet', condition: { type: 'silent', for: '5s' } }]);
    feedQuiet('c', [42]);
    e.tick(10_000);
    expect(silent[0]).toMatchObject({ threshold: null });
    expect(silent[0]!.message((v) => `${v} W`)).toBe('rule quiet matched: last value 42 W');
  });

  it('N warnings within T', () => {
    const rule = {
      name: 'three',
      condition: { type: 'count', n: 3, within: '10s', of: { type: 'above', value: 100 } },
    };
    const { out, feed } = engineWith([rule]);
    feed('c', [200, 0, 200, 0, 200, 0]); // three episodes within 5 s
    feed('d', [200, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 200], 1000); // spread over 15 s
    expect(out.map((s) => s.channelId)).toEqual(['c']);
  });

  it('meter silent for T fires on tick, once, and re-arms on the next reading', () => {
    const { e, out, feed } = engineWith([{ name: 'quiet', condition: { type: 'silent', for: '1m' } }]);
    feed('c', [1, 1]);
    e.tick(30_000);
    e.tick(61_000);
    e.tick(90_000);
    expect(out.map((s) => [s.rule, s.ts])).toEqual([['quiet', 61_000]]);
    feed('c', [1], 1000, 100_000);
    e.tick(200_000);
    expect(out).toHaveLength(2);
  });

  it('sudden drop to zero', () => {
    const { out, feed } = engineWith([{ name: 'drop', condition: { type: 'drop_to_zero', from: 100 } }]);
    feed('c', [500, 480, 0, 0, 50, 0]);
    expect(out.map((s) => s.ts)).toEqual([2000]);
  });

  it('sequence, all and any combinations, and scopes', () => {
    const { out, feed } = engineWith([
      {
        name: 'seq',
        scope: { mainsOnly: true },
        condition: {
          type: 'sequence',
          within: '10s',
          of: [
            { type: 'above', value: 100 },
            { type: 'drop_to_zero', from: 100 },
          ],
        },
      },
      {
        name: 'both',
        condition: {
          type: 'all',
          within: '5s',
          of: [
            { type: 'above', value: 100 },
            { type: 'below', value: 10 },
          ],
        },
      },
      {
        name: 'either',
        condition: {
          type: 'any',
          of: [
            { type: 'above', value: 1000 },
            { type: 'below', value: -1 },
          ],
        },
      },
    ]);
    feed('c', [200, 0]);
    feed('sub', [200, 0]); // not mains: no `seq`
    feed('x-unknown', [5000]); // unknown channel: no rules
    feed('c', [2000], 1000, 10_000);
    expect(out.map((s) => `${s.rule}:${s.channelId}`).sort()).toEqual([
      'both:c',
      'both:sub',
      'either:c',
      'seq:c',
    ]);
  });

  it('keeps state of unchanged rules when the rule set is replaced', () => {
    const { e, out, feed } = engineWith([
      { name: 'high', condition: { type: 'above', value: 100, for: '2s' } },
    ]);
    feed('c', [200, 200]);
    const kept: PatternRule = {
      ...parseRule({ name: 'high', condition: { type: 'above', value: 100, for: '2s' } }),
      id: 'r0',
      orgId: 'o1',
      createdAt: 0,
      updatedAt: 0,
    };
    e.setRules([kept]);
    feed('c', [200], 1000, 2000);
    expect(out).toHaveLength(1);
    e.setRules([{ ...kept, enabled: false, updatedAt: 1 }]);
    feed('c', [0, 200, 200, 200, 200], 1000, 3000);
    expect(out).toHaveLength(1);
  });
});

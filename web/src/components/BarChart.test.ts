/** The bar charts' axes and stacks (web/src/lib/bar-layout.ts) and what the two charts draw with them. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { categorySlots, signedAxis, stackSegments, stackTotals, valueAxis } from '../lib/bar-layout.ts';
import { BarChart } from './BarChart.tsx';
import { StackedBarChart } from './StackedBarChart.tsx';

const PAD = { left: 72, right: 12, top: 10, bottom: 30 };
const kwh = (v: number): string => `${v} kWh`;

describe('category slots', () => {
  it('splits the plot width evenly and labels every category while 60 px each fit', () => {
    expect(categorySlots(800, PAD, 7, 60)).toEqual({ plotW: 716, slot: 716 / 7, every: 1 });
  });

  it('labels every 3rd of 31 days on a phone (390 px)', () => {
    const { plotW, every } = categorySlots(390, PAD, 31, 56);
    expect(plotW).toBe(306);
    expect(every).toBe(Math.ceil(31 / 5));
  });

  it('keeps one slot for no categories (no division by zero)', () => {
    expect(categorySlots(400, PAD, 0, 60).slot).toBe(316);
  });
});

describe('value axis', () => {
  it('runs from zero at the plot bottom to a round top at the plot top, ignoring NaN', () => {
    const { ticks, y } = valueAxis([3.2, NaN, 7.9], kwh, PAD, 240);
    expect(ticks.map((t) => t.value)).toEqual([0, 2, 4, 6, 8]);
    expect(ticks[0]).toEqual({ value: 0, y: 210, label: '0 kWh', zero: false });
    expect(ticks.at(-1)!.y).toBe(10);
    expect(y(4)).toBe(110);
    // A negative value sits on the base line instead of under it.
    expect(y(-5)).toBe(210);
  });

  it('has a unit axis when every value is zero or missing', () => {
    expect(valueAxis([0, NaN], kwh, PAD, 240).ticks.at(-1)!.value).toBeGreaterThan(0);
  });
});

describe('stacked axis', () => {
  const series = [
    { label: 'grid', values: [2, 1], color: 'red' },
    { label: 'solar', values: [3, -1], color: 'yellow' },
    { label: 'export', values: [1, 4], color: 'green', below: true },
  ];

  it('sums the tallest stack of each sign, negative values as none', () => {
    expect(stackTotals(2, series)).toEqual({ up: 5, down: 4 });
    expect(stackTotals(0, series)).toEqual({ up: 0, down: 0 });
  });

  it('puts zero where the larger side gets its share (30 to 85 %) and labels both sides unsigned', () => {
    const { zero, scale, ticks } = signedAxis({ up: 5, down: 4 }, kwh, PAD, 240);
    const plotH = 200;
    expect(zero).toBeCloseTo(PAD.top + plotH * (5 / 9));
    expect(ticks.filter((t) => t.zero)).toEqual([{ value: 0, y: zero, label: '0 kWh', zero: true }]);
    const below = ticks.filter((t) => t.value < 0);
    expect(below.length).toBeGreaterThan(0);
    expect(below.every((t) => !t.label.startsWith('-') && t.y > zero)).toBe(true);
    // Every tick stays inside the plot.
    expect(ticks.every((t) => t.y >= PAD.top - 1 && t.y <= PAD.top + plotH + 1)).toBe(true);
    expect(scale).toBeGreaterThan(0);
  });

  it('gives an export-only chart at least 30 % above the line, and a use-only chart the whole height', () => {
    expect(signedAxis({ up: 0, down: 10 }, kwh, PAD, 240).zero).toBeCloseTo(PAD.top + 200 * 0.3);
    expect(signedAxis({ up: 10, down: 0 }, kwh, PAD, 240).zero).toBeCloseTo(PAD.top + 200 * 0.85);
    expect(signedAxis({ up: 0, down: 0 }, kwh, PAD, 240).zero).toBe(PAD.top + 200);
  });

  it('stacks use upwards and export downwards from the zero line, in series order', () => {
    const segs = stackSegments(series, 0, 100, 10);
    expect(segs).toEqual([
      { label: 'grid', color: 'red', value: 2, y: 80, height: 20 },
      { label: 'solar', color: 'yellow', value: 3, y: 50, height: 30 },
      { label: 'export', color: 'green', value: 1, y: 100, height: 10 },
    ]);
    // The negative solar value draws nothing.
    expect(stackSegments(series, 1, 100, 10).map((s) => s.label)).toEqual(['grid', 'export']);
  });
});

describe('charts', () => {
  it('draws one bar per finite value with its tooltip, grid labels, and a legend only for several series', () => {
    const one = renderToStaticMarkup(
      createElement(BarChart, {
        categories: ['Mon', 'Tue'],
        series: [{ label: 'energy', values: [4, NaN], color: 'var(--chart-1)' }],
        format: kwh,
      }),
    );
    expect(one.match(/<rect/g)).toHaveLength(1);
    expect(one).toContain('<title>Mon · energy: 4 kWh</title>');
    expect(one).toContain('>4 kWh</text>');
    expect(one).not.toContain('class="legend"');
    const two = renderToStaticMarkup(
      createElement(BarChart, {
        categories: ['Mon'],
        series: [
          { label: 'this week', values: [4], color: 'red' },
          { label: 'last week', values: [3], color: 'blue' },
        ],
        format: kwh,
      }),
    );
    expect(two).toContain('class="legend"');
    expect(two).toContain('aria-label="this week, last week"');
  });

  it('draws the stacked chart with its zero line as an axis and unsigned labels below it', () => {
    const html = renderToStaticMarkup(
      createElement(StackedBarChart, {
        categories: ['1', '2'],
        series: [
          { label: 'used', values: [5, 2], color: 'red' },
          { label: 'sent away', values: [4, 0], color: 'green', below: true },
        ],
        format: kwh,
      }),
    );
    expect(html.match(/class="axis"/g)).toHaveLength(1);
    expect(html.match(/<rect/g)).toHaveLength(3);
    expect(html).toContain('<title>1 · sent away: 4 kWh</title>');
    // Labels below the line read 2 kWh and 4 kWh, as above it, never -2 kWh.
    expect(html.match(/>2 kWh<\/text>/g)).toHaveLength(2);
    expect(html).not.toMatch(/>-\d/);
  });
});

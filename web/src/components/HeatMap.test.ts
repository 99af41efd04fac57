/** The hour-by-day heat map: colours that fade into either theme's page, cells with their tooltips. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ThemeController, ThemeState } from '../lib/theme.ts';
import { ThemeContext } from '../lib/theme-context.ts';
import { HeatMap, heatColour } from './HeatMap.tsx';

/** A controller that stays on one theme. */
function fixedTheme(
  state: ThemeState,
  set: (p: ThemeState['preference']) => void = () => {},
): ThemeController {
  return { state: () => state, set, subscribe: () => () => {}, close: () => {} };
}

const lightness = (hsl: string): number => Number(/ (\d+)%\)$/.exec(hsl)?.[1]);

describe('heat map', () => {
  it('runs from near the page colour to a strong one on both themes', () => {
    expect(lightness(heatColour(0, 'light'))).toBeGreaterThan(lightness(heatColour(1, 'light')));
    expect(lightness(heatColour(0, 'dark'))).toBeLessThan(lightness(heatColour(1, 'dark')));
    expect(heatColour(0, 'light')).toBe('hsl(190 70% 92%)');
    expect(heatColour(1, 'dark')).toBe('hsl(30 70% 62%)');
  });

  it('draws 24 cells a day, coloured where known, with the local hour and energy in the tooltip', () => {
    const values = new Float64Array(48).fill(NaN);
    values[5] = 500;
    values[24 + 23] = 1000;
    const html = renderToStaticMarkup(
      createElement(
        ThemeContext.Provider,
        { value: fixedTheme({ preference: 'dark', resolved: 'dark' }) },
        createElement(HeatMap, { days: ['2026-03-28', '2026-03-29'], values, max: 1000 }),
      ),
    );
    expect(html.match(/class="heat-cell"/g)).toHaveLength(48 + 1); // and one in the legend
    expect(html.match(/class="heat-cell" style="background:/g)).toHaveLength(2);
    expect(html).toContain(`style="background:${heatColour(1, 'dark')}" title="2026-03-29 23:00 · 1.0 kWh"`);
    expect(html).toContain('title="2026-03-28 05:00 · 500 Wh"');
    expect(html).toContain('title="2026-03-28 00:00 · no data"');
    expect(html).toContain('>03-29</span>');
    expect(html).toContain('data-testid="heatmap-legend"');
  });
});

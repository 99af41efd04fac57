/**
 * The theme in React: the controller travels in a context (built once in main.tsx), `useTheme` gives
 * pages the preference and its setter, `useChartPalette` gives canvas charts the colours of the theme
 * shown, re-read from the CSS variables whenever the theme changes so that charts re-colour.
 */
import { createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import type { ThemeController, ThemePreference, ThemeState } from './theme.ts';

/** React context carrying the {@link ThemeController}. */
export const ThemeContext = createContext<ThemeController | null>(null);

/** The theme state and its setter. */
export function useTheme(): ThemeState & { set: (p: ThemePreference) => void } {
  const c = useContext(ThemeContext);
  if (!c) throw new Error('useTheme outside ThemeContext');
  // One string snapshot: useSyncExternalStore compares snapshots with Object.is.
  // The same snapshot on the server: component tests render with react-dom/server.
  const snapshot = (): string => `${c.state().preference}/${c.state().resolved}`;
  const key = useSyncExternalStore(c.subscribe, snapshot, snapshot);
  // key is the trigger: the controller's state changed when its snapshot string did.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  return useMemo(() => ({ ...c.state(), set: c.set }), [c, key]);
}

/** Colours a canvas chart needs, taken from styles.css. */
export interface ChartPalette {
  /** Series colours in order (hex, so that a band can append an alpha). */
  series: string[];
  /** Axis labels. */
  axis: string;
  /** Grid lines and ticks. */
  grid: string;
  /** Which theme these colours belong to (a memo key). */
  theme: string;
}

/** Number of series colours styles.css defines (--chart-1 … --chart-6). */
export const SERIES_COLOURS = 6;

/** Reads the chart colours of the theme shown from the document's CSS variables. */
export function readChartPalette(root: Element, theme: string): ChartPalette {
  const css = getComputedStyle(root);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    series: Array.from({ length: SERIES_COLOURS }, (_, i) => v(`--chart-${i + 1}`)),
    axis: v('--chart-axis'),
    grid: v('--chart-grid'),
    theme,
  };
}

/** The chart colours of the theme shown; a new object when the theme changes. */
export function useChartPalette(): ChartPalette {
  const { resolved } = useTheme();
  return useMemo(() => readChartPalette(document.documentElement, resolved), [resolved]);
}

/** The i-th series colour, wrapping around. */
export function seriesColour(p: ChartPalette, i: number): string {
  return p.series[i % p.series.length] ?? p.axis;
}

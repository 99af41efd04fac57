/**
 * WCAG AA for text in both themes: every text colour of styles.css against the backgrounds it is
 * drawn on reaches 4.5:1 (normal text). The variables are read from the stylesheet itself, so a
 * colour change that breaks contrast fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(new URL('../styles.css', import.meta.url), 'utf8');

/** The custom properties declared in the first block opened by `selector`. */
function block(selector: string): Map<string, string> {
  const start = CSS.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`styles.css has no ${selector} block`);
  const body = CSS.slice(start, CSS.indexOf('\n}', start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1] as string, m[2] as string]));
}

const LIGHT = block(':root');
const DARK = new Map([...LIGHT, ...block(":root[data-theme='dark']")]);

function hex(vars: Map<string, string>, name: string): string {
  let v = vars.get(name);
  for (let i = 0; v?.startsWith('var(') && i < 5; i++) v = vars.get(v.slice(4, -1));
  if (!v || !/^#[0-9a-f]{6}$/i.test(v)) throw new Error(`${name} is not a 6-digit hex colour: ${v}`);
  return v;
}

function luminance(h: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours. */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

/** [text, background] pairs that appear on screen. */
const PAIRS: [string, string][] = [
  ['--ink', '--bg'],
  ['--ink', '--panel'],
  ['--ink', '--input-bg'],
  ['--ink', '--code-bg'],
  ['--ink', '--row-hover'],
  ['--muted', '--bg'],
  ['--muted', '--panel'],
  ['--muted', '--soft-bg'],
  ['--brand', '--panel'],
  ['--brand', '--bg'],
  ['--brand-ink', '--brand'],
  ['--crit', '--panel'],
  ['--ok', '--panel'],
  ['--ok', '--ok-bg'],
  ['--tag-ink', '--tag-bg'],
  ['--tag-commercial-ink', '--tag-commercial-bg'],
  ['--tag-industrial-ink', '--tag-industrial-bg'],
  ['--tag-public-ink', '--tag-public-bg'],
  ['--badge-crit-ink', '--badge-crit-bg'],
  ['--badge-warn-ink', '--badge-warn-bg'],
  ['--badge-info-ink', '--badge-info-bg'],
  ['--error-ink', '--error-bg'],
  ['--error-ink', '--panel'],
  ['--ok-ink', '--ok-bg'],
  ['--topbar-ink', '--topbar-bg'],
  ['--topbar-nav', '--topbar-bg'],
  ['--topbar-brand', '--topbar-bg'],
  ['--topbar-active-ink', '--topbar-bg'],
  ['--chart-axis', '--panel'],
];

describe('text contrast of both themes (WCAG AA, 4.5:1)', () => {
  for (const [theme, vars] of [
    ['light', LIGHT],
    ['dark', DARK],
  ] as const) {
    it(`${theme}: every text colour on its backgrounds`, () => {
      const low = PAIRS.map(([fg, bg]) => ({ fg, bg, ratio: contrast(hex(vars, fg), hex(vars, bg)) }))
        .filter((p) => p.ratio < 4.5)
        .map((p) => `${p.fg} on ${p.bg}: ${p.ratio.toFixed(2)}`);
      expect(low).toEqual([]);
    });
  }

  it('the dark theme re-declares every colour of the light one', () => {
    const dark = block(":root[data-theme='dark']");
    const missing = [...LIGHT.keys()].filter((k) => !dark.has(k) && !['--radius'].includes(k));
    expect(missing).toEqual([]);
  });

  it('measures contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});

/** The theme chooser and the time-zone switch show the stored choice and what each option means. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ThemeContext } from '../lib/theme-context.ts';
import { FacilityZones } from '../lib/zone-choice.ts';
import type { ThemeState } from '../lib/theme.ts';
import { ThemeSwitch } from './ThemeSwitch.tsx';
import { ZoneSwitch, zoneOptions } from './ZoneSwitch.tsx';

const fixedTheme = (state: ThemeState) => ({
  state: () => state,
  set: () => {},
  subscribe: () => () => {},
  close: () => {},
});

describe('theme switch', () => {
  it('selects the stored preference, not the theme it resolves to', () => {
    const html = renderToStaticMarkup(
      createElement(
        ThemeContext.Provider,
        { value: fixedTheme({ preference: 'system', resolved: 'dark' }) },
        createElement(ThemeSwitch, { testId: 'theme-switch-menu' }),
      ),
    );
    expect(html).toContain('data-testid="theme-switch-menu"');
    expect(html).toContain('<option value="system" selected="">System theme</option>');
    expect(html).toContain('<option value="dark">Dark</option>');
  });
});

describe('zone switch', () => {
  it("names the facility's zone, each facility's own on a page across facilities, or none", () => {
    expect(zoneOptions({ zone: 'Europe/Amsterdam' }, 'America/Vancouver')).toEqual([
      { value: 'facility', label: 'facility · Europe/Amsterdam' },
      { value: 'browser', label: 'browser · America/Vancouver' },
      { value: 'utc', label: 'UTC' },
    ]);
    expect(zoneOptions({ byFacility: new Map([['f1', 'UTC']]) }, 'UTC')[0]!.label).toBe(
      "facility · each facility's own",
    );
    expect(zoneOptions({ byFacility: new Map() }, 'UTC')[0]!.label).toBe('facility');
  });

  it('shows facility time by default, with the zone of the page', () => {
    const html = renderToStaticMarkup(
      createElement(FacilityZones.Provider, { value: { zone: 'Asia/Kolkata' } }, createElement(ZoneSwitch)),
    );
    expect(html).toContain('<option value="facility" selected="">facility · Asia/Kolkata</option>');
    expect(html).toContain('<option value="utc">UTC</option>');
  });
});

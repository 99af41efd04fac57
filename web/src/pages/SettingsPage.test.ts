/** The settings page's choices and the check before saving (the server's own schema). */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { NotificationPrefsInput } from '../../../src/api/shapes/notifications.ts';
import { DeliveryFields, digestChoices, digestLabel, prefsToSave, ruleChoices } from './SettingsPage.tsx';

const prefs = (patch: Partial<NotificationPrefsInput> = {}): NotificationPrefsInput => ({
  enabled: true,
  email: null,
  severities: ['critical'],
  rules: [],
  delivery: 'immediate',
  digestMinutes: 60,
  ...patch,
});

describe('settings page', () => {
  it('names digest periods as people say them', () => {
    expect([15, 60, 240, 1440].map(digestLabel)).toEqual(['15 minutes', 'hour', '4 hours', 'day']);
  });

  it('offers the usual digest periods and a stored one in order, never one the schema refuses', () => {
    expect(digestChoices(60)).toEqual([15, 60, 240, 1440]);
    expect(digestChoices(120)).toEqual([15, 60, 120, 240, 1440]);
    expect(digestChoices(5)).toEqual([15, 60, 240, 1440]);
  });

  it('offers the built-in rules, stored rules, rules seen in alerts and ticked ones once each, sorted', () => {
    expect(ruleChoices(['night-load', 'zeta'], ['overshoot', 'night-load'], ['gone-rule'])).toEqual([
      'gone-rule',
      'night-load',
      'overshoot',
      'zeta',
    ]);
  });

  it('saves an empty address as the login address and names a bad field as the server would', () => {
    expect(prefsToSave(prefs(), '  ').email).toBeNull();
    expect(prefsToSave(prefs(), ' ops@example.org ').email).toBe('ops@example.org');
    expect(() => prefsToSave(prefs(), 'not an address')).toThrow(/^email: expected an e-mail address/);
    expect(() => prefsToSave(prefs({ severities: [] }), '')).toThrow(/^severities: choose at least one/);
  });

  it('lets the digest period be chosen only for digests', () => {
    const render = (p: NotificationPrefsInput) =>
      renderToStaticMarkup(createElement(DeliveryFields, { form: p, set: () => undefined }));
    expect(render(prefs())).toMatch(/<select name="digestMinutes" aria-label="digest period" disabled="">/);
    const digest = render(prefs({ delivery: 'digest', digestMinutes: 240 }));
    expect(digest).not.toContain('disabled');
    expect(digest).toContain('<option value="240" selected="">4 hours</option>');
  });
});

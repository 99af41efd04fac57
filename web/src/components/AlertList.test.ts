/** Alert rows show values and thresholds in the channel's unit (issue 14, item 1). */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Api } from '../api/endpoints.ts';
import type { Alert } from '../api/types.ts';
import { AlertList, alertFigures } from './AlertList.tsx';

const base: Alert = {
  id: 'a1',
  rule: 'overshoot',
  channelId: 'm1.energy',
  facilityId: 'f1',
  orgId: 'o1',
  ts: Date.UTC(2026, 0, 5),
  endTs: null,
  value: 1530,
  threshold: 1480,
  unit: 'Wh',
  severity: 'warning',
  state: 'open',
  message: 'value 1.53 kWh per 5 min above threshold 1.48 kWh per 5 min for at least 60 s',
  createdAt: 1,
  updatedAt: 1,
};

const render = (alerts: Alert[]) =>
  renderToStaticMarkup(
    createElement(AlertList, { api: {} as Api, alerts, role: 'viewer', onChange: () => undefined }),
  );

describe('AlertList', () => {
  it('shows an interval channel alert in kWh, never in W', () => {
    const html = render([base]);
    expect(html).toContain('value 1.53 kWh · threshold 1.48 kWh');
    expect(html).not.toMatch(/\d kW\b/);
  });

  it('keeps power alerts in W and volume alerts in their own unit', () => {
    expect(alertFigures({ value: 2500, threshold: 2000, unit: 'W' })).toBe('value 2.5 kW · threshold 2 kW');
    expect(alertFigures({ value: 0.42, threshold: null, unit: 'm3' })).toBe('value 0.42 m3');
  });

  it('writes a bare number when the unit is not known rather than a wrong one', () => {
    expect(alertFigures({ value: 12, threshold: 10, unit: null })).toBe('value 12 · threshold 10');
  });
});

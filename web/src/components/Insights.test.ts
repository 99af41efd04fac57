/** A facility's score card without enough data shows the reason, not "0.0, normal" (issue 14, item 5). */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ScoreDetail } from '../api/jobs.ts';
import { ScoreCard } from './Insights.tsx';

const score = (over: Partial<ScoreDetail>): ScoreDetail => ({
  facilityId: 'f1',
  product: 'anomalous-load',
  version: '1.1.0',
  jobId: 'job-1',
  score: 12.34,
  label: 'normal',
  explanation: 'Base load 150 W against a peer median of 160 W',
  evidence: { figures: {}, series: [] },
  params: {},
  computedAt: Date.UTC(2026, 0, 5),
  ...over,
});

describe('ScoreCard', () => {
  it('shows a dash and the reason for a facility without enough data', () => {
    const html = renderToStaticMarkup(
      createElement(ScoreCard, {
        score: score({
          score: null,
          label: 'not enough data',
          explanation:
            'No readings between 2025-01-05 and 2026-01-05: not scored, and left out of the ranking.',
        }),
      }),
    );
    expect(html).toContain('data-scored="no"');
    expect(html).toContain('>–<');
    expect(html).toContain('not enough data');
    expect(html).not.toMatch(/NaN|0\.0|normal/);
  });

  it('shows the number of a scored facility', () => {
    const html = renderToStaticMarkup(createElement(ScoreCard, { score: score({}) }));
    expect(html).toContain('>12.3<');
    expect(html).toContain('data-scored="yes"');
  });
});

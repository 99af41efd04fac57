import { describe, expect, it } from 'vitest';
import { figureLabel } from './score-figures.ts';

describe('figureLabel', () => {
  it('says what a figure means instead of its code name', () => {
    expect(figureLabel('baseZ')).toBe('Base load against peers (0 = typical, 3 = far above)');
    expect(figureLabel('businessShare')).toBe('Share of energy on weekdays 08-18');
  });

  it('spells out a figure it does not know', () => {
    expect(figureLabel('meanNightPowerW')).toBe('mean night power w');
  });
});

import { describe, expect, it } from 'vitest';
import { publishRefusal } from './mqtt-broker.ts';

const root = 'loadscope/';
const device = { id: 'dev-1', orgId: 'org-a' };

describe('publishRefusal', () => {
  it('lets a device publish under its own organisation', () => {
    expect(publishRefusal(device, 'loadscope/org-a/m1/readings', root)).toBeUndefined();
    expect(publishRefusal(device, 'loadscope/org-a/batch', root)).toBeUndefined();
  });

  it('refuses an unknown client, another organisation and the alerts topic, naming what is allowed', () => {
    expect(publishRefusal(undefined, 'loadscope/org-a/x', root)).toMatch(/allowed: loadscope\/<org>\/\.\.\./);
    expect(publishRefusal(device, 'loadscope/org-b/m1/readings', root)).toMatch(
      /publish to 'loadscope\/org-b\/m1\/readings' \(allowed: loadscope\/org-a\/\.\.\.\)/,
    );
    expect(publishRefusal(device, 'loadscope/org-a/alerts', root)).toMatch(/forbidden: publish/);
  });

  it('refuses a read-only token and a meter the token is not limited to', () => {
    expect(publishRefusal({ ...device, readOnly: true }, 'loadscope/org-a/m1/r', root)).toMatch(
      /lacks the 'write:readings' scope/,
    );
    const limited = { ...device, meterIds: ['m1'] };
    expect(publishRefusal(limited, 'loadscope/org-a/m1/r', root)).toBeUndefined();
    expect(publishRefusal(limited, 'loadscope/org-a/m2/r', root)).toMatch(/may not publish for meter 'm2'/);
  });
});

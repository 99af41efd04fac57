import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';

describe('alert e-mail configuration', () => {
  it('is off without an SMTP URL and reads the sender and public address', () => {
    expect(loadConfig({}).mail).toEqual({
      smtpUrl: null,
      from: 'Loadscope <loadscope@localhost>',
      publicUrl: null,
    });
    const c = loadConfig({
      LOADSCOPE_SMTP_URL: 'smtps://alerts%40example.org:p%3Ass@mail.example.org:465',
      LOADSCOPE_MAIL_FROM: 'Energy desk <alerts@example.org>',
      LOADSCOPE_PUBLIC_URL: 'https://energy.example.org/',
    });
    expect(c.mail).toEqual({
      smtpUrl: 'smtps://alerts%40example.org:p%3Ass@mail.example.org:465',
      from: 'Energy desk <alerts@example.org>',
      publicUrl: 'https://energy.example.org',
    });
  });

  it('fails fast on a bad SMTP URL or public address, naming the setting', () => {
    expect(() => loadConfig({ LOADSCOPE_SMTP_URL: 'mail.example.org' })).toThrow(/mail\.smtpUrl.*smtp:\/\//);
    expect(() => loadConfig({ LOADSCOPE_SMTP_URL: 'http://mail.example.org' })).toThrow(/mail\.smtpUrl/);
    expect(() => loadConfig({ LOADSCOPE_PUBLIC_URL: 'energy desk' })).toThrow(/mail\.publicUrl/);
  });
});

describe('built-in rules offered on the settings page', () => {
  it('are the names the stream layer raises', async () => {
    const { readFile } = await import('node:fs/promises');
    const { BUILT_IN_RULES } = await import('../api/shapes/notifications.ts');
    const overshoot = await readFile(new URL('../stream/overshoot.ts', import.meta.url), 'utf8');
    for (const r of BUILT_IN_RULES) expect(overshoot).toContain(`rule: '${r}'`);
  });
});

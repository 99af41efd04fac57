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

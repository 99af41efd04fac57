/**
 * Builds the e-mail notifier from the configuration and the store (called by the composition root):
 * undefined when no SMTP server is configured, so alerts then reach people only in the web app.
 */
import type { Config } from '../config.ts';
import type { StorePort } from '../store/store.ts';
import { type EmailNotifier, createEmailNotifier } from './notifier.ts';
import { createSmtpTransport } from './smtp/transport.ts';
import type { Logger } from '../util/logger.ts';

/** Options of {@link createConfiguredNotifier}. */
export interface ConfiguredNotifierOptions {
  config: Config;
  store: StorePort<'notifications', 'listEnabled' | 'getPrefs'> &
    StorePort<'accounts', 'getUser'> &
    StorePort<'catalog', 'getFacility'>;
  /** Channel names without a database round trip (the realtime directory). */
  channelName: (channelId: string) => string | undefined;
  /** The web app's address when `config.mail.publicUrl` is not set. */
  fallbackUrl: string;
  now: () => number;
  logger?: Logger;
}

/** The notifier, or undefined when e-mail is off. */
export function createConfiguredNotifier(o: ConfiguredNotifierOptions): EmailNotifier | undefined {
  const { smtpUrl, from, publicUrl } = o.config.mail;
  if (!smtpUrl) return undefined;
  return createEmailNotifier({
    prefs: o.store.notifications,
    user: (id) => o.store.accounts.getUser(id),
    names: async (alert) => {
      const f = await o.store.catalog.getFacility(alert.facilityId);
      return {
        facility: f?.name ?? alert.facilityId,
        channel: o.channelName(alert.channelId) ?? alert.channelId,
        timeZone: f?.timeZone ?? null,
      };
    },
    transport: createSmtpTransport({ url: smtpUrl, from }),
    links: { publicUrl: publicUrl ?? o.fallbackUrl },
    now: o.now,
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

/**
 * Alerts by e-mail: an alert forwarder (hooked in beside the webhook and MQTT forwarders) that finds
 * the users of the alert's organisation whose preferences match it (enabled, severity chosen, rule
 * chosen or all rules) and either queues one e-mail at once or adds the alert to that user's digest,
 * which is sent when its period is over. Everything goes through the outbox, so a slow or broken mail
 * server never holds up the alert pipeline: the forwarder returns as soon as the alert is queued.
 */
import type { Alert } from '../domain/types.ts';
import type { AlertForwarder } from '../realtime/alerts.ts';
import type { NotificationPrefs, NotificationRepo } from '../store/ports/notifications.ts';
import {
  type AlertNames,
  type MailLinks,
  type NamedAlert,
  alertMail,
  digestMail,
  testMail,
} from './compose.ts';
import type { MailTransport } from './mail.ts';
import { type Outbox, createOutbox } from './outbox.ts';
import { type Logger, silentLogger } from '../util/logger.ts';

/** Dependencies of {@link createEmailNotifier}. */
export interface EmailNotifierDeps {
  prefs: Pick<NotificationRepo, 'listEnabled' | 'getPrefs'>;
  /** The user's login address and whether they may still receive mail. */
  user: (id: string) => Promise<{ email: string; disabled: boolean } | undefined>;
  /** Facility and channel names of an alert. */
  names: (alert: Alert) => Promise<AlertNames>;
  transport: MailTransport;
  links: MailLinks;
  now?: () => number;
  /** Failures to route or send mail, at `warn`; default none. */
  logger?: Logger;
  /** Options of the retrying outbox (tests shorten the delays). */
  outbox?: { maxAttempts?: number; firstDelayMs?: number; maxDelayMs?: number; capacity?: number };
  /** How long an organisation's preferences are reused (ms, default 5 s): one read per alert storm. */
  prefsTtlMs?: number;
}

/** The e-mail notifier. */
export interface EmailNotifier {
  /** The forwarder to add to the alert sink; resolves once the alert is queued, never rejects. */
  forward: AlertForwarder;
  /** Moves digests whose period is over to the outbox and sends what is due. */
  tick(): Promise<void>;
  /** Runs `tick` every `everyMs` (default 5 s) until `close`. */
  start(everyMs?: number): void;
  /** Sends the test e-mail to a user's address now; rejects with the mail server's reason. */
  sendTest(userId: string, email: string | null): Promise<string>;
  /** Sends pending digests and due mail once more (best effort), then stops. */
  close(): Promise<void>;
  /** Messages in the outbox and alerts in open digests (tests, diagnostics). */
  pending(): { outbox: number; digests: number };
}

interface Digest {
  to: string;
  minutes: number;
  dueAt: number;
  items: NamedAlert[];
}

/** Whether a user's preferences ask for this alert. */
export function wants(p: NotificationPrefs, alert: Alert): boolean {
  return (
    p.enabled &&
    p.orgId === alert.orgId &&
    p.severities.includes(alert.severity) &&
    (p.rules.length === 0 || p.rules.includes(alert.rule))
  );
}

/** Creates the notifier. */
export function createEmailNotifier(deps: EmailNotifierDeps): EmailNotifier {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger();
  const outbox: Outbox = createOutbox({ transport: deps.transport, now, logger, ...deps.outbox });
  const digests = new Map<string, Digest>();
  const cache = new Map<string, { at: number; list: Promise<NotificationPrefs[]> }>();
  let timer: NodeJS.Timeout | undefined;

  const enabledOf = (orgId: string): Promise<NotificationPrefs[]> => {
    const hit = cache.get(orgId);
    if (hit && now() - hit.at < (deps.prefsTtlMs ?? 5000)) return hit.list;
    const list = deps.prefs.listEnabled(orgId);
    cache.set(orgId, { at: now(), list });
    list.catch(() => cache.delete(orgId));
    return list;
  };
  const addressOf = async (p: Pick<NotificationPrefs, 'userId' | 'email'>): Promise<string | undefined> => {
    const u = await deps.user(p.userId);
    if (!u || u.disabled) return undefined;
    return p.email ?? u.email;
  };

  const route = async (alert: Alert): Promise<void> => {
    const chosen = (await enabledOf(alert.orgId)).filter((p) => wants(p, alert));
    if (!chosen.length) return;
    const item: NamedAlert = { alert, names: await deps.names(alert) };
    for (const p of chosen) {
      const to = await addressOf(p);
      if (!to) continue;
      if (p.delivery === 'immediate') {
        outbox.enqueue(alertMail(to, item, deps.links));
        continue;
      }
      const d = digests.get(p.userId);
      if (d && d.to === to) d.items.push(item);
      else
        digests.set(p.userId, {
          to,
          minutes: p.digestMinutes,
          dueAt: now() + p.digestMinutes * 60_000,
          items: [item],
        });
    }
  };

  const flushDigests = (all: boolean): void => {
    for (const [userId, d] of digests) {
      if (!all && d.dueAt > now()) continue;
      digests.delete(userId);
      outbox.enqueue(digestMail(d.to, d.items, d.minutes, deps.links));
    }
  };
  const tick = async (): Promise<void> => {
    flushDigests(false);
    await outbox.pump();
  };

  return {
    async forward(alert) {
      try {
        await route(alert);
      } catch (err) {
        logger.warn(`could not route alert ${alert.id}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      // Immediate mail goes out now, without waiting for the next tick (and without holding the caller).
      void outbox.pump();
    },
    tick,
    start(everyMs = 5000) {
      timer ??= setInterval(() => void tick(), everyMs);
      timer.unref();
    },
    async sendTest(userId, email) {
      const to = await addressOf({ userId, email });
      if (!to) throw new Error(`user ${userId} has no address to send to`);
      await deps.transport.send(testMail(to, deps.links));
      return to;
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      flushDigests(true);
      await outbox.pump();
      if (outbox.size()) logger.warn(`${outbox.size()} message(s) not sent before shutdown`);
      deps.transport.close();
    },
    pending: () => ({
      outbox: outbox.size(),
      digests: [...digests.values()].reduce((n, d) => n + d.items.length, 0),
    }),
  };
}

/**
 * A user's alert e-mail settings: GET and PUT `/api/v1/me/notifications` (the caller's own, any role:
 * a viewer may want to hear about alerts too), and POST `/api/v1/me/notifications/test`, which sends a
 * test e-mail at once and answers the mail server's reason when it fails. API tokens have no user and
 * so no settings.
 */
import type { FastifyPluginAsync } from 'fastify';
import { type Principal, requirePrincipal } from '../api/principal.ts';
import { errorResponses } from '../api/shapes/common.ts';
import {
  DEFAULT_PREFS,
  type NotificationSettings,
  notificationPrefsInput,
  notificationSettings,
  testEmailSent,
} from '../api/shapes/notifications.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { NotificationPrefs } from '../store/ports/notifications.ts';
import type { EmailNotifier } from './notifier.ts';

/** Options of {@link notificationRoutes}. */
export interface NotificationRoutesOptions {
  /** The running notifier; undefined when no SMTP server is configured. */
  mailer: Pick<EmailNotifier, 'sendTest'> | undefined;
}

const TAGS = ['notifications'];

/** The routes. */
export function notificationRoutes(opts: NotificationRoutesOptions): FastifyPluginAsync {
  return async (host) => {
    const app = host.withTypeProvider<ZodTypeProvider>();
    const { store, now } = app.deps;
    const userOf = (p: Principal): string => {
      if (!p.userId)
        throw new ForbiddenError('alert e-mail settings belong to a user; an API token has none');
      return p.userId;
    };
    const settings = async (userId: string): Promise<NotificationSettings> => {
      const user = await store.accounts.getUser(userId);
      if (!user) throw new NotFoundError('user', userId);
      const saved = await store.notifications.getPrefs(userId);
      const prefs = saved
        ? {
            enabled: saved.enabled,
            email: saved.email,
            severities: saved.severities,
            rules: saved.rules,
            delivery: saved.delivery,
            digestMinutes: saved.digestMinutes,
          }
        : DEFAULT_PREFS;
      const updatedAt = saved?.updatedAt ?? null;
      return { ...prefs, saved: !!saved, loginEmail: user.email, mailConfigured: !!opts.mailer, updatedAt };
    };
    const response = { 200: notificationSettings, ...errorResponses };

    app.get(
      '/api/v1/me/notifications',
      { schema: { tags: TAGS, summary: 'My alert e-mail settings (defaults until saved)', response } },
      async (request) => settings(userOf(requirePrincipal(request))),
    );

    app.put(
      '/api/v1/me/notifications',
      {
        schema: {
          tags: TAGS,
          summary: 'Change my alert e-mail settings: which severities and rules, at once or as a digest',
          body: notificationPrefsInput,
          response,
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        const userId = userOf(p);
        const prefs: NotificationPrefs = {
          ...request.body,
          rules: [...new Set(request.body.rules)],
          userId,
          orgId: p.orgId,
          updatedAt: now(),
        };
        await store.notifications.putPrefs(prefs);
        return settings(userId);
      },
    );

    app.post(
      '/api/v1/me/notifications/test',
      {
        schema: {
          tags: TAGS,
          summary: 'Send me a test e-mail now, to my saved address (or the login address)',
          response: { 200: testEmailSent, ...errorResponses },
        },
      },
      async (request) => {
        const userId = userOf(requirePrincipal(request));
        if (!opts.mailer)
          throw new ConflictError(
            'no SMTP server is configured: set LOADSCOPE_SMTP_URL and restart (see docs)',
          );
        const saved = await store.notifications.getPrefs(userId);
        return { sentTo: await opts.mailer.sendTest(userId, saved?.email ?? null) };
      },
    );
  };
}

/**
 * A user's alert e-mail settings as the API takes and answers them (`/api/v1/me/notifications`); the
 * settings page checks its form with the same schema. Unknown fields of a body are dropped.
 */
import { z } from 'zod';
import { SEVERITIES } from '../../domain/types.ts';
import { DELIVERY_MODES } from '../../store/ports/notifications.ts';

/**
 * Rules the stream layer raises without a stored definition (src/stream/overshoot.ts), offered on the
 * settings page beside the organisation's pattern rules.
 */
export const BUILT_IN_RULES = ['overshoot'] as const;

/** Shortest and longest digest period, in minutes (a quarter of an hour to a day). */
export const DIGEST_MINUTES = { min: 15, max: 1440 } as const;

/** What a user sends to change their alert e-mail settings. */
export const notificationPrefsInput = z.object({
  enabled: z.boolean(),
  email: z.email('expected an e-mail address, or null for the login address').max(254).nullable(),
  severities: z
    .array(z.enum(SEVERITIES))
    .min(1, 'choose at least one severity (info, warning, critical)')
    .max(SEVERITIES.length),
  rules: z.array(z.string().trim().min(1).max(200)).max(200),
  delivery: z.enum(DELIVERY_MODES),
  digestMinutes: z
    .number()
    .int('expected whole minutes')
    .min(DIGEST_MINUTES.min, `a digest collects at least ${DIGEST_MINUTES.min} minutes`)
    .max(DIGEST_MINUTES.max, `a digest collects at most ${DIGEST_MINUTES.max} minutes (a day)`),
});
/** Parsed {@link notificationPrefsInput}. */
export type NotificationPrefsInput = z.infer<typeof notificationPrefsInput>;

/** What the API answers: the settings, whether they were ever saved, and what e-mail can do here. */
export const notificationSettings = notificationPrefsInput.extend({
  /** False while the user has not saved settings (the answer shows the defaults). */
  saved: z.boolean(),
  /** The login address, used when `email` is null. */
  loginEmail: z.string(),
  /** False when the server has no SMTP server configured: settings are kept but nothing is sent. */
  mailConfigured: z.boolean(),
  updatedAt: z.number().nullable(),
});
/** Parsed {@link notificationSettings}. */
export type NotificationSettings = z.infer<typeof notificationSettings>;

/** Settings of a user who never saved any: critical and warning alerts of every rule, at once, off. */
export const DEFAULT_PREFS: NotificationPrefsInput = {
  enabled: false,
  email: null,
  severities: ['warning', 'critical'],
  rules: [],
  delivery: 'immediate',
  digestMinutes: 60,
};

/** `POST /me/notifications/test`: where the test e-mail went. */
export const testEmailSent = z.object({ sentTo: z.string() });
/** Where the test e-mail went. */
export type TestEmailSent = z.infer<typeof testEmailSent>;

/**
 * Who hears about alerts by e-mail, and how: one row of preferences per user. Owned by the notify
 * feature; the API reads and writes a user's own row, the e-mail notifier reads an organisation's.
 */
import type { Severity } from '../../domain/types.ts';

/** How a user receives alerts: one e-mail per alert, or a digest of the alerts of a period. */
export const DELIVERY_MODES = ['immediate', 'digest'] as const;
/** One of {@link DELIVERY_MODES}. */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** A user's e-mail preferences for alerts. */
export interface NotificationPrefs {
  userId: string;
  /** The user's organisation: only its alerts are sent. */
  orgId: string;
  /** Off keeps the choices without sending anything. */
  enabled: boolean;
  /** Where to send; null means the user's login e-mail. */
  email: string | null;
  /** Severities to send (at least one). */
  severities: Severity[];
  /** Rule names to send; empty means every rule. */
  rules: string[];
  delivery: DeliveryMode;
  /** Minutes a digest collects alerts before it is sent (digest delivery only). */
  digestMinutes: number;
  updatedAt: number;
}

/** Notification preferences. */
export interface NotificationRepo {
  /** A user's preferences, or undefined when they never saved any. */
  getPrefs(userId: string): Promise<NotificationPrefs | undefined>;
  /** Creates or replaces a user's preferences. */
  putPrefs(prefs: NotificationPrefs): Promise<void>;
  /** The enabled preferences of an organisation's users (who to tell about one of its alerts). */
  listEnabled(orgId: string): Promise<NotificationPrefs[]>;
  /** Forgets a user's preferences (nothing happens when there are none). */
  deletePrefs(userId: string): Promise<void>;
}

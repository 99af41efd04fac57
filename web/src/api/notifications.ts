/**
 * The caller's alert e-mail settings (routes of src/notify/routes.ts): GET and PUT
 * /api/v1/me/notifications, POST /api/v1/me/notifications/test. Shapes are the server's zod shapes
 * (src/api/shapes/notifications.ts).
 */
import type {
  NotificationPrefsInput,
  NotificationSettings,
  TestEmailSent,
} from '../../../src/api/shapes/notifications.ts';
import type { Http } from './http.ts';

const PATH = '/api/v1/me/notifications';

/** The notification calls of the web app. */
export function notificationsApi(http: Http) {
  return {
    get: () => http.get<NotificationSettings>(PATH),
    save: (prefs: NotificationPrefsInput) => http.put<NotificationSettings>(PATH, prefs),
    sendTest: () => http.post<TestEmailSent>(`${PATH}/test`),
  };
}

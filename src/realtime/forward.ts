/** Alert forwarding to a webhook: every new alert is POSTed as JSON; failures are reported, not retried. */
import { ExternalError } from '../errors.ts';
import type { AlertForwarder } from './alerts.ts';

/** A forwarder that POSTs each alert to `url`. */
export function webhookForwarder(url: string, timeoutMs = 5000): AlertForwarder {
  return async (alert) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alert),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new ExternalError('webhook', `${url} answered ${res.status}`);
  };
}

/**
 * Alert forwarding to other systems: every new alert goes, as the same JSON the REST API returns
 * (value and threshold in the channel's `unit`, message with units written out), to a webhook and to
 * the MQTT topic `<root>/<org>/alerts`. Failures are reported, not retried.
 */
import type { Alert } from '../domain/types.ts';
import { ExternalError } from '../errors.ts';
import type { AlertForwarder } from './alerts.ts';

/** The JSON body an alert is forwarded as; one shape for the API, the webhook and MQTT. */
export function alertPayload(alert: Alert): string {
  return JSON.stringify(alert);
}

/** A forwarder that POSTs each alert to `url`. */
export function webhookForwarder(url: string, timeoutMs = 5000): AlertForwarder {
  return async (alert) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: alertPayload(alert),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new ExternalError('webhook', `${url} answered ${res.status}`);
  };
}

/** Publishes a payload on an MQTT topic (the embedded broker's or the external client's). */
export type MqttPublish = (topic: string, payload: string) => Promise<void> | void;

/** A forwarder that publishes each alert on `<topicRoot>/<org>/alerts`, for devices and other systems. */
export function mqttAlertForwarder(publish: MqttPublish, topicRoot: string): AlertForwarder {
  return async (alert) => {
    await publish(`${topicRoot}/${alert.orgId}/alerts`, alertPayload(alert));
  };
}

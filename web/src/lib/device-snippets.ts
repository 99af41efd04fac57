/**
 * What a new device needs to start sending: the MQTT command (mosquitto_pub, token as the password)
 * and the HTTP request (curl with a Bearer token), for the organisation's topic scheme. Shown once
 * with the token, so the snippets carry it.
 */

/** Where devices send to, as the API answers it. */
export interface ConnectInfo {
  mqttUrl: string;
  topicRoot: string;
  ingestPath: string;
}

/** Host and port of an `mqtt://host:port` URL (1883 when the URL gives none). */
export function mqttHostPort(url: string): { host: string; port: number } {
  const m = /^mqtts?:\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?/.exec(url);
  if (!m) return { host: url, port: 1883 };
  return { host: m[1]!, port: m[2] ? Number(m[2]) : url.startsWith('mqtts') ? 8883 : 1883 };
}

/** The MQTT and HTTP snippets for a device of `orgId` with `token`; `origin` is this web app's. */
export function deviceSnippets(
  connect: ConnectInfo,
  orgId: string,
  device: string,
  token: string,
  origin: string,
): { mqtt: string; http: string } {
  const { host, port } = mqttHostPort(connect.mqttUrl);
  const topic = `${connect.topicRoot}/${orgId}/<meter>/<channel>`;
  return {
    mqtt: `mosquitto_pub -h ${host} -p ${port} -u ${device} -P '${token}' \\\n  -t '${topic}' -m '{"ts":"2026-01-01T00:00:00Z","value":412.5}'`,
    http: `curl -X POST ${origin}${connect.ingestPath} -H 'Authorization: Bearer ${token}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"readings":[{"channel":"<channel id>","ts":"2026-01-01T00:00:00Z","value":412.5}]}'`,
  };
}

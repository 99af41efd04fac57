import { describe, expect, it } from 'vitest';
import { deviceSnippets, mqttHostPort } from './device-snippets.ts';

describe('device snippets', () => {
  it('reads host and port from the broker URL', () => {
    expect(mqttHostPort('mqtt://127.0.0.1:1884')).toEqual({ host: '127.0.0.1', port: 1884 });
    expect(mqttHostPort('mqtt://broker.example.org')).toEqual({ host: 'broker.example.org', port: 1883 });
    expect(mqttHostPort('mqtts://broker.example.org')).toEqual({ host: 'broker.example.org', port: 8883 });
  });

  it('carries the token, the organisation topic and the ingest path', () => {
    const s = deviceSnippets(
      { mqttUrl: 'mqtt://127.0.0.1:1884', topicRoot: 'loadscope', ingestPath: '/api/v1/readings' },
      'default',
      'gw-1',
      'lsd_secret',
      'http://127.0.0.1:8080',
    );
    expect(s.mqtt).toContain("mosquitto_pub -h 127.0.0.1 -p 1884 -u gw-1 -P 'lsd_secret'");
    expect(s.mqtt).toContain("-t 'loadscope/default/<meter>/<channel>'");
    expect(s.http).toContain(
      "curl -X POST http://127.0.0.1:8080/api/v1/readings -H 'Authorization: Bearer lsd_secret'",
    );
  });
});

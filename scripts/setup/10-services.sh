#!/usr/bin/env bash
# Starts the local servers the integration tests use, where they are installed but not running.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 5432; then pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true; fi
if ! up 1883 && command -v mosquitto >/dev/null; then mosquitto -d -c /etc/mosquitto/mosquitto.conf || true; fi
if ! up 4222 && command -v nats-server >/dev/null; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
for p in 5432 1883 4222; do
  for _ in $(seq 1 30); do up $p && break; sleep 0.5; done
  up $p || echo "warning: nothing listens on 127.0.0.1:$p; tests that need it will fail with a message" >&2
done
if ! command -v mosquitto_pub >/dev/null; then apt-get update -qq && apt-get install -y -qq mosquitto-clients; fi

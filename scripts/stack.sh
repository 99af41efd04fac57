#!/usr/bin/env bash
# The scale-out stack in one script: PostgreSQL, NATS JetStream, Mosquitto and a one-node Slurm
# cluster, then `loadscope start` and N `loadscope worker`s, each kept running by a small supervisor
# (these hosts have no systemd and no Docker daemon), with the lake and the job folder in one shared
# folder.
#
#   scripts/stack.sh install [--config FILE]   install what is missing (Debian packages, npm packages,
#                                              the web build); run again it changes nothing
#   scripts/stack.sh start   [--config FILE]   start what is not running; run again it changes nothing
#   scripts/stack.sh status  [--config FILE]   one line per part; exit 0 when every part is healthy, 3 if not
#   scripts/stack.sh stop    [--config FILE]   stop the Loadscope processes (--services: the servers too)
#
# The configuration is a shell file of variables (see examples/stack.env): STACK_DIR (pid files, logs,
# state; default .loadscope-stack), STACK_ROLES (which parts run on this host: any of `services`,
# `server`, `workers`; default all three), STACK_WORKERS (default 2), and any LOADSCOPE_* setting,
# passed to every Loadscope process. On several hosts, each host runs this script with its own roles
# and the same addresses and shared folder (docs/deploy.md).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

usage() {
  sed -n '7,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
}

CMD=${1:-}
[ -n "$CMD" ] || usage
shift
CONFIG=${LOADSCOPE_STACK_CONFIG:-}
STOP_SERVICES=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config)
      CONFIG=${2:-}
      shift 2 || usage
      ;;
    --services)
      STOP_SERVICES=1
      shift
      ;;
    *)
      echo "stack: unknown option '$1'" >&2
      usage
      ;;
  esac
done
if [ -n "$CONFIG" ]; then
  if [ ! -r "$CONFIG" ]; then
    echo "stack: cannot read the configuration file '$CONFIG'" >&2
    exit 66
  fi
  set -a
  # shellcheck disable=SC1090
  . "$CONFIG" || {
    echo "stack: the configuration file '$CONFIG' failed to load (see the line above)" >&2
    exit 78
  }
  set +a
fi

STACK_DIR=${STACK_DIR:-.loadscope-stack}
mkdir -p "$STACK_DIR"
STACK_DIR=$(cd "$STACK_DIR" && pwd)
STACK_ROLES=${STACK_ROLES:-services server workers}
STACK_WORKERS=${STACK_WORKERS:-2}
STACK_WAIT_SECONDS=${STACK_WAIT_SECONDS:-180}
case "$STACK_WORKERS" in '' | *[!0-9]*)
  echo "stack: STACK_WORKERS: expected a whole number, got '$STACK_WORKERS'" >&2
  exit 78
  ;;
esac
for r in $STACK_ROLES; do
  case "$r" in services | server | workers) ;; *)
    echo "stack: STACK_ROLES: expected services, server or workers, got '$r'" >&2
    exit 78
    ;;
  esac
done
has_role() { case " $STACK_ROLES " in *" $1 "*) return 0 ;; *) return 1 ;; esac }

# Scale-out defaults; anything set in the configuration file or the environment wins.
export LOADSCOPE_STORE=${LOADSCOPE_STORE:-postgres}
export LOADSCOPE_LOG=${LOADSCOPE_LOG:-jetstream}
export LOADSCOPE_MQTT=${LOADSCOPE_MQTT:-mqtt://127.0.0.1:1883}
export LOADSCOPE_EXECUTOR=${LOADSCOPE_EXECUTOR:-slurm}
export LOADSCOPE_DATA_DIR_STATE=${LOADSCOPE_DATA_DIR_STATE:-$STACK_DIR/state}
export LOADSCOPE_SHARED_DIR=${LOADSCOPE_SHARED_DIR:-$STACK_DIR/shared/jobs}
export LOADSCOPE_LAKE=${LOADSCOPE_LAKE:-$STACK_DIR/shared/lake}
export LOADSCOPE_PORT=${LOADSCOPE_PORT:-8080}
export LOADSCOPE_HOST=${LOADSCOPE_HOST:-127.0.0.1}
RUN=$STACK_DIR/run
LOGS=$STACK_DIR/logs
mkdir -p "$RUN" "$LOGS" "$LOADSCOPE_DATA_DIR_STATE" "$LOADSCOPE_SHARED_DIR" "$LOADSCOPE_LAKE"

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
host_of() { # host of a URL or host:port
  local u=${1#*://}
  u=${u#*@}
  u=${u%%/*}
  echo "${u%%:*}"
}
port_of() { # port of a URL or host:port, $2 if none
  local u=${1#*://}
  u=${u#*@}
  u=${u%%/*}
  case "$u" in *:*) echo "${u##*:}" ;; *) echo "$2" ;; esac
}
PG_URL=${LOADSCOPE_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
NATS=${LOADSCOPE_NATS_URL:-127.0.0.1:4222}

# ---------------------------------------------------------------------------------------------- install
cmd_install() {
  local missing=()
  if has_role services; then
    for p in postgresql nats-server mosquitto mosquitto-clients slurm-wlm slurmdbd munge mariadb-server; do
      dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "install: Debian packages ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      {
        echo "install: apt-get failed for ${missing[*]}" >&2
        return 1
      }
  else
    echo "install: Debian packages: nothing to do"
  fi
  # npm ls fails when a package of package.json is missing or at a version it does not accept.
  if [ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1; then
    echo "install: npm packages: nothing to do"
  else
    echo "install: npm packages (npm ci)"
    npm ci --no-audit --no-fund >"$LOGS/npm-ci.log" 2>&1 || {
      echo "install: npm ci failed, see $LOGS/npm-ci.log" >&2
      return 1
    }
  fi
  if has_role server; then
    if [ -f web/dist/index.html ] && [ -z "$(find web/src web/index.html -newer web/dist/index.html -print -quit 2>/dev/null)" ]; then
      echo "install: web build: nothing to do"
    else
      echo "install: web build"
      bash scripts/setup/40-web-build.sh || return 1
    fi
  fi
  node bin/build.js >/dev/null || {
    echo "install: compiling src/ failed" >&2
    return 1
  }
}

# ------------------------------------------------------------------------------------ supervised processes
# Runs "$@" under a supervisor loop named $1: restarted after it ends (back-off 1, 2, 4 ... 30 s), its
# output appended to logs/NAME.log, the loop's pid in run/NAME.pid, restarts counted in run/NAME.restarts.
# A supervisor whose pid file names a live process is left alone (start twice changes nothing).
alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
supervise() {
  local name=$1
  shift
  if alive "$name"; then
    echo "start: $name already running (pid $(cat "$RUN/$name.pid"))"
    return 0
  fi
  rm -f "$RUN/$name.stop"
  echo 0 >"$RUN/$name.restarts"
  (
    trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
    backoff=1
    while :; do
      started=$(date +%s)
      echo "== $(date -u +%FT%TZ) starting: $*" >>"$LOGS/$name.log"
      "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
      child=$!
      echo "$child" >"$RUN/$name.child"
      wait "$child"
      code=$?
      [ -f "$RUN/$name.stop" ] && exit 0
      echo "== $(date -u +%FT%TZ) exited with $code; restarting in ${backoff} s" >>"$LOGS/$name.log"
      echo $(($(cat "$RUN/$name.restarts") + 1)) >"$RUN/$name.restarts"
      sleep "$backoff"
      # A process that ran for a minute was healthy: start the back-off again from 1 s.
      if [ $(($(date +%s) - started)) -gt 60 ]; then backoff=1; else backoff=$((backoff * 2 > 30 ? 30 : backoff * 2)); fi
    done
  ) >/dev/null 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  disown
  echo "start: $name (pid $(cat "$RUN/$name.pid"), log $LOGS/$name.log)"
}
unsupervise() {
  local name=$1 pid child
  [ -f "$RUN/$name.pid" ] || return 0
  pid=$(cat "$RUN/$name.pid")
  child=$(cat "$RUN/$name.child" 2>/dev/null || true)
  touch "$RUN/$name.stop"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
    for _ in $(seq 1 150); do
      if kill -0 "$pid" 2>/dev/null || { [ -n "$child" ] && kill -0 "$child" 2>/dev/null; }; then
        sleep 0.2
      else
        break
      fi
    done
    [ -n "$child" ] && kill -0 "$child" 2>/dev/null && kill -KILL "$child" 2>/dev/null
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "stop: $name"
  fi
  rm -f "$RUN/$name.pid" "$RUN/$name.child"
}

http_url() { echo "http://${LOADSCOPE_HOST}:${LOADSCOPE_PORT}"; }
healthz() { node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$(http_url)/api/healthz"; }

# ------------------------------------------------------------------------------------------------ start
cmd_start() {
  if has_role services; then
    bash scripts/setup/10-services.sh || return 1
    bash scripts/setup/20-slurm.sh >"$LOGS/slurm-setup.log" 2>&1 || {
      echo "start: the Slurm cluster did not come up, see $LOGS/slurm-setup.log" >&2
      return 1
    }
    echo "start: services up (PostgreSQL, NATS JetStream, Mosquitto, Slurm)"
  fi
  for need in "$(host_of "$PG_URL") $(port_of "$PG_URL" 5432) PostgreSQL" "$(host_of "$NATS") $(port_of "$NATS" 4222) NATS"; do
    set -- $need
    if ! port_open "$1" "$2"; then
      echo "start: $3 does not answer on $1:$2 (start the services role on that host first)" >&2
      return 1
    fi
  done
  if has_role server; then
    supervise server node bin/loadscope.js start
    # The workers join the stream the server creates: wait until it answers.
    local end=$(($(date +%s) + STACK_WAIT_SECONDS))
    until healthz; do
      if [ "$(date +%s)" -gt "$end" ]; then
        echo "start: the server did not answer on $(http_url)/api/healthz within ${STACK_WAIT_SECONDS} s, see $LOGS/server.log" >&2
        return 1
      fi
      sleep 1
    done
    echo "start: server answers on $(http_url)"
  fi
  if has_role workers; then
    local i
    for i in $(seq 1 "$STACK_WORKERS"); do
      # Each worker has a state folder of its own: they share nothing but addresses and the shared folder.
      mkdir -p "$STACK_DIR/worker-$i"
      LOADSCOPE_DATA_DIR_STATE=$STACK_DIR/worker-$i supervise "worker-$i" node bin/loadscope.js worker
    done
    # Workers beyond STACK_WORKERS (it was lowered) are stopped.
    for f in "$RUN"/worker-*.pid; do
      [ -e "$f" ] || continue
      i=${f##*/worker-}
      i=${i%.pid}
      [ "$i" -gt "$STACK_WORKERS" ] && unsupervise "worker-$i"
    done
  fi
  return 0
}

# ----------------------------------------------------------------------------------------------- status
cmd_status() {
  local bad=0
  line() { printf '%-12s %-9s %s\n' "$1" "$2" "$3"; }
  if has_role services; then
    if port_open "$(host_of "$PG_URL")" "$(port_of "$PG_URL" 5432)"; then line postgresql healthy "$(host_of "$PG_URL"):$(port_of "$PG_URL" 5432)"; else
      line postgresql down "$(host_of "$PG_URL"):$(port_of "$PG_URL" 5432)"
      bad=1
    fi
    if port_open "$(host_of "$NATS")" "$(port_of "$NATS" 4222)"; then line nats healthy "$NATS"; else
      line nats down "$NATS"
      bad=1
    fi
    local mq=${LOADSCOPE_MQTT#mqtt://}
    if port_open "$(host_of "$mq")" "$(port_of "$mq" 1883)"; then line mosquitto healthy "$mq"; else
      line mosquitto down "$mq"
      bad=1
    fi
    local node
    node=$(sinfo -h -o '%n %T' 2>/dev/null | head -1)
    case "$node" in
      *idle* | *mixed* | *alloc*) line slurm healthy "node ${node}" ;;
      *)
        line slurm down "${node:-sinfo does not answer}"
        bad=1
        ;;
    esac
  fi
  if has_role server; then
    if ! alive server; then
      line server stopped "$(http_url)"
      bad=1
    elif healthz; then
      line server healthy "$(http_url), pid $(cat "$RUN/server.child" 2>/dev/null), restarts $(cat "$RUN/server.restarts")"
    else
      line server starting "$(http_url) does not answer yet; last log lines: $(tail -n 2 "$LOGS/server.log" 2>/dev/null | tr '\n' ' ')"
      bad=1
    fi
  fi
  if has_role workers; then
    local i child
    for i in $(seq 1 "$STACK_WORKERS"); do
      child=$(cat "$RUN/worker-$i.child" 2>/dev/null || true)
      # A worker is healthy when its process lives and it said it was ready since its last start.
      if ! alive "worker-$i"; then
        line "worker-$i" stopped ""
        bad=1
      elif [ -n "$child" ] && kill -0 "$child" 2>/dev/null &&
        awk '/^== .* starting:/ { ready = 0 } /ready: stream/ { ready = 1 } END { exit !ready }' "$LOGS/worker-$i.log"; then
        line "worker-$i" healthy "pid $child, restarts $(cat "$RUN/worker-$i.restarts"), $(grep 'ready: stream' "$LOGS/worker-$i.log" | tail -1 | sed 's/.*ready: //')"
      else
        line "worker-$i" starting "restarts $(cat "$RUN/worker-$i.restarts"); last log lines: $(tail -n 2 "$LOGS/worker-$i.log" 2>/dev/null | tr '\n' ' ')"
        bad=1
      fi
    done
  fi
  line lake "$([ -d "$LOADSCOPE_LAKE" ] && echo present || echo missing)" "$LOADSCOPE_LAKE"
  [ "$bad" = 0 ] || return 3
}

# ------------------------------------------------------------------------------------------------- stop
cmd_stop() {
  local f name
  for f in "$RUN"/worker-*.pid; do
    [ -e "$f" ] || continue
    name=${f##*/}
    unsupervise "${name%.pid}"
  done
  unsupervise server
  if [ "$STOP_SERVICES" = 1 ] && has_role services; then
    pkill -x slurmd
    pkill -x slurmctld
    pkill -x slurmdbd
    pkill -x mosquitto
    pkill -x nats-server
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main stop 2>/dev/null
    echo "stop: services"
  fi
  return 0
}

case "$CMD" in
  install) cmd_install ;;
  start) cmd_start ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  *) usage ;;
esac

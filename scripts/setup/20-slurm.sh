#!/usr/bin/env bash
# A one-node Slurm cluster with accounting for the job tests: installs Debian's slurm-wlm, slurmdbd
# and munge when missing, writes slurm.conf (partition `debug`, proctrack/linuxproc, task/none,
# accounting through slurmdbd) and slurmdbd.conf (job records in MariaDB on 127.0.0.1:3306), starts
# munged, slurmdbd, slurmctld and slurmd, and waits until the node is idle and `sacct` answers.
# Every address in the generated files is 127.0.0.1: nothing relies on the host name resolving.
#
# Idempotent and fast when already set up: when the files it would write are already in place and
# the cluster answers, it leaves everything alone. When a file changed (an older setup without
# accounting, say), it rewrites it and restarts only the daemons that read it.
#
#   bash scripts/setup/20-slurm.sh                    set up or check the cluster (root)
#   bash scripts/setup/20-slurm.sh --write-config DIR only write slurm.conf, slurmdbd.conf and
#                                                     cgroup.conf into DIR (no root, nothing started)
set -uo pipefail

CLUSTER=loadscope
DB_NAME=slurm_acct_db
DB_USER=slurm
CONF_DIR=/etc/slurm

# Writes the three configuration files into $1 for this machine; $2 is the database password.
write_config() {
  local dir=$1 pass=$2 host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p "$dir"
  # SlurmctldHost=name(address) and NodeAddr give the daemons their addresses, so the host name is
  # only a label and need not resolve.
  cat >"$dir/slurm.conf" <<CONF
# Written by loadscope scripts/setup/20-slurm.sh: a one-node cluster for tests, with accounting.
ClusterName=${CLUSTER}
SlurmctldHost=${host}(127.0.0.1)
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=slurm
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName=${host} NodeAddr=127.0.0.1 NodeHostname=${host} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  cat >"$dir/slurmdbd.conf" <<CONF
# Written by loadscope scripts/setup/20-slurm.sh: job accounting in MariaDB on 127.0.0.1.
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=slurm
PidFile=/run/slurmdbd.pid
LogFile=/var/log/slurm/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=3306
StorageUser=${DB_USER}
StoragePass=${pass}
StorageLoc=${DB_NAME}
CONF
  cat >"$dir/cgroup.conf" <<CONF
CgroupPlugin=autodetect
IgnoreSystemd=yes
CONF
  chmod 0600 "$dir/slurmdbd.conf"
}

if [ "${1:-}" = "--write-config" ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 --write-config DIR" >&2; exit 64; }
  write_config "$2" "${LOADSCOPE_SLURMDBD_PASS:-changeme}"
  exit 0
fi

# Installs what is missing. slurmdbd is separate from slurm-wlm in Debian.
if ! command -v sbatch >/dev/null || ! command -v munged >/dev/null || ! command -v slurmdbd >/dev/null; then
  echo "installing slurm-wlm, slurmdbd and munge from Debian"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm slurmdbd munge) >/tmp/loadscope-slurm-install.log 2>&1 \
    || { echo "warning: could not install slurm-wlm/slurmdbd/munge (see /tmp/loadscope-slurm-install.log); Slurm tests will skip" >&2; exit 0; }
fi

# The database password: the one already in use, else a new random one.
pass=$(sed -n 's/^StoragePass=//p' "$CONF_DIR/slurmdbd.conf" 2>/dev/null | head -1)
[ -n "$pass" ] || pass=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
staged=$(mktemp -d)
trap 'rm -rf "$staged"' EXIT
write_config "$staged" "$pass"

changed=()
for f in slurm.conf slurmdbd.conf cgroup.conf; do
  cmp -s "$staged/$f" "$CONF_DIR/$f" || changed+=("$f")
done
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
node_ready() { sinfo -h -o '%T' 2>/dev/null | head -1 | grep -qE '^(idle|mixed|allocated)'; }

# Fast path: nothing to change and the whole chain answers.
if [ ${#changed[@]} -eq 0 ] && pgrep -x munged >/dev/null && running /run/slurmdbd.pid \
  && running /run/slurmctld.pid && running /run/slurmd.pid && node_ready \
  && sacct -n -X -S now >/dev/null 2>&1; then
  echo "slurm: running, accounting on"
  exit 0
fi

# MariaDB holds the job records; start it if this machine has it but it is not running.
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 3306; then
  (service mariadb start || service mysql start) >/dev/null 2>&1
  for _ in $(seq 1 30); do up 3306 && break; sleep 0.5; done
fi
up 3306 || { echo "warning: MariaDB is not listening on 127.0.0.1:3306; Slurm accounting cannot start, Slurm tests will skip" >&2; exit 0; }
sql() { mysql -h 127.0.0.1 -P 3306 -u root --batch -e "$1"; }
sql "CREATE DATABASE IF NOT EXISTS ${DB_NAME};
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${pass}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${pass}';
ALTER USER '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${pass}';
ALTER USER '${DB_USER}'@'localhost' IDENTIFIED BY '${pass}';
GRANT ALL ON ${DB_NAME}.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL ON ${DB_NAME}.* TO '${DB_USER}'@'localhost';" \
  || { echo "warning: could not create the accounting database as root@127.0.0.1; Slurm tests will skip" >&2; exit 0; }

mkdir -p "$CONF_DIR" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
chown slurm:slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
chown munge:munge /run/munge /var/lib/munge /var/log/munge /etc/munge
chmod 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
for f in "${changed[@]}"; do cp "$staged/$f" "$CONF_DIR/$f"; done
chown slurm:slurm "$CONF_DIR/slurmdbd.conf"; chmod 0600 "$CONF_DIR/slurmdbd.conf"

# Stops a daemon by its pid file and waits for it to go.
stop() {
  running "$1" || return 0
  kill "$(cat "$1")" 2>/dev/null
  for _ in $(seq 1 40); do running "$1" || return 0; sleep 0.25; done
  kill -9 "$(cat "$1")" 2>/dev/null
}
has() { local x; for x in "${changed[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
if has slurmdbd.conf; then stop /run/slurmdbd.pid; fi
if has slurm.conf || has cgroup.conf; then stop /run/slurmctld.pid; stop /run/slurmd.pid; fi

pgrep -x munged >/dev/null || su -s /bin/sh munge -c '/usr/sbin/munged --force' || /usr/sbin/munged --force
running /run/slurmdbd.pid || /usr/sbin/slurmdbd
for _ in $(seq 1 60); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.5; done
# slurmctld registers with slurmdbd only as a known cluster.
sacctmgr -n -P list cluster format=cluster 2>/dev/null | grep -qx "$CLUSTER" \
  || sacctmgr -i add cluster "$CLUSTER" >/dev/null 2>&1 \
  || echo "warning: could not register cluster '$CLUSTER' with slurmdbd (see /var/log/slurm/slurmdbd.log)" >&2
running /run/slurmctld.pid || /usr/sbin/slurmctld
running /run/slurmd.pid || /usr/sbin/slurmd

host=$(hostname -s)
state=""
for _ in $(seq 1 60); do
  state=$(sinfo -h -o '%T' 2>/dev/null | head -1)
  case "$state" in
    idle|mixed|allocated)
      if sacct -n -X -S now >/dev/null 2>&1; then echo "slurm: node ${host} ${state}, accounting on"; exit 0; fi ;;
    down*|drain*|unk*) scontrol update NodeName="${host}" State=RESUME >/dev/null 2>&1 ;;
  esac
  sleep 0.5
done
echo "warning: slurm did not become ready (state '${state:-none}', sacct: $(sacct -n -X -S now 2>&1 | head -1)); see /var/log/slurm/*.log; Slurm tests will skip" >&2
exit 0

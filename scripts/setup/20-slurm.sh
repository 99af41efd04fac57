#!/usr/bin/env bash
# A one-node Slurm cluster for the job tests: installs Debian's slurm-wlm and munge when missing, writes a
# minimal slurm.conf for this host (partition `debug`, proctrack/linuxproc, task/none), starts munged,
# slurmctld and slurmd, and waits until the node is idle. Idempotent: a running cluster is left alone.
set -uo pipefail
if ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "installing slurm-wlm and munge from Debian"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) >/tmp/loadscope-slurm-install.log 2>&1 \
    || { echo "warning: could not install slurm-wlm/munge (see /tmp/loadscope-slurm-install.log); Slurm tests will skip" >&2; exit 0; }
fi
if sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed|alloc'; then echo "slurm: running"; exit 0; fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
chown slurm:slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
chown munge:munge /run/munge /var/lib/munge /var/log/munge /etc/munge
chmod 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
cat >/etc/slurm/slurm.conf <<CONF
# Written by loadscope scripts/setup/20-slurm.sh: a one-node cluster for tests.
ClusterName=loadscope
SlurmctldHost=${host}
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
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName=${host} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
cat >/etc/slurm/cgroup.conf <<CONF
CgroupPlugin=autodetect
IgnoreSystemd=yes
CONF
pgrep -x munged >/dev/null || su -s /bin/sh munge -c '/usr/sbin/munged --force' || /usr/sbin/munged --force
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for _ in $(seq 1 40); do
  state=$(sinfo -h -o '%T' 2>/dev/null | head -1)
  case "$state" in idle|mixed|allocated) echo "slurm: node ${host} ${state}"; exit 0 ;; esac
  case "$state" in down*|drain*|unk*) scontrol update NodeName="${host}" State=RESUME >/dev/null 2>&1 ;; esac
  sleep 0.5
done
echo "warning: slurm did not become ready (state '${state:-none}'); see /var/log/slurm/*.log; Slurm tests will skip" >&2
exit 0

# A real single-node Slurm for the tests (sourced): munged, slurmctld and
# slurmd of Debian's slurm-wlm and munge, with their key, sockets, state
# and logs in one folder and ports of their own, so that a machine's own
# Slurm (if any) is never touched.
#   slurm_up DIR    starts them; 0 once the node is idle, with SLURM_CONF
#                   exported; 1 with SLURM_WHY set when it cannot be done here
#   slurm_down DIR  stops them
slurm_up() {
    d=$1
    SLURM_WHY=""
    for b in munged slurmctld slurmd srun sinfo; do
        command -v "$b" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
        command -v "$b" >/dev/null 2>&1 || { SLURM_WHY="$b is not installed (slurm-wlm, munge)"; return 1; }
    done
    # slurmd starts job steps as their user: it must run as root
    [ "$(id -u)" -eq 0 ] || { SLURM_WHY="slurmd needs root"; return 1; }
    mkdir -p "$d/state" "$d/spool" "$d/log"
    head -c 1024 /dev/urandom >"$d/munge.key"
    chmod 400 "$d/munge.key"
    munged -f --socket="$d/munge.sock" --key-file="$d/munge.key" --pid-file="$d/munged.pid" \
        --log-file="$d/log/munged.log" --seed-file="$d/munged.seed" || {
        SLURM_WHY="munged does not start"; return 1; }
    host=$(hostname)
    # ports of our own, from the pid, away from a real Slurm's 6817/6818
    p=$((20000 + ($$ % 20000) * 2))
    cat >"$d/slurm.conf" <<CONF
ClusterName=collmtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$p
SlurmdPort=$((p + 1))
AuthType=auth/munge
AuthInfo=socket=$d/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
CONF
    export SLURM_CONF="$d/slurm.conf"
    slurmctld -f "$SLURM_CONF" && slurmd -f "$SLURM_CONF" || {
        SLURM_WHY="slurmctld or slurmd does not start (see $d/log)"; slurm_down "$d"; return 1; }
    i=0
    while [ $i -lt 100 ]; do
        [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] && return 0
        sleep 0.2
        i=$((i + 1))
    done
    SLURM_WHY="the node did not come up in 20 s (see $d/log)"
    slurm_down "$d"
    return 1
}

slurm_down() {
    for f in slurmd slurmctld munged; do
        [ -f "$1/$f.pid" ] && kill "$(cat "$1/$f.pid")" 2>/dev/null
    done
    sleep 0.3
    for f in slurmd slurmctld munged; do
        [ -f "$1/$f.pid" ] && kill -9 "$(cat "$1/$f.pid")" 2>/dev/null
        rm -f "$1/$f.pid"
    done
    return 0
}

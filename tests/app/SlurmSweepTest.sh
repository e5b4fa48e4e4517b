#!/usr/bin/env bash
# A real single-node Slurm (slurmctld + slurmd from Debian's slurm-wlm, auth/none, no
# accounting) runs a 2-trial sweep as a job array; the per-trial databases are imported into one
# study and every trial must be there, finished. Runs only when CI=true or DIMEREC_SLURM_TEST=1
# (it starts daemons as root); otherwise exits 77, which ctest reports as skipped.
# Usage: SlurmSweepTest.sh /path/to/dimerec
set -euo pipefail

dimerec="$1"
skip() { echo "SKIP: $*"; exit 77; }

if [ "${CI:-}" != "true" ] && [ "${DIMEREC_SLURM_TEST:-}" != "1" ]; then
  skip "the Slurm test runs only with CI=true or DIMEREC_SLURM_TEST=1 (it starts slurmctld and slurmd as root)"
fi
[ "$(id -u)" -eq 0 ] || skip "the Slurm test needs root (slurmd runs jobs as their owner)"
for tool in slurmctld slurmd sbatch squeue scontrol; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found: install slurm-wlm (scripts/install-deps.sh)"; exit 1; }
done

work="$(mktemp -d /tmp/dimerec-slurm.XXXXXX)"
chmod 755 "$work"
ctld_pid=""
slurmd_pid=""
cleanup() {
  [ -n "$slurmd_pid" ] && kill "$slurmd_pid" 2>/dev/null || true
  [ -n "$ctld_pid" ] && kill "$ctld_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "${DIMEREC_SLURM_KEEP:-}" != "1" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$work"/slurmctld.log "$work"/slurmd.log "$work"/out/*.log; do
    [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
  done
  exit 1
}

# Ports nobody uses now (the kernel's pick), so a test never meets a real cluster's daemons.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
host="$(hostname -s)"
cpus="$(nproc)"
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$work/state" "$work/spool" "$work/out"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<EOF
ClusterName=dimerectest
SlurmctldHost=$host
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=dimerec Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
slurmd_pid=$!
for _ in $(seq 60); do
  if scontrol show node "$host" 2>/dev/null | grep -q -E "State=IDLE"; then break; fi
  sleep 1
done
scontrol show node "$host" | grep -q "State=IDLE" || fail "the node never became idle"

cat > "$work/sweep.json" <<'EOF'
{
  "study": "slurm-test",
  "description": "2 trials x 3 steps on the embedded dataset",
  "base": {
    "model": { "dim": 16, "diffusionSteps": 10 },
    "train": { "batchSize": 64, "maxSteps": 3, "device": "cpu" },
    "eval": { "topK": [10] }
  },
  "grid": { "model.lambda": [0.5, 1.0] },
  "seeds": [1]
}
EOF

submitted="$("$dimerec" sweep "$work/sweep.json" --slurm --submit --out "$work/out" \
  --cpus 1 --mem 512M --time 00:10:00 --partition dimerec)" || fail "sweep --slurm failed: $submitted"
echo "$submitted"
job="$(echo "$submitted" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')"
[ -n "$job" ] || fail "no job id in: $submitted"

for _ in $(seq 300); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] || fail "job $job still queued or running after 300 s"

study_db="$work/study.sqlite"
"$dimerec" runs import --db "$study_db" "$work"/out/trial-*.sqlite || fail "import failed"
runs="$("$dimerec" runs list --db "$study_db" --study slurm-test --csv)"
echo "$runs"
finished="$(echo "$runs" | grep -c ',finished,' || true)"
[ "$finished" -eq 2 ] || fail "expected 2 finished trials in study slurm-test, found $finished"
echo "PASS: job array $job ran 2 trials; both imported into study slurm-test"

#!/usr/bin/env bash
# Event-loop stalls of the workbench (issue 21, item 6; docs/performance.md): runs the window
# under Xvfb at 1366×768 in three scenarios and writes, per scenario, the StallMonitor summary
# (<scenario>.json: p50/p99/max lateness of a 1 ms timer per phase, and every stall over 16 ms),
# a picture of the window at the end (<scenario>.png, QWidget::grab) and one of the X screen
# midway (<scenario>-screen.png), plus the machine's load (uptime.txt).
#
#   benchmarks/workbench-stalls.sh [BUILD_DIR] [OUT_DIR] [SCENARIO…]
#
# Scenarios (the window drives itself: dimerec-workbench --drive, see StallScenario.h):
#   train    DimeRec on ML-1M with 2 threads, live curves, until the run ends (maxSteps below)
#   compare  8 real ML-1M runs (bundles of experiments/results/diffusion-variants-ml1m) added
#            to the comparison, tested against a baseline, metrics ticked and unticked
#   sphere   the Embeddings dock on the run `train` stored (ML-1M's 3,706 items), dragged round
#            (runs `train` first when its store is missing)
# Everything is written to a scratch folder (stores, settings, checkpoints); the dataset is
# read from $DIMEREC_DATA_DIR (default /work/shared/data) and never copied.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
mkdir -p "${2:-$root/stalls}"
out=$(cd "${2:-$root/stalls}" && pwd)
shift $(($# < 2 ? $# : 2))
if (($# > 0)); then scenarios=("$@"); else scenarios=(train compare sphere); fi

export DIMEREC_DATA_DIR=${DIMEREC_DATA_DIR:-/work/shared/data}
dataset=$DIMEREC_DATA_DIR/ml-1m
[[ -d $dataset ]] || { echo "no ML-1M at $dataset (set DIMEREC_DATA_DIR)" >&2; exit 1; }
workbench=$build/app/dimerec-workbench
cli=$build/app/dimerec
for program in "$workbench" "$cli"; do
  [[ -x $program ]] || { echo "build $program first" >&2; exit 1; }
done
for tool in xvfb-run import; do
  command -v "$tool" >/dev/null || { echo "needs $tool (xvfb, imagemagick)" >&2; exit 1; }
done

scratch=${STALL_SCRATCH:-$(mktemp -d /tmp/workbench-stalls.XXXXXX)}
mkdir -p "$scratch"
export HOME=$scratch/home XDG_DATA_HOME=$scratch/data XDG_RUNTIME_DIR=$scratch/runtime
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# The background sweeps of the shared machine keep running: say how loaded it was.
uptime | tee "$out/uptime.txt"

# 1,500 steps of 256 samples (0.4 epoch), validated every 500: a minute or two of live curves.
cat >"$scratch/train.json" <<EOF
{"name": "stalls ml-1m",
 "data": {"dataset": "$dataset"},
 "model": {"model": "dimerec"},
 "train": {"threads": 2, "maxSteps": 1500, "evalEvery": 500}}
EOF

# Starts the window with its own X server; the screen is pictured `shot` seconds in.
window() {
  local scenario=$1 store=$2 shot=$3
  shift 3
  echo "== $scenario"
  # Fresh settings each time: the default layout, no window saved by the previous scenario.
  export XDG_CONFIG_HOME=$scratch/config-$scenario
  rm -rf "$XDG_CONFIG_HOME"
  xvfb-run -a -s '-screen 0 1366x768x24' bash -c '
    "$@" &
    app=$!
    (sleep '"$shot"'; import -window root "'"$out/$scenario-screen.png"'") &
    wait $app' window "$workbench" --store "$store" --measure-stalls "$out/$scenario.json" \
    --drive "$scenario" "$@" 2>&1 | tee "$out/$scenario.log"
}

for scenario in "${scenarios[@]}"; do
  case $scenario in
    train)
      rm -f "$scratch/train.sqlite"
      (cd "$scratch" && window train "$scratch/train.sqlite" 40 --config "$scratch/train.json")
      ;;
    compare)
      if [[ ! -f $scratch/compare.sqlite ]]; then
        # Eight runs of the study, all with per-user ranks: seeds 1 and 2 of SASRec, DimeRec
        # with a linear-scaled schedule, with a protected GEM and with a GEM warm start.
        bundles=()
        for uuid in 480a9244 37c6cee9 954d58eb 0705d131 84004cd7 49da2f82 6b77b1c0 0c689b04; do
          bundles+=("$root"/experiments/results/diffusion-variants-ml1m/*-"$uuid"-*.json.gz)
        done
        "$cli" runs import --db "$scratch/compare.sqlite" "${bundles[@]}"
      fi
      window compare "$scratch/compare.sqlite" 12
      ;;
    sphere)
      if [[ ! -f $scratch/train.sqlite ]]; then
        (cd "$scratch" && window train "$scratch/train.sqlite" 40 --config "$scratch/train.json")
      fi
      window sphere "$scratch/train.sqlite" 6
      ;;
    *)
      echo "unknown scenario $scenario (train, compare, sphere)" >&2
      exit 2
      ;;
  esac
done
echo "summaries, pictures and logs in $out; scratch stores in $scratch"

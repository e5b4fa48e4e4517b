#!/usr/bin/env bash
# Runs the six studies of docs/reproduction.md (eight experiment files) and exports every table
# and figure of that report. Run from the repository root after building:
#
#   experiments/reproduce.sh [--db FILE] [--out DIR] [--profile NAME] [--jobs N] [--exports-only]
#
# --db        run store (default runs/studies.sqlite); a restarted script continues the sweeps
# --out       where the tables (.md) and figures (.png, .pdf) go (default docs/reproduction)
# --profile   an experiment-file profile, e.g. full (default: the quick settings)
# --jobs      trials trained at once (default 2, one LibTorch thread each on a 2-core machine)
# --exports-only  skip the sweeps, only export from the runs already in --db
# DIMEREC_DATA_DIR points at the datasets (default ../shared/data); DIMEREC names the binary.
set -euo pipefail

db=runs/studies.sqlite
out=docs/reproduction
profile=""
jobs=2
sweeps=1
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --exports-only) sweeps=0; shift ;;
    *) echo "reproduce.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
dimerec="${DIMEREC:-build/app/dimerec}"
suffix="${profile:+-$profile}"
mkdir -p "$(dirname "$db")" "$out"

studies=(compare-ml1m ablation-components-ml1m ablation-gem-ml1m sensitivity-lambda-mu-ml1m
         sensitivity-steps-schedule-ml1m diversity-comirec-ml1m compare-beauty compare-yelp)
if [ "$sweeps" = 1 ]; then
  for study in "${studies[@]}"; do
    "$dimerec" sweep "experiments/$study.json" --db "$db" --jobs "$jobs" ${profile:+--profile "$profile"}
  done
fi

table() {  # table STUDY REFERENCE METRICS [FILE-STEM]
  "$dimerec" export table --db "$db" --study "$1$suffix" --group-seeds --reference "$2" \
    --metrics "$3" --format markdown -o "$out/${4:-$1}.md"
}
plot() {  # plot FILE-STEM ARGS...: PNG for the report, PDF for papers
  local stem="$1"; shift
  "$dimerec" export plot --db "$db" "$@" -o "$out/$stem.png" --dpi 200
  "$dimerec" export plot --db "$db" "$@" -o "$out/$stem.pdf"
}
run_id() {  # run_id STUDY NAME: the id of the study's finished run with that name
  "$dimerec" runs list --db "$db" --study "$1$suffix" --status finished --csv --limit 0 |
    awk -F, -v name="$2" '$4 == name { print $1; exit }'
}

loo=hr@10,ndcg@10,hr@20,ndcg@20,hr@50,ndcg@50
for dataset in ml1m beauty yelp; do table "compare-$dataset" DimeRec "$loo"; done
table ablation-components-ml1m full "$loo"
table ablation-gem-ml1m GEM=SA "$loo"
table sensitivity-lambda-mu-ml1m "λ=1 μ=1" "$loo"
table sensitivity-steps-schedule-ml1m "T=100 schedule=linear" "$loo"
table diversity-comirec-ml1m DimeRec \
  recall@20,ndcg@20,hr@20,diversity@20,recall@50,ndcg@50,hr@50,diversity@50,categories@50
table compare-ml1m DimeRec diversity@50,categories@20,categories@50,ild@50,coverage@50,gini@50,probe_accuracy,probe_majority \
  compare-ml1m-diversity

plot compare-ml1m-ndcg20 --study "compare-ml1m$suffix" --kind metric --metric ndcg@20 \
  --width 17cm --height 10cm
plot lambda-mu-heatmap --study "sensitivity-lambda-mu-ml1m$suffix" --kind heatmap \
  --x model.lambda --y model.mu --metric ndcg@20
plot steps-schedule-lines --study "sensitivity-steps-schedule-ml1m$suffix" --kind sweep \
  --x model.diffusionSteps --series model.schedule --metric ndcg@20
plot diversity-tradeoff --study "diversity-comirec-ml1m$suffix" --kind tradeoff \
  --metric recall@50 --y-metric diversity@50 --width 16cm --height 9cm
# The paper's GRW figure: L_recon and L_ssm of the geodesic model against Euclidean DDPM noise.
full=$(run_id ablation-components-ml1m "full seed 1")
euclid=$(run_id ablation-components-ml1m "Euclidean seed 1")
for term in recon ssm; do
  plot "grw-loss-$term" --runs "$full" "$euclid" --kind loss --metric "$term" \
    --name "$full=geodesic (GRW)" --name "$euclid=Euclidean DDPM"
done
echo "tables and figures in $out"

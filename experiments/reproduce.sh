#!/usr/bin/env bash
# Runs the studies of docs/reproduction.md and exports every table and figure of that report.
# Run from the repository root after building:
#
#   experiments/reproduce.sh [--db FILE] [--out DIR] [--profile NAME] [--jobs N]
#                            [--until TIME] [--exports-only]
#
# --db        run store (default runs/studies.sqlite); a restarted script continues the sweeps
# --out       where the tables (.md), run lists (.csv) and figures (.png, .pdf) go
#             (default docs/reproduction)
# --profile   an experiment-file profile: full is the converged report (issue 20: the model
#             comparisons on Beauty, Yelp and ML-1M, the ablations on Beauty and ML-1M, the
#             paper's protocol on ML-1M);
#             without it, the quick studies of sections 1-6
# --jobs      trials trained at once (default 2, one LibTorch thread each on a 2-core machine)
# --until     start a trial only when its estimated time fits before TIME (anything `date -d`
#             reads: "23:30", "tomorrow 00:20", "150 minutes"), so that a working session or a
#             job's time limit ends between trials (`dimerec sweep --time-left`); the exports
#             follow
# --exports-only  skip the sweeps, only export from the runs in --db
# Finished runs committed as bundles under experiments/results/<study>[-<profile>]/ are
# imported first (a run stored already is skipped), so the sweeps train only what is missing
# and `--exports-only` regenerates the tables and figures from the bundles alone. A study with
# no finished runs yet is reported and skipped.
# DIMEREC_DATA_DIR points at the datasets (default ../shared/data); DIMEREC names the binary.
set -euo pipefail

db=runs/studies.sqlite
out=docs/reproduction
profile=""
jobs=2
sweeps=1
deadline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --until) deadline=$(date -d "$2" +%s) || exit 2; shift 2 ;;
    --exports-only) sweeps=0; shift ;;
    *) echo "reproduce.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
dimerec="${DIMEREC:-build/app/dimerec}"
suffix="${profile:+-$profile}"
mkdir -p "$(dirname "$db")" "$out"

if [ "$profile" = full ]; then
  studies=(compare-beauty compare-yelp compare-ml1m ablation-beauty sensitivity-lambda-mu-beauty
           confirm-lambda-mu-beauty confirm-lambda-mu-yelp sensitivity-steps-schedule-beauty
           confirm-steps-schedule-beauty confirm-steps-schedule-yelp confirm-protection-beauty
           confirm-protection-yelp ablation-beauty-linear-scaled
           sensitivity-lambda-mu-beauty-linear-scaled ablation-components-ml1m dreamrec-protocol-ml1m)
else
  studies=(compare-ml1m ablation-components-ml1m ablation-gem-ml1m sensitivity-lambda-mu-ml1m
           sensitivity-steps-schedule-ml1m diversity-comirec-ml1m compare-beauty compare-yelp)
fi
for study in "${studies[@]}"; do
  bundles="experiments/results/$study$suffix"
  if [ -d "$bundles" ]; then "$dimerec" runs import --db "$db" "$bundles" | tail -n 1; fi
done
# A finished run that no trial of its file claims any more (a changed default or field changed
# the trial's config hash) would be trained again by the sweep below: say so before it does.
for study in "${studies[@]}"; do
  stored=$("$dimerec" runs list --db "$db" --study "$study$suffix" --status finished --csv \
    --limit 0 | tail -n +2 | wc -l)
  claimed=$("$dimerec" sweep "experiments/$study.json" --db "$db" ${profile:+--profile "$profile"} \
    --dry-run | grep -c 'finished (run' || true)
  if [ "$claimed" -lt "$stored" ]; then
    echo "reproduce.sh: $((stored - claimed)) of the $stored finished runs of $study$suffix are" \
      "no trial of experiments/$study.json any more (its config hashes changed)" >&2
  fi
done
if [ "$sweeps" = 1 ]; then
  for study in "${studies[@]}"; do
    left=()
    if [ -n "$deadline" ]; then left=(--time-left "$(( deadline > $(date +%s) ? deadline - $(date +%s) : 0 ))"); fi
    "$dimerec" sweep "experiments/$study.json" --db "$db" --jobs "$jobs" \
      ${profile:+--profile "$profile"} "${left[@]}"
  done
fi

id_names() {  # id_names STUDY: "<id><TAB><name>" of each of the study's finished runs
  # (the CSV quotes a name that holds a comma, "DreamRec-like (Euclidean DDPM, MSE only) seed 1")
  "$dimerec" runs list --db "$db" --study "$1$suffix" --status finished --csv --limit 0 |
    awk -F, 'NR > 1 {
      name = $4
      for (i = 5; name ~ /^"/ && name !~ /"$/ && i <= NF; i++) name = name "," $i
      if (name ~ /^".*"$/) name = substr(name, 2, length(name) - 2)
      print $1 "\t" name }'
}
finished() {  # finished STUDY: the names of the study's finished runs, one a line
  id_names "$1" | cut -f 2
}
table() {  # table STUDY REFERENCE METRICS [FILE-STEM]: seed groups, compared with REFERENCE
  local names reference=()
  names=$(finished "$1")
  if [ -z "$names" ]; then echo "$1$suffix: no finished runs yet, no table"; return; fi
  # The reference row's runs are named "<reference> seed <n>"; without them, no comparison.
  if grep -qxF -e "$2" -e "$2 seed 1" -e "$2 seed 2" -e "$2 seed 3" <<<"$names"; then
    reference=(--reference "$2")
  fi
  "$dimerec" export table --db "$db" --study "$1$suffix" --group-seeds "${reference[@]}" \
    --metrics "$3" --format markdown -o "$out/${4:-$1}.md"
}
by_users() {  # by_users STUDY GROUPING EDGES: NDCG@10 by buckets of test users, against SASRec
  local reference=()
  if [ -z "$(finished "$1")" ]; then return; fi
  if grep -qx "SASRec seed 1" <<<"$(finished "$1")"; then reference=(--reference SASRec); fi
  "$dimerec" export table --db "$db" --study "$1$suffix" --group-seeds --readouts --by "$2" \
    --edges "$3" --metrics ndcg@10 "${reference[@]}" --format markdown -o "$out/$1-by-$2.md"
}
runs() {  # runs STUDY: each finished run's epochs, epoch of its best validation and wall time
  if [ -z "$(finished "$1")" ]; then return; fi
  "$dimerec" runs list --db "$db" --study "$1$suffix" --status finished --limit 0 --sort id --asc \
    --csv >"$out/$1-runs.csv"
}
plot() {  # plot FILE-STEM STUDY ARGS...: PNG for the report, PDF for papers, once STUDY has runs
  local stem="$1" study="$2"; shift 2
  if [ -z "$(finished "$study")" ]; then echo "$study$suffix: no finished runs yet, no $stem"; return; fi
  "$dimerec" export plot --db "$db" "$@" -o "$out/$stem.png" --dpi 200 || return 1
  "$dimerec" export plot --db "$db" "$@" -o "$out/$stem.pdf" || return 1
}
grid_plot() {  # grid_plot FILE-STEM STUDY ARGS...: plot, or a note while too few cells finished
  plot "$@" || echo "$2$suffix: not enough of the grid finished for $1 yet (the error above)"
}
curves() {  # curves STUDY: validation NDCG@10 per epoch of each trained model's seed-1 run
  local ids
  # Rows "id,uuid,study,<name> seed 1,model,dataset,1,finished,started,steps,…" with steps > 0
  # (names may be quoted and hold commas, so the line is matched from the name's end).
  ids=$("$dimerec" runs list --db "$db" --study "$1$suffix" --status finished --csv --limit 0 \
    --sort id --asc | awk -F, '/ seed 1"?,[^,]*,[^,]*,1,finished,[^,]*,[1-9]/ {
      printf "%s%s", sep, $1; sep = "," }')
  if [ -z "$ids" ]; then return; fi
  plot "$1-valid-ndcg10-epochs" "$1" --runs "$ids" --kind curve --metric ndcg@10 --x epoch \
    --width 17cm --height 10cm
}
# ablation_table STUDY COMPARISON VARIANT METRICS: STUDY's table against its "full" row. Where
# STUDY has not trained "full" itself, the row is COMPARISON's VARIANT, the same config (equal
# config hashes), so that the converged ablation does not train those runs a second time.
ablation_table() {
  local own shared=() ids=() id
  own=$(finished "$1")
  if [ -z "$own" ] || grep -q '^full seed ' <<<"$own"; then table "$1" full "$4"; return; fi
  for seed in 1 2 3; do
    id=$(run_id "$2" "$3 seed $seed")
    if [ -n "$id" ]; then shared+=("$id"); fi
  done
  if [ ${#shared[@]} = 0 ]; then table "$1" full "$4"; return; fi
  mapfile -t ids < <("$dimerec" runs list --db "$db" --study "$1$suffix" --status finished \
    --csv --limit 0 --sort id --asc | awk -F, 'NR > 1 { print $1 }')
  "$dimerec" export table --db "$db" --runs "${shared[@]}" "${ids[@]}" --group-seeds \
    --baseline "${shared[0]}" --significance --name "${shared[0]}=full ($2$suffix)" \
    --metrics "$4" --format markdown -o "$out/$1.md"
}
run_id() {  # run_id STUDY NAME: the id of the study's finished run with that name
  id_names "$1" | awk -F '\t' -v name="$2" '$2 == name { print $1; exit }'
}
# preset_ids DATASET earlier|current: the run ids of the recommended DimeRec's three seeds on
# DATASET as it was until the T × schedule check (linear β: compare-DATASET's "DimeRec
# (recommended)") or as it stands (linear-scaled β: on Beauty and Yelp the T = 100 linear-scaled
# cell of confirm-steps-schedule-DATASET, Beauty's seed 1 the grid's; on ML-1M the comparison's
# own variant), the same config.
preset_ids() {
  local seed id
  for seed in 1 2 3; do
    if [ "$2" = earlier ]; then
      id=$(run_id "compare-$1" "DimeRec (recommended) seed $seed")
    elif [ "$1" = ml1m ]; then
      id=$(run_id compare-ml1m "DimeRec (recommended, linear-scaled β) seed $seed")
    else
      id=$(run_id "confirm-steps-schedule-$1" "T=100 schedule=linear-scaled seed $seed")
      if [ -z "$id" ] && [ "$1" = beauty ]; then
        id=$(run_id sensitivity-steps-schedule-beauty "T=100 schedule=linear-scaled seed $seed")
      fi
    fi
    if [ -n "$id" ]; then echo "$id"; fi
  done
}
# confirm_table STUDY GRID DATASET METRICS PRESET CELL…: the cells CELL ("λ=0.2 μ=0.2") with
# three seeds each (the confirmation study STUDY; a seed it lacks is the grid study GRID's run of
# the same config, GRID "" for none) against the preset they were chosen against (PRESET: the
# earlier or the current recommended DimeRec, preset_ids): on validation, which chooses, and test.
confirm_table() {
  local study=$1 grid=$2 dataset=$3 metrics=$4 preset=$5 ids=() id cell seed split label
  shift 5
  mapfile -t ids < <(preset_ids "$dataset" "$preset")
  if [ ${#ids[@]} = 0 ] || [ -z "$(finished "$study")" ]; then return; fi
  label="DimeRec (recommended, linear-scaled β)"
  if [ "$preset" = earlier ]; then label="earlier preset, linear β (compare-$dataset$suffix)"; fi
  for cell in "$@"; do
    for seed in 1 2 3; do
      id=$(run_id "$study" "$cell seed $seed")
      if [ -z "$id" ] && [ -n "$grid" ]; then id=$(run_id "$grid" "$cell seed $seed"); fi
      if [ -n "$id" ]; then ids+=("$id"); fi
    done
  done
  for split in valid test; do
    "$dimerec" export table --db "$db" --runs "${ids[@]}" --group-seeds --baseline "${ids[0]}" \
      --significance --split "$split" --metrics "$metrics" --format markdown \
      --name "${ids[0]}=$label" -o "$out/$study-$split.md"
  done
}

# compare_table DATASET: compare-DATASET's converged table against SASRec, with the current
# preset (preset_ids) beside the earlier one, which the comparison trained as "DimeRec
# (recommended)".
compare_table() {
  local study=compare-$1 ids=() labels=() presets=() id current earlier sasrec
  mapfile -t ids < <("$dimerec" runs list --db "$db" --study "$study$suffix" --status finished \
    --csv --limit 0 --sort id --asc | awk -F, 'NR > 1 { print $1 }')
  if [ ${#ids[@]} = 0 ]; then echo "$study$suffix: no finished runs yet, no table"; return; fi
  mapfile -t presets < <(preset_ids "$1" current)
  current=${presets[0]:-}
  if [ "$1" != ml1m ]; then ids+=("${presets[@]}"); fi
  earlier=$(run_id "$study" "DimeRec (recommended) seed 1")
  sasrec=$(run_id "$study" "SASRec seed 1")
  if [ -n "$earlier" ]; then labels+=(--name "$earlier=DimeRec (earlier preset, linear β)"); fi
  id=$(run_id "$study" "DimeRec (recommended), stopped on its interests seed 1")
  if [ -n "$id" ]; then
    labels+=(--name "$id=DimeRec (earlier preset, linear β), stopped on its interests")
  fi
  if [ -n "$current" ]; then labels+=(--name "$current=DimeRec (recommended, linear-scaled β)"); fi
  "$dimerec" export table --db "$db" --runs "${ids[@]}" --group-seeds \
    ${sasrec:+--baseline "$sasrec" --significance} "${labels[@]}" --metrics "$loo" \
    --format markdown -o "$out/$study.md"
}

loo=hr@10,ndcg@10,hr@20,ndcg@20,hr@50,ndcg@50
if [ "$profile" = full ]; then
  # Converged (issue 20): every model against SASRec, the strongest baseline, per dataset
  # (Yelp's table is followed by the other history setting's); the ablations against the full
  # recommended DimeRec; each study's runs with their epochs and wall time.
  for dataset in beauty yelp ml1m; do
    compare_table "$dataset"
    plot "compare-$dataset-ndcg10" "compare-$dataset" --study "compare-$dataset$suffix" \
      --kind metric --metric ndcg@10 --width 17cm --height 10cm
    curves "compare-$dataset"
    plot "compare-$dataset-ndcg10-by-history-length" "compare-$dataset" \
      --study "compare-$dataset$suffix" --kind by-history-length --metric ndcg@10 \
      --readouts interests \
      --width 17cm --height 10cm
    plot "compare-$dataset-ndcg10-by-target-popularity" "compare-$dataset" \
      --study "compare-$dataset$suffix" --kind by-target-popularity --metric ndcg@10 \
      --readouts interests --edges 5,10,20,50,100,200,500,1000 \
      --width 17cm --height 10cm
    by_users "compare-$dataset" history-length 5,10,20,50
    by_users "compare-$dataset" target-popularity 5,10,20,50,100,200,500,1000
  done
  ablation_table ablation-beauty compare-beauty "DimeRec (recommended)" "$loo"
  table ablation-components-ml1m full "$loo"
  table sensitivity-lambda-mu-beauty "λ=1 μ=1" "$loo"
  table sensitivity-lambda-mu-beauty-linear-scaled "λ=1 μ=1" "$loo"
  confirm_table confirm-lambda-mu-beauty sensitivity-lambda-mu-beauty beauty "$loo" earlier \
    "λ=1 μ=5" "λ=0.2 μ=0.2"
  confirm_table confirm-lambda-mu-yelp "" yelp "$loo" earlier "λ=0.2 μ=0.2"
  table sensitivity-steps-schedule-beauty "T=100 schedule=linear" "$loo"
  confirm_table confirm-steps-schedule-beauty sensitivity-steps-schedule-beauty beauty "$loo" \
    earlier "T=100 schedule=linear-scaled"
  confirm_table confirm-steps-schedule-yelp "" yelp "$loo" earlier "T=100 schedule=linear-scaled"
  # The same check on ML-1M, where the current preset is a variant of the comparison itself
  # (compare-ml1m-valid.md, compare-ml1m-test.md).
  confirm_table compare-ml1m "" ml1m "$loo" earlier "DimeRec (recommended, linear-scaled β)"
  # Without the GEM's protection, against the current preset (the Beauty ablation's w/o
  # protection, of the earlier preset, was ahead on validation).
  confirm_table confirm-protection-beauty "" beauty "$loo" current "w/o protection"
  confirm_table confirm-protection-yelp "" yelp "$loo" current "w/o protection"
  # The Beauty ablation once more with the current preset (ablation-beauty is of the earlier one;
  # w/o diffusion does not depend on the schedule, w/o protection is the table above).
  confirm_table ablation-beauty-linear-scaled "" beauty "$loo" current "w/o L_gem" "w/o L_ssm" \
    "w/o L_recon" "w/o sphere (Euclidean)" "GEM=rule" "GEM=DR" "GEM=SASRec"
  # The paper's protocol (item 3): every run against DimeRec (recommended); the item-embedding
  # norms by training frequency of each diffusion variant's seed-1 run (the baselines' tables
  # are not what the question is about; MostPopular has none).
  table dreamrec-protocol-ml1m "DimeRec (recommended)" "$loo"
  norm_runs=()
  for variant in "DimeRec (recommended)" "DimeRec w/o L_ssm" \
      "DreamRec-like (Euclidean DDPM, MSE only)" "DreamRec-like on the sphere (geodesic, MSE only)" \
      "DreamRec-like + L_ssm (Euclidean DDPM, MSE + sampled softmax)"; do
    id=$(run_id dreamrec-protocol-ml1m "$variant seed 1")
    if [ -n "$id" ]; then norm_runs+=("$id"); fi
  done
  if [ ${#norm_runs[@]} -gt 0 ]; then
    ids=$(IFS=,; echo "${norm_runs[*]}")
    plot dreamrec-protocol-norms dreamrec-protocol-ml1m --runs "$ids" --kind norm-by-frequency --log-y \
      --width 17cm --height 10cm
    "$dimerec" export plot --db "$db" --runs "$ids" --kind norm-by-frequency \
      -o "$out/dreamrec-protocol-norms.csv"
  fi
  for study in "${studies[@]}"; do runs "$study"; done
  grid_plot lambda-mu-heatmap-beauty sensitivity-lambda-mu-beauty \
    --study "sensitivity-lambda-mu-beauty$suffix" --kind heatmap --x model.lambda --y model.mu \
    --metric ndcg@10
  grid_plot lambda-mu-heatmap-beauty-linear-scaled sensitivity-lambda-mu-beauty-linear-scaled \
    --study "sensitivity-lambda-mu-beauty-linear-scaled$suffix" --kind heatmap --x model.lambda \
    --y model.mu --metric ndcg@10
  grid_plot steps-schedule-lines-beauty sensitivity-steps-schedule-beauty \
    --study "sensitivity-steps-schedule-beauty$suffix" --kind sweep --x model.diffusionSteps \
    --series model.schedule --metric ndcg@10
  echo "tables, run lists and figures in $out"
  exit 0
fi
for dataset in ml1m beauty yelp; do table "compare-$dataset" DimeRec "$loo"; done
table ablation-components-ml1m full "$loo"
table ablation-gem-ml1m GEM=SA "$loo"
table sensitivity-lambda-mu-ml1m "λ=1 μ=1" "$loo"
table sensitivity-steps-schedule-ml1m "T=100 schedule=linear" "$loo"
table diversity-comirec-ml1m DimeRec \
  recall@20,ndcg@20,hr@20,diversity@20,recall@50,ndcg@50,hr@50,diversity@50,categories@50
table compare-ml1m DimeRec diversity@50,categories@20,categories@50,ild@50,coverage@50,gini@50,probe_accuracy,probe_majority \
  compare-ml1m-diversity

plot compare-ml1m-ndcg20 compare-ml1m --study compare-ml1m --kind metric --metric ndcg@20 \
  --width 17cm --height 10cm
plot lambda-mu-heatmap sensitivity-lambda-mu-ml1m --study sensitivity-lambda-mu-ml1m \
  --kind heatmap --x model.lambda --y model.mu --metric ndcg@20
plot steps-schedule-lines sensitivity-steps-schedule-ml1m --study sensitivity-steps-schedule-ml1m \
  --kind sweep --x model.diffusionSteps --series model.schedule --metric ndcg@20
plot diversity-tradeoff diversity-comirec-ml1m --study diversity-comirec-ml1m --kind tradeoff \
  --metric recall@50 --y-metric diversity@50 --width 16cm --height 9cm
# The paper's GRW figure: L_recon and L_ssm of the geodesic model against Euclidean DDPM noise.
full=$(run_id ablation-components-ml1m "full seed 1")
euclid=$(run_id ablation-components-ml1m "Euclidean seed 1")
for term in recon ssm; do
  plot "grw-loss-$term" ablation-components-ml1m --runs "$full" "$euclid" --kind loss \
    --metric "$term" --name "$full=geodesic (GRW)" --name "$euclid=Euclidean DDPM"
done
echo "tables and figures in $out"

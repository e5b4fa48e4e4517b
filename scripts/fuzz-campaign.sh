#!/bin/sh
# The fuzzing campaign of docs/reliability.md ("Fuzzing"): seeds each target's corpus from
# tests/fixtures (never from the real datasets, which may not be shipped), runs the libFuzzer
# programs two at a time, then minimises each corpus with -merge=1 into
# tests/fixtures/fuzz/<target>, the corpus the replay tests (ctest -L fuzz) feed back.
#
#   scripts/fuzz-campaign.sh BUILD_FUZZ_DIR WORK_DIR SECONDS_PER_TARGET [TARGET...]
#
# BUILD_FUZZ_DIR is a build configured with clang and -DDIMEREC_BUILD_FUZZERS=ON (the targets
# built). Crashes land in WORK_DIR/<target>/ (crash-*, leak-*, timeout-*, oom-*); each
# fuzzer's log in WORK_DIR/<target>.log, its CPU time in WORK_DIR/<target>.time. Needs xz and
# gzip for two seeds and /usr/bin/time.
set -eu
build=$(cd "$1" && pwd) seconds=$3
mkdir -p "$2"
work=$(cd "$2" && pwd)
shift 3
targets=${*:-fuzz_datasets fuzz_decoding fuzz_config fuzz_experiment fuzz_bundle fuzz_checkpoint}
src=$(cd "$(dirname "$0")/.." && pwd)
fx=$src/tests/fixtures

program() {
  find "$build/tests" -type f -name "$1" -perm -u+x | head -n 1
}

# seed TARGET NAME PREFIX_BYTE_OCTAL FILE: a seed that is FILE's bytes behind one selector byte.
seed() {
  mkdir -p "$work/seeds/$1"
  { printf "\\$3"; cat "$4"; } > "$work/seeds/$1/$2"
}
# plain TARGET FILE...: seeds that are the files as they are.
plain() {
  t=$1; shift
  mkdir -p "$work/seeds/$t"
  for f in "$@"; do cp "$f" "$work/seeds/$t/$(basename "$(dirname "$f")")-$(basename "$f")"; done
}

rm -rf "$work/seeds"
# fuzz_datasets: selector 0 sequences, 1 u.data, 2 u.item, 3 ratings.dat, 4 movies.dat,
# 5 ratings.csv, 6 delimited log, 7 item attributes (+0200: lenient bad lines).
seed fuzz_datasets seq 000 "$fx/data/s3rec/Tiny.txt"
seed fuzz_datasets seq-lenient 200 "$fx/data/s3rec/Tiny.txt"
seed fuzz_datasets udata 001 "$fx/data/ml-100k/interactions-100k.tsv"
seed fuzz_datasets uitem 002 "$fx/data/ml-100k/u.item"
seed fuzz_datasets dat 003 "$fx/data/ml-dat/interactions-1m.dat"
seed fuzz_datasets dat-lenient 203 "$fx/data/ml-dat/interactions-1m.dat"
seed fuzz_datasets movies 004 "$fx/data/ml-dat/movies.dat"
seed fuzz_datasets csv 005 "$fx/bad/data/ratings-value/ratings.csv"
seed fuzz_datasets csv-header 005 "$fx/bad/data/csv-header/ratings.csv"
seed fuzz_datasets log 006 "$fx/data/logs/shop.csv"
seed fuzz_datasets log-columns 106 "$fx/bad/data/log-columns/shop.csv"
seed fuzz_datasets attributes 007 "$fx/data/s3rec/Tiny_item2attributes.json"
seed fuzz_datasets attributes-broken 007 "$fx/bad/data/attrs/Shop_item2attributes.json"
plain fuzz_decoding "$fx/data/tiny-gz.txt.gz" "$fx/data/damaged.txt.gz" \
  "$fx/bad/bundles/binary.json.gz" "$fx/bad/data/binary/photo.txt" "$fx/data/ml-dat/movies.dat"
xz -c "$fx/data/s3rec/Tiny.txt" > "$work/seeds/fuzz_decoding/tiny.txt.xz"
plain fuzz_config "$fx"/bad/config/*.json
printf '\000model.dim=3\nmodel.lamda=1\n!eval.topK=5\n!model.dim=8\ntrain.maxSteps=-4\n' |
  cat "$fx/bad/config/valid.json" - > "$work/seeds/fuzz_config/valid-with-overrides"
plain fuzz_experiment "$fx"/bad/experiments/*.json "$src/tests/soak/soak-sweep.json"
{ cat "$fx/bad/experiments/profiles.json"; printf '\000quick'; } \
  > "$work/seeds/fuzz_experiment/profiles-quick"
for f in "$fx"/store/run-bundle-seed1.json "$fx"/bad/bundles/*.json; do
  seed fuzz_bundle "$(basename "$f")" 000 "$f"
done
gzip -c "$fx/store/run-bundle-seed2.json" > "$work/run-bundle-seed2.json.gz"
seed fuzz_bundle run-bundle-seed2.json.gz 001 "$work/run-bundle-seed2.json.gz"
plain fuzz_checkpoint "$fx"/bad/checkpoints/*.pt
# The fuzz target's own model, saved by saveCheckpoint: a checkpoint that loads.
if [ -n "$(program fuzz_checkpoint)" ]; then
  DIMEREC_FUZZ_WRITE_SEED="$work/seeds/fuzz_checkpoint/fixed-model.pt" \
    "$(program fuzz_checkpoint)" "$fx/bad/checkpoints/text.pt" > /dev/null 2>&1
fi

# Two fuzzers at a time, each on its own corpus folder (seeded by the committed corpus too).
run() {
  t=$1
  mkdir -p "$work/corpus/$t" "$work/$t" "$fx/fuzz/$t"
  # CPU time (user + system) in $work/<target>.time: the machine may be shared.
  (cd "$work/$t" && /usr/bin/time -f "$t: %U s user, %S s system, %e s wall" -o "$work/$t.time" \
    nice -n 5 "$(program "$t")" -max_total_time="$seconds" -rss_limit_mb=4096 \
    -timeout=30 -print_final_stats=1 "$work/corpus/$t" "$work/seeds/$t" "$fx/fuzz/$t" \
    > "$work/$t.log" 2>&1) || echo "$t: the fuzzer stopped early (a finding?), see $work/$t.log"
}
set -- $targets
while [ $# -gt 0 ]; do
  run "$1" &
  if [ $# -gt 1 ]; then run "$2" & fi
  wait
  shift; [ $# -gt 0 ] && shift
done

# Minimise: what the committed corpus, the seeds and the run found, merged into a fresh folder
# that replaces the committed one, but for its regression-* files (inputs that crashed before a
# fix, kept whatever their coverage). -use_counters=0 keeps the inputs that reach new edges, not
# every new hit count of an edge, which keeps the committed corpora at a few hundred KB.
for t in $targets; do
  rm -rf "$work/merged/$t" && mkdir -p "$work/merged/$t" "$fx/fuzz/$t"
  (cd "$work" && nice -n 5 "$(program "$t")" -merge=1 -use_counters=0 -rss_limit_mb=4096 \
    "$work/merged/$t" "$fx/fuzz/$t" \
    "$work/seeds/$t" "$work/corpus/$t" > "$work/$t-merge.log" 2>&1)
  find "$fx/fuzz/$t" -type f ! -name 'regression-*' -delete && cp "$work/merged/$t"/* "$fx/fuzz/$t/"
  echo "$t: $(ls "$fx/fuzz/$t" | wc -l) files, $(cat "$fx/fuzz/$t"/* | wc -c) bytes"
done

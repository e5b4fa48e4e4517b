#!/usr/bin/env bash
# A run cut short on one machine continues on another (issue 20, item 4): a sweep stopped
# mid-trial (Ctrl-C, as at a session's end) leaves a cancelled run with its last checkpoint;
# `runs export --study … --resumable` carries it as <study>-<uuid>.unfinished.json.gz; the
# first machine's folder is deleted; imported into a fresh database, the same sweep continues
# that run in place and finishes it; exported again, the finished bundle replaces the
# unfinished one.
# Usage: ResumeElsewhereTest.sh /path/to/dimerec
set -euo pipefail

dimerec="$1"
work="$(mktemp -d /tmp/dimerec-resume.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  for log in "$work"/*.log; do echo "--- $log"; tail -n 20 "$log"; done
  exit 1
}
expect() {  # expect FILE PATTERN: FILE has a line matching the extended regular expression
  grep -Eq -- "$2" "$1" || fail "$1 has no line matching '$2'"
}

# 20 steps, a validation (and last.pt) after each: long enough to stop half-way.
cat > "$work/carry.json" <<'JSON'
{ "study": "carry",
  "base": { "model": { "dim": 16, "diffusionSteps": 10 },
            "train": { "maxSteps": 20, "evalEvery": 1, "patience": 0, "batchSize": 64,
                       "threads": 1, "device": "cpu" },
            "eval": { "topK": [10] } },
  "seeds": [1] }
JSON
first="$work/first/runs.sqlite"
second="$work/second/runs.sqlite"
bundles="$work/bundles"

"$dimerec" sweep "$work/carry.json" --db "$first" > "$work/first.log" 2>&1 &
sweep=$!
for _ in $(seq 1200); do
  if compgen -G "$work/first/checkpoints/*/last.pt" > /dev/null; then break; fi
  sleep 0.05
done
kill -INT "$sweep"
if wait "$sweep"; then fail "the sweep finished before it was stopped"; fi
expect "$work/first.log" "sweep stopped; run the same command again to continue"

"$dimerec" runs export --db "$first" --study carry --out-dir "$bundles" --snapshots none \
  --resumable > "$work/export.log" 2>&1 || fail "runs export --resumable failed"
expect "$work/export.log" "exported 0 run\(s\) of study carry to .*, 0 already there, 1 unfinished with their last checkpoint; 1 bundle\(s\)"
compgen -G "$bundles/carry-*.unfinished.json.gz" > /dev/null || fail "no unfinished bundle"
rm -rf "$work/first"  # the machine is gone

"$dimerec" runs import --db "$second" "$bundles" > "$work/import.log" 2>&1 || fail "import failed"
"$dimerec" sweep "$work/carry.json" --db "$second" --dry-run > "$work/plan.log" 2>&1
expect "$work/plan.log" "#0 +seed 1  to resume \(1 earlier attempt"
"$dimerec" sweep "$work/carry.json" --db "$second" > "$work/second.log" 2>&1 ||
  fail "the continued sweep failed"
expect "$work/second.log" "#0 seed 1: finished \(run 1,"
"$dimerec" runs list --db "$second" --study carry --csv > "$work/list.log" 2>&1
expect "$work/list.log" "^1,[0-9a-f]+,carry,seed 1,dimerec,[^,]*,1,finished,[^,]*,20,"
[ "$(grep -c '^[0-9]' "$work/list.log")" = 1 ] || fail "the continued run is not the only run"

"$dimerec" runs export --db "$second" --study carry --out-dir "$bundles" --snapshots none \
  --resumable > "$work/export-again.log" 2>&1 || fail "the second export failed"
expect "$work/export-again.log" "exported 1 run\(s\) of study carry to .*, 0 already there, 0 unfinished"
if compgen -G "$bundles/carry-*.unfinished.json.gz" > /dev/null; then
  fail "the unfinished bundle is still there beside the finished one"
fi
echo "PASS: the stopped run continued from its bundle in another database and finished"

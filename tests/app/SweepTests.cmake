# `dimerec sweep` on a tiny experiment (2 variants × 2 seeds, 3 steps each on the embedded
# dataset): stopped after one trial, restarted, it ends with every trial exactly once in the
# study; the same with two worker processes.
set(DIMEREC_SWEEP_FILE "${CMAKE_CURRENT_SOURCE_DIR}/tiny-sweep.json")
set(DIMEREC_SWEEP_DIR "${CMAKE_CURRENT_BINARY_DIR}/cli-sweep")
add_test(NAME cli.sweep.clean COMMAND "${CMAKE_COMMAND}" -E rm -rf "${DIMEREC_SWEEP_DIR}")
set_tests_properties(cli.sweep.clean PROPERTIES FIXTURES_SETUP sweep-clean RESOURCE_LOCK sweep)
# name (pattern) database arguments…: one `dimerec …` step of the sequence, in order.
function(dimerec_sweep_test name pattern previous)
  add_test(NAME cli.sweep.${name} COMMAND dimerec ${ARGN})
  set_tests_properties(cli.sweep.${name} PROPERTIES FIXTURES_REQUIRED "sweep-clean;${previous}"
    FIXTURES_SETUP sweep-${name} RESOURCE_LOCK sweep PASS_REGULAR_EXPRESSION "${pattern}")
endfunction()
set(db "${DIMEREC_SWEEP_DIR}/one/runs.sqlite")
dimerec_sweep_test(plan-empty "0 of 4 finished, 0 running elsewhere, 4 to run\nestimated[^\n]*unknown"
  sweep-clean sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --dry-run)
# A trial with no estimate yet starts under --time-left (the study has to begin somewhere).
dimerec_sweep_test(first-trial "\\[1/1\\] #0 full seed 1: finished[^\n]*ndcg@10[^\n]*\nstudy cli-sweep: 1 of 4 trials finished"
  sweep-plan-empty sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --max-trials 1 --time-left 1h)
# Results that survive the machine: the finished trial exported as bundles (a second export
# keeps the file already there), imported into a fresh database (a second import skips it),
# counts as finished there, so a sweep on that database would not train it again.
set(bundles "${DIMEREC_SWEEP_DIR}/bundles")
dimerec_sweep_test(export-study "exported 1 run\\(s\\) of study cli-sweep to [^\n]*, 0 already there; 1 bundle\\(s\\), [0-9.]+ MiB in all"
  sweep-first-trial runs export --db "${db}" --study cli-sweep --out-dir "${bundles}" --snapshots none)
dimerec_sweep_test(export-study-again "exported 0 run\\(s\\) of study cli-sweep to [^\n]*, 1 already there"
  sweep-export-study runs export --db "${db}" --study cli-sweep --out-dir "${bundles}")
set(imported_db "${DIMEREC_SWEEP_DIR}/imported.sqlite")
dimerec_sweep_test(import-bundles "imported run 1 from [^\n]*/cli-sweep-[0-9a-f-]+\\.json\\.gz"
  sweep-export-study-again runs import --db "${imported_db}" "${bundles}")
dimerec_sweep_test(import-again "skipped [^\n]*: its run is stored already as run 1\n0 run\\(s\\) imported, 1 already stored"
  sweep-import-bundles runs import --db "${imported_db}" "${bundles}")
dimerec_sweep_test(plan-imported "1 of 4 finished, 0 running elsewhere, 3 to run.*#0 +full seed 1  finished \\(run 1\\)"
  sweep-import-again sweep "${DIMEREC_SWEEP_FILE}" --db "${imported_db}" --dry-run)
# Trial 0 is done and the estimate comes from its run.
dimerec_sweep_test(plan-partial "1 of 4 finished, 0 running elsewhere, 3 to run\nestimated[^\n]*in one process.*#0 +full seed 1  finished \\(run 1\\).*#3 +w/o L_ssm seed 2  to run"
  sweep-plan-imported sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --dry-run)
# With no time left, no trial whose estimate (trial 0's time) exceeds it starts; nothing is lost.
dimerec_sweep_test(time-left "#2 w/o L_ssm seed 1: not started, its estimated [0-9hms]+ does not fit in the 0m00s left of --time-left\n.*study cli-sweep: 1 of 4 trials finished\n3 trial\\(s\\) not started for want of time"
  sweep-plan-partial sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --time-left 0s)
dimerec_sweep_test(rejects-bad-time-left "--time-left: '2x' is not a duration; write e.g. 2h30m"
  sweep-clean sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --time-left 2x)
# Seeds first: w/o L_ssm's seed 1 (#2) before full's seed 2 (#1).
dimerec_sweep_test(rest "\\[1/3\\] #2 w/o L_ssm seed 1.*\\[2/3\\] #1 full seed 2.*\\[3/3\\] #3 w/o L_ssm seed 2: finished.*4 of 4 trials finished"
  sweep-time-left sweep "${DIMEREC_SWEEP_FILE}" --db "${db}")
dimerec_sweep_test(nothing-left "0 to run.*4 of 4 trials finished"
  sweep-rest sweep "${DIMEREC_SWEEP_FILE}" --db "${db}")
dimerec_sweep_test(each-once "\n4 of 4 runs"
  sweep-nothing-left runs list --db "${db}" --study cli-sweep)
# The ablation table: both variants as seed groups of two, deltas against "full".
dimerec_sweep_test(table "\\| full \\(n=2\\) \\|.*\\| w/o L\\\\_ssm \\(n=2\\) \\|"
  sweep-each-once export table --db "${db}" --study cli-sweep --reference full
  --metrics ndcg@10,hr@10 --format markdown)
set(db "${DIMEREC_SWEEP_DIR}/jobs/runs.sqlite")
dimerec_sweep_test(jobs-first "2 of 4 trials finished"
  sweep-clean sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --jobs 2 --max-trials 2)
dimerec_sweep_test(jobs-rest "running 2 trial\\(s\\), 2 at a time.*4 of 4 trials finished"
  sweep-jobs-first sweep "${DIMEREC_SWEEP_FILE}" --db "${db}" --jobs 2)
dimerec_sweep_test(jobs-each-once "\n4 of 4 runs"
  sweep-jobs-rest runs list --db "${db}" --study cli-sweep)
dimerec_sweep_test(rejects-unknown-key "tiny-sweep-bad.json: unknown key 'seed'"
  sweep-clean sweep "${CMAKE_CURRENT_BINARY_DIR}/tiny-sweep-bad.json" --dry-run)
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/tiny-sweep-bad.json" "{ \"study\": \"bad\", \"seed\": 1 }\n")
# A --jobs child whose experiment file changed after the parent planned the sweep refuses its
# trial by name instead of running whatever trial now has that index.
dimerec_sweep_test(child-refuses-changed-file "changed since the sweep started \\(trial 1 is now 'full seed 2'\\)"
  sweep-clean sweep "${DIMEREC_SWEEP_FILE}" --db "${DIMEREC_SWEEP_DIR}/changed/runs.sqlite"
  --trial 1 --trial-key "0000:1")

# Every experiment file the project ships, with each of its profiles, plans without an error:
# every trial is validated (`--dry-run` reads no data), so a change of the config rules that
# would make a shipped study fail shows here rather than when a user starts it.
file(GLOB DIMEREC_EXPERIMENT_FILES "${PROJECT_SOURCE_DIR}/experiments/*.json")
list(FILTER DIMEREC_EXPERIMENT_FILES EXCLUDE REGEX "/dimerec-ml-latest-small\\.json$")  # a run config
foreach(file IN LISTS DIMEREC_EXPERIMENT_FILES)
  get_filename_component(stem "${file}" NAME_WE)
  file(READ "${file}" text)
  set(profiles "-")
  string(JSON has ERROR_VARIABLE missing GET "${text}" profiles)
  if(NOT missing)
    string(JSON count LENGTH "${text}" profiles)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON profile MEMBER "${text}" profiles ${i})
      list(APPEND profiles "${profile}")
    endforeach()
  endif()
  foreach(profile IN LISTS profiles)
    set(args sweep "${file}" --dry-run --db "${DIMEREC_SWEEP_DIR}/plans.sqlite")
    if(NOT profile STREQUAL "-")
      list(APPEND args --profile "${profile}")
    endif()
    add_test(NAME cli.experiments.${stem}.${profile} COMMAND dimerec ${args})
    set_tests_properties(cli.experiments.${stem}.${profile} PROPERTIES
      FIXTURES_REQUIRED sweep-clean RESOURCE_LOCK sweep
      PASS_REGULAR_EXPRESSION "trials: [0-9]+" FAIL_REGULAR_EXPRESSION "^error|\nerror")
  endforeach()
endforeach()

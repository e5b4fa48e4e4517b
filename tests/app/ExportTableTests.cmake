# `dimerec export table …` on its own scratch database filled from the run-store bundle
# fixtures: two runs of one config, seeds 1 and 2, test HR@10 0.50 / 0.52, NDCG@10 0.25 / 0.27.
set(DIMEREC_EXPORT_DB "${CMAKE_CURRENT_BINARY_DIR}/cli-export.sqlite")
set(DIMEREC_EXPORT_CSV "${CMAKE_CURRENT_BINARY_DIR}/cli-export.csv")
add_test(NAME cli.export.setup
  COMMAND sh -c "rm -f \"$0\" \"$0-wal\" \"$0-shm\" \"$1\" && \"$2\" runs import --db \"$0\" \"$3\" \"$4\""
          "${DIMEREC_EXPORT_DB}" "${DIMEREC_EXPORT_CSV}" "$<TARGET_FILE:dimerec>"
          "${PROJECT_SOURCE_DIR}/tests/fixtures/store/run-bundle-seed1.json"
          "${PROJECT_SOURCE_DIR}/tests/fixtures/store/run-bundle-seed2.json")
set_tests_properties(cli.export.setup PROPERTIES FIXTURES_SETUP export-db
  PASS_REGULAR_EXPRESSION "imported run 2 from")
# name (pattern to expect) arguments…: one `export table` on the filled database.
function(dimerec_export_test name pattern)
  add_test(NAME cli.export.${name} COMMAND dimerec export table --db "${DIMEREC_EXPORT_DB}" ${ARGN})
  set_tests_properties(cli.export.${name} PROPERTIES FIXTURES_REQUIRED export-db
    PASS_REGULAR_EXPRESSION "${pattern}")
endfunction()
# Seed 2 is best (bold) in both columns, seed 1 second (underlined).
dimerec_export_test(markdown "\\| dimerec λ=1 seed 1 \\| <u>0\\.5000</u> \\| <u>0\\.2500</u> \\|\n\\| dimerec λ=1 seed 2 \\| \\*\\*0\\.5200\\*\\* \\| \\*\\*0\\.2700\\*\\* \\|"
  --runs 1,2 --format markdown)
# One seed group: mean (0.50 + 0.52)/2 = 0.51, sd 0.02/√2 = 0.0141; λ escaped to math.
dimerec_export_test(latex-groups "dimerec \\$\\\\lambda\\$=1 \\(\\$n\\{=\\}2\\$\\) & \\$\\\\mathbf\\{0\\.5100 \\\\pm 0\\.0141\\}\\$"
  --study "cli fixture" --group-seeds --format latex --caption "Fixture" --label tab:fixture)
# Deltas to run 1: (0.52 − 0.50)/0.50 = +4 %, (0.27 − 0.25)/0.25 = +8 %; runs given by uuid prefix.
dimerec_export_test(transposed-deltas "\\| HR@10 \\| <u>0\\.5000</u> \\| \\*\\*0\\.5200\\*\\* \\(\\+4\\.0%\\) \\|"
  --runs 3f2a,2 --baseline 1 --transpose --format markdown)
dimerec_export_test(csv-file "wrote a csv table of 2 rows and 2 metrics to" --runs 1,2 --baseline 1
  -o "${DIMEREC_EXPORT_CSV}")
set_tests_properties(cli.export.csv-file PROPERTIES FIXTURES_SETUP export-csv)
add_test(NAME cli.export.csv-content COMMAND "${CMAKE_COMMAND}" -E cat "${DIMEREC_EXPORT_CSV}")
set_tests_properties(cli.export.csv-content PROPERTIES FIXTURES_REQUIRED export-csv
  PASS_REGULAR_EXPRESSION "^Model,hr@10,hr@10_delta,ndcg@10,ndcg@10_delta\ndimerec λ=1 seed 1,0\\.5,,0\\.25,\n")
# The LaTeX table as a file, compiled with pdflatex (booktabs) in a scratch folder.
set(DIMEREC_EXPORT_TEX "${CMAKE_CURRENT_BINARY_DIR}/cli-export-table.tex")
dimerec_export_test(latex-file "wrote a latex table" --study "cli fixture" --group-seeds
  --caption "Fixture λ_1 & 50 %" -o "${DIMEREC_EXPORT_TEX}")
set_tests_properties(cli.export.latex-file PROPERTIES FIXTURES_SETUP export-tex)
add_test(NAME cli.export.latex-pdflatex
  COMMAND "${CMAKE_COMMAND}" -DDOCUMENT=${DIMEREC_EXPORT_TEX} -DKIND=table
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/latex/table
          -P "${CMAKE_CURRENT_SOURCE_DIR}/CompileLatex.cmake")
set_tests_properties(cli.export.latex-pdflatex PROPERTIES FIXTURES_REQUIRED export-tex
  SKIP_REGULAR_EXPRESSION "SKIP: pdflatex")
dimerec_export_test(needs-selection "give --runs or --study" --format csv)

# Data whose test targets repeat history items (written by MakeRepeatsDataset.cmake: every even
# user's test item is its third item again, as on Yelp): a recorded run also stores its test under
# the other eval.excludeHistory setting, `export table` then shows both settings, `--split` one of
# them, and `evaluate --record` stores it for a checkpoint's run (issue 19, item 8).
set(DIMEREC_REPEATS_DB "${CMAKE_CURRENT_BINARY_DIR}/cli-repeats.sqlite")
set(DIMEREC_REPEATS_CHECKPOINTS "${CMAKE_CURRENT_BINARY_DIR}/cli-repeats-checkpoints")
set(DIMEREC_REPEATS_DATA "${CMAKE_CURRENT_BINARY_DIR}/repeats/sequences.txt")
add_test(NAME cli.history.train
  COMMAND sh -c "rm -rf \"$0\" \"$0-wal\" \"$0-shm\" \"$1\" && \"$4\" -DOUT=\"$3\" -P \"$5\" && \"$2\" train --db \"$0\" --checkpoint-dir \"$1\" --threads 1 --set data.dataset=\"$3\" --set model.model=gru4rec --set model.dim=8 --set train.maxSteps=20"
          "${DIMEREC_REPEATS_DB}" "${DIMEREC_REPEATS_CHECKPOINTS}" "$<TARGET_FILE:dimerec>"
          "${DIMEREC_REPEATS_DATA}" "${CMAKE_COMMAND}"
          "${CMAKE_CURRENT_SOURCE_DIR}/MakeRepeatsDataset.cmake")
set_tests_properties(cli.history.train PROPERTIES FIXTURES_SETUP repeats-db
  PASS_REGULAR_EXPRESSION "best checkpoint")
function(dimerec_history_test name pattern)
  add_test(NAME cli.history.${name} COMMAND dimerec ${ARGN})
  set_tests_properties(cli.history.${name} PROPERTIES FIXTURES_REQUIRED repeats-db
    PASS_REGULAR_EXPRESSION "${pattern}")
endfunction()
dimerec_history_test(export-both
  "\\| gru4rec-repeats-1 \\| [^\n]*\n\nTable: History items excluded from the ranking\\.\n\n\\| Model \\| HR@10 \\|\n[^\n]*\n\\| gru4rec-repeats-1 \\| [^\n]*\n\nTable: History items not excluded from the ranking\\."
  export table --db "${DIMEREC_REPEATS_DB}" --study default --metrics hr@10 --format markdown)
dimerec_history_test(export-kept "^Model,hr@10,excludeHistory\ngru4rec-repeats-1,[0-9.]+,false\n$"
  export table --db "${DIMEREC_REPEATS_DB}" --study default --metrics hr@10 --format csv
  --split test-history-kept)
dimerec_history_test(record "\"test/history-kept\": {"
  evaluate --record --json --db "${DIMEREC_REPEATS_DB}" --run 1 --threads 1
  --checkpoint "${DIMEREC_REPEATS_CHECKPOINTS}/best.pt")

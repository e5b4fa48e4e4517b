# `dimerec export plot …` (GUI builds only: it draws with Qt on the offscreen platform).
if(NOT DIMEREC_BUILD_GUI)
  return()
endif()
set(DIMEREC_FIGURES "${CMAKE_CURRENT_BINARY_DIR}/figures")
set(DIMEREC_CHECK_FIGURE "${CMAKE_CURRENT_SOURCE_DIR}/CheckFigure.cmake")
add_test(NAME cli.plot.clean COMMAND "${CMAKE_COMMAND}" -E rm -rf "${DIMEREC_FIGURES}")
add_test(NAME cli.plot.mkdir COMMAND "${CMAKE_COMMAND}" -E make_directory "${DIMEREC_FIGURES}")
set_tests_properties(cli.plot.clean PROPERTIES FIXTURES_SETUP plot-dir)
set_tests_properties(cli.plot.mkdir PROPERTIES FIXTURES_SETUP plot-dir DEPENDS cli.plot.clean)

# name db fixture pattern arguments…: one `export plot`, then CheckFigure on its output with
# the checks in DIMEREC_PLOT_CHECK (set before calling).
function(dimerec_plot_test name db fixture pattern)
  add_test(NAME cli.plot.${name} COMMAND dimerec export plot --db "${db}" ${ARGN})
  set_tests_properties(cli.plot.${name} PROPERTIES FIXTURES_REQUIRED "${fixture};plot-dir"
    FIXTURES_SETUP plot-${name} PASS_REGULAR_EXPRESSION "${pattern}")
  add_test(NAME cli.plot.${name}-check
    COMMAND "${CMAKE_COMMAND}" ${DIMEREC_PLOT_CHECK} -P "${DIMEREC_CHECK_FIGURE}")
  set_tests_properties(cli.plot.${name}-check PROPERTIES FIXTURES_REQUIRED plot-${name})
endfunction()

# Fixture runs (export-db): loss curves of both runs as PDF, 8.5 cm × 6 cm =
# 240.9 pt × 170.1 pt (8.5 / 2.54 × 72).
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/loss.pdf -DFORMAT=pdf -DWIDTH=241 -DHEIGHT=170)
dimerec_plot_test(loss "${DIMEREC_EXPORT_DB}" export-db "wrote PDF total curves of 2 run"
  --runs 1,2 --kind loss --out "${DIMEREC_FIGURES}/loss.pdf" --width 8.5cm --height 6cm
  --font-size 8)
# Trade-off as SVG, labelled by the given run names.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/tradeoff.svg -DFORMAT=svg -DTEXT=seed-two)
dimerec_plot_test(tradeoff "${DIMEREC_EXPORT_DB}" export-db "wrote SVG hr@10 vs ndcg@10"
  --runs 1,2 --kind tradeoff --metric ndcg@10 --y-metric hr@10 --name 2=seed-two
  --out "${DIMEREC_FIGURES}/tradeoff.svg" --width 3.3in --height 2.5in)
# Bars of NDCG@10 as PNG at 150 dpi: 3 in × 2 in = 450 × 300 px; 150 / 0.0254 = 5906 dots/m.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/ndcg.png -DFORMAT=png -DWIDTH=450 -DHEIGHT=300
  -DDPM=5906)
dimerec_plot_test(metric-png "${DIMEREC_EXPORT_DB}" export-db "wrote PNG ndcg@10 bars of 2 run"
  --runs 1,2 --kind metric --metric ndcg@10 --out "${DIMEREC_FIGURES}/ndcg.png" --width 3in
  --height 2in --dpi 150)
# The bars' data as CSV: the fixtures' test NDCG@10, 0.25 and 0.27 (run 2 = seed 2).
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/ndcg.csv -DFORMAT=csv "-DTEXT=seed 2,0.27")
dimerec_plot_test(metric-csv "${DIMEREC_EXPORT_DB}" export-db "wrote CSV"
  --runs 1,2 --kind metric --metric ndcg@10 --out "${DIMEREC_FIGURES}/ndcg.csv")
# Against epochs: the seed-2 fixture logged steps 1-4 in epochs of 2 (validated at step 4, the
# end of its second epoch), so its losses sit at epochs 0.5, 1, 1.5 and 2 (3 / 2 = 1.5); the
# seed-1 fixture never left its first epoch, so its epoch length is unknown and it is refused.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/loss-epochs.csv -DFORMAT=csv "-DTEXT=total,1.5,,2.25")
dimerec_plot_test(loss-epochs "${DIMEREC_EXPORT_DB}" export-db "wrote CSV total curves of 1 run"
  --runs 2 --kind loss --x epoch --out "${DIMEREC_FIGURES}/loss-epochs.csv")
add_test(NAME cli.plot.epochs-unknown
  COMMAND dimerec export plot --db "${DIMEREC_EXPORT_DB}" --runs 1,2 --kind loss --x epoch
          --out "${DIMEREC_FIGURES}/never.csv")
set_tests_properties(cli.plot.epochs-unknown PROPERTIES FIXTURES_REQUIRED "export-db;plot-dir"
  PASS_REGULAR_EXPRESSION "--x epoch: run 1 has not gone past its first epoch")
add_test(NAME cli.plot.needs-known-extension
  COMMAND dimerec export plot --db "${DIMEREC_EXPORT_DB}" --runs 1 --out fig.jpeg)
set_tests_properties(cli.plot.needs-known-extension PROPERTIES FIXTURES_REQUIRED export-db
  PASS_REGULAR_EXPRESSION "must end in .pdf, .svg, .png, .csv or .tex")

# The few-step run's NDCG@10 by its test users' history lengths: MovieLens latest-small users
# rated at least 20 films, so under leave-one-out 19 items or more precede a test target; the
# 14 users with exactly 20 ratings make the 10-19 bucket (the default edges 5, 10, 20, 50).
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/by-history-length.csv -DFORMAT=csv
  "-DTEXT=10-19 (14),cli-few-steps,")
dimerec_plot_test(by-history-length "${DIMEREC_TRAIN_DB}" cli-checkpoint
  "10-19 +14 users.*wrote CSV ndcg@10 by history length of 1 run"
  --runs 1 --kind by-history-length --out "${DIMEREC_FIGURES}/by-history-length.csv")
# The same with the run's interests readout (stored as test/interests at the end of training)
# as a line of its own, labelled as a readout.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/by-history-length-readouts.csv -DFORMAT=csv
  "-DTEXT=10-19 (14),cli-few-steps [interests readout],")
dimerec_plot_test(by-history-length-readouts "${DIMEREC_TRAIN_DB}" cli-checkpoint
  "cli-few-steps \\[interests readout\\] \\(1 run\\(s\\)\\), ndcg@10:"
  --runs 1 --kind by-history-length --readouts interests
  --out "${DIMEREC_FIGURES}/by-history-length-readouts.csv")
# The readout's line tested against the run's own in each bucket (a dagger marks p < 0.05);
# a reference that is no line's label is refused, naming the lines.
add_test(NAME cli.plot.by-history-length-reference
  COMMAND dimerec export plot --db "${DIMEREC_TRAIN_DB}" --runs 1 --kind by-history-length
          --readouts interests --reference cli-few-steps
          --out "${DIMEREC_FIGURES}/by-history-length-reference.png")
set_tests_properties(cli.plot.by-history-length-reference PROPERTIES
  FIXTURES_REQUIRED "cli-checkpoint;plot-dir"
  PASS_REGULAR_EXPRESSION "† p < 0.05 against cli-few-steps over the bucket's users \\(paired t-test, Holm-corrected across the lines\\)\nwrote PNG")
add_test(NAME cli.plot.by-history-length-unknown-reference
  COMMAND dimerec export plot --db "${DIMEREC_TRAIN_DB}" --runs 1 --kind by-history-length
          --readouts interests --reference nobody --out "${DIMEREC_FIGURES}/never.png")
set_tests_properties(cli.plot.by-history-length-unknown-reference PROPERTIES
  FIXTURES_REQUIRED "cli-checkpoint;plot-dir"
  PASS_REGULAR_EXPRESSION "--reference 'nobody': no line is labelled so \\(lines: cli-few-steps, cli-few-steps \\[interests readout\\]\\)")
# By how often each test target occurs in training: the few-step run over MovieLens
# latest-small's 610 test users in the default buckets 0-9, 10-99, 100-999, 1000+ (no item
# is rated 1,000 times there, so the last is empty and left out).
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/by-target-popularity.csv -DFORMAT=csv
  "-DTEXT=training interactions of the test target")
dimerec_plot_test(by-target-popularity "${DIMEREC_TRAIN_DB}" cli-checkpoint
  "test users by training interactions of the test target:\n  0-9 [^\n]*\n  10-99 [^\n]*\n  100-999 [^\n]*\ncli-few-steps.*wrote CSV ndcg@10 by target popularity of 1 run"
  --runs 1 --kind by-target-popularity --out "${DIMEREC_FIGURES}/by-target-popularity.csv")
# The same buckets as the columns of a table (export table --by), and its refusal of two
# metrics: a table by user groups has one.
add_test(NAME cli.table.by-target-popularity
  COMMAND dimerec export table --db "${DIMEREC_TRAIN_DB}" --runs 1 --by target-popularity
          --metrics ndcg@10 --format markdown)
set_tests_properties(cli.table.by-target-popularity PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  PASS_REGULAR_EXPRESSION "\\| Model \\| 0-9 \\(138\\) \\| 10-99 \\(360\\) \\| 100-999 \\(112\\) \\|\n[^\n]*\n\\| cli-few-steps \\|")
add_test(NAME cli.table.by-needs-one-metric
  COMMAND dimerec export table --db "${DIMEREC_TRAIN_DB}" --runs 1 --by history-length
          --metrics ndcg@10,hr@10 --format markdown)
set_tests_properties(cli.table.by-needs-one-metric PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  PASS_REGULAR_EXPRESSION "run table by user groups: give one per-user metric \\(e\\.g\\. ndcg@10\\), not 2")
add_test(NAME cli.plot.by-history-length-unknown-readout
  COMMAND dimerec export plot --db "${DIMEREC_TRAIN_DB}" --runs 1 --kind by-history-length
          --readouts interest --out "${DIMEREC_FIGURES}/never.csv")
set_tests_properties(cli.plot.by-history-length-unknown-readout PROPERTIES
  FIXTURES_REQUIRED "cli-checkpoint;plot-dir"
  PASS_REGULAR_EXPRESSION "--readouts: interest not in {algorithm2,samples,interests,fused}")
add_test(NAME cli.plot.by-history-length-needs-a-ranked-metric
  COMMAND dimerec export plot --db "${DIMEREC_TRAIN_DB}" --runs 1 --kind by-history-length
          --metric coverage@10 --out "${DIMEREC_FIGURES}/never.csv")
set_tests_properties(cli.plot.by-history-length-needs-a-ranked-metric PROPERTIES
  FIXTURES_REQUIRED "cli-checkpoint;plot-dir"
  PASS_REGULAR_EXPRESSION "metric coverage@10: a figure or table by user groups needs a metric of the per-user ranks")
add_test(NAME cli.plot.by-history-length-edges-ascend
  COMMAND dimerec export plot --db "${DIMEREC_TRAIN_DB}" --runs 1 --kind by-history-length
          --edges 10,5 --out "${DIMEREC_FIGURES}/never.csv")
set_tests_properties(cli.plot.by-history-length-edges-ascend PROPERTIES
  FIXTURES_REQUIRED "cli-checkpoint;plot-dir"
  PASS_REGULAR_EXPRESSION "history-length edges must ascend, the first above 1 \\(got 5 after 10\\)")

# The few-step run of `dimerec train` (cli-checkpoint): its embeddings on the Hammer map and
# the globe, from its best checkpoint.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/hammer.pdf -DFORMAT=pdf -DWIDTH=241 -DHEIGHT=142
)
dimerec_plot_test(hammer "${DIMEREC_TRAIN_DB}" cli-checkpoint "wrote PDF Hammer map of user"
  --runs 1 --kind hammer --user 3 --samples 8 --out "${DIMEREC_FIGURES}/hammer.pdf"
  --width 8.5cm --height 5cm)
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/sphere.png -DFORMAT=png -DWIDTH=600 -DHEIGHT=450
  -DDPM=3937)
dimerec_plot_test(sphere "${DIMEREC_TRAIN_DB}" cli-checkpoint "wrote PNG sphere view of run 1"
  --runs 1 --kind sphere --out "${DIMEREC_FIGURES}/sphere.png" --width 6in --height 4.5in
  --dpi 100)
# The same run's item-embedding norms by training frequency, from its last snapshot (step 3),
# as PDF, and as CSV: one row per bucket of training counts, each with the run's mean pairwise
# cosine of the item directions. The embedded ML latest-small under
# leave-one-out has 43 items never in training, 7,428 seen 1-9 times, 2,119 10-99 times and 134
# 100 times or more (counted apart from the program from resources/datasets/ml-latest-small/
# ratings.csv: each user's ratings in timestamp order, ties in file order, less the last two).
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/norms.pdf -DFORMAT=pdf -DWIDTH=241 -DHEIGHT=170)
dimerec_plot_test(norm-by-frequency "${DIMEREC_TRAIN_DB}" cli-checkpoint
  "wrote PDF item-embedding norms by training frequency of 1 run"
  --runs 1 --kind norm-by-frequency --out "${DIMEREC_FIGURES}/norms.pdf" --width 8.5cm
  --height 6cm)
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/norms.csv -DFORMAT=csv
  "-DROWS=run,label,snapshot_step,bucket,items,mean_norm,median_norm,run_mean_pairwise_cosine|1,cli-few-steps,3,0,43,*,*,*|1,cli-few-steps,3,1-9,7428,*,*,*|1,cli-few-steps,3,10-99,2119,*,*,*|1,cli-few-steps,3,100+,134,*,*,*")
dimerec_plot_test(norm-by-frequency-csv "${DIMEREC_TRAIN_DB}" cli-checkpoint "wrote CSV"
  --runs 1 --kind norm-by-frequency --out "${DIMEREC_FIGURES}/norms.csv")

# Study figures of a tiny grid sweep (T {5, 10} × schedule {linear, cosine} × seeds {1, 2}, 2
# steps each on the embedded dataset): heat map and sweep lines over a categorical field.
set(DIMEREC_GRID_DB "${CMAKE_CURRENT_BINARY_DIR}/cli-grid.sqlite")
add_test(NAME cli.plot.grid-sweep
  COMMAND sh -c "rm -f \"$0\" \"$0-wal\" \"$0-shm\" && \"$1\" sweep \"$2\" --db \"$0\""
          "${DIMEREC_GRID_DB}" $<TARGET_FILE:dimerec> "${CMAKE_CURRENT_SOURCE_DIR}/tiny-grid-sweep.json")
set_tests_properties(cli.plot.grid-sweep PROPERTIES FIXTURES_SETUP grid-db
  PASS_REGULAR_EXPRESSION "study cli-grid: 8 of 8 trials finished")
# The heat map as PDF, 8.5 cm × 6 cm = 241 × 170 pt: 2 × 2 cells of 2 seeds each.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/grid-heatmap.pdf -DFORMAT=pdf -DWIDTH=241
  -DHEIGHT=170)
dimerec_plot_test(heatmap "${DIMEREC_GRID_DB}" grid-db
  "wrote PDF ndcg@10 heat map of study cli-grid: 4 cell\\(s\\) of 8 run\\(s\\)"
  --study cli-grid --kind heatmap --x model.diffusionSteps --y model.schedule --metric ndcg@10
  --out "${DIMEREC_FIGURES}/grid-heatmap.pdf" --width 8.5cm --height 6cm)
# Its data: one row per cell (T fastest, the schedules in the sweep's order), N = 2 seeds.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/grid-heatmap.csv -DFORMAT=csv
  "-DROWS=model.diffusionSteps,model.schedule,mean,std,n|5,linear,*,*,2|10,linear,*,*,2|5,cosine,*,*,2|10,cosine,*,*,2")
dimerec_plot_test(heatmap-csv "${DIMEREC_GRID_DB}" grid-db "wrote CSV ndcg@10 heat map"
  --study cli-grid --kind heatmap --x model.diffusionSteps --y model.schedule
  --out "${DIMEREC_FIGURES}/grid-heatmap.csv")
# HR@10 against the schedule, one line per T, as PNG at 200 dpi: 3.3 in × 2.5 in = 660 × 500
# px; 200 / 0.0254 = 7874 dots/m.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/grid-sweep.png -DFORMAT=png -DWIDTH=660
  -DHEIGHT=500 -DDPM=7874)
dimerec_plot_test(sweep "${DIMEREC_GRID_DB}" grid-db "wrote PNG hr@10 sweep plot of study cli-grid"
  --study cli-grid --kind sweep --x model.schedule --series model.diffusionSteps --metric hr@10
  --out "${DIMEREC_FIGURES}/grid-sweep.png" --width 3.3in --height 2.5in --dpi 200)
# Without a series: one point per T over both schedules and seeds (N = 4).
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/grid-sweep.csv -DFORMAT=csv
  "-DROWS=model.diffusionSteps,mean,std,n|5,*,*,4|10,*,*,4")
dimerec_plot_test(sweep-csv "${DIMEREC_GRID_DB}" grid-db "wrote CSV hr@10 sweep plot"
  --study cli-grid --kind sweep --x model.diffusionSteps --metric hr@10
  --out "${DIMEREC_FIGURES}/grid-sweep.csv")

# pgfplots: every kind with data as NAME.tex and NAME.csv, then compiled with pdflatex in a
# scratch folder (CompileLatex.cmake; skipped without pdflatex, except under CI=true).
set(DIMEREC_COMPILE_LATEX "${CMAKE_CURRENT_SOURCE_DIR}/CompileLatex.cmake")
# name db fixture pattern arguments…: one `export plot --out <figures>/pgf-<name>.tex`, then
# its compilation.
function(dimerec_pgfplots_test name db fixture pattern)
  set(tex "${DIMEREC_FIGURES}/pgf-${name}.tex")
  add_test(NAME cli.plot.pgf-${name}
    COMMAND dimerec export plot --db "${db}" ${ARGN} --out "${tex}")
  set_tests_properties(cli.plot.pgf-${name} PROPERTIES FIXTURES_REQUIRED "${fixture};plot-dir"
    FIXTURES_SETUP pgf-${name} PASS_REGULAR_EXPRESSION "${pattern}")
  add_test(NAME cli.plot.pgf-${name}-pdflatex
    COMMAND "${CMAKE_COMMAND}" -DDOCUMENT=${tex} -DKIND=figure
            -DWORK=${CMAKE_CURRENT_BINARY_DIR}/latex/pgf-${name} -P "${DIMEREC_COMPILE_LATEX}")
  set_tests_properties(cli.plot.pgf-${name}-pdflatex PROPERTIES FIXTURES_REQUIRED pgf-${name}
    SKIP_REGULAR_EXPRESSION "SKIP: pdflatex")
endfunction()
dimerec_pgfplots_test(loss "${DIMEREC_EXPORT_DB}" export-db "wrote pgfplots total curves of 2 run"
  --runs 1,2 --kind loss)
dimerec_pgfplots_test(metric "${DIMEREC_EXPORT_DB}" export-db "wrote pgfplots ndcg@10 bars"
  --runs 1,2 --kind metric --metric ndcg@10 --name 2=seed_two)
dimerec_pgfplots_test(tradeoff "${DIMEREC_EXPORT_DB}" export-db "wrote pgfplots hr@10 vs ndcg@10"
  --runs 1,2 --kind tradeoff --metric ndcg@10 --y-metric hr@10)
dimerec_pgfplots_test(norm-by-frequency "${DIMEREC_TRAIN_DB}" cli-checkpoint
  "wrote pgfplots item-embedding norms" --runs 1 --kind norm-by-frequency)
# The Hammer map (2,776 marks) and the globe (the same marks, as the view projects them) are
# exported and checked, not compiled: pgfplots takes 13 s of CPU over them (they compile:
# checked by hand; the widget test compiles a small globe).
# name text pattern arguments…: `export plot` of run 1 to pgf-<name>.tex, which must hold text.
function(dimerec_pgfplots_checked_test name text pattern)
  set(tex "${DIMEREC_FIGURES}/pgf-${name}.tex")
  add_test(NAME cli.plot.pgf-${name} COMMAND dimerec export plot --db "${DIMEREC_TRAIN_DB}"
    --runs 1 ${ARGN} --out "${tex}")
  set_tests_properties(cli.plot.pgf-${name} PROPERTIES FIXTURES_REQUIRED "cli-checkpoint;plot-dir"
    FIXTURES_SETUP pgf-${name} PASS_REGULAR_EXPRESSION "${pattern}")
  add_test(NAME cli.plot.pgf-${name}-check COMMAND "${CMAKE_COMMAND}"
    -DFIGURE=${tex} -DFORMAT=tex "-DTEXT=${text}" -P "${DIMEREC_CHECK_FIGURE}")
  set_tests_properties(cli.plot.pgf-${name}-check PROPERTIES FIXTURES_REQUIRED pgf-${name})
endfunction()
dimerec_pgfplots_checked_test(hammer "only marks" "wrote pgfplots Hammer map"
  --kind hammer --user 3 --samples 8)
dimerec_pgfplots_checked_test(sphere "axis equal image" "wrote pgfplots sphere view of run 1"
  --kind sphere --user 3 --samples 8)
# The norms on a logarithmic y axis (--log-y): pgfplots' ymode=log. Kinds without a y axis of
# positive values refuse it.
dimerec_pgfplots_checked_test(norms-log-y "ymode=log" "wrote pgfplots item-embedding norms"
  --kind norm-by-frequency --log-y)
add_test(NAME cli.plot.log-y-bars
  COMMAND dimerec export plot --db "${DIMEREC_EXPORT_DB}" --runs 1,2 --kind metric --log-y
          --out "${DIMEREC_FIGURES}/never.png")
set_tests_properties(cli.plot.log-y-bars PROPERTIES FIXTURES_REQUIRED "export-db;plot-dir"
  PASS_REGULAR_EXPRESSION "--log-y applies to --kind loss, curve and norm-by-frequency, not 'metric'")
dimerec_pgfplots_test(heatmap "${DIMEREC_GRID_DB}" grid-db "wrote pgfplots ndcg@10 heat map"
  --study cli-grid --kind heatmap --x model.diffusionSteps --y model.schedule)
dimerec_pgfplots_test(sweep "${DIMEREC_GRID_DB}" grid-db "wrote pgfplots hr@10 sweep plot"
  --study cli-grid --kind sweep --x model.schedule --series model.diffusionSteps --metric hr@10)

# name pattern arguments…: `export plot` of the grid study must fail naming the problem.
function(dimerec_plot_error name pattern)
  add_test(NAME cli.plot.${name} COMMAND dimerec export plot --db "${DIMEREC_GRID_DB}" ${ARGN}
    --out "${DIMEREC_FIGURES}/never.pdf")
  set_tests_properties(cli.plot.${name} PROPERTIES FIXTURES_REQUIRED "grid-db;plot-dir"
    PASS_REGULAR_EXPRESSION "${pattern}")
endfunction()
dimerec_plot_error(unknown-study "--study nope: no such study in .* \\(studies: cli-grid\\)"
  --kind heatmap --study nope --x model.diffusionSteps --y model.schedule)
dimerec_plot_error(unswept-field
  "--y model.lambda: not a swept field of study cli-grid \\(swept: model.diffusionSteps, model.schedule\\)"
  --kind heatmap --study cli-grid --x model.diffusionSteps --y model.lambda)
dimerec_plot_error(unknown-metric "--metric mrr@3: no finished run of study cli-grid has this test metric \\(metrics: .*ndcg@10"
  --kind sweep --study cli-grid --x model.schedule --metric mrr@3)

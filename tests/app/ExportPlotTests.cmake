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
add_test(NAME cli.plot.needs-known-extension
  COMMAND dimerec export plot --db "${DIMEREC_EXPORT_DB}" --runs 1 --out fig.jpeg)
set_tests_properties(cli.plot.needs-known-extension PROPERTIES FIXTURES_REQUIRED export-db
  PASS_REGULAR_EXPRESSION "must end in .pdf, .svg, .png or .csv")

# The few-step run of `dimerec train` (cli-checkpoint): its embeddings on the Hammer map and
# the globe, from its best checkpoint.
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/hammer.pdf -DFORMAT=pdf -DWIDTH=241 -DHEIGHT=142
)
dimerec_plot_test(hammer "${DIMEREC_TRAIN_DB}" cli-checkpoint "wrote PDF Hammer map of user"
  --runs 1 --kind hammer --user 3 --samples 8 --out "${DIMEREC_FIGURES}/hammer.pdf"
  --width 8.5cm --height 5cm)
set(DIMEREC_PLOT_CHECK -DFIGURE=${DIMEREC_FIGURES}/sphere.png -DFORMAT=png -DWIDTH=600 -DHEIGHT=450
  -DDPM=3937)
dimerec_plot_test(sphere "${DIMEREC_TRAIN_DB}" cli-checkpoint "wrote the sphere view of run 1"
  --runs 1 --kind sphere --out "${DIMEREC_FIGURES}/sphere.png" --width 6in --height 4.5in
  --dpi 100)

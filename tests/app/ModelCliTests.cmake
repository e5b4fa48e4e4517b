# `dimerec recommend`, `dimerec config` and the progress display of `dimerec train`
# (included after the train tests: uses their checkpoint and database).

# `dimerec recommend` on the checkpoint of cli.train-few-steps, from the file and from the
# stored run (run 1 of the cleaned database); an unknown user is named.
add_test(NAME cli.recommend-checkpoint
  COMMAND dimerec recommend --device cpu --threads 1 --checkpoint "${DIMEREC_CLI_CHECKPOINTS}/best.pt"
          --user 1 -n 5)
set_tests_properties(cli.recommend-checkpoint PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  PASS_REGULAR_EXPRESSION "rank +item +title +categories +score\n +1 +[0-9]+ +[^\n]+\n[^\n]+\n[^\n]+\n[^\n]+\n +5 +[0-9]+ [^\n]+ -?[0-9]+\\.[0-9]+\n")
add_test(NAME cli.recommend-stored-run
  COMMAND dimerec recommend --device cpu --threads 1 --run 1 --db "${DIMEREC_TRAIN_DB}" --user 1
          --exclude-history --json)
set_tests_properties(cli.recommend-stored-run PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  PASS_REGULAR_EXPRESSION "\"excludeHistory\": true.*\"rank\": 10,")
# The GEM's interests readout (what docs/reproduction.md recommends for retrieval) from the same
# checkpoint.
add_test(NAME cli.recommend-interests-readout
  COMMAND dimerec recommend --device cpu --threads 1 --checkpoint "${DIMEREC_CLI_CHECKPOINTS}/best.pt"
          --user 1 -n 5 --readout interests)
set_tests_properties(cli.recommend-interests-readout PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  PASS_REGULAR_EXPRESSION "model dimerec from [^\n]*best\.pt; readout interests\n.*\n +5 +[0-9]+ ")
# A model without the diffusion module (DimeRec's GEM alone, two steps, not recorded) has no
# readout to choose: refused, naming the checkpoint.
set(DIMEREC_GEM_ONLY_CHECKPOINTS "${CMAKE_BINARY_DIR}/cli-gem-only-checkpoints")
add_test(NAME cli.train-gem-only
  COMMAND dimerec train --device cpu --threads 1 --no-store
          --checkpoint-dir "${DIMEREC_GEM_ONLY_CHECKPOINTS}" --set model.useDiffusion=false
          --set train.maxSteps=2 --set model.dim=8 --set train.batchSize=32 --set eval.topK=[10])
set_tests_properties(cli.train-gem-only PROPERTIES FIXTURES_SETUP cli-gem-only
  PASS_REGULAR_EXPRESSION "status finished")
add_test(NAME cli.recommend-readout-needs-the-diffusion-module
  COMMAND dimerec recommend --device cpu --checkpoint "${DIMEREC_GEM_ONLY_CHECKPOINTS}/best.pt"
          --user 1 --readout interests)
set_tests_properties(cli.recommend-readout-needs-the-diffusion-module PROPERTIES
  FIXTURES_REQUIRED cli-gem-only
  PASS_REGULAR_EXPRESSION "--readout interests: '[^']*best\\.pt' holds a dimerec model, not DimeRec with its diffusion module")
add_test(NAME cli.recommend-unknown-user
  COMMAND dimerec recommend --device cpu --checkpoint "${DIMEREC_CLI_CHECKPOINTS}/best.pt"
          --user no-such-user)
set_tests_properties(cli.recommend-unknown-user PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  PASS_REGULAR_EXPRESSION "user 'no-such-user' is not in dataset MovieLens latest-small")

# `dimerec config`: every default printed; a file checked, resolved and overridden; a bad key
# and a bad value named.
add_test(NAME cli.config-print-defaults COMMAND dimerec config --print-defaults)
set_tests_properties(cli.config-print-defaults PROPERTIES PASS_REGULAR_EXPRESSION
  "\"data\": {.*\"splitSeed\": 1230.*\"eval\": {.*\"batchUsers\": 1024.*\"model\": {.*\"protectGem\": true.*\"reverseNoise\": \"literal\".*\"train\": {.*\"earlyStopMetric\": \"ndcg@10\"")
add_test(NAME cli.config-check
  COMMAND dimerec config --check "${PROJECT_SOURCE_DIR}/experiments/dimerec-ml-latest-small.json"
          --set model.lambda=0.5)
set_tests_properties(cli.config-check PROPERTIES
  PASS_REGULAR_EXPRESSION "is valid \\(config hash [0-9a-f]+\\).*\"lambda\": 0\\.5.*\"patience\": 5")
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/config-unknown-key.json" "{\"model\": {\"lamda\": 1}}\n")
add_test(NAME cli.config-check-names-unknown-key
  COMMAND dimerec config --check "${CMAKE_CURRENT_BINARY_DIR}/config-unknown-key.json")
set_tests_properties(cli.config-check-names-unknown-key PROPERTIES PASS_REGULAR_EXPRESSION "model\\.lamda")
add_test(NAME cli.config-check-names-bad-value
  COMMAND dimerec config --check "${PROJECT_SOURCE_DIR}/experiments/dimerec-ml-latest-small.json"
          --set model.lambda=-1)
set_tests_properties(cli.config-check-names-bad-value PROPERTIES
  PASS_REGULAR_EXPRESSION "model\\.lambda: must be >= 0")
# Rules across fields apply once every --set is in: a warm start given before L_gem is
# switched off is refused by name, and the same two fields set the other way round pass.
add_test(NAME cli.config-check-warm-start-without-lgem
  COMMAND dimerec config --check "${PROJECT_SOURCE_DIR}/experiments/dimerec-ml-latest-small.json"
          --set train.pretrainGemSteps=100 --set model.useGemLoss=false)
set_tests_properties(cli.config-check-warm-start-without-lgem PROPERTIES
  PASS_REGULAR_EXPRESSION "train\\.pretrainGemSteps: must be 0 without L_gem")
add_test(NAME cli.config-check-lgem-off-then-no-warm-start
  COMMAND dimerec config --check "${PROJECT_SOURCE_DIR}/experiments/dimerec-ml-latest-small.json"
          --set train.pretrainGemSteps=100 --set model.useGemLoss=false
          --set train.pretrainGemSteps=0)
set_tests_properties(cli.config-check-lgem-off-then-no-warm-start PROPERTIES
  PASS_REGULAR_EXPRESSION "is valid")

# Progress of `dimerec train`: a bar rewritten in place on a terminal (script(1) gives it one),
# plain lines without a bar otherwise.
set(DIMEREC_TINY_TRAIN --no-store --device cpu --threads 1 --set model.model=comirec-sa
    --set model.dim=16 --set train.maxSteps=3 --set "eval.topK=[10]")
add_test(NAME cli.train-plain-progress COMMAND dimerec train ${DIMEREC_TINY_TRAIN})
set_tests_properties(cli.train-plain-progress PROPERTIES
  PASS_REGULAR_EXPRESSION "step 3/3" FAIL_REGULAR_EXPRESSION "\\[#")
find_program(DIMEREC_SCRIPT script)
if(DIMEREC_SCRIPT)
  list(JOIN DIMEREC_TINY_TRAIN " " DIMEREC_TINY_TRAIN_LINE)
  add_test(NAME cli.train-progress-bar-on-terminal
    COMMAND "${DIMEREC_SCRIPT}" -qec "$<TARGET_FILE:dimerec> train ${DIMEREC_TINY_TRAIN_LINE}" /dev/null)
  set_tests_properties(cli.train-progress-bar-on-terminal PROPERTIES
    PASS_REGULAR_EXPRESSION "\r[^\n]*\\[#+\\] 100%  step 3/3")
endif()

# Each forward process of issue 19 trains from the command line with its own reverse step (a few
# steps on the embedded dataset; the processes themselves are tested in test_model).
foreach(process monotone small-step-walk projected-ddpm)
  add_test(NAME cli.train-process-${process}
    COMMAND dimerec train --no-store --device cpu --threads 1 --set model.noiseScale=${process}
            --set model.schedule=cosine --set model.reverseNoise=sqrt-over-d
            --set model.thetaMaxDegrees=60 --set train.maxSteps=3 --set model.dim=16
            --set model.diffusionSteps=100 --set train.batchSize=64 --set eval.topK=[10])
  set_tests_properties(cli.train-process-${process} PROPERTIES
    PASS_REGULAR_EXPRESSION "status finished.*test.*hr@10")
endforeach()

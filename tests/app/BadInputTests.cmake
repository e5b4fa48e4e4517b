# The catalogue of bad inputs given to the command line (docs/reliability.md): each ends with
# exit status 1 and exactly "dimerec: error: <message>" (ExpectError.cmake), the message naming
# the file, line or field and what to do. The databases' and the workbench's entries are
# GoogleTest tables (RunStoreFailureTest, WorkbenchBadInputTest).
set(BAD "${PROJECT_SOURCE_DIR}/tests/fixtures/bad")
set(DIMEREC_BAD_DIR "${CMAKE_CURRENT_BINARY_DIR}/bad-inputs")

# dimerec_bad_input(<kind> <name> <message> [DB <database>] ARGS <arguments>…): one entry; with
# DB, the database must list the same runs afterwards.
function(dimerec_bad_input kind name message)
  cmake_parse_arguments(ARG "" "DB" "ARGS" ${ARGN})
  string(REPLACE ";" "|" arguments "${ARG_ARGS}")
  add_test(NAME bad-input.${kind}.${name}
    COMMAND "${CMAKE_COMMAND}" -D "PROGRAM=$<TARGET_FILE:dimerec>" -D "ARGS=${arguments}"
            -D "EXPECTED=${message}" -D "DB=${ARG_DB}"
            -P "${CMAKE_CURRENT_SOURCE_DIR}/ExpectError.cmake")
  if(ARG_DB)
    set_tests_properties(bad-input.${kind}.${name} PROPERTIES FIXTURES_REQUIRED bad-input-db
      RESOURCE_LOCK bad-input-db)
  endif()
endfunction()

# Datasets (`dimerec data stats`, the loader every command uses). Those named like datasets that
# may not be shipped are written into the build folder by make_bad_datasets.py (GEN); the rest
# are files in tests/fixtures/bad/data.
set(GEN "${CMAKE_CURRENT_BINARY_DIR}/bad-datasets")
add_test(NAME bad-input.dataset.setup
  COMMAND python3 "${CMAKE_CURRENT_SOURCE_DIR}/make_bad_datasets.py" "${GEN}/data")
set_tests_properties(bad-input.dataset.setup PROPERTIES FIXTURES_SETUP bad-datasets)
function(bad_dataset name file message)
  cmake_parse_arguments(ARG "GENERATED" "" "" ${ARGN})
  set(root "${BAD}")
  if(ARG_GENERATED)
    set(root "${GEN}")
  endif()
  string(REPLACE "{root}" "${root}" message "${message}")  # the message names the file
  dimerec_bad_input(dataset ${name} "${message}" ARGS data stats --no-cache --dataset "${root}/data/${file}")
  if(ARG_GENERATED)
    set_tests_properties(bad-input.dataset.${name} PROPERTIES FIXTURES_REQUIRED bad-datasets)
  endif()
endfunction()
bad_dataset(non-integer-id dat/ratings.dat
  "{root}/data/dat/ratings.dat:3: field 'MovieID': expected an integer, got 'x3'" GENERATED)
bad_dataset(missing-field udata/u.data
  "{root}/data/udata/u.data:2: expected 4 fields separated by tabs, found 3" GENERATED)
bad_dataset(wrong-header csv-header/ratings.csv
  "{root}/data/csv-header/ratings.csv:1: expected the MovieLens header 'userId,movieId,rating,timestamp'")
bad_dataset(non-numeric-rating ratings-value/ratings.csv
  "{root}/data/ratings-value/ratings.csv:3: field 'rating': expected a number, got 'lots'")
bad_dataset(sequence-without-items seq-noitems/sequences.txt
  "{root}/data/seq-noitems/sequences.txt:2: field 'items': expected a user id followed by at least one item id" GENERATED)
bad_dataset(latin1-text latin1/sequences.txt
  "{root}/data/latin1/sequences.txt:3: byte 0xE9 is not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f ISO-8859-1 -t UTF-8)" GENERATED)
bad_dataset(binary-file binary/photo.txt
  "{root}/data/binary/photo.txt:3: holds binary data (a NUL byte), not text; give a text file of interactions (UTF-8)")
bad_dataset(truncated-gzip gz/sequences.txt.gz
  "{root}/data/gz/sequences.txt.gz: unreadable gzip data (truncated or damaged)" GENERATED)
bad_dataset(empty-file empty/ratings.csv "{root}/data/empty/ratings.csv: the file is empty")
bad_dataset(log-without-user-column log-columns/shop.csv
  "{root}/data/log-columns/shop.csv:1: field 'user': no user column found; name it in the column mapping (the header has: customer, sku, time)")
bad_dataset(broken-attributes attrs
  "{root}/data/attrs/Shop_item2attributes.json:1: not valid JSON: [json.exception.parse_error.101] parse error at line 1, column 20: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal")
bad_dataset(movies-file-only movies/movies.dat
  "dataset '{root}/data/movies/movies.dat': movies.dat holds no interactions; give the ratings file or the folder")
bad_dataset(folder-without-data no-data
  "dataset folder '{root}/data/no-data': found none of u.data, ratings.dat, ratings.csv, sequences.txt or X.txt with X_item2attributes.json; give the interaction file itself")
bad_dataset(missing-path missing.csv "dataset '{root}/data/missing.csv': no such file or folder")

# Configs (`dimerec config --check`, the reader of `dimerec train --config`, and --set).
function(bad_config name file message)
  dimerec_bad_input(config ${name} "config file '${BAD}/config/${file}': ${message}"
    ARGS config --check "${BAD}/config/${file}")
endfunction()
bad_config(misspelt-key typo.json
  "config: unknown key 'model.lamda' (did you mean 'model.lambda'? dimerec config --list-fields lists them all)")
bad_config(negative-weight negative-weight.json "model.lambda: must be >= 0.0, got -1.0")
bad_config(number-as-text string-number.json "config key 'train.batchSize': expected number, got \"64\"")
bad_config(trailing-comma trailing-comma.json
  "not valid JSON ([json.exception.parse_error.101] parse error at line 4, column 3: syntax error while parsing object key - unexpected '}'; expected string literal)")
bad_config(unknown-choice unknown-choice.json "model.gem: must be one of rule, sa, dr, sasrec, got 'gru'")
bad_config(cut-off-not-evaluated cutoff.json
  "train.earlyStopMetric: its cut-off must be one of eval.topK, got 'ndcg@7'")
bad_config(not-an-object array.json "config: expected a JSON object")
dimerec_bad_input(config set-unknown-key
  "config: unknown key 'model.dimm' (did you mean 'model.dim'? dimerec config --list-fields lists them all)"
  ARGS config --check "${BAD}/config/valid.json" --set model.dimm=3)
dimerec_bad_input(config set-unreadable-value "config key 'model.dim': cannot read 'abc'"
  ARGS config --check "${BAD}/config/valid.json" --set model.dim=abc)
dimerec_bad_input(config set-without-value "override 'model.dim': expected key=value"
  ARGS config --check "${BAD}/config/valid.json" --set model.dim)
dimerec_bad_input(config set-out-of-range "train.maxSteps: must be >= 0, got -4"
  ARGS train --no-store --set train.maxSteps=-4)

# Experiment files (`dimerec sweep --dry-run`).
function(bad_experiment name file message)
  dimerec_bad_input(experiment ${name} "${BAD}/experiments/${file}: ${message}"
    ARGS sweep "${BAD}/experiments/${file}" --dry-run --db "${DIMEREC_BAD_DIR}/experiments/runs.sqlite" ${ARGN})
endfunction()
bad_experiment(not-json not-json.json
  "not valid JSON ([json.exception.parse_error.101] parse error at line 2, column 1: syntax error while parsing array - unexpected end of input; expected ']')")
bad_experiment(unknown-key unknown-key.json
  "unknown key 'seed' (expected study, description, base, grid, variants, seeds, profiles, resources)")
bad_experiment(unknown-grid-field unknown-field.json
  "grid: unknown config field 'model.lamda' (did you mean 'model.lambda'? dimerec config --list-fields lists them all)")
bad_experiment(invalid-trial bad-value.json
  "trial 1 'λ=-1 seed 42': model.lambda: must be >= 0.0, got -1.0")
bad_experiment(axis-not-a-list axis-not-list.json
  "grid.model.lambda: expected a non-empty list of values, got 0.5")
bad_experiment(variant-without-name variant-without-name.json "variants[0]: a variant needs a \"name\"")
bad_experiment(invalid-base bad-base.json "base: train.batchSize: must be >= 1, got 0")
bad_experiment(unknown-profile profiles.json "profiles: no profile 'full' (the file has quick)"
  --profile full)

# Run bundles (`dimerec runs import`) into a database holding one run, which it keeps.
set(DIMEREC_BAD_DB "${DIMEREC_BAD_DIR}/bundles/runs.sqlite")
add_test(NAME bad-input.bundle.setup
  COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && \"$0\" runs import --db \"$2\" \"$3\""
          $<TARGET_FILE:dimerec> "${DIMEREC_BAD_DIR}/bundles" "${DIMEREC_BAD_DB}"
          "${PROJECT_SOURCE_DIR}/tests/fixtures/store/run-bundle-seed1.json")
set_tests_properties(bad-input.bundle.setup PROPERTIES FIXTURES_SETUP bad-input-db
  RESOURCE_LOCK bad-input-db)
function(bad_bundle name file message)
  dimerec_bad_input(bundle ${name} "${BAD}/bundles/${file}: ${message}" DB "${DIMEREC_BAD_DB}"
    ARGS runs import --db "${DIMEREC_BAD_DB}" "${BAD}/bundles/${file}")
endfunction()
bad_bundle(truncated truncated.json
  "is not a run bundle (invalid JSON: [json.exception.parse_error.101] parse error at line 1, column 679: syntax error while parsing object key - invalid string: missing closing quote; last read: '\"l'; expected string literal); export the run again with dimerec runs export")
bad_bundle(not-a-bundle not-a-bundle.json
  "is not a DimeRec run bundle (no \"format\": \"dimerec-run-bundle\"); give a file that dimerec runs export wrote")
bad_bundle(newer-format newer.json "was written by a newer DimeRec (bundle version 7); upgrade DimeRec to import it")
bad_bundle(missing-uuid no-uuid.json
  "is not a valid run bundle: run.uuid is missing; export the run again with dimerec runs export")
bad_bundle(seed-as-text seed-text.json "is not a valid run bundle: run.seed must be a whole number, got \"one\"; export the run again with dimerec runs export")
bad_bundle(ragged-series ragged-series.json "series total has columns of different lengths; export the run again with dimerec runs export")
bad_bundle(short-embedding short-embedding.json
  "embedding snapshot 'best' does not hold rows × dim floats; export the run again with dimerec runs export")
bad_bundle(damaged-column damaged-ranks.json
  "is not a valid run bundle: targetRanks.test.ranks: its data is not deflated data (damaged); export the run again with dimerec runs export")
bad_bundle(damaged-gzip binary.json.gz "the bundle is damaged (gzip error); export the run again with dimerec runs export")
bad_bundle(missing missing.json "cannot open the bundle (no such file, or no permission)")
bad_bundle(resume-not-text resume-not-text.json
  "is not a valid run bundle: resume.checkpoint must be the checkpoint as base64 text, got number; export the run again with dimerec runs export")
# A folder stands for its bundles; one without any (here the bad checkpoints' folder) is named.
dimerec_bad_input(bundle folder-without-bundles
  "${BAD}/checkpoints: holds no run bundles (*.json, *.json.gz)" DB "${DIMEREC_BAD_DB}"
  ARGS runs import --db "${DIMEREC_BAD_DB}" "${BAD}/checkpoints")

# Checkpoints (`dimerec evaluate --checkpoint`, `dimerec train --resume`); the truncated one is
# the first half of the checkpoint that cli.train-few-steps writes.
set(DIMEREC_TRUNCATED_CHECKPOINT "${DIMEREC_BAD_DIR}/checkpoints/truncated.pt")
add_test(NAME bad-input.checkpoint.setup
  COMMAND sh -c "mkdir -p \"$(dirname \"$1\")\" && head -c 300000 \"$0\" > \"$1\""
          "${DIMEREC_CLI_CHECKPOINTS}/best.pt" "${DIMEREC_TRUNCATED_CHECKPOINT}")
set_tests_properties(bad-input.checkpoint.setup PROPERTIES FIXTURES_REQUIRED cli-checkpoint
  FIXTURES_SETUP bad-checkpoint)
function(bad_checkpoint name file message)
  dimerec_bad_input(checkpoint ${name} "checkpoint '${file}': ${message}" ARGS ${ARGN})
endfunction()
bad_checkpoint(empty "${BAD}/checkpoints/empty.pt"
  "not a DimeRec checkpoint (the file is empty); give a checkpoint that dimerec train wrote"
  evaluate --device cpu --checkpoint "${BAD}/checkpoints/empty.pt")
bad_checkpoint(text "${BAD}/checkpoints/text.pt"
  "not a DimeRec checkpoint (not a zip archive); give a checkpoint that dimerec train wrote"
  evaluate --device cpu --checkpoint "${BAD}/checkpoints/text.pt")
bad_checkpoint(foreign-zip "${BAD}/checkpoints/foreign-zip.pt"
  "not a DimeRec checkpoint (entry 'notes/data.txt' is not one a LibTorch archive holds); give a checkpoint that dimerec train wrote"
  evaluate --device cpu --checkpoint "${BAD}/checkpoints/foreign-zip.pt")
bad_checkpoint(truncated "${DIMEREC_TRUNCATED_CHECKPOINT}"
  "is damaged (cut short: the zip directory at its end is missing); use another checkpoint of the run, or train again"
  evaluate --device cpu --checkpoint "${DIMEREC_TRUNCATED_CHECKPOINT}")
bad_checkpoint(resume-truncated "${DIMEREC_TRUNCATED_CHECKPOINT}"
  "is damaged (cut short: the zip directory at its end is missing); use another checkpoint of the run, or train again"
  train --no-store --resume "${DIMEREC_TRUNCATED_CHECKPOINT}")
bad_checkpoint(resume-foreign-zip "${BAD}/checkpoints/foreign-zip.pt"
  "not a DimeRec checkpoint (entry 'notes/data.txt' is not one a LibTorch archive holds); give a checkpoint that dimerec train wrote"
  train --no-store --resume "${BAD}/checkpoints/foreign-zip.pt")
set_tests_properties(bad-input.checkpoint.truncated bad-input.checkpoint.resume-truncated
  PROPERTIES FIXTURES_REQUIRED bad-checkpoint)

# Fuzzing (issue 22; docs/reliability.md, "Fuzzing"). Every reader of outside data has an entry
# point, LLVMFuzzerTestOneInput, in a fuzz/ folder next to the tests of its area;
# dimerec_add_fuzzer makes two programs of it:
# - replay_<name>, in every build (gcc too): a plain main() (tests/support/FuzzReplayMain.cpp)
#   that feeds each file of the committed corpus tests/fixtures/fuzz/<name>/ to the entry point.
#   CTest runs it as fuzz-replay.<name> (label fuzz), so CI replays the corpora without clang.
# - <name>, with DIMEREC_BUILD_FUZZERS=ON (clang only): the libFuzzer program. The option
#   compiles the whole build with libFuzzer's coverage and AddressSanitizer/UBSan, so that the
#   libraries the targets link are instrumented too: give it a build folder of its own.
option(DIMEREC_BUILD_FUZZERS
  "Build the libFuzzer targets, the whole build sanitized (clang only; own build folder)" OFF)
if(DIMEREC_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DIMEREC_BUILD_FUZZERS needs clang: -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()

# dimerec_add_fuzzer(<name> SOURCES ... LIBRARIES ...)
function(dimerec_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(replay_${name} ${ARG_SOURCES} "${PROJECT_SOURCE_DIR}/tests/support/FuzzReplayMain.cpp")
  dimerec_set_warnings(replay_${name})
  target_include_directories(replay_${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests/support")
  target_link_libraries(replay_${name} PRIVATE ${ARG_LIBRARIES})
  add_test(NAME fuzz-replay.${name}
    COMMAND replay_${name} "${PROJECT_SOURCE_DIR}/tests/fixtures/fuzz/${name}")
  set_tests_properties(fuzz-replay.${name} PROPERTIES LABELS fuzz
    ENVIRONMENT "OMP_WAIT_POLICY=PASSIVE")
  if(DIMEREC_BUILD_FUZZERS)
    add_executable(${name} ${ARG_SOURCES})
    dimerec_set_warnings(${name})
    target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests/support")
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  endif()
endfunction()

# dimerec_add_test_suites(<target> [ENVIRONMENT <var=value>...]): registers a GoogleTest program
# with CTest as one test per test suite (`<target>:<Suite>` running `--gtest_filter=<Suite>.*`)
# instead of one per test case. Every case still runs; a program is started once per suite, not
# once per case, so a program that loads LibTorch pays its 0.6-0.9 s start-up (DESIGN §7) a few
# times instead of hundreds. The suites are listed after each build by running the program with
# --gtest_list_tests (as gtest_discover_tests does), so a new suite needs no CMake change.
set(DIMEREC_GTEST_SUITES_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/GTestSuitesWrite.cmake")

function(dimerec_add_test_suites target)
  cmake_parse_arguments(ARG "" "" "ENVIRONMENT" ${ARGN})
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  # A list would become several arguments of the command: pass it joined by '|'.
  string(REPLACE ";" "|" environment "${ARG_ENVIRONMENT}")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}"
            -D "PROGRAM=$<TARGET_FILE:${target}>"
            -D "TARGET=${target}"
            -D "OUTPUT=${ctest_file}"
            -D "ENVIRONMENT=${environment}"
            -D "WORKING_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}"
            -P "${DIMEREC_GTEST_SUITES_SCRIPT}"
    BYPRODUCTS "${ctest_file}"
    VERBATIM)
  # CTest reads the list when it runs; before the first build the file does not exist yet.
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake")
  file(WRITE "${include_file}"
    "if(EXISTS \"${ctest_file}\")\n  include(\"${ctest_file}\")\nelse()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()

# One bad input of the catalogue (docs/reliability.md): runs PROGRAM with ARGS (separated by
# "|"), which must end with exit status 1 (an error, not a crash) and print exactly
# "dimerec: error: EXPECTED" on stderr. With DB, the run database must list the same runs
# before and after (nothing stored is lost).
#   cmake -D PROGRAM=… -D "ARGS=a|b" -D "EXPECTED=…" [-D DB=…] -P ExpectError.cmake
string(REPLACE "|" ";" arguments "${ARGS}")

function(list_runs out)
  execute_process(COMMAND "${PROGRAM}" runs list --db "${DB}" --csv --archived --limit 0
    RESULT_VARIABLE status OUTPUT_VARIABLE listing ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "cannot list the runs of ${DB}: ${errors}")
  endif()
  set(${out} "${listing}" PARENT_SCOPE)
endfunction()

if(DB)
  list_runs(before)
endif()
execute_process(COMMAND "${PROGRAM}" ${arguments}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status STREQUAL "1")
  message(FATAL_ERROR "expected exit status 1, got '${status}'\nstderr:\n${errors}")
endif()
if(NOT errors STREQUAL "dimerec: error: ${EXPECTED}\n")
  message(FATAL_ERROR "expected on stderr:\ndimerec: error: ${EXPECTED}\ngot:\n${errors}")
endif()
if(DB)
  list_runs(after)
  if(NOT after STREQUAL before)
    message(FATAL_ERROR "the runs of ${DB} changed:\nbefore:\n${before}\nafter:\n${after}")
  endif()
endif()

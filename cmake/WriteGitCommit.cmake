# Writes OUT (util/GitCommit.h) with the commit the sources in SOURCE_DIR are at (git describe
# --always --dirty; "unknown" outside a git checkout). Run at every build by core's
# dimerec_git_commit target; the file, and so BuildInfo.cpp, changes only when the commit does.
execute_process(COMMAND git describe --always --dirty --abbrev=12
  WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE commit
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT commit)
  set(commit "unknown")
endif()
set(text "#pragma once\n// Generated at build time by cmake/WriteGitCommit.cmake.\n#define DIMEREC_GIT_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()

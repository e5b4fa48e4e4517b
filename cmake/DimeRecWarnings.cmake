# Warnings as errors where CI builds (CI=true), so that no warning lands; a developer's build
# only reports them.
if("$ENV{CI}" STREQUAL "true")
  set(dimerec_werror_default ON)
else()
  set(dimerec_werror_default OFF)
endif()
option(DIMEREC_WERROR "Treat compiler warnings as errors (default: on under CI=true)"
  ${dimerec_werror_default})

# dimerec_set_warnings(<target>): the project's warning set, applied per target.
function(dimerec_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
    if(DIMEREC_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
  target_compile_features(${target} PUBLIC cxx_std_17)
endfunction()

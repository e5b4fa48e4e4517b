# dimerec_set_warnings(<target>): the project's warning set, applied per target.
function(dimerec_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
  endif()
  target_compile_features(${target} PUBLIC cxx_std_17)
endfunction()

# Strict warnings for the project's own targets; WEAKLINK_WERROR (CI: scripts/test.sh) makes them errors.
option(WEAKLINK_WERROR "Treat compiler warnings as errors" OFF)
function(weaklink_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter)
  # GCC 12 at -O2 and above reports std::string assignments and concatenations inlined from
  # libstdc++ as overlapping memcpy (-Wrestrict false positives, GCC bug 105651, fixed in 13).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(WEAKLINK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

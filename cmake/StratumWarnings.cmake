# Warnings for every Stratum target: stratum_set_warnings(target)
function(stratum_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor>)
  # GCC 12 reports a false -Wrestrict inside std::string's operator+ at -O2
  # (GCC bug 105651); nothing in our code can silence it otherwise.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

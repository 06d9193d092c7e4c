# Shared by the build's embedding scripts (storage/embed_migrations.cmake, server/embed_text.cmake), which
# include it in cmake -P mode.

# raw_string_literal(<out-var> <text>): `text` as a C++ raw string literal whose delimiter does not occur
# in it, so the literal cannot end early.
function(raw_string_literal out text)
  set(n 0)
  string(FIND "${text}" ")d${n}\"" at)
  while(NOT at EQUAL -1)
    math(EXPR n "${n} + 1")
    string(FIND "${text}" ")d${n}\"" at)
  endwhile()
  set(${out} "R\"d${n}(${text})d${n}\"" PARENT_SCOPE)
endfunction()

# write_if_changed(<path> <content>): rewrites only on change, so dependants are not rebuilt for nothing.
function(write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()

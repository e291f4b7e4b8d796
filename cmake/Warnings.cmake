# Warnings: every target of ours is built with -Wall -Wextra -Wpedantic, and
# GRIDCTL_WERROR (on in scripts/test) turns them into errors so they stay clean.
option(GRIDCTL_WERROR "Treat compiler warnings as errors" OFF)

function(gridctl_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(GRIDCTL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

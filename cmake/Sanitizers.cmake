# Sanitizers: opt-in AddressSanitizer + UndefinedBehaviorSanitizer build.
#   cmake -B build-asan -DGRIDCTL_SANITIZE=ON && cmake --build build-asan && ctest --test-dir build-asan
# Applied to every target (including Boost.Test executables) so that the whole program is checked.
option(GRIDCTL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(GRIDCTL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

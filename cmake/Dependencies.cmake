# Dependencies: everything comes from Debian 12 packages (scripts/setup installs them).
#   Boost 1.81 (libboost1.81-dev, libboost-json1.81-dev, libboost-program-options1.81-dev,
#   libboost-test1.81-dev), libzmq (libzmq3-dev, found through pkg-config), cppzmq (cppzmq-dev,
#   header only), PCRE2 (libpcre2-dev, found through pkg-config: the [metrics] regex engine,
#   lib/core/regex.hpp says why not std::regex). Debian's default Boost 1.74 has no Boost.JSON,
#   hence the exact version.
find_package(Boost 1.81...<1.82 CONFIG REQUIRED COMPONENTS json program_options unit_test_framework)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)

if(NOT EXISTS /usr/include/zmq.hpp)
  find_path(CPPZMQ_INCLUDE_DIR zmq.hpp REQUIRED)
endif()

# Boost.Process v1 uses std::filesystem with BOOST_PROCESS_USE_STD_FS, so we need not link
# Boost.Filesystem. BOOST_POSIX_HAS_VFORK: its vfork launcher (bp::posix::use_vfork) is compiled
# only for pre-2008 POSIX feature macros, although glibc has vfork; jobs are spawned with it
# because a fork copies the worker's page tables for every job (bench/README.md).
add_library(gridctl_boost_process INTERFACE)
target_link_libraries(gridctl_boost_process INTERFACE Boost::headers)
target_compile_definitions(gridctl_boost_process INTERFACE BOOST_PROCESS_USE_STD_FS BOOST_POSIX_HAS_VFORK=1
                                                           BOOST_ASIO_NO_DEPRECATED)

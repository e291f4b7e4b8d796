# Packaging: `cpack -G DEB` (scripts/package) builds gridctl_VERSION_ARCH.deb from the install
# rules of cmake/Install.cmake, installed under /usr. Its Depends are computed from the shared
# libraries the binaries link (dpkg-shlibdeps, from dpkg-dev), so they follow the build.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gridctl)
set(CPACK_PACKAGE_CONTACT "gridctl maintainers <maintainers@users.noreply.r-seed-9d07d34a.example>"
    CACHE STRING "Maintainer of the gridctl .deb")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run a command over a grid of parameters on a cluster")
# (Lines under 80 columns, as Debian's control file wants.)
set(CPACK_PACKAGE_DESCRIPTION
    "gridctl runs an expensive, side-effect-free command over the Cartesian
product of a few parameter axes on the workers of a lab cluster, and journals
every attempt to one JSON Lines results file. Dispatch is pull-based; a dead
worker, a dead master, a hung job or a Ctrl-C loses no result, and a rerun
resumes where the sweep stopped.

This package has the gridctl binary (master and worker), the pdsh and Slurm
scripts that start one worker per node, man pages, bash completion and an
example.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # gridctl_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "pdsh, slurm-client, bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)  # a RelWithDebInfo gridctl is mostly debug information
include(CPack)

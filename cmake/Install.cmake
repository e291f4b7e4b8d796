# Install: what `cmake --install` (and so the .deb, cmake/Packaging.cmake) puts where, in the
# GNU layout; and the man pages and bash completion, generated at build time from gridctl's own
# --help texts (cmake/help_text.sh), so that a new command or option needs no edit here.
include(GNUInstallDirs)

set(GRIDCTL_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)
set(GRIDCTL_MAN_DIR ${GRIDCTL_GENERATED_DIR}/man)
set(GRIDCTL_COMPLETION ${GRIDCTL_GENERATED_DIR}/gridctl.bash-completion)
# One stamp for every page: the set of commands is known only once gridctl has been built.
add_custom_command(
  OUTPUT ${GRIDCTL_GENERATED_DIR}/docs.stamp
  COMMAND bash ${PROJECT_SOURCE_DIR}/cmake/make_man_pages.sh $<TARGET_FILE:gridctl> ${PROJECT_VERSION}
          ${PROJECT_SOURCE_DIR}/lib/cli/exit_codes.hpp ${GRIDCTL_MAN_DIR}/man1
  COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/docs/man/gridctl.ini.5 ${GRIDCTL_MAN_DIR}/man5/gridctl.ini.5
  # Debian installs man pages gzipped (policy 12.1); -n: the same bytes from the same text.
  COMMAND sh -c "gzip -9nf \"$0\"/man1/*.1 \"$0\"/man5/*.5" ${GRIDCTL_MAN_DIR}
  COMMAND bash ${PROJECT_SOURCE_DIR}/cmake/make_completion.sh $<TARGET_FILE:gridctl> ${GRIDCTL_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E touch ${GRIDCTL_GENERATED_DIR}/docs.stamp
  DEPENDS gridctl
          ${PROJECT_SOURCE_DIR}/cmake/help_text.sh
          ${PROJECT_SOURCE_DIR}/cmake/make_man_pages.sh
          ${PROJECT_SOURCE_DIR}/cmake/make_completion.sh
          ${PROJECT_SOURCE_DIR}/lib/cli/exit_codes.hpp
          ${PROJECT_SOURCE_DIR}/docs/man/gridctl.ini.5
  COMMENT "Generating the man pages and bash completion from gridctl --help"
  VERBATIM)
add_custom_target(gridctl_docs ALL DEPENDS ${GRIDCTL_GENERATED_DIR}/docs.stamp)

install(TARGETS gridctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS scripts/gridctl-pdsh-workers DESTINATION ${CMAKE_INSTALL_BINDIR})

# sbatch runs a copy of its script, which so cannot look beside itself for the binary: the
# installed copy names the installed gridctl (the prefix is known only at install time).
set(GRIDCTL_SLURM_SCRIPT ${PROJECT_SOURCE_DIR}/scripts/gridctl-slurm-workers.sbatch)
set(GRIDCTL_SLURM_INSTALLED ${GRIDCTL_GENERATED_DIR}/gridctl-slurm-workers.sbatch)
install(CODE "
  file(READ [[${GRIDCTL_SLURM_SCRIPT}]] text)
  string(REPLACE \"\\ninstalled_gridctl=''\\n\"
                 \"\\ninstalled_gridctl='\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/gridctl'\\n\" text \"\${text}\")
  file(WRITE [[${GRIDCTL_SLURM_INSTALLED}]] \"\${text}\")
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/gridctl\" TYPE PROGRAM
       FILES [[${GRIDCTL_SLURM_INSTALLED}]])
")

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs FILES_MATCHING PATTERN "*.md" PATTERN man EXCLUDE)
install(FILES examples/think.ini examples/think.cpp DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(TARGETS think RUNTIME DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

install(DIRECTORY ${GRIDCTL_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR})
install(FILES ${GRIDCTL_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME gridctl)

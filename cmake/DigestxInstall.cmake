# Man pages, shell completions, `cmake --install` and the Debian package.
include(GNUInstallDirs)

# Man pages: written once as Markdown in docs/man, rendered by pandoc (Debian package `pandoc`)
# into the build tree, so that the installed page and the source cannot differ.
option(DIGESTX_MAN "Render and install the man pages (needs pandoc)" ON)
if(DIGESTX_MAN)
  find_program(DIGESTX_PANDOC pandoc REQUIRED)
  file(GLOB DIGESTX_MAN_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.1.md)
  set(DIGESTX_MAN_PAGES)
  foreach(source IN LISTS DIGESTX_MAN_SOURCES)
    get_filename_component(page ${source} NAME_WLE)
    set(output ${PROJECT_BINARY_DIR}/man/${page})
    # `-smart`: "--help" stays two hyphens instead of becoming an en dash.
    # Installed compressed, as Debian policy 12.1 asks (gzip -9n: no name or time stamp inside,
    # so the package is reproducible); the plain page stays beside it for the tests.
    add_custom_command(
      OUTPUT ${output} ${output}.gz
      COMMAND ${DIGESTX_PANDOC} --standalone --from markdown-smart --to man
              --metadata "footer=digestx ${DIGESTX_VERSION}" --output ${output} ${source}
      COMMAND gzip -9n --force --keep ${output}
      DEPENDS ${source}
      COMMENT "Rendering man page ${page}"
      VERBATIM)
    list(APPEND DIGESTX_MAN_PAGES ${output}.gz)
  endforeach()
  add_custom_target(digestx_man ALL DEPENDS ${DIGESTX_MAN_PAGES})
  install(FILES ${DIGESTX_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# Completions: the built binary prints them from its own command definitions, so the installed
# scripts complete exactly the commands and options of the installed binary.
set(DIGESTX_COMPLETIONS ${PROJECT_BINARY_DIR}/completions)
add_custom_command(
  OUTPUT ${DIGESTX_COMPLETIONS}/digestx ${DIGESTX_COMPLETIONS}/_digestx ${DIGESTX_COMPLETIONS}/digestx.fish
  COMMAND ${CMAKE_COMMAND} -E make_directory ${DIGESTX_COMPLETIONS}
  COMMAND digestx completion bash > ${DIGESTX_COMPLETIONS}/digestx
  COMMAND digestx completion zsh > ${DIGESTX_COMPLETIONS}/_digestx
  COMMAND digestx completion fish > ${DIGESTX_COMPLETIONS}/digestx.fish
  DEPENDS digestx
  COMMENT "Generating shell completions")
add_custom_target(digestx_completions ALL DEPENDS ${DIGESTX_COMPLETIONS}/digestx)

install(TARGETS digestx RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The directories the shells' own packages search: bash-completion's dynamic loader, Debian's zsh
# vendor directory (in its $fpath) and fish's vendor_completions.d.
install(FILES ${DIGESTX_COMPLETIONS}/digestx DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${DIGESTX_COMPLETIONS}/_digestx DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${DIGESTX_COMPLETIONS}/digestx.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The Debian package: `cpack -G DEB` in the build tree. Its Depends line is what dpkg-shlibdeps
# (Debian package `dpkg-dev`) finds the binary links, so it names the runtime libraries
# (libcurl4, libssl3, libyaml-cpp0.7, libc6, libstdc++6) with the versions this build needs.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME digestx)
# The package's version is what `digestx --version` prints (cmake/DigestxVersion.cmake: git describe,
# else the project version), so `dpkg -l digestx` and the binary agree. Debian policy 5.6.12 wants a
# version that starts with a digit and holds only alphanumerics and . + - ~; `0.1.0-g1a2b3c4d5e6f`
# reads as upstream 0.1.0, revision g1a2b3c4d5e6f. A tag outside that grammar falls back to the
# project version rather than give dpkg a version it refuses.
if(DIGESTX_VERSION MATCHES "^[0-9][A-Za-z0-9.+~-]*$")
  set(CPACK_PACKAGE_VERSION ${DIGESTX_VERSION})
else()
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
endif()
set(CPACK_DEBIAN_PACKAGE_VERSION ${CPACK_PACKAGE_VERSION})
# Debian policy 5.6.2: the Maintainer field is `Name <address>`. LICENSE names no copyright holder
# yet (its appendix still reads "[name of copyright owner]"), so there is no real holder to name
# here; whoever publishes the package sets theirs with -DDIGESTX_DEB_MAINTAINER.
set(DIGESTX_DEB_MAINTAINER "digestx maintainers <digestx@localhost>"
    CACHE STRING "Maintainer field of the .deb: Name <address>")
set(CPACK_PACKAGE_CONTACT "${DIGESTX_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "which container-image digest is which, exactly and verifiably")
set(CPACK_PACKAGE_DESCRIPTION
    "digestx reads an image's index, platform manifests, configs and layers from a registry or an OCI layout, verifies every digest and explains which is which, which one to pin and whether a pin still holds.")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps sees linked libraries only, and digestx opens libcurl when a command first needs
# the network (src/net/curl_library.cpp). 7.66.0 is what dpkg-shlibdeps derived from libcurl4's
# symbols file while digestx linked it (curl_multi_poll); CPack adds the found ones to this.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.66.0)")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)

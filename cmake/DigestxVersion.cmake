# DIGESTX_VERSION: what `digestx --version` prints. In a git checkout it is `git describe` of the
# configured tree (a release tag, or the project version and the commit when no tag is reachable);
# in a source tarball it is the project version. It is read at configure time: re-run cmake after
# committing to refresh it.
set(DIGESTX_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" rev-parse --show-toplevel
                  OUTPUT_VARIABLE digestx_git_top OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE digestx_git_status ERROR_QUIET)
  # Only the project's own repository counts, not one that happens to enclose an unpacked tarball.
  if(digestx_git_status EQUAL 0 AND digestx_git_top STREQUAL PROJECT_SOURCE_DIR)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" describe --tags --dirty
                    OUTPUT_VARIABLE digestx_described OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE digestx_git_status ERROR_QUIET)
    if(NOT digestx_git_status EQUAL 0)
      execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" describe --always --dirty --abbrev=12
                      OUTPUT_VARIABLE digestx_commit OUTPUT_STRIP_TRAILING_WHITESPACE
                      RESULT_VARIABLE digestx_git_status ERROR_QUIET)
      if(digestx_git_status EQUAL 0)
        set(digestx_described "${PROJECT_VERSION}-g${digestx_commit}")
      endif()
    endif()
    if(digestx_git_status EQUAL 0 AND NOT digestx_described STREQUAL "")
      string(REGEX REPLACE "^v" "" DIGESTX_VERSION "${digestx_described}")
    endif()
  endif()
endif()
message(STATUS "digestx version: ${DIGESTX_VERSION}")

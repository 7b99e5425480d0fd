#pragma once
/// @file
/// Runs the real digestx binary (or any program) as a child process and captures its output.

#include <map>
#include <string>
#include <vector>

namespace digestx::test {

/// What a finished child process produced.
struct ProcessResult {
    int exit_code = -1; ///< exit status, or 128+signal when killed by a signal
    std::string out;    ///< everything written to stdout
    std::string err;    ///< everything written to stderr
};

/// Runs `argv` (argv[0] is the program path) with `input` on stdin; `env` entries are added to
/// (or replace) the inherited environment. Kills the child after `timeout_seconds`.
ProcessResult run_process(const std::vector<std::string> &argv, const std::string &input = {},
                          const std::map<std::string, std::string> &env = {}, int timeout_seconds = 60);

/// Runs the digestx binary built by this tree with `args`. The child never sees the credentials
/// of the user running the tests: HOME is an empty directory of this test process, and
/// DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, DOCKER_AUTH_CONFIG and
/// DIGESTX_CREDENTIAL_HELPER_TIMEOUT are removed, unless `env` sets them.
ProcessResult run_digestx(const std::vector<std::string> &args, const std::string &input = {},
                          const std::map<std::string, std::string> &env = {});

/// Where run_digestx_with_stdout() connects the child's stdout, to see how it fails to write.
enum class StdoutTarget {
    ClosedPipe, ///< a pipe whose reading end is closed before the child starts: writes fail with EPIPE
    DevFull,    ///< /dev/full: writes fail with ENOSPC, as on a full disk
};

/// Runs the digestx binary with `args` and its stdout connected to `target`; the exit code and
/// stderr are captured as run_digestx() does (`out` stays empty).
ProcessResult run_digestx_with_stdout(const std::vector<std::string> &args, StdoutTarget target);

/// Runs digestx in-process through cli::run with string streams; the same contract as the binary.
ProcessResult run_in_process(const std::vector<std::string> &args, const std::string &input = {});

/// Path of the repository's top directory (for fixtures and goldens).
std::string source_dir();

/// Path of ../shared beside the repository, or "" when it is absent (conformance data).
std::string shared_dir();

/// Reads a whole file as bytes; throws when it cannot.
std::string read_file(const std::string &path);

} // namespace digestx::test

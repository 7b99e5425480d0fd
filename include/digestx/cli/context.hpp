#pragma once
/// @file
/// What a command needs from the outside world, injected so that tests can run commands
/// in-process with their own streams, environment and stdin.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace digestx::cli {

/// The streams, environment and terminal facts a command runs with.
struct Context {
    std::ostream &out;                                                  ///< results (stdout)
    std::ostream &err;                                                  ///< diagnostics (stderr)
    std::istream &in;                                                   ///< stdin (passwords, documents)
    std::function<std::optional<std::string>(const std::string &)> env; ///< environment lookup
    bool out_is_terminal = false;                                       ///< stdout is a TTY
    bool err_is_terminal = false;                                       ///< stderr is a TTY
};

/// A Context over the real process: std::cout, std::cerr, std::cin and getenv.
Context process_context();

/// Runs digestx with `args` (args[0] is the program name) and returns the exit code. Results are
/// buffered and written to ctx.out only when the command returns an exit code rather than an
/// Error (see CommandRun): stdout stays empty on failure. Errors are one line on ctx.err. Output
/// that cannot be written ends the run with exit 74 and one line, or quietly with 141 when the
/// reader of a pipe went away (EPIPE).
int run(const std::vector<std::string> &args, Context &ctx);

} // namespace digestx::cli

#pragma once
/// @file
/// The error model of digestx: a small closed set of codes, each with a documented exit code,
/// carried in a Result<T> (tl::expected) from the place a fault is found to the CLI.

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace digestx {

/// What went wrong, as far as a caller (and a CI script reading the exit code) cares.
enum class ErrorCode {
    Usage,       ///< bad command line or bad user input; no network used (exit 2)
    Mismatch,    ///< a verification found drift: pinned digest differs (exit 1)
    NotFound,    ///< manifest, repository, tag or platform does not exist (exit 3)
    Auth,        ///< authentication or authorisation failed (exit 4)
    Integrity,   ///< content or protocol violation: bad digest, bad JSON, limits (exit 5)
    Network,     ///< DNS, connect, TLS, timeouts, persistent 5xx (exit 6)
    RateLimited, ///< 429 / TOOMANYREQUESTS after retries (exit 7)
    Output,      ///< the output could not be written: stdout, or a file `pin` rewrites (exit 74)
    Internal,    ///< a bug in digestx (exit 70)
    Interrupted, ///< SIGINT (exit 130); keep it last, all_error_codes relies on that
};

/// Every ErrorCode, in declaration order, for tables and tests that must cover them all.
inline constexpr std::array all_error_codes{
    ErrorCode::Usage,   ErrorCode::Mismatch,    ErrorCode::NotFound, ErrorCode::Auth,     ErrorCode::Integrity,
    ErrorCode::Network, ErrorCode::RateLimited, ErrorCode::Output,   ErrorCode::Internal, ErrorCode::Interrupted};

/// One row of the exit-code contract.
struct ExitCodeRow {
    int code;                 ///< the process exit code
    std::string_view meaning; ///< what it means, one line as `--help` prints it
};

/// The exit code after stdout's reader went away (EPIPE, `digestx … | head`): 128 + SIGPIPE, what
/// a shell reports for a program that a closed pipe ended. No ErrorCode maps to it, because
/// nothing is reported: the driver ends quietly.
inline constexpr int closed_pipe_exit_code = 141;

/// The exit code after SIGTERM ended a run: 128 + SIGTERM, as a shell reports for a program the
/// signal killed (what `timeout`, systemd and CI runners send to stop a job). SIGINT is
/// ErrorCode::Interrupted's 130 by the same rule; both stop transfers the same way.
inline constexpr int terminated_exit_code = 143;

/// The whole exit-code contract in ascending order: every code digestx can exit with. `--help`
/// prints it, README.md's "Exit codes" table lists the same codes (a unit test holds them
/// together), and exit_code() only returns codes listed here.
std::span<const ExitCodeRow> exit_code_table() noexcept;

/// The process exit code for an error code: a row of exit_code_table().
int exit_code(ErrorCode code) noexcept;

/// A short lowercase name for an error code ("not-found", "auth", ...), used in JSON output.
std::string_view error_code_name(ErrorCode code) noexcept;

/// A fact about an error that code decides on, so that no caller reads the message text.
enum class ErrorFault {
    None,         ///< nothing beyond the code
    TlsHandshake, ///< the TLS handshake failed (a plain-HTTP server answers a ClientHello this way)
};

/// An error value: a code, a one-line message, and optional context and registry diagnostics.
/// Built with Error::of() (or fail()), then refined with its fields by name.
struct Error {
    ErrorCode code = ErrorCode::Internal;    ///< the class of failure
    std::string message;                     ///< one line, no trailing period, sanitized
    std::vector<std::string> context;        ///< outer context, innermost first
    int http_status = 0;                     ///< HTTP status when a response caused it
    std::vector<std::string> registry_codes; ///< registry error codes (MANIFEST_UNKNOWN, ...)
    ErrorFault fault = ErrorFault::None;     ///< what callers may branch on besides the code

    /// The one way to build an error: a code and its one-line message.
    static Error of(ErrorCode code, std::string message);

    /// Sets the HTTP status of the response that caused it and returns the error.
    Error &&with_status(int status) &&;
    /// Adds an outer context ("fetching manifest sha256:…") and returns the error.
    Error &&with_context(std::string what) &&;
    /// The one line printed on stderr: contexts outermost first, then the message.
    [[nodiscard]] std::string describe() const;
};

/// The result of an operation that can fail with an Error.
template <class T> using Result = tl::expected<T, Error>;

/// Convenience: an unexpected Error with the given code and message.
inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
    return tl::unexpected<Error>(Error::of(code, std::move(message)));
}

/// Convenience: rewraps an existing error as an unexpected value.
inline tl::unexpected<Error> fail(Error error) {
    return tl::unexpected<Error>(std::move(error));
}

} // namespace digestx

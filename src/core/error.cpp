#include "digestx/core/error.hpp"

#include <cstddef>

namespace digestx {
namespace {

// all_error_codes is complete when it holds every value from 0 to the last, Interrupted.
constexpr bool lists_every_error_code() {
    for (std::size_t i = 0; i < all_error_codes.size(); ++i) {
        if (static_cast<std::size_t>(all_error_codes[i]) != i) return false;
    }
    return all_error_codes.size() == static_cast<std::size_t>(ErrorCode::Interrupted) + 1;
}
static_assert(lists_every_error_code());

// 70 and 74 are sysexits.h's EX_SOFTWARE and EX_IOERR; 130 and 141 are 128 + the signal number,
// as a shell reports SIGINT and SIGPIPE.
constexpr std::array<ExitCodeRow, 13> exit_codes{{
    {0, "success"},
    {1, "verification mismatch (a pinned digest drifted)"},
    {2, "usage or input error (no network used)"},
    {3, "not found (manifest, tag, repository, platform)"},
    {4, "authentication or authorisation failure, or a broken credential source (config file, credential helper)"},
    {5, "integrity or protocol violation (digest mismatch, bad document, limits)"},
    {6, "network, TLS or timeout failure"},
    {7, "rate limited"},
    {70, "internal error"},
    {74, "output not written (stdout or a pinned file: disk full, I/O error, read-only, permission)"},
    {130, "interrupted (SIGINT)"},
    {closed_pipe_exit_code, "stdout closed by its reader (no message, as for SIGPIPE)"},
    {terminated_exit_code, "terminated (SIGTERM)"},
}};

} // namespace

std::span<const ExitCodeRow> exit_code_table() noexcept {
    return exit_codes;
}

Error &&Error::with_status(int status) && {
    http_status = status;
    return std::move(*this);
}

Error Error::of(ErrorCode code, std::string message) {
    Error error;
    error.code = code;
    error.message = std::move(message);
    return error;
}

int exit_code(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::Mismatch: return 1;
    case ErrorCode::Usage: return 2;
    case ErrorCode::NotFound: return 3;
    case ErrorCode::Auth: return 4;
    case ErrorCode::Integrity: return 5;
    case ErrorCode::Network: return 6;
    case ErrorCode::RateLimited: return 7;
    case ErrorCode::Output: return 74;
    case ErrorCode::Internal: return 70;
    case ErrorCode::Interrupted: return 130;
    }
    return 70;
}

std::string_view error_code_name(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::Mismatch: return "mismatch";
    case ErrorCode::Usage: return "usage";
    case ErrorCode::NotFound: return "not-found";
    case ErrorCode::Auth: return "auth";
    case ErrorCode::Integrity: return "integrity";
    case ErrorCode::Network: return "network";
    case ErrorCode::RateLimited: return "rate-limited";
    case ErrorCode::Output: return "output";
    case ErrorCode::Internal: return "internal";
    case ErrorCode::Interrupted: return "interrupted";
    }
    return "internal";
}

Error &&Error::with_context(std::string what) && {
    context.push_back(std::move(what));
    return std::move(*this);
}

std::string Error::describe() const {
    std::string line;
    for (auto it = context.rbegin(); it != context.rend(); ++it) {
        line += *it;
        line += ": ";
    }
    line += message;
    return line;
}

} // namespace digestx

#include "digestx/core/error.hpp"

namespace digestx {

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

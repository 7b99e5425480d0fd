#pragma once
/// @file
/// Registry credentials as the user supplied them (`--username` and `--password-stdin`). The
/// password never appears in any output: describe() and operator<< print it redacted, so a debug
/// print or a failing test assertion cannot leak it (fault catalogue rule 14).

#include <iosfwd>
#include <string>

#include "digestx/core/error.hpp"

namespace digestx::auth {

/// A username and password for one registry.
struct Credentials {
    std::string username; ///< the account name; also sent as the token request's `account`
    std::string password; ///< the secret (password or access token); never printed

    /// `user "bob" (password redacted)`.
    [[nodiscard]] std::string describe() const;
    /// Credentials are equal when both fields are.
    friend bool operator==(const Credentials &, const Credentials &) = default;
};

/// Prints describe(), never the password.
std::ostream &operator<<(std::ostream &out, const Credentials &credentials);

/// Checks credentials before any request (ErrorCode::Usage): a non-empty username without `:`
/// (RFC 7617 §2 cannot carry it), a non-empty password, neither containing control characters
/// (a trailing newline from `echo pass |` is the CLI's to strip, not ours to guess).
Result<void> check_credentials(const Credentials &credentials);

/// The `Authorization` value for RFC 7617 Basic: `Basic base64(username ":" password)`.
std::string basic_authorization(const Credentials &credentials);

} // namespace digestx::auth

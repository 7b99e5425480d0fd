#pragma once
/// @file
/// Registry credentials as the user supplied them (`--username` and `--password-stdin`). The
/// password never appears in any output: describe() and operator<< print it redacted, so a debug
/// print or a failing test assertion cannot leak it (fault catalogue rule 14).

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "digestx/core/error.hpp"

namespace digestx::auth {

/// What the secret of a Credentials is, which decides how it is presented to a registry.
enum class CredentialKind {
    Password,      ///< Basic credentials, also sent to a token server with GET (distribution token spec)
    IdentityToken, ///< an OAuth2 refresh token (`identitytoken`), exchanged at the token server by POST
    RegistryToken, ///< a bearer token (`registrytoken`) sent to the registry as it is
};

/// A username and password (or token) for one registry.
struct Credentials {
    std::string username; ///< the account name; also sent as the token request's `account`; may be empty for tokens
    std::string password; ///< the secret (password, identity token or registry token); never printed
    CredentialKind kind = CredentialKind::Password; ///< how `password` is used

    /// `user "bob" (password redacted)`.
    [[nodiscard]] std::string describe() const;
    /// Credentials are equal when both fields are.
    friend bool operator==(const Credentials &, const Credentials &) = default;
};

/// Prints describe(), never the password.
std::ostream &operator<<(std::ostream &out, const Credentials &credentials);

/// Where an Authenticator gets its credentials when the registry first asks for them: called at
/// most once, and only after a 401 from the registry, so that a registry that never asks never
/// causes a file to be read or a credential helper to run. nullopt is anonymous access; an error
/// (a broken config file, a failing helper) fails the requests that needed credentials.
using CredentialProvider = std::function<Result<std::optional<Credentials>>()>;

/// Checks credentials before any request (ErrorCode::Usage): a non-empty username without `:`
/// (RFC 7617 §2 cannot carry it), a non-empty password, neither containing control characters
/// (a trailing newline from `echo pass |` is the CLI's to strip, not ours to guess).
Result<void> check_credentials(const Credentials &credentials);

/// The `Authorization` value for RFC 7617 Basic: `Basic base64(username ":" password)`.
std::string basic_authorization(const Credentials &credentials);

} // namespace digestx::auth

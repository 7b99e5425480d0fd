#pragma once
/// @file
/// The real files and processes behind auth::CredentialStore: config files read with a cap,
/// credential helpers run without a shell, and the helper timeout, which tests shorten through
/// `DIGESTX_CREDENTIAL_HELPER_TIMEOUT` (seconds; documented in the README).

#include <memory>

#include "digestx/auth/credential_store.hpp"
#include "digestx/cli/context.hpp"

namespace digestx::cli {

/// The environment variable that overrides the credential helper timeout (seconds, > 0).
inline constexpr const char *helper_timeout_variable = "DIGESTX_CREDENTIAL_HELPER_TIMEOUT";

/// A store over the real file system and helper processes, reading the environment from ctx.env.
/// ErrorCode::Usage when DIGESTX_CREDENTIAL_HELPER_TIMEOUT is set and not a positive number.
Result<std::shared_ptr<auth::CredentialStore>> make_credential_store(const Context &ctx);

} // namespace digestx::cli

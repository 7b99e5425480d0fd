#pragma once
/// @file
/// An environment for code that takes its lookups injected (cli::Context::env, CredentialStore).

#include <map>
#include <optional>
#include <string>

namespace digestx::test {

/// Looks names up in `env`, which must outlive the returned function; absent names are unset.
inline auto env_from(const std::map<std::string, std::string> &env) {
    return [&env](const std::string &name) -> std::optional<std::string> {
        auto found = env.find(name);
        if (found == env.end()) return std::nullopt;
        return found->second;
    };
}

} // namespace digestx::test

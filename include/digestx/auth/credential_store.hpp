#pragma once
/// @file
/// Stored credentials: which files are searched, in which order, and which credential helper is
/// asked, for one registry host and repository at a time. Files and helper processes are reached
/// through small injected interfaces, so the whole search is testable without a disk or a process.
///
/// The order (first answer wins; README "Credentials"):
/// 1. `$REGISTRY_AUTH_FILE` when set; otherwise `$XDG_RUNTIME_DIR/containers/auth.json` (when
///    XDG_RUNTIME_DIR is set) and `${XDG_CONFIG_HOME:-$HOME/.config}/containers/auth.json`
///    (containers/image pkg/docker/config/config.go getAuthFilePaths / getPathToAuthWithOS);
/// 2. docker's `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json` (docker/cli
///    cli/config/config.go Dir / load).
/// In each file: `credHelpers[host]` (then, in docker's config only, `credsStore`) is asked and its
/// answer ends that file's turn, found or not (docker/cli configfile GetCredentialsStore); else
/// the most specific `auths` key (auth_config.hpp). A file that does not exist is skipped; a file
/// that cannot be read or parsed, and a helper that fails, end the search with ErrorCode::Auth.
/// Nothing is ever tried for another host (CVE-2021-41092).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/auth/auth_config.hpp"
#include "digestx/auth/credentials.hpp"
#include "digestx/core/error.hpp"

namespace digestx::auth {

/// The largest config or auth file read (docker's and containers' files are a few kilobytes).
inline constexpr std::size_t max_auth_file_bytes = std::size_t{4} << 20U;
/// The most a credential helper may print.
inline constexpr std::size_t max_helper_output_bytes = std::size_t{64} << 10U;
/// How long a credential helper may take.
inline constexpr std::chrono::seconds default_helper_timeout{30};

/// What a helper process did: its exit status and stdout.
struct HelperOutput {
    int exit_status = 0; ///< the exit status (128+signal when killed by a signal)
    std::string out;     ///< stdout, at most max_helper_output_bytes
};

/// Runs `docker-credential-NAME get`.
class HelperRunner {
public:
    virtual ~HelperRunner() = default;
    /// Runs the program `docker-credential-<name>` with the argument `get` and `server_url` on
    /// stdin. Errors (ErrorCode::Auth) name the program: not found on PATH, timed out, printed
    /// more than max_helper_output_bytes.
    virtual Result<HelperOutput> get(const std::string &name, const std::string &server_url) = 0;
};

/// Reads a whole file: nullopt when it does not exist; an error (naming the file) when it cannot
/// be read or exceeds max_auth_file_bytes.
using AuthFileReader = std::function<Result<std::optional<std::string>>(const std::string &path)>;
/// Whether a directory exists (for `$DOCKER_CONFIG` and `$XDG_RUNTIME_DIR`).
using DirectoryProbe = std::function<bool(const std::string &path)>;
/// An environment lookup.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string &name)>;

/// Credentials found, and where.
struct FoundCredentials {
    Credentials credentials; ///< what to present
    std::string source;      ///< `PATH (auths "KEY")` or `docker-credential-NAME (credsStore in PATH)`; no secret
};

/// One file of the search.
struct AuthFile {
    std::string path;    ///< where it is
    bool docker = false; ///< docker's config.json (credsStore applies), not containers' auth.json
};

/// The search for stored credentials. Thread-safe: `check` and `pin` look up from several threads.
class CredentialStore {
public:
    /// A store reading the environment through `env`, files through `read`, directories through
    /// `is_directory`, and running helpers through `helpers`.
    CredentialStore(EnvironmentLookup env, AuthFileReader read, DirectoryProbe is_directory,
                    std::shared_ptr<HelperRunner> helpers);

    /// The files searched, in order, from the environment. An error (ErrorCode::Auth) when
    /// `$DOCKER_CONFIG` names a directory that does not exist.
    [[nodiscard]] Result<std::vector<AuthFile>> files() const;

    /// The credentials for `repository` on `registry` (a Reference's registry(): `docker.io` for
    /// Docker Hub), or nullopt (anonymous). Results, errors included, are remembered per registry
    /// and repository, so a helper runs at most once per run for each.
    Result<std::optional<FoundCredentials>> find(std::string_view registry, std::string_view repository);

private:
    Result<std::optional<FoundCredentials>> search(std::string_view registry, std::string_view repository);
    Result<const AuthConfig *> load(const std::string &path);
    Result<std::optional<FoundCredentials>> ask_helper(const std::string &helper, std::string_view registry,
                                                       const std::string &why);

    EnvironmentLookup m_env;
    AuthFileReader m_read;
    DirectoryProbe m_is_directory;
    std::shared_ptr<HelperRunner> m_helpers;
    std::mutex m_mutex;
    std::map<std::string, std::optional<AuthConfig>> m_files;
    std::map<std::string, Result<std::optional<FoundCredentials>>> m_found;
};

} // namespace digestx::auth

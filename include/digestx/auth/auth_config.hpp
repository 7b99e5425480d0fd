#pragma once
/// @file
/// Docker's `config.json` and containers' `auth.json` as pure data: parsing, key normalisation and
/// lookup by registry host and repository, with no file or process I/O (credential_store.hpp does
/// that). Both files share one format (containers/image reads `config.json` with the same code as
/// `auth.json`), so one parser serves both.
///
/// Every message names the file and the key, never a secret: `PATH: auths["reg.example"].auth is
/// not valid base64` (fault catalogue D8).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/auth/credentials.hpp"
#include "digestx/core/error.hpp"

namespace digestx::auth {

/// The key docker writes for Docker Hub, and the server URL its credential helpers are asked for
/// (docker/cli cli/config/configfile/file.go getAuthConfigKey).
inline constexpr std::string_view docker_hub_auth_key = "https://index.docker.io/v1/";

/// One `auths` entry as written.
struct AuthEntry {
    std::string key;                        ///< the key as written in the file
    std::optional<Credentials> credentials; ///< nullopt for an empty entry (`{}`, a credential-helper marker)
};

/// What a config file says about credentials.
struct AuthConfig {
    std::string file;                                ///< the path, for messages
    std::vector<AuthEntry> auths;                    ///< `auths`, in key order
    std::map<std::string, std::string> cred_helpers; ///< `credHelpers`: key as written → helper name
    std::string creds_store;                         ///< `credsStore`, "" when absent
};

/// Parses a config file's bytes; `file` names it in messages. Errors (ErrorCode::Auth), each
/// `FILE: …`: not JSON or not an object; `auths`/`credHelpers` not objects; a field of the wrong
/// type; `auth` not base64, without `:`, or with an empty username (docker/cli `decodeAuth`:
/// "invalid auth configuration file"); a `registrytoken` that is not a visible-ASCII header
/// value; a helper name check_helper_name() refuses. Trailing and leading NULs of a decoded
/// password are dropped, as `decodeAuth` does (`strings.Trim(password, "\x00")`). Field names are
/// matched as Go's encoding/json matches them (case-insensitively, an exact match first).
Result<AuthConfig> parse_auth_config(std::string_view json, const std::string &file);

/// The registry a key names: `http://` or `https://` (any `scheme://`) and everything from the
/// first `/` after it removed, Docker Hub's aliases folded (canonical_registry()). A key without
/// a scheme keeps its path: `reg.example/team` is a namespace key (containers/image
/// pkg/docker/config/config.go normalizeAuthFileKey; docker/cli credentials ConvertToHostname).
std::string normalize_auth_key(std::string_view key);

/// Docker Hub's names (`docker.io`, `index.docker.io`, `registry-1.docker.io`) as `docker.io`;
/// every other host[:port] unchanged (containers/image config.go normalizeRegistry).
std::string canonical_registry(std::string_view host);

/// The keys that may hold credentials for `repository` on `registry`, most specific first:
/// `reg/ns/app`, `reg/ns`, `reg` (containers/image config.go authKeyLookupOrder).
std::vector<std::string> auth_key_candidates(std::string_view registry, std::string_view repository);

/// The entry for `repository` on `registry` (a Reference's registry(), `docker.io` for Hub):
/// an exact key, most specific first, else the first key whose normalize_auth_key() is the
/// registry (containers/image config.go findCredentialsInFile). Only the exact host[:port]
/// matches: `reg.example` never answers for `reg.example:5000` or `reg.example.evil.com`.
const AuthEntry *find_auth_entry(const AuthConfig &config, std::string_view registry, std::string_view repository);

/// `credHelpers[registry]` (for Docker Hub, the `https://index.docker.io/v1/` key first, then
/// `docker.io`), or nullopt (docker/cli configfile getConfiguredCredentialStore).
std::optional<std::string> find_cred_helper(const AuthConfig &config, std::string_view registry);

/// What a helper is asked for: `https://index.docker.io/v1/` for Docker Hub, else the
/// host[:port] (docker/cli GetCredentialsStore passes getAuthConfigKey(host)).
std::string helper_server_url(std::string_view registry);

/// Checks a helper name (the part after `docker-credential-`): `[A-Za-z0-9._-]+` without `..`,
/// so it can never name a path (ErrorCode::Auth, naming `where` it came from).
Result<void> check_helper_name(std::string_view name, std::string_view where);

/// docker-credential-helpers' message for a missing entry (credentials/error.go).
inline constexpr std::string_view helper_not_found_message = "credentials not found in native keychain";

/// What `docker-credential-NAME get` answered: exit status and stdout. A non-zero status whose
/// trimmed stdout is helper_not_found_message is "not found" (nullopt; client/client.go Get); any
/// other non-zero status, or a zero status with stdout that is not a JSON object with string
/// `Username` and `Secret`, is an ErrorCode::Auth error naming the helper and never quoting its
/// output. Username `<token>` makes Secret an identity token (docker/cli credentials
/// native_store.go tokenUsername). An empty Secret is "not found".
Result<std::optional<Credentials>> read_helper_answer(std::string_view helper, int exit_status,
                                                      std::string_view stdout_text);

} // namespace digestx::auth

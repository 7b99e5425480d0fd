#pragma once
/// @file
/// A registry token server of our own for the `auth: token` test registry: a TestHttpServer
/// handler that implements the distribution token flow
/// (https://distribution.github.io/distribution/spec/auth/token/) and issues real RS256 JWTs
/// (https://distribution.github.io/distribution/spec/auth/jwt/) that docker-registry 2.8 verifies
/// against the self-signed certificate carried in `x5c` and configured as its `rootcertbundle`.
///
/// Policy, like Docker Hub's public images: anonymous requests get `pull` on every repository
/// except those under `private/`; the configured user (Basic auth) gets `pull`, `push`, `delete`
/// and `*` on any repository and `*` on `registry:catalog`; a wrong password is 401.

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_server.hpp"

namespace digestx::test {

/// One resource scope as a client writes it: `type:name:action[,action...]`.
struct TokenScope {
    std::string type;                 ///< "repository" or "registry"
    std::string name;                 ///< repository path, or "catalog"
    std::vector<std::string> actions; ///< requested (or granted) actions
};

/// Parses one scope string; nullopt when it has fewer than three parts.
std::optional<TokenScope> parse_token_scope(const std::string &text);

/// The token server. Answers `GET /token?service=…&scope=…(repeated)&account=…` with
/// `{"token", "access_token", "expires_in", "issued_at"}`, and the OAuth2 form POST of an
/// identity token (`grant_type=refresh_token`, as docker's and containerd's clients send it) with
/// `{"access_token", "expires_in", "scope"}`; records every request it receives.
class TestTokenServer {
public:
    /// The `service` the registry announces and the token's `aud`.
    static constexpr const char *service = "digestx-test-registry";
    /// The token's `iss`, which the registry checks.
    static constexpr const char *issuer = "digestx-test-token-issuer";

    /// Starts on 127.0.0.1 (plain HTTP); writes the signing certificate to
    /// `directory`/token-root.pem. `user`/`password` is the one account it knows.
    TestTokenServer(const std::string &directory, std::string user, std::string password);

    /// `http://127.0.0.1:PORT/token`, the realm the registry's challenge names.
    [[nodiscard]] std::string realm() const;
    /// Path of the PEM certificate bundle for the registry's `rootcertbundle`.
    [[nodiscard]] const std::string &root_certificate_bundle() const noexcept { return m_bundle_path; }
    /// Every request received so far (for asserting what a client sent, and that it leaked nothing).
    [[nodiscard]] std::vector<RecordedRequest> requests() const { return m_server.requests(); }
    /// Sets the identity (refresh) token it accepts for the user: in the POST form, and, like the
    /// token servers containerd falls back for, as the Basic password of a GET. "" accepts none.
    void set_identity_token(std::string token);
    /// Makes POST /token answer `status` without looking at it (404 as GCR, 405 as a GET-only
    /// server), so that the client's GET fallback is exercised; 0 takes POST again.
    void refuse_post(int status) { m_refuse_post = status; }
    /// Sets the lifetime of tokens issued from now on (`expires_in` and `exp - iat`; default 300 s).
    void set_token_lifetime(std::chrono::seconds lifetime) { m_lifetime_seconds = lifetime.count(); }
    /// Signs a token for `subject` ("" = anonymous) granting `access` (a JSON array of
    /// {"type", "name", "actions"}), valid for `lifetime` from now; for tests that craft tokens.
    [[nodiscard]] std::string issue(const std::string &subject, const nlohmann::ordered_json &access,
                                    std::chrono::seconds lifetime) const;
    /// What the policy grants `subject` ("" = anonymous) for the requested scopes, as the JSON
    /// `access` claim (an entry per requested resource, with the granted subset of its actions).
    [[nodiscard]] nlohmann::ordered_json grant(const std::string &subject,
                                               const std::vector<TokenScope> &requested) const;
    /// The claims of a JWT (decoded, not verified); nullopt when `token` is not a JWT.
    static std::optional<nlohmann::json> claims_of(const std::string &token);

private:
    ScriptedResponse answer(const RecordedRequest &request) const;
    ScriptedResponse answer_post(const RecordedRequest &request) const;
    [[nodiscard]] std::string identity_token() const;

    std::string m_user;
    std::string m_password;
    std::string m_bundle_path;
    std::atomic<long long> m_lifetime_seconds{300};
    std::atomic<int> m_refuse_post{0};
    mutable std::mutex m_identity_mutex;
    std::string m_identity_token;
    mutable std::atomic<unsigned> m_issued{0};
    TestHttpServer m_server;
};

} // namespace digestx::test

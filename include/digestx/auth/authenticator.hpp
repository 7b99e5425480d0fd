#pragma once
/// @file
/// The registry client's way to the network: an Authenticator is bound to one registry origin
/// and optional credentials, sends batches through the Transport, and answers 401 challenges.
///
/// What it guarantees (fault catalogue rules 7, 9 and 14; cases C13, D1–D7, D12):
/// - `Authorization` is added only to requests whose URL has the registry's exact origin
///   (scheme, host, port); any `Authorization` the caller put in a request is removed first. A
///   descriptor `urls` host or a redirect target never sees the registry's credentials.
/// - A 401 from the registry is answered once: the challenge is parsed (Bearer, else Basic), a
///   Bearer realm is checked (a weaker realm is asked anonymously, see realm.hpp), a token is fetched for the request's
///   scope (plus any scope the challenge names), and the request is retried; a second 401 is a hard ErrorCode::Auth
///   error
///   (`authorization failed for repository:foo:pull (server: insufficient_scope)`; after an
///   anonymous token also `repository does not exist or requires authentication`).
/// - A 401 from another origin (a CDN the registry redirected to) gets an anonymous token for that
///   origin's own challenge, never the registry's credentials; a Basic challenge there fails.
/// - Requests of one batch that need the same token share one token request, and token requests
///   for different scopes go out in one transport batch. Once the registry's challenge is known,
///   later requests get a cached (or fetched) credential before they are sent.
/// - With a shared ChallengeMemory, a Bearer challenge another Authenticator of the command met
///   at the same origin is used before this one's first answer: the token request for the scope
///   goes out in the same transport batch as the first requests, and a 401 to them is answered
///   with that token, without a second token request.
/// - Any non-401 answer, 403 `DENIED` included, is returned to the caller untouched.

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "digestx/auth/challenge.hpp"
#include "digestx/auth/challenge_memory.hpp"
#include "digestx/auth/clock.hpp"
#include "digestx/auth/credentials.hpp"
#include "digestx/auth/origin.hpp"
#include "digestx/auth/token_cache.hpp"
#include "digestx/auth/token_client.hpp"
#include "digestx/core/error.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::auth {

/// The token scope for a repository: `repository:<name>:<actions>` (actions such as `pull` or
/// `pull,push`), as in the distribution "Token Scope Documentation".
std::string repository_scope(std::string_view repository, std::string_view actions = "pull");

/// Authenticated access to one registry origin.
class Authenticator {
public:
    /// Binds to `registry` with credentials looked up through `provider` on the first challenge.
    /// `transport` and `clock` must outlive the Authenticator.
    Authenticator(net::Transport &transport, Origin registry, CredentialProvider provider,
                  const Clock &clock = system_clock());
    /// Binds to `registry`; `credentials` (already checked with check_credentials) are used for
    /// Basic and for token requests, anonymous access when absent. `transport` and `clock` must
    /// outlive the Authenticator.
    Authenticator(net::Transport &transport, Origin registry, std::optional<Credentials> credentials,
                  const Clock &clock = system_clock());

    /// Performs every request of the batch for `scope` (e.g. repository_scope("library/alpine");
    /// "" for scope-less requests such as `GET /v2/`) and returns one result per request, in order.
    /// An HTTP status other than an unresolved 401 is a response; auth failures are errors.
    std::vector<Result<net::HttpResponse>> perform(const std::vector<net::HttpRequest> &batch, std::string_view scope);
    /// perform() for a single request.
    Result<net::HttpResponse> perform_one(const net::HttpRequest &request, std::string_view scope);

    /// Shares `memory` with the other Authenticators of the command: challenges this one meets
    /// are remembered there, and one remembered for its origin is used before its first answer.
    void share_challenges(std::shared_ptr<ChallengeMemory> memory) { m_memory = std::move(memory); }

    /// The origin credentials are bound to.
    [[nodiscard]] const Origin &registry() const noexcept { return m_registry; }
    /// Whether credentials were given (or, from a provider, were found once asked for).
    [[nodiscard]] bool has_credentials() const noexcept { return m_credentials.has_value(); }

private:
    struct Slot;
    using TokenWants = std::vector<std::pair<TokenKey, TokenFetch>>;

    void attach_known(std::vector<Slot> &slots, std::string_view scope);
    void send_with_remembered(std::vector<Slot> &slots, std::string_view scope);
    void send(std::vector<Slot> &slots, const std::vector<std::size_t> &which);
    std::vector<std::size_t> plan_retries(std::vector<Slot> &slots, std::string_view scope);
    void plan_registry_retry(Slot &slot, const AuthChallenge &challenge, std::string_view scope, TokenWants &wants);
    void plan_foreign_retry(Slot &slot, const Result<AuthChallenge> &challenge, const std::optional<Origin> &origin,
                            TokenWants &wants);
    void finish_retried(std::vector<Slot> &slots);
    std::map<TokenKey, Result<std::string>> obtain(const TokenWants &wants);
    [[nodiscard]] Error refused_after_retry(const Slot &slot, const net::HttpResponse &response) const;
    [[nodiscard]] std::string identity() const;
    Result<void> resolve_credentials();
    [[nodiscard]] std::optional<std::string> static_authorization(AuthScheme scheme) const;

    net::Transport &m_transport;
    Origin m_registry;
    std::optional<Credentials> m_credentials;
    CredentialProvider m_provider;       ///< consulted once, on the first challenge
    std::optional<Error> m_lookup_error; ///< what the provider failed with
    const Clock &m_clock;
    TokenCache m_cache;
    std::optional<AuthChallenge> m_challenge;  ///< the registry's last valid challenge, realm checked
    std::string m_withheld;                    ///< why the credentials were kept from the challenge's realm, "" if not
    std::shared_ptr<ChallengeMemory> m_memory; ///< challenges shared by the command's Authenticators
    bool m_used_memory = false;                ///< a remembered challenge was used once already
};

} // namespace digestx::auth

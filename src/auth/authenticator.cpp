#include "digestx/auth/authenticator.hpp"

#include <algorithm>

#include "digestx/auth/realm.hpp"
#include "digestx/core/text.hpp"
#include "strings.hpp"

namespace digestx::auth {

/// One request of a batch on its way through at most three sends: the first, one answer to the
/// registry's challenge, one answer to a redirect target's challenge.
struct Authenticator::Slot {
    net::HttpRequest request;                        ///< as sent, minus the Authorization added per send
    std::string authorization;                       ///< the Authorization value to add, "" for none
    std::optional<Origin> authorized_origin;         ///< the only origin `authorization` may go to
    std::optional<TokenKey> key;                     ///< the token's key when `authorization` is Bearer
    bool fresh = false;                              ///< the credential was obtained during this call
    bool basic = false;                              ///< `authorization` is the registry's Basic credentials
    bool foreign = false;                            ///< the retry goes to a redirect target (D12)
    bool registry_retried = false;                   ///< the registry's challenge was answered once
    bool foreign_retried = false;                    ///< a redirect target's challenge was answered once
    std::optional<Result<net::HttpResponse>> result; ///< the latest answer, or the final error
    bool beside_token = false;                       ///< first sent beside the token request of a remembered challenge
};

namespace {

bool is_authorization(const net::Header &header) {
    return ascii_lowercase(header.first) == "authorization";
}

bool unresolved_401(const std::optional<Result<net::HttpResponse>> &result) {
    return result && *result && (*result)->status == 401;
}

Error auth_error(std::string message, int status) {
    return Error::of(ErrorCode::Auth, std::move(message)).with_status(status);
}

// Adds `riders` to the first batch sent through it, so that a token request and the requests it
// is for share one transport batch (and so one wave of connections). Later batches pass through.
class RidingTransport final : public net::Transport {
public:
    RidingTransport(net::Transport &inner, std::vector<net::HttpRequest> riders)
        : m_inner(inner), m_riders(std::move(riders)) {}

    std::vector<Result<net::HttpResponse>> perform(const std::vector<net::HttpRequest> &batch) override {
        if (m_sent) return m_inner.perform(batch);
        m_sent = true;
        std::vector<net::HttpRequest> combined = batch;
        combined.insert(combined.end(), m_riders.begin(), m_riders.end());
        auto answers = m_inner.perform(combined);
        answers.resize(combined.size(), fail(ErrorCode::Internal, "transport lost a request"));
        m_answers.assign(std::make_move_iterator(answers.begin() + static_cast<std::ptrdiff_t>(batch.size())),
                         std::make_move_iterator(answers.end()));
        answers.resize(batch.size(), fail(ErrorCode::Internal, "transport lost a request"));
        return answers;
    }

    /// Whether the riders went out (with the first batch).
    [[nodiscard]] bool sent() const noexcept { return m_sent; }
    /// The riders' answers, in order.
    std::vector<Result<net::HttpResponse>> take_answers() { return std::move(m_answers); }

private:
    net::Transport &m_inner;
    std::vector<net::HttpRequest> m_riders;
    std::vector<Result<net::HttpResponse>> m_answers;
    bool m_sent = false;
};

} // namespace

std::string repository_scope(std::string_view repository, std::string_view actions) {
    std::string scope = "repository:";
    scope += repository;
    scope += ':';
    scope += actions;
    return scope;
}

Authenticator::Authenticator(net::Transport &transport, Origin registry, std::optional<Credentials> credentials,
                             const Clock &clock)
    : m_transport(transport), m_registry(std::move(registry)), m_credentials(std::move(credentials)), m_clock(clock),
      m_cache(clock) {}

Authenticator::Authenticator(net::Transport &transport, Origin registry, CredentialProvider provider,
                             const Clock &clock)
    : m_transport(transport), m_registry(std::move(registry)), m_provider(std::move(provider)), m_clock(clock),
      m_cache(clock) {}

std::string Authenticator::identity() const {
    if (!m_credentials) return {};
    // A token obtained with an identity token must never be served from the cache to a password
    // identity of the same name, nor to the anonymous identity "" when the username is empty.
    if (m_credentials->kind == CredentialKind::IdentityToken) return "<identity-token>" + m_credentials->username;
    return m_credentials->username;
}

Result<void> Authenticator::resolve_credentials() {
    if (m_lookup_error) return fail(*m_lookup_error);
    if (!m_provider) return {};
    auto provider = std::move(m_provider);
    m_provider = nullptr;
    auto found = provider();
    if (!found) {
        m_lookup_error = found.error();
        return fail(std::move(found.error()));
    }
    m_credentials = std::move(*found);
    return {};
}

std::optional<std::string> Authenticator::static_authorization(AuthScheme scheme) const {
    if (!m_credentials) return std::nullopt;
    if (scheme == AuthScheme::Basic && m_credentials->kind == CredentialKind::Password) {
        return basic_authorization(*m_credentials);
    }
    // moby distribution/registry.go NewV2Repository: a registrytoken answers a Bearer challenge as it
    // is (existingTokenHandler, scheme "bearer").
    if (scheme == AuthScheme::Bearer && m_credentials->kind == CredentialKind::RegistryToken) {
        return "Bearer " + m_credentials->password;
    }
    return std::nullopt;
}

std::vector<Result<net::HttpResponse>> Authenticator::perform(const std::vector<net::HttpRequest> &batch,
                                                              std::string_view scope) {
    std::vector<Slot> slots(batch.size());
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        slots[i].request = batch[i];
        // Only this class decides where credentials go.
        std::erase_if(slots[i].request.headers, is_authorization);
        all.push_back(i);
    }
    attach_known(slots, scope);
    if (!m_challenge) send_with_remembered(slots, scope);
    std::vector<std::size_t> first;
    std::copy_if(all.begin(), all.end(), std::back_inserter(first), [&](std::size_t i) { return !slots[i].result; });
    send(slots, first);
    // One answer to the registry's challenge and one to a redirect target's (the retry that got
    // past the registry can meet the CDN's challenge): never more, so no 401 loop (rule 9).
    for (int round = 0; round < 2; ++round) {
        auto retried = plan_retries(slots, scope);
        if (retried.empty()) break;
        send(slots, retried);
    }
    finish_retried(slots);
    std::vector<Result<net::HttpResponse>> results;
    results.reserve(slots.size());
    for (auto &slot : slots) {
        results.push_back(slot.result ? std::move(*slot.result) : fail(ErrorCode::Internal, "request was never sent"));
    }
    return results;
}

Result<net::HttpResponse> Authenticator::perform_one(const net::HttpRequest &request, std::string_view scope) {
    auto results = perform({request}, scope);
    return std::move(results.front());
}

void Authenticator::attach_known(std::vector<Slot> &slots, std::string_view scope) {
    if (!m_challenge) return;
    std::vector<Slot *> targets;
    for (auto &slot : slots) {
        if (origin_of(slot.request.url) == m_registry) targets.push_back(&slot);
    }
    if (targets.empty()) return;
    if (auto fixed = static_authorization(m_challenge->scheme)) {
        for (auto *slot : targets) {
            slot->authorization = *fixed;
            slot->authorized_origin = m_registry;
            slot->basic = true;
        }
        return;
    }
    if (m_challenge->scheme == AuthScheme::Basic) return;
    auto key = make_token_key(m_challenge->realm, m_challenge->service, {std::string(scope)}, identity());
    auto cached = m_cache.find(key);
    bool fresh = !cached;
    if (!cached) {
        TokenFetch fetch{TokenRequest{key.realm, key.service, key.scopes, m_credentials}, m_registry};
        auto obtained = obtain({{key, fetch}});
        auto &token = obtained.at(key);
        if (!token) {
            for (auto *slot : targets)
                slot->result = fail(token.error());
            return;
        }
        cached = *token;
    }
    for (auto *slot : targets) {
        slot->authorization = "Bearer " + *cached;
        slot->authorized_origin = m_registry;
        slot->key = key;
        slot->fresh = fresh;
    }
}

// This Authenticator has no challenge of its own yet, but another one of the command met a Bearer
// challenge at the same origin. distribution's client keeps challenges per endpoint and asks the
// token server before its requests once a challenge is known (registry/client/auth/challenge/
// authchallenge.go simpleManager, auth/session.go endpointAuthorizer.ModifyRequest); docker does
// the same after its /v2/ ping. Here the token request goes out in the same batch as the
// requests, unauthenticated: the token host is connected and asked while the registry's 401 is
// on its way, and the retry after that 401 needs no further token round trip. A registry that
// answers without a challenge costs one unused token request.
void Authenticator::send_with_remembered(std::vector<Slot> &slots, std::string_view scope) {
    if (!m_memory || m_used_memory || scope.empty()) return;
    auto remembered = m_memory->recall(m_registry);
    if (!remembered || remembered->scheme != AuthScheme::Bearer) return;
    std::vector<std::size_t> targets;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (!slots[i].result && origin_of(slots[i].request.url) == m_registry) targets.push_back(i);
    }
    if (targets.empty()) return;
    m_used_memory = true;
    // Whatever is unusual stays with the ordinary path, which reports it: a credential lookup that
    // fails, a registry token (no token server), a realm that is refused or weaker than the
    // registry (asked anonymously, with a warning, only once the registry itself names it).
    if (!resolve_credentials()) return;
    if (m_credentials && m_credentials->kind == CredentialKind::RegistryToken) return;
    if (!validate_realm(remembered->realm) || !realm_weakness(remembered->realm, m_registry).empty()) return;
    auto key = make_token_key(remembered->realm, remembered->service, {std::string(scope)}, identity());
    std::vector<net::HttpRequest> riders;
    riders.reserve(targets.size());
    for (std::size_t i : targets)
        riders.push_back(slots[i].request);
    RidingTransport riding(m_transport, std::move(riders));
    auto issued = fetch_tokens(
        riding, {TokenFetch{TokenRequest{key.realm, key.service, key.scopes, m_credentials}, m_registry}}, m_clock);
    if (!riding.sent()) return;
    auto answers = riding.take_answers();
    for (std::size_t k = 0; k < targets.size(); ++k) {
        slots[targets[k]].result = std::move(answers[k]);
        slots[targets[k]].beside_token = true;
    }
    // A failed token request is not reported here: a 401 from the registry asks again, and the
    // ordinary path reports what that answer says.
    if (issued.front()) m_cache.store(key, std::move(*issued.front()));
}

void Authenticator::send(std::vector<Slot> &slots, const std::vector<std::size_t> &which) {
    if (which.empty()) return;
    std::vector<net::HttpRequest> batch;
    batch.reserve(which.size());
    for (std::size_t i : which) {
        net::HttpRequest request = slots[i].request;
        // The one place Authorization is added: only for the exact origin it belongs to.
        if (!slots[i].authorization.empty() && slots[i].authorized_origin &&
            origin_of(request.url) == slots[i].authorized_origin) {
            request.headers.emplace_back("Authorization", slots[i].authorization);
        }
        batch.push_back(std::move(request));
    }
    auto answers = m_transport.perform(batch);
    for (std::size_t k = 0; k < which.size(); ++k) {
        slots[which[k]].result =
            k < answers.size() ? std::move(answers[k]) : fail(ErrorCode::Internal, "transport lost a request");
    }
}

std::vector<std::size_t> Authenticator::plan_retries(std::vector<Slot> &slots, std::string_view scope) {
    TokenWants wants;
    std::vector<std::size_t> retry;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        Slot &slot = slots[i];
        if (!unresolved_401(slot.result)) continue;
        const net::HttpResponse &response = **slot.result;
        auto challenge = select_challenge(response.headers_named("www-authenticate"));
        auto answered_by = origin_of(response.effective_url.empty() ? slot.request.url : response.effective_url);
        bool from_registry = answered_by == m_registry;
        if (from_registry ? slot.registry_retried : slot.foreign_retried) {
            slot.result = fail(refused_after_retry(slot, response));
        } else if (!from_registry) {
            plan_foreign_retry(slot, challenge, answered_by, wants);
        } else if (!challenge) {
            Error error = std::move(challenge.error());
            error.http_status = 401;
            slot.result = fail(std::move(error).with_context("registry " + m_registry.display()));
        } else {
            plan_registry_retry(slot, *challenge, scope, wants);
        }
        if (unresolved_401(slot.result)) retry.push_back(i);
    }
    auto tokens = obtain(wants);
    std::vector<std::size_t> ready;
    for (std::size_t i : retry) {
        Slot &slot = slots[i];
        // A slot answered from the token fetched beside it has its authorization already.
        if (slot.key && !slot.basic && tokens.contains(*slot.key)) {
            const auto &token = tokens.at(*slot.key);
            if (!token) {
                Error error = token.error();
                if (slot.foreign && slot.authorized_origin) {
                    error.context.push_back("redirect target " + slot.authorized_origin->display());
                }
                slot.result = fail(std::move(error));
                continue;
            }
            slot.authorization = "Bearer " + *token;
            slot.fresh = true;
        }
        ready.push_back(i);
    }
    return ready;
}

void Authenticator::plan_registry_retry(Slot &slot, const AuthChallenge &challenge, std::string_view scope,
                                        TokenWants &wants) {
    std::string host = m_registry.display();
    if (auto resolved = resolve_credentials(); !resolved) {
        slot.result = fail(std::move(resolved.error()).with_context("credentials for registry " + host));
        return;
    }
    if (challenge.scheme == AuthScheme::Basic) {
        m_challenge = challenge;
        if (!m_credentials) {
            slot.result = fail(auth_error(
                "registry " + host +
                    " requires authentication; no credentials given or stored (use --username with --password-stdin, "
                    "or docker login / podman login)",
                401));
        } else if (m_credentials->kind != CredentialKind::Password) {
            slot.result = fail(auth_error("registry " + host + " asks for Basic credentials, and the stored " +
                                              m_credentials->describe() + " is only usable with a token server",
                                          401));
        } else if (slot.basic) {
            slot.result = fail(auth_error("credentials rejected by registry " + host, 401));
        } else {
            slot.authorization = basic_authorization(*m_credentials);
            slot.authorized_origin = m_registry;
            slot.basic = true;
            slot.registry_retried = true;
            slot.key.reset();
        }
        return;
    }
    if (m_credentials && m_credentials->kind == CredentialKind::RegistryToken) {
        // The token is the credential: no token server is asked, so its realm does not matter.
        m_challenge = challenge;
        if (slot.basic) {
            slot.result = fail(auth_error("credentials rejected by registry " + host, 401));
            return;
        }
        slot.authorization = *static_authorization(AuthScheme::Bearer);
        slot.authorized_origin = m_registry;
        slot.basic = true;
        slot.registry_retried = true;
        slot.key.reset();
        return;
    }
    if (auto valid = validate_realm(challenge.realm); !valid) {
        slot.result = fail(std::move(valid.error()));
        return;
    }
    // fetch_tokens asks a weaker realm anonymously and warns; remember why for the final error.
    m_withheld.clear();
    if (std::string weakness = realm_weakness(challenge.realm, m_registry); !weakness.empty() && m_credentials) {
        m_withheld =
            "credentials withheld from token realm " + quoted(net::redact_url(challenge.realm)) + " (" + weakness + ")";
    }
    m_challenge = challenge;
    if (m_memory) m_memory->remember(m_registry, challenge);
    auto scopes = challenge.scopes;
    scopes.emplace_back(scope);
    auto key = make_token_key(challenge.realm, challenge.service, std::move(scopes), identity());
    if (slot.beside_token && !slot.fresh) {
        if (auto token = m_cache.find(key)) {
            // The token asked for beside this request answers this challenge: no second request.
            slot.authorization = "Bearer " + *token;
            slot.fresh = true;
            slot.registry_retried = true;
            slot.key = key;
            slot.authorized_origin = m_registry;
            slot.basic = false;
            return;
        }
    }
    if (slot.fresh && slot.key == key) {
        // The token was obtained for exactly this challenge moments ago: asking again cannot help
        // (containerd invalidAuthorization, regclient ErrNoNewChallenge).
        slot.result = fail(refused_after_retry(slot, **slot.result));
        return;
    }
    m_cache.erase(key);
    wants.emplace_back(key, TokenFetch{TokenRequest{key.realm, key.service, key.scopes, m_credentials}, m_registry});
    slot.registry_retried = true;
    slot.key = key;
    slot.authorized_origin = m_registry;
    slot.basic = false;
}

void Authenticator::plan_foreign_retry(Slot &slot, const Result<AuthChallenge> &challenge,
                                       const std::optional<Origin> &origin, TokenWants &wants) {
    const net::HttpResponse &response = **slot.result;
    std::string where =
        "redirect target " + (origin ? origin->display() : quoted(net::redact_url(response.effective_url)));
    if (!origin) {
        slot.result = fail(auth_error(where + " answered 401 and is not a valid http(s) origin", 401));
        return;
    }
    if (!challenge) {
        Error error = challenge.error();
        error.http_status = 401;
        slot.result = fail(std::move(error).with_context(where));
        return;
    }
    if (challenge->scheme != AuthScheme::Bearer) {
        slot.result = fail(auth_error(where + " asks for Basic credentials; credentials for registry " +
                                          m_registry.display() + " are never sent to another host",
                                      401));
        return;
    }
    // ggcr handleCrossHostChallenge: the other host may hand out an anonymous token for its own
    // challenge; nothing of the registry's identity goes with the request.
    auto key = make_token_key(challenge->realm, challenge->service, challenge->scopes, "");
    wants.emplace_back(key, TokenFetch{TokenRequest{key.realm, key.service, key.scopes, std::nullopt}, *origin});
    slot.request.url = response.effective_url;
    slot.key = key;
    slot.authorized_origin = origin;
    slot.basic = false;
    slot.foreign = true;
    slot.foreign_retried = true;
}

void Authenticator::finish_retried(std::vector<Slot> &slots) {
    for (auto &slot : slots) {
        if (unresolved_401(slot.result)) slot.result = fail(refused_after_retry(slot, **slot.result));
    }
}

Error Authenticator::refused_after_retry(const Slot &slot, const net::HttpResponse &response) const {
    if (slot.basic) return auth_error("credentials rejected by registry " + m_registry.display(), 401);
    auto challenge = select_challenge(response.headers_named("www-authenticate"));
    std::string server;
    if (challenge && !challenge->error.empty()) server = " (server: " + sanitize(challenge->error, 100) + ")";
    std::string scopes = slot.key ? scope_text(*slot.key) : std::string("registry access");
    if (slot.foreign && slot.authorized_origin) {
        return auth_error("redirect target " + slot.authorized_origin->display() + " refused its anonymous token for " +
                              scopes + server,
                          401);
    }
    std::string message = "authorization failed for " + scopes + server;
    if (!m_withheld.empty()) return auth_error(message + ": " + m_withheld, 401);
    // Docker Hub answers a missing repository with 401 insufficient_scope to anonymous clients
    // (binderhub#1664); say so instead of suggesting only a permissions problem (C13).
    if (!m_credentials) message += ": repository does not exist or requires authentication";
    return auth_error(std::move(message), 401);
}

std::map<TokenKey, Result<std::string>> Authenticator::obtain(const TokenWants &wants) {
    std::map<TokenKey, Result<std::string>> tokens;
    std::vector<TokenFetch> fetches;
    std::vector<TokenKey> keys;
    for (const auto &[key, fetch] : wants) {
        if (tokens.contains(key)) continue;
        tokens.emplace(key, fail(ErrorCode::Internal, "token not fetched"));
        fetches.push_back(fetch);
        keys.push_back(key);
    }
    if (fetches.empty()) return tokens;
    auto results = fetch_tokens(m_transport, fetches, m_clock);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!results[i]) {
            tokens.insert_or_assign(keys[i], fail(std::move(results[i].error())));
            continue;
        }
        tokens.insert_or_assign(keys[i], results[i]->token);
        m_cache.store(keys[i], std::move(*results[i]));
    }
    return tokens;
}

} // namespace digestx::auth

#include "digestx/auth/token_client.hpp"

#include "digestx/auth/realm.hpp"
#include "digestx/core/text.hpp"
#include "digestx/net/url.hpp"

namespace digestx::auth {
namespace {

// One token request in flight: where its next hop goes.
struct Hop {
    std::size_t index = 0; // into the fetches
    std::string url;       // the URL of this hop, parameters included
    int redirects = 0;     // hops followed so far
    bool oauth = false;    // the identity token's OAuth POST, not yet refused
    std::string withheld;  // why the credentials stay home on this hop, "" when they go with it
};

bool uses_oauth(const TokenFetch &fetch) {
    return fetch.request.credentials && fetch.request.credentials->kind == CredentialKind::IdentityToken;
}

net::HttpRequest hop_request(const TokenFetch &fetch, const Hop &hop) {
    if (!hop.withheld.empty()) return token_http_request(hop.url, std::nullopt);
    if (!hop.oauth) return token_http_request(hop.url, fetch.request.credentials);
    net::HttpRequest request = token_oauth_request(fetch.request);
    request.url = hop.url;
    return request;
}

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string shown(std::string_view url) {
    return quoted(net::redact_url(url));
}

tl::unexpected<Error> with_status(ErrorCode code, std::string message, int status) {
    Error error{code, std::move(message), {}, status, {}};
    return fail(std::move(error));
}

// The next hop of a redirect, or the error that ends the exchange.
Result<Hop> follow(const TokenFetch &fetch, const Hop &hop, const net::HttpResponse &response) {
    if (hop.redirects >= max_token_redirects) {
        return with_status(ErrorCode::Auth,
                           "token endpoint redirected more than " + std::to_string(max_token_redirects) + " times",
                           response.status);
    }
    auto location = response.header("location");
    if (!location) {
        return with_status(ErrorCode::Auth,
                           "token endpoint answered " + std::to_string(response.status) + " without a Location",
                           response.status);
    }
    auto target = net::resolve_reference(hop.url, *location);
    if (!target) {
        return with_status(ErrorCode::Auth, "token endpoint sent an invalid redirect location " + quoted(*location),
                           response.status);
    }
    std::string problem = realm_problem(*target);
    if (!problem.empty()) {
        return fail(ErrorCode::Auth, "refusing token realm " + shown(*target) + ": " + problem + " (redirected from " +
                                         shown(hop.url) + ")");
    }
    // docker's token client follows the token server's redirects (Go net/http, which drops
    // Authorization when the host changes: net/http client.go `shouldCopyHeaderOnRedirect`).
    // Here the credentials stay with the realm the registry named and never go to a weaker hop.
    Hop next{hop.index, *target, hop.redirects + 1, hop.oauth, hop.withheld};
    if (std::string weakness = realm_weakness(*target, fetch.authority); !weakness.empty()) {
        warn_weak_realm(*target, fetch.authority, weakness);
        if (next.withheld.empty()) next.withheld = weakness;
    }
    if (next.withheld.empty() && fetch.request.credentials && origin_of(*target) != origin_of(fetch.request.realm)) {
        next.withheld = "redirected to another origin";
    }
    if (!next.withheld.empty()) next.oauth = false;
    return next;
}

// What a final (non-redirect) answer of the token endpoint means.
Result<IssuedToken> read_answer(const TokenFetch &fetch, const Hop &hop, const net::HttpResponse &response,
                                const Clock &clock) {
    int status = response.status;
    if (status >= 200 && status < 300) return parse_token_response(response.body, clock.now());
    std::string host = fetch.authority.display();
    if (status == 401 && fetch.request.credentials && !hop.withheld.empty()) {
        return with_status(ErrorCode::Auth,
                           "registry " + host + " requires authentication; credentials withheld from token realm " +
                               shown(hop.url) + " (" + hop.withheld + ")",
                           status);
    }
    if (status == 401 && fetch.request.credentials) {
        return with_status(ErrorCode::Auth, "credentials rejected by registry " + host, status);
    }
    if (status == 401) {
        return with_status(ErrorCode::Auth,
                           "registry " + host +
                               " requires authentication; no credentials given or stored (use --username with "
                               "--password-stdin, or docker login / podman login)",
                           status);
    }
    std::string answered = "token endpoint " + shown(hop.url) + " answered " + std::to_string(status);
    if (status == 429) return with_status(ErrorCode::RateLimited, answered, status);
    if (status >= 500) return with_status(ErrorCode::Network, answered, status);
    return with_status(ErrorCode::Auth, answered, status);
}

// A transport failure of a token request. An oversized or broken body is the endpoint failing
// to give a token (D4); connection problems stay what they are.
Error transport_failure(const Hop &hop, Error error) {
    if (error.code == ErrorCode::Integrity) {
        error.message = "token endpoint returned no usable token (" + error.message + ")";
        error.code = ErrorCode::Auth;
        return error;
    }
    return std::move(error).with_context("fetching a token from " + shown(hop.url));
}

} // namespace

std::vector<Result<IssuedToken>> fetch_tokens(net::Transport &transport, const std::vector<TokenFetch> &fetches,
                                              const Clock &clock) {
    std::vector<Result<IssuedToken>> results(fetches.size(), fail(ErrorCode::Internal, "token fetch not finished"));
    std::vector<Hop> pending;
    for (std::size_t i = 0; i < fetches.size(); ++i) {
        if (auto valid = validate_realm(fetches[i].request.realm); !valid) {
            results[i] = fail(std::move(valid.error()));
            continue;
        }
        std::string withheld = realm_weakness(fetches[i].request.realm, fetches[i].authority);
        if (!withheld.empty()) warn_weak_realm(fetches[i].request.realm, fetches[i].authority, withheld);
        if (withheld.empty() && uses_oauth(fetches[i])) {
            pending.push_back(Hop{i, token_oauth_request(fetches[i].request).url, 0, true, {}});
        } else if (withheld.empty()) {
            pending.push_back(Hop{i, token_url(fetches[i].request), 0, false, {}});
        } else {
            // Anonymous: no Basic header, no refresh token, and no `account` parameter either.
            TokenRequest anonymous = fetches[i].request;
            anonymous.credentials.reset();
            pending.push_back(Hop{i, token_url(anonymous), 0, false, std::move(withheld)});
        }
    }
    while (!pending.empty()) {
        std::vector<net::HttpRequest> batch;
        batch.reserve(pending.size());
        for (const auto &hop : pending) {
            batch.push_back(hop_request(fetches[hop.index], hop));
        }
        auto answers = transport.perform(batch);
        std::vector<Hop> next;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            const Hop &hop = pending[k];
            const TokenFetch &fetch = fetches[hop.index];
            if (k >= answers.size()) {
                results[hop.index] = fail(ErrorCode::Internal, "transport returned fewer results than requests");
            } else if (!answers[k]) {
                results[hop.index] = fail(transport_failure(hop, std::move(answers[k].error())));
            } else if (is_redirect(answers[k]->status)) {
                auto following = follow(fetch, hop, *answers[k]);
                if (following) {
                    next.push_back(std::move(*following));
                } else {
                    results[hop.index] = fail(std::move(following.error()));
                }
            } else if (hop.oauth && oauth_falls_back_to_get(answers[k]->status, fetch.request)) {
                // The token server does not take the OAuth POST: ask again with GET and Basic.
                next.push_back(Hop{hop.index, token_url(fetch.request), hop.redirects, false, {}});
            } else {
                results[hop.index] = read_answer(fetch, hop, *answers[k], clock);
            }
        }
        pending = std::move(next);
    }
    return results;
}

} // namespace digestx::auth

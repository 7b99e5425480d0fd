#pragma once
/// @file
/// Fetching tokens over a Transport. Token requests are sent with `follow_redirects = false` and
/// redirects are followed here, one hop at a time, so that every hop is checked as a realm before
/// anything is sent to it (fault catalogue D2: "a token endpoint that 302s to one of those"):
/// - every hop must pass realm_problem() (absolute http(s), no userinfo) or is refused;
/// - a realm or hop weaker than the origin that issued the challenge (realm_weakness()) is
///   followed as docker follows it, with one warning (warn_weak_realm()), but anonymously;
/// - with credentials, a hop to another origin goes on anonymously: the Basic credentials (or
///   refresh token) were given to the realm the registry named, not to wherever it points next;
/// - at most max_token_redirects hops.

#include <vector>

#include "digestx/auth/clock.hpp"
#include "digestx/auth/origin.hpp"
#include "digestx/auth/token.hpp"
#include "digestx/core/error.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::auth {

/// The most redirects followed for one token request.
inline constexpr int max_token_redirects = 5;

/// One token to fetch, and the origin whose challenge named its realm.
struct TokenFetch {
    TokenRequest request; ///< realm, service, scopes and credentials
    Origin authority;     ///< the registry (or redirect target) that sent the challenge
};

/// Fetches every token, one transport batch per redirect hop, one result per fetch in order.
/// Errors: a refused realm or hop (Auth, nothing sent to it); 401 after the credentials were
/// withheld → `registry <host> requires authentication; credentials withheld from token realm
/// "<url>" (<why>)`; 401 → `credentials rejected by
/// registry <host>` with credentials, else `registry <host> requires authentication; no
/// credentials given …` (Auth); 429 → RateLimited; 5xx (after the transport's retries) →
/// Network; other statuses → Auth; a body over the cap or unreadable → `token endpoint returned
/// no usable token (…)` (Auth); transport failures keep their code, with context.
std::vector<Result<IssuedToken>> fetch_tokens(net::Transport &transport, const std::vector<TokenFetch> &fetches,
                                              const Clock &clock);

} // namespace digestx::auth

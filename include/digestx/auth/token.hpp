#pragma once
/// @file
/// The distribution token flow, as pure functions: the GET request to the realm and the reading
/// of its answer (distribution "Token Authentication Specification": `service`, repeated `scope`,
/// `account`; the answer's `token`/`access_token`, `expires_in`, `issued_at`).

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/auth/clock.hpp"
#include "digestx/auth/credentials.hpp"
#include "digestx/core/error.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::auth {

/// The largest token response read (containers/image `MaxAuthTokenBodySize`, fault catalogue D4).
inline constexpr std::size_t max_token_response_bytes = 1U << 20U;
/// The longest token accepted; real ones are JWTs of one or two kilobytes.
inline constexpr std::size_t max_token_bytes = std::size_t{16} * 1024U;
/// The deepest JSON nesting read in a token response; a real one is a flat object.
inline constexpr std::size_t max_token_json_depth = 16;
/// The lifetime when `expires_in` is absent (the token specification's default).
inline constexpr std::chrono::seconds default_token_lifetime{60};
/// Shorter lifetimes are raised to this (containers/image `minimumTokenLifetimeSeconds`).
inline constexpr std::chrono::seconds minimum_token_lifetime{60};
/// Longer lifetimes are cut to this: a run never needs more, and a hostile number cannot
/// overflow the time arithmetic.
inline constexpr std::chrono::seconds maximum_token_lifetime{3600};

/// What to ask a token endpoint for.
struct TokenRequest {
    std::string realm;                      ///< the realm URL, already validated (validate_realm)
    std::string service;                    ///< `service`, omitted when empty
    std::vector<std::string> scopes;        ///< one `scope` parameter each, in order
    std::optional<Credentials> credentials; ///< Basic credentials for the realm; anonymous when absent
};

/// The URL of the token request: the realm (fragment dropped, its own query kept) with `service`,
/// each `scope`, and `account` (the username, when credentials with one are given), values percent-encoded.
std::string token_url(const TokenRequest &request);

/// The HTTP request for one hop of a token exchange: GET `url` with the Basic credentials when
/// given, the response capped at max_token_response_bytes, and redirects not followed by the
/// transport (the token client checks each hop as a realm first; see token_client.hpp).
net::HttpRequest token_http_request(const std::string &url, const std::optional<Credentials> &credentials);

/// The OAuth2 request of an identity token (containerd core/remotes/docker/auth/fetch.go
/// FetchTokenWithOAuth): POST to the realm (fragment dropped, its query kept) with the form
/// `grant_type=refresh_token`, `refresh_token`, `service`, `scope` (space-separated) and
/// `client_id=digestx`; capped and not redirected like token_http_request().
net::HttpRequest token_oauth_request(const TokenRequest &request);

/// Whether a refused OAuth POST is retried as a GET with Basic credentials, as containerd's
/// doBearerAuth does (core/remotes/docker/authorizer.go): 404 (GCR), 401 (Artifactory), 400
/// (ACR), and 405 only when there is a username to send.
bool oauth_falls_back_to_get(int status, const TokenRequest &request);

/// A token ready to use.
struct IssuedToken {
    std::string token;            ///< the bearer token (visible ASCII only)
    Clock::time_point expires_at; ///< when it stops being valid
};

/// Reads a 2xx token response. Takes `token`, or `access_token` when `token` is absent or empty.
/// Errors (ErrorCode::Auth) all read `token endpoint returned no usable token (<why>)`: not JSON,
/// not an object, too deeply nested, no token, a token that is not a visible-ASCII header value
/// (CR, LF, spaces: header injection), a token longer than max_token_bytes.
Result<IssuedToken> parse_token_response(std::string_view body, Clock::time_point now);

/// When a token obtained at `now` expires: `issued_at` (when given and not in the future, since a
/// skewed server clock must not extend a lifetime) plus `expires_in` (default 60 s, raised to at
/// least 60 s, capped at maximum_token_lifetime; zero and negative values count as too short).
Clock::time_point token_expiry(Clock::time_point now, std::optional<long long> expires_in_seconds,
                               std::optional<Clock::time_point> issued_at);

/// Parses an RFC 3339 date-time (`2024-05-01T12:00:00Z`, fractions and `±hh:mm` offsets allowed);
/// nullopt when it is not one or lies outside the years 1970–2200.
std::optional<Clock::time_point> parse_rfc3339(std::string_view text);

} // namespace digestx::auth

#pragma once
/// @file
/// Tokens already obtained, keyed by everything that decides what a token grants, and dropped a
/// little before they expire (fault catalogue D5).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "digestx/auth/clock.hpp"
#include "digestx/auth/token.hpp"

namespace digestx::auth {

/// How long before its expiry a cached token stops being handed out, so that a request started
/// just before the deadline does not arrive with a dead token.
inline constexpr std::chrono::seconds token_safety_margin{10};

/// What a token was issued for. Build it with make_token_key() so equal scope sets compare equal.
struct TokenKey {
    std::string realm;               ///< the token endpoint
    std::string service;             ///< the `service` parameter
    std::vector<std::string> scopes; ///< sorted, without duplicates or empty strings
    std::string identity;            ///< the username, or "" for an anonymous token

    /// Keys order member by member (for use in a map).
    friend bool operator<(const TokenKey &a, const TokenKey &b) {
        return std::tie(a.realm, a.service, a.scopes, a.identity) < std::tie(b.realm, b.service, b.scopes, b.identity);
    }
    /// Keys are equal when every member is.
    friend bool operator==(const TokenKey &, const TokenKey &) = default;
};

/// A key with its scopes sorted and deduplicated.
TokenKey make_token_key(std::string realm, std::string service, std::vector<std::string> scopes, std::string identity);

/// The scopes of a key joined by spaces, for messages ("repository:a:pull repository:b:pull").
std::string scope_text(const TokenKey &key);

/// The tokens of one run, in memory only (never written to disk).
class TokenCache {
public:
    /// A cache reading time from `clock` (which must outlive it).
    explicit TokenCache(const Clock &clock, std::chrono::seconds margin = token_safety_margin);

    /// The token for `key` if it is still valid for at least the safety margin.
    [[nodiscard]] std::optional<std::string> find(const TokenKey &key) const;
    /// Stores (or replaces) the token for `key`.
    void store(const TokenKey &key, IssuedToken token);
    /// Forgets the token for `key` (the registry refused it).
    void erase(const TokenKey &key);
    /// How many tokens are held, expired or not.
    [[nodiscard]] std::size_t size() const noexcept { return m_tokens.size(); }

private:
    const Clock &m_clock;
    std::chrono::seconds m_margin;
    std::map<TokenKey, IssuedToken> m_tokens;
};

} // namespace digestx::auth

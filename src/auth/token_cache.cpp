#include "digestx/auth/token_cache.hpp"

#include <algorithm>

namespace digestx::auth {

TokenKey make_token_key(std::string realm, std::string service, std::vector<std::string> scopes, std::string identity) {
    std::erase(scopes, std::string());
    std::sort(scopes.begin(), scopes.end());
    scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
    return TokenKey{std::move(realm), std::move(service), std::move(scopes), std::move(identity)};
}

std::string scope_text(const TokenKey &key) {
    std::string text;
    for (const auto &scope : key.scopes) {
        if (!text.empty()) text += ' ';
        text += scope;
    }
    return text.empty() ? "registry access" : text;
}

TokenCache::TokenCache(const Clock &clock, std::chrono::seconds margin) : m_clock(clock), m_margin(margin) {}

std::optional<std::string> TokenCache::find(const TokenKey &key) const {
    auto it = m_tokens.find(key);
    if (it == m_tokens.end()) return std::nullopt;
    if (m_clock.now() + m_margin >= it->second.expires_at) return std::nullopt;
    return it->second.token;
}

void TokenCache::store(const TokenKey &key, IssuedToken token) {
    auto now = m_clock.now();
    std::erase_if(m_tokens, [&](const auto &entry) { return entry.second.expires_at <= now; });
    m_tokens.insert_or_assign(key, std::move(token));
}

void TokenCache::erase(const TokenKey &key) {
    m_tokens.erase(key);
}

} // namespace digestx::auth

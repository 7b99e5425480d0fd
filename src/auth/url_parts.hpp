#pragma once
// Internal: absolute http(s) URLs as libcurl reads them, for origins and realm checks.

#include <optional>
#include <string>
#include <string_view>

namespace digestx::auth::detail {

// What the auth module needs to know about a URL.
struct UrlParts {
    std::string scheme;        // lowercase
    std::string host;          // lowercase, IPv6 in brackets (with `%25zone` kept inside them)
    int port = 0;              // explicit or the scheme's default
    bool has_userinfo = false; // user or password present
};

// Parses an absolute URL with libcurl; nullopt unless the scheme is http or https.
std::optional<UrlParts> parse_url(std::string_view url);

// Resolves a `Location` value against `base` (RFC 3986 §5) with libcurl; nullopt when invalid.
std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference);

} // namespace digestx::auth::detail

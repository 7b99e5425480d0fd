#pragma once
/// @file
/// Origins (scheme, host, port; RFC 6454): the unit credentials are bound to. Credentials go only
/// to the exact origin they were obtained for (fault catalogue rule 7).

#include <optional>
#include <string>
#include <string_view>

namespace digestx::auth {

/// The scheme, host and port of an http(s) URL.
struct Origin {
    std::string scheme; ///< "http" or "https"
    std::string host;   ///< lowercased as libcurl normalises it: `127.1` → `127.0.0.1`, IPv6 in brackets
    int port = 0;       ///< the explicit port, or the scheme's default (443, 80)

    /// `scheme://host:port`, the form compared when deciding where credentials may go.
    [[nodiscard]] std::string str() const;
    /// The host, plus `:port` when it is not the scheme's default: how people name a registry.
    [[nodiscard]] std::string display() const;
    /// Origins are equal when scheme, host and port all are.
    friend bool operator==(const Origin &, const Origin &) = default;
};

/// The origin of an absolute http(s) URL, parsed by libcurl's URL parser so that digestx and the
/// transport agree on the host a URL names. nullopt when the URL does not parse, is not http(s),
/// has port 0, or carries userinfo (such a URL is never a place to send credentials).
std::optional<Origin> origin_of(std::string_view url);

} // namespace digestx::auth

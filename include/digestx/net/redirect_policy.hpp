#pragma once
/// @file
/// The redirect policy, as pure functions over URLs: which hops are followed and which request
/// headers survive them (fault catalogue rules 7 and 8, cases C10 and C11). The transport follows
/// redirects by hand so that every hop passes through here.

#include <string>
#include <string_view>

#include "digestx/core/error.hpp"

namespace digestx::net {

/// Whether `status` is a redirect the transport follows (301, 302, 303, 307, 308).
[[nodiscard]] bool is_redirect_status(int status) noexcept;

/// Resolves a `Location` value against the URL that sent it (relative references per RFC 3986).
/// Fails with ErrorCode::Integrity when the result is not a valid http(s) URL.
Result<std::string> resolve_location(std::string_view base_url, std::string_view location);

/// `scheme://host:port` of an http(s) URL, lowercased, with the default port filled in; "" when
/// the URL cannot be parsed. Two URLs share credentials only when their origins are equal.
[[nodiscard]] std::string origin_of(std::string_view url);

/// The host of a URL as curl normalises it (IPv4 shorthands such as `127.1` expanded, IPv6 in
/// brackets), lowercased; "" when the URL cannot be parsed.
[[nodiscard]] std::string host_of(std::string_view url);

/// Whether a host names this machine or a private network without DNS: `localhost` (and
/// `*.localhost`), or an IP literal that is loopback, link-local (169.254/16, fe80::/10), private
/// (10/8, 172.16/12, 192.168/16, fc00::/7), unspecified (0.0.0.0, ::) or an IPv4-mapped form of
/// those. Host names that merely resolve to such addresses are not detected.
[[nodiscard]] bool is_private_host(std::string_view host);

/// Decides whether a redirect from `from_url` to `to_url` may be followed: refuses (Integrity)
/// schemes other than http/https, https→http unless `allow_plain_http`, and a hop from a public
/// host to a private one (is_private_host). Messages carry redacted URLs.
Result<void> check_redirect(std::string_view from_url, std::string_view to_url, bool allow_plain_http);

/// Whether a request header carries credentials and must not leave its origin
/// (`Authorization`, `Proxy-Authorization`, `Cookie`); case-insensitive.
[[nodiscard]] bool is_credential_header(std::string_view name);

} // namespace digestx::net

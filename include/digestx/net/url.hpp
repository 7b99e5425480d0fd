#pragma once
/// @file
/// Absolute http(s) URLs read through libcurl's own URL parser, so that digestx and libcurl agree
/// on which host a URL names (curl normalises IPv4 shorthands such as 127.1 and 2130706433). The
/// transport's redirect policy and the auth module's realm checks both decide on these parts.

#include <optional>
#include <string>
#include <string_view>

namespace digestx::net {

/// The parts of an absolute http(s) URL that security decisions are made on.
struct UrlParts {
    std::string scheme;        ///< lowercase "http" or "https"
    std::string host;          ///< lowercased; IPv6 literals in brackets, a zone kept as `%25zone` inside
    int port = 0;              ///< explicit or the scheme's default, 1–65535
    std::string url;           ///< the URL as curl normalised it
    bool has_userinfo = false; ///< a user name or password is present
};

/// Parses an absolute URL; nullopt unless it is a valid http or https URL without control
/// characters or spaces (which never belong in a URL digestx sends).
std::optional<UrlParts> parse_url(std::string_view url);

/// Resolves `reference` (a `Location` or `Link` value) against `base` (RFC 3986 §5); nullopt
/// when either is invalid or the result is not an http(s) URL.
std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference);

/// `host:port` for messages ("registry.example:443"); the redacted text when the URL does not parse.
std::string host_port(std::string_view url);

/// The host, plus the port when it is not the scheme's default: how people name a registry.
std::string display_host(std::string_view url);

} // namespace digestx::net

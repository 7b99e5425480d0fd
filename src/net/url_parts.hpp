#pragma once
// Internal: URL parsing through curl's own URL parser, so that digestx and libcurl agree on what
// host a URL names (curl normalises IPv4 shorthands such as 127.1 and 2130706433).

#include <optional>
#include <string>
#include <string_view>

namespace digestx::net::detail {

// The parts of an absolute http(s) URL the transport reasons about.
struct UrlParts {
    std::string scheme; // lowercase "http" or "https"
    std::string host;   // lowercased; IPv6 literals in brackets
    int port = 0;       // explicit or the scheme's default
    std::string url;    // the normalised URL
};

// Parses an absolute URL; nullopt unless it is a valid http or https URL.
std::optional<UrlParts> parse_url(std::string_view url);

// Resolves `reference` against `base` (both as curl understands them); nullopt when invalid.
std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference);

// `host:port` for messages ("registry.example:443", "127.0.0.1:5000"); the raw text when the URL
// does not parse.
std::string host_port(std::string_view url);

// The host, plus the port when it is not the scheme's default: how people name a registry.
std::string display_host(std::string_view url);

} // namespace digestx::net::detail

#include "digestx/net/redirect_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include <arpa/inet.h>

#include "digestx/core/text.hpp"
#include "digestx/net/transport.hpp"
#include "digestx/net/url.hpp"

namespace digestx::net {
namespace {

bool is_private_ipv4(const std::array<std::uint8_t, 4> &a) {
    return a[0] == 127 ||                           // loopback
           a[0] == 10 ||                            // private
           (a[0] == 172 && (a[1] & 0xF0U) == 16) || // private 172.16/12
           (a[0] == 192 && a[1] == 168) ||          // private
           (a[0] == 169 && a[1] == 254) ||          // link-local, cloud metadata endpoints
           a[0] == 0;                               // unspecified / "this network"
}

bool is_private_ipv6(const std::array<std::uint8_t, 16> &a) {
    bool all_zero_prefix = std::all_of(a.begin(), a.begin() + 10, [](std::uint8_t b) { return b == 0; });
    if (all_zero_prefix && a[10] == 0xFF && a[11] == 0xFF) {
        // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address it embeds.
        return is_private_ipv4({a[12], a[13], a[14], a[15]});
    }
    bool zero_but_last = std::all_of(a.begin(), a.begin() + 15, [](std::uint8_t b) { return b == 0; });
    if (zero_but_last && (a[15] == 0 || a[15] == 1)) return true; // :: and ::1
    if (a[0] == 0xFE && (a[1] & 0xC0U) == 0x80) return true;      // fe80::/10 link-local
    return (a[0] & 0xFEU) == 0xFC;                                // fc00::/7 unique local
}

} // namespace

bool is_redirect_status(int status) noexcept {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Result<std::string> resolve_location(std::string_view base_url, std::string_view location) {
    auto resolved = resolve_reference(base_url, location);
    if (!resolved) {
        return fail(ErrorCode::Integrity,
                    "invalid redirect location " + quoted(location) + " from " + redact_url(base_url));
    }
    return *resolved;
}

std::string origin_of(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts) return {};
    return parts->scheme + "://" + parts->host + ":" + std::to_string(parts->port);
}

std::string host_of(std::string_view url) {
    auto parts = parse_url(url);
    return parts ? parts->host : std::string();
}

bool is_private_host(std::string_view host) {
    std::string name = ascii_lowercase(host);
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    if (!name.empty() && name.back() == '.') name.pop_back();
    // RFC 6761 §6.3: localhost and every name below it are loopback, whatever DNS says.
    if (name == "localhost" || (name.size() > 10 && name.ends_with(".localhost"))) return true;
    std::array<std::uint8_t, 4> v4{};
    if (inet_pton(AF_INET, name.c_str(), v4.data()) == 1) return is_private_ipv4(v4);
    std::array<std::uint8_t, 16> v6{};
    if (inet_pton(AF_INET6, name.c_str(), v6.data()) == 1) return is_private_ipv6(v6);
    return false;
}

Result<void> check_redirect(std::string_view from_url, std::string_view to_url, bool allow_plain_http) {
    auto from = parse_url(from_url);
    auto to = parse_url(to_url);
    std::string route = "from " + redact_url(from_url) + " to " + redact_url(to_url);
    if (!from || !to)
        return fail(ErrorCode::Integrity, "refusing redirect " + sanitize(route) + ": not an http(s) URL");
    if (from->scheme == "https" && to->scheme == "http" && !allow_plain_http) {
        return fail(ErrorCode::Integrity, "refusing redirect " + sanitize(route));
    }
    // A public server must not steer digestx at this machine or its network (SSRF): ggcr
    // checkRedirectSSRF, fault catalogue C10(c).
    if (!is_private_host(from->host) && is_private_host(to->host)) {
        return fail(ErrorCode::Integrity, "refusing redirect from " + sanitize(redact_url(from_url)) +
                                              " to private address " + sanitize(redact_url(to_url)));
    }
    return {};
}

bool is_credential_header(std::string_view name) {
    std::string lower = ascii_lowercase(name);
    return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie";
}

} // namespace digestx::net

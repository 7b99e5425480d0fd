#include "digestx/auth/realm.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <set>

#include <arpa/inet.h>

#include "digestx/core/text.hpp"
#include "digestx/net/transport.hpp"
#include "strings.hpp"
#include "digestx/net/url.hpp"

namespace digestx::auth {
namespace {

HostClass classify_ipv4(const std::array<std::uint8_t, 4> &a) {
    if (a[0] == 0) return HostClass::Unspecified; // 0.0.0.0/8 "this network" reaches this host
    if (a[0] == 127) return HostClass::Loopback;
    if (a[0] == 169 && a[1] == 254) return HostClass::LinkLocal;
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0U) == 16) || (a[0] == 192 && a[1] == 168)) return HostClass::Private;
    return HostClass::Public;
}

HostClass classify_ipv6(const std::array<std::uint8_t, 16> &a) {
    bool zero_prefix = std::all_of(a.begin(), a.begin() + 10, [](std::uint8_t b) { return b == 0; });
    if (zero_prefix && a[10] == 0xFF && a[11] == 0xFF) return classify_ipv4({a[12], a[13], a[14], a[15]});
    bool zero_but_last = std::all_of(a.begin(), a.begin() + 15, [](std::uint8_t b) { return b == 0; });
    if (zero_but_last && a[15] == 0) return HostClass::Unspecified;
    if (zero_but_last && a[15] == 1) return HostClass::Loopback;
    if (a[0] == 0xFE && (a[1] & 0xC0U) == 0x80) return HostClass::LinkLocal;
    if ((a[0] & 0xFEU) == 0xFC) return HostClass::Private;
    return HostClass::Public;
}

} // namespace

HostClass classify_host(std::string_view host) {
    std::string name = ascii_lowercase(host);
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    if (auto zone = name.find('%'); zone != std::string::npos) name.erase(zone);
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (name == "localhost" || name.ends_with(".localhost")) return HostClass::Loopback;
    std::array<std::uint8_t, 4> v4{};
    if (inet_pton(AF_INET, name.c_str(), v4.data()) == 1) return classify_ipv4(v4);
    std::array<std::uint8_t, 16> v6{};
    if (inet_pton(AF_INET6, name.c_str(), v6.data()) == 1) return classify_ipv6(v6);
    return HostClass::Public;
}

std::string_view host_class_name(HostClass host_class) noexcept {
    switch (host_class) {
    case HostClass::Public: return "public address";
    case HostClass::Unspecified: return "unspecified address";
    case HostClass::Loopback: return "loopback address";
    case HostClass::LinkLocal: return "link-local address";
    case HostClass::Private: return "private address";
    }
    return "unknown address";
}

std::string realm_problem(std::string_view realm) {
    auto parts = net::parse_url(realm);
    if (!parts) return "not an absolute http(s) URL";
    if (parts->has_userinfo) return "the URL carries userinfo";
    return {};
}

std::string realm_weakness(std::string_view realm, const Origin &registry) {
    auto parts = net::parse_url(realm);
    if (!parts) return {};
    if (registry.scheme == "https" && parts->scheme == "http") return "plain-http realm for an https registry";
    HostClass realm_class = classify_host(parts->host);
    if (realm_class == HostClass::Public) return {};
    // Same class as the registry: a registry on this machine (or this network) legitimately runs
    // its token service next to it; a public registry never needs one here.
    if (classify_host(registry.host) == realm_class) return {};
    return std::string(host_class_name(realm_class)) + " for a registry on a " +
           std::string(host_class_name(classify_host(registry.host)));
}

Result<void> validate_realm(std::string_view realm) {
    std::string problem = realm_problem(realm);
    if (problem.empty()) return {};
    return fail(ErrorCode::Auth, "refusing token realm " + quoted(net::redact_url(realm)) + ": " + problem);
}

std::string weak_realm_warning(std::string_view realm, const Origin &registry, std::string_view weakness) {
    return "token realm " + quoted(net::redact_url(realm)) + " is weaker than registry " + registry.display() + " (" +
           std::string(weakness) + "); following it as docker does, without credentials";
}

namespace {

struct Warnings {
    std::mutex mutex;
    WarningSink sink;
    std::set<std::string> warned;
};

Warnings &warnings() {
    static Warnings instance;
    return instance;
}

} // namespace

void set_warning_sink(WarningSink sink) {
    auto &state = warnings();
    std::lock_guard lock(state.mutex);
    state.sink = std::move(sink);
    state.warned.clear();
}

void warn_weak_realm(std::string_view realm, const Origin &registry, std::string_view weakness) {
    auto &state = warnings();
    std::lock_guard lock(state.mutex);
    // Once per realm: a batch of pins against one registry would otherwise repeat it per request.
    if (!state.warned.insert(net::redact_url(realm)).second) return;
    std::string text = weak_realm_warning(realm, registry, weakness);
    if (state.sink) {
        state.sink(text);
    } else {
        std::cerr << "digestx: warning: " << text << '\n';
    }
}

} // namespace digestx::auth

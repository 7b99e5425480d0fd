#pragma once
/// @file
/// Token realm validation (fault catalogue rule 7, case D2). The realm comes from the registry's
/// challenge and receives the user's credentials, so a hostile or compromised registry must not
/// be able to aim it at this machine, the cloud metadata service or the local network (SSRF), nor
/// downgrade it to plain http. Anchors: ggcr `validateRealmURL`, regclient 39de02d, oras-go
/// GHSA-xf85-363p-868w.

#include <string>
#include <string_view>

#include "digestx/auth/origin.hpp"
#include "digestx/core/error.hpp"

namespace digestx::auth {

/// Where a host sits, judged without DNS.
enum class HostClass {
    Public,      ///< a host name, or a global IP literal
    Unspecified, ///< 0.0.0.0/8, ::
    Loopback,    ///< 127/8, ::1, `localhost` and `*.localhost` (RFC 6761 §6.3)
    LinkLocal,   ///< 169.254/16 (incl. the 169.254.169.254 metadata address), fe80::/10
    Private,     ///< 10/8, 172.16/12, 192.168/16, fc00::/7
};

/// Classifies a host as origin_of() returns it (IPv6 in brackets, zone allowed, trailing dot
/// ignored); an IPv4-mapped IPv6 literal is classified by the IPv4 address it embeds.
HostClass classify_host(std::string_view host);

/// A short name for a host class ("loopback address", ...), for messages.
std::string_view host_class_name(HostClass host_class) noexcept;

/// Why `realm` must not receive credentials for `registry`, or "" when it may. Refused: anything
/// but an absolute http(s) URL, userinfo in the URL, an http realm for an https registry, and a
/// non-public host unless the registry's own host is in the same class (the test registries run
/// on 127.0.0.1 with a 127.0.0.1 realm; a private-network registry may use a private realm).
std::string realm_problem(std::string_view realm, const Origin &registry);

/// realm_problem() as an Error: ErrorCode::Auth `refusing token realm "<redacted url>": <reason>`.
Result<void> validate_realm(std::string_view realm, const Origin &registry);

} // namespace digestx::auth

#pragma once
/// @file
/// Token realm checks (fault catalogue rule 7, case D2). The realm comes from the registry's
/// challenge. docker follows any realm the challenge names (distribution
/// registry/client/auth/session.go `fetchToken` parses it with url.Parse and asks it, with no
/// scheme or address check; moby `staticCredentialStore.Basic` hands the credentials to any realm
/// URL), and some Harbor and GitLab installations need exactly that. So a realm weaker than its
/// registry (plain http for https, a loopback/private/link-local/unspecified address for a
/// registry elsewhere) is followed, with one warning, but never given the credentials: the token
/// request goes out anonymously. Refused outright: a URL that is not absolute http(s) and a URL
/// with userinfo (the realm itself would carry a secret; ggcr `validateRealmURL`).

#include <functional>
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

/// Why `realm` must not be asked at all, or "" when it may: anything but an absolute http(s) URL,
/// or userinfo in the URL.
std::string realm_problem(std::string_view realm);

/// Why `realm` is weaker than `registry` and must not receive its credentials, or "" when it is
/// not: an http realm for an https registry, or a non-public host unless the registry's own host
/// is in the same class (the test registries run on 127.0.0.1 with a 127.0.0.1 realm; a
/// private-network registry may use a private realm). Only meaningful when realm_problem() is "".
std::string realm_weakness(std::string_view realm, const Origin &registry);

/// realm_problem() as an Error: ErrorCode::Auth `refusing token realm "<redacted url>": <reason>`.
Result<void> validate_realm(std::string_view realm);

/// The one warning for a weak realm: `token realm "<redacted url>" is weaker than registry
/// <host> (<weakness>); following it as docker does, without credentials`.
std::string weak_realm_warning(std::string_view realm, const Origin &registry, std::string_view weakness);

/// Where weak-realm warnings go; the default writes `digestx: warning: <text>` to stderr.
using WarningSink = std::function<void(const std::string &)>;

/// Replaces the warning sink (tests capture it); an empty function restores the default. Also
/// forgets which realms were already warned about.
void set_warning_sink(WarningSink sink);

/// Emits weak_realm_warning() through the sink, once per realm URL (redacted) per process.
void warn_weak_realm(std::string_view realm, const Origin &registry, std::string_view weakness);

} // namespace digestx::auth

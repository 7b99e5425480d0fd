#pragma once
// Internal: small ASCII helpers shared by the auth sources.

#include <string>
#include <string_view>

namespace digestx::auth::detail {

// Percent-encodes every byte outside RFC 3986 "unreserved", as Go's url.QueryEscape does for the
// token request parameters (so `repository:a/b:pull` becomes `repository%3Aa%2Fb%3Apull`).
std::string percent_encode(std::string_view text);

// Standard base64 with padding (RFC 4648 §4), for the Basic credentials header.
std::string base64_encode(std::string_view bytes);

} // namespace digestx::auth::detail

#include "digestx/auth/origin.hpp"

#include "digestx/net/url.hpp"

namespace digestx::auth {

std::string Origin::str() const {
    return scheme + "://" + host + ":" + std::to_string(port);
}

std::string Origin::display() const {
    bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    return default_port ? host : host + ":" + std::to_string(port);
}

std::optional<Origin> origin_of(std::string_view url) {
    auto parts = net::parse_url(url);
    if (!parts || parts->has_userinfo) return std::nullopt;
    return Origin{parts->scheme, parts->host, parts->port};
}

} // namespace digestx::auth

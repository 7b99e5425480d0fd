#include "digestx/net/transport.hpp"

namespace digestx::net {

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto &[key, value] : headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::vector<std::string> HttpResponse::headers_named(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto &[key, value] : headers) {
        if (key == name) values.push_back(value);
    }
    return values;
}

Result<HttpResponse> Transport::perform_one(const HttpRequest &request) {
    auto results = perform({request});
    return std::move(results.front());
}

std::string redact_url(std::string_view url) {
    std::string out;
    auto scheme_end = url.find("://");
    std::size_t authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    out.append(url.substr(0, authority_start));
    std::string_view rest = url.substr(authority_start);
    auto authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) authority = authority.substr(at + 1);
    out.append(authority);
    if (authority_end == std::string_view::npos) return out;
    rest = rest.substr(authority_end);
    auto fragment = rest.find('#');
    if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
    auto query = rest.find('?');
    out.append(rest.substr(0, query));
    if (query == std::string_view::npos) return out;
    std::string_view params = rest.substr(query + 1);
    out += '?';
    bool first = true;
    while (!params.empty()) {
        auto amp = params.find('&');
        std::string_view param = params.substr(0, amp);
        auto eq = param.find('=');
        if (!first) out += '&';
        first = false;
        out.append(param.substr(0, eq));
        out += "=REDACTED";
        if (amp == std::string_view::npos) break;
        params = params.substr(amp + 1);
    }
    return out;
}

} // namespace digestx::net

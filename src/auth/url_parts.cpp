#include "url_parts.hpp"

#include <memory>

#include <curl/curl.h>

#include "digestx/auth/origin.hpp"
#include "strings.hpp"

namespace digestx::auth {
namespace detail {
namespace {

struct UrlDeleter {
    void operator()(CURLU *handle) const { curl_url_cleanup(handle); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
    void operator()(char *text) const { curl_free(text); }
};

std::optional<std::string> get_part(CURLU *handle, CURLUPart part, unsigned int flags = 0) {
    char *raw = nullptr;
    if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
    std::unique_ptr<char, CurlStringDeleter> owned(raw);
    return std::string(owned.get());
}

// Control characters and spaces never belong in a URL digestx sends; libcurl would reject or
// encode some of them, and refusing them here keeps every later decision simple.
bool has_forbidden_bytes(std::string_view url) {
    for (char c : url) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F) return true;
    }
    return false;
}

UrlHandle parse_handle(std::string_view url) {
    if (url.empty() || has_forbidden_bytes(url)) return nullptr;
    UrlHandle handle(curl_url());
    if (!handle) return nullptr;
    std::string text(url);
    if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return nullptr;
    return handle;
}

} // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
    auto handle = parse_handle(url);
    if (!handle) return std::nullopt;
    auto scheme = get_part(handle.get(), CURLUPART_SCHEME);
    auto host = get_part(handle.get(), CURLUPART_HOST);
    auto port = get_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (!scheme || !host || !port || host->empty()) return std::nullopt;
    UrlParts parts;
    parts.scheme = ascii_lower(*scheme);
    if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
    parts.host = ascii_lower(*host);
    if (auto zone = get_part(handle.get(), CURLUPART_ZONEID); zone && !parts.host.empty() && parts.host.back() == ']') {
        parts.host.insert(parts.host.size() - 1, "%25" + ascii_lower(*zone));
    }
    try {
        parts.port = std::stoi(*port);
    } catch (const std::exception &) {
        return std::nullopt;
    }
    if (parts.port <= 0 || parts.port > 65535) return std::nullopt;
    parts.has_userinfo =
        get_part(handle.get(), CURLUPART_USER).has_value() || get_part(handle.get(), CURLUPART_PASSWORD).has_value();
    return parts;
}

std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference) {
    if (has_forbidden_bytes(reference)) return std::nullopt;
    auto handle = parse_handle(base);
    if (!handle) return std::nullopt;
    std::string text(reference);
    // Setting a URL on a handle that already holds one resolves it as a relative reference.
    if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return std::nullopt;
    auto resolved = get_part(handle.get(), CURLUPART_URL);
    if (!resolved || !parse_url(*resolved)) return std::nullopt;
    return resolved;
}

} // namespace detail

std::string Origin::str() const {
    return scheme + "://" + host + ":" + std::to_string(port);
}

std::string Origin::display() const {
    bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    return default_port ? host : host + ":" + std::to_string(port);
}

std::optional<Origin> origin_of(std::string_view url) {
    auto parts = detail::parse_url(url);
    if (!parts || parts->has_userinfo) return std::nullopt;
    return Origin{parts->scheme, parts->host, parts->port};
}

} // namespace digestx::auth

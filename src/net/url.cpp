#include "digestx/net/url.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <curl/curl.h>

#include "digestx/core/text.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::net {
namespace {

struct UrlDeleter {
    void operator()(CURLU *handle) const noexcept { curl_url_cleanup(handle); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
    void operator()(char *text) const noexcept { curl_free(text); }
};

std::optional<std::string> get_part(CURLU *handle, CURLUPart part, unsigned int flags = 0) {
    char *raw = nullptr;
    if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
    std::unique_ptr<char, CurlStringDeleter> owned(raw);
    return std::string(raw);
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

std::optional<UrlParts> parts_of(CURLU *handle) {
    auto scheme = get_part(handle, CURLUPART_SCHEME);
    auto host = get_part(handle, CURLUPART_HOST);
    auto port = get_part(handle, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    auto url = get_part(handle, CURLUPART_URL);
    if (!scheme || !host || !port || !url || host->empty()) return std::nullopt;
    UrlParts parts{ascii_lowercase(*scheme), ascii_lowercase(*host), 0, *url, false};
    if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
    if (auto zone = get_part(handle, CURLUPART_ZONEID); zone && parts.host.back() == ']') {
        parts.host.insert(parts.host.size() - 1, "%25" + ascii_lowercase(*zone));
    }
    try {
        parts.port = std::stoi(*port);
    } catch (const std::exception &) {
        return std::nullopt;
    }
    if (parts.port <= 0 || parts.port > 65535) return std::nullopt;
    parts.has_userinfo =
        get_part(handle, CURLUPART_USER).has_value() || get_part(handle, CURLUPART_PASSWORD).has_value();
    return parts;
}

} // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
    // curl_url_set needs a NUL-terminated string: an embedded NUL (a forbidden byte) must not cut
    // the URL short.
    if (url.empty() || has_forbidden_bytes(url)) return std::nullopt;
    UrlHandle handle(curl_url());
    if (!handle) return std::nullopt;
    std::string text(url);
    if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return std::nullopt;
    return parts_of(handle.get());
}

std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference) {
    if (has_forbidden_bytes(base) || has_forbidden_bytes(reference)) return std::nullopt;
    UrlHandle handle(curl_url());
    if (!handle) return std::nullopt;
    std::string base_text(base);
    std::string reference_text(reference);
    if (curl_url_set(handle.get(), CURLUPART_URL, base_text.c_str(), 0) != CURLUE_OK) return std::nullopt;
    // With a URL already set, curl resolves a relative reference against it (RFC 3986 §5).
    if (curl_url_set(handle.get(), CURLUPART_URL, reference_text.c_str(), 0) != CURLUE_OK) {
        return std::nullopt;
    }
    auto parts = parts_of(handle.get());
    if (!parts) return std::nullopt;
    return parts->url;
}

std::string host_port(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts) return sanitize(redact_url(url), 200);
    return parts->host + ":" + std::to_string(parts->port);
}

std::string display_host(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts) return sanitize(redact_url(url), 200);
    bool default_port =
        (parts->scheme == "https" && parts->port == 443) || (parts->scheme == "http" && parts->port == 80);
    return default_port ? parts->host : parts->host + ":" + std::to_string(parts->port);
}

} // namespace digestx::net

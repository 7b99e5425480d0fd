#include "digestx/registry/errors.hpp"

#include <algorithm>

#include "digestx/core/json.hpp"
#include "digestx/core/text.hpp"

namespace digestx::registry {
namespace {

// Registry error bodies are flat; deeper nesting is somebody probing the parser (B7).
constexpr std::size_t error_json_depth = 16;

std::string entry_text(const nlohmann::json &value, std::string_view key) {
    auto found = value.find(key);
    if (found == value.end() || found->is_null()) return {};
    if (found->is_string()) return found->get<std::string>();
    // `detail` is often an object ({"Tag":"x"}); a short compact form is enough for a message.
    return found->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool has_code(const std::vector<RegistryErrorEntry> &entries, std::initializer_list<std::string_view> codes) {
    return std::any_of(entries.begin(), entries.end(), [&](const RegistryErrorEntry &entry) {
        return std::find(codes.begin(), codes.end(), entry.code) != codes.end();
    });
}

// ` (registry: CODE: message; CODE: message; and 7 more)` or the status and a body excerpt.
std::string registry_says(const net::HttpResponse &response,
                          const std::optional<std::vector<RegistryErrorEntry>> &entries) {
    std::string status = "HTTP " + std::to_string(response.status);
    if (auto reason = reason_phrase(response.status); !reason.empty()) status += " " + std::string(reason);
    if (!entries) {
        if (response.body.empty()) return " (" + status + ", no error details)";
        std::string excerpt =
            sanitize(std::string_view(response.body).substr(0, error_body_excerpt_chars), error_body_excerpt_chars * 4);
        bool cut = response.body.size() > error_body_excerpt_chars || response.body_truncated;
        return " (" + status + ": " + excerpt + (cut ? "…" : "") + ")";
    }
    if (entries->empty()) return " (" + status + ", empty error list)";
    std::string text = " (" + status + "; registry: ";
    std::size_t shown = std::min(entries->size(), max_error_entries_shown);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto &entry = (*entries)[i];
        if (i > 0) text += "; ";
        text += entry.code.empty() ? std::string("(no code)") : sanitize(entry.code, 60);
        if (!entry.message.empty()) text += ": " + sanitize(entry.message, 160);
        if (!entry.detail.empty() && entry.detail != "null") text += " [" + sanitize(entry.detail, 100) + "]";
    }
    if (entries->size() > shown) {
        std::size_t more = entries->size() - shown;
        text += "; and " + std::to_string(more) + (entries->size() >= max_error_entries_read ? "+" : "") + " more";
    }
    return text + ")";
}

std::string subject_target(const RequestSubject &subject) {
    bool digest = subject.reference.find(':') != std::string::npos;
    std::string what = digest ? sanitize(subject.reference, 140) : "tag " + digestx::quoted(subject.reference);
    return what;
}

std::string not_found_message(const std::vector<RegistryErrorEntry> &entries, const RequestSubject &subject) {
    std::string repository = sanitize(subject.repository_name(), 300);
    if (has_code(entries, {"NAME_UNKNOWN"})) return "repository not found: " + repository;
    switch (subject.kind) {
    case RequestSubject::Kind::Blob:
        return "blob unknown: " + sanitize(subject.reference, 140) + " not found in repository " + repository;
    case RequestSubject::Kind::Tags: return "repository not found: " + repository;
    case RequestSubject::Kind::Referrers:
        return "referrers of " + sanitize(subject.reference, 140) + " not found in repository " + repository;
    case RequestSubject::Kind::Manifest: break;
    }
    return "manifest unknown: " + subject_target(subject) + " not found in repository " + repository;
}

std::string rate_limit_message(const net::HttpResponse &response, const RequestSubject &subject) {
    std::string message = "rate limited by " + sanitize(subject.registry, 120);
    std::vector<std::string> facts;
    if (auto remaining = response.header("ratelimit-remaining")) {
        facts.push_back("ratelimit-remaining: " + sanitize(*remaining, 80));
    }
    if (auto source = response.header("docker-ratelimit-source")) facts.push_back("source " + sanitize(*source, 80));
    if (auto after = response.header("retry-after")) facts.push_back("retry-after: " + sanitize(*after, 40));
    if (!facts.empty()) {
        message += " (";
        for (std::size_t i = 0; i < facts.size(); ++i)
            message += (i > 0 ? ", " : "") + facts[i];
        message += ")";
    }
    if (subject.anonymous) message += "; authenticate to raise limits";
    return message;
}

} // namespace

std::string RequestSubject::repository_name() const {
    return registry + "/" + repository;
}

std::optional<std::vector<RegistryErrorEntry>> parse_error_body(std::string_view body) {
    JsonReadOptions options;
    options.what = "registry error";
    options.max_depth = error_json_depth;
    options.allow_case_variant_keys = true;
    auto root = parse_json_strict(body, options);
    if (!root || !root->is_object()) return std::nullopt;
    auto errors = root->find("errors");
    if (errors == root->end() || !errors->is_array()) return std::nullopt;
    std::vector<RegistryErrorEntry> entries;
    for (const auto &item : *errors) {
        if (entries.size() == max_error_entries_read) break;
        if (!item.is_object()) continue;
        entries.push_back({entry_text(item, "code"), entry_text(item, "message"), entry_text(item, "detail")});
    }
    return entries;
}

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 522: return "Connection Timed Out";
    default: return "";
    }
}

bool is_oci_index_not_accepted(const net::HttpResponse &response) {
    if (response.status != 404) return false;
    auto entries = parse_error_body(response.body);
    if (!entries) return false;
    return std::any_of(entries->begin(), entries->end(), [](const RegistryErrorEntry &entry) {
        return entry.code == "MANIFEST_UNKNOWN" && entry.message.find(oci_index_not_accepted) != std::string::npos;
    });
}

Error response_error(const net::HttpResponse &response, const RequestSubject &subject) {
    auto entries = parse_error_body(response.body);
    std::vector<RegistryErrorEntry> known = entries.value_or(std::vector<RegistryErrorEntry>{});
    Error error;
    error.http_status = response.status;
    for (std::size_t i = 0; i < known.size() && i < max_error_entries_shown; ++i) {
        if (!known[i].code.empty()) error.registry_codes.push_back(sanitize(known[i].code, 60));
    }
    std::string says = registry_says(response, entries);
    std::string registry = sanitize(subject.registry, 120);
    // A registry code is more specific than the status (Docker Hub answers some 404s as 401).
    if (has_code(known, {"TOOMANYREQUESTS"}) || response.status == 429) {
        error.code = ErrorCode::RateLimited;
        error.message = rate_limit_message(response, subject) + says;
    } else if (has_code(known, {"MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN"}) || response.status == 404) {
        error.code = ErrorCode::NotFound;
        error.message = not_found_message(known, subject) + says;
    } else if (has_code(known, {"UNAUTHORIZED", "DENIED"}) || response.status == 401 || response.status == 403) {
        error.code = ErrorCode::Auth;
        error.message = "access to repository " + sanitize(subject.repository_name(), 300) + " denied" + says;
    } else if (response.status >= 500) {
        error.code = ErrorCode::Network;
        error.message = "registry " + registry + " failed after retries" + says;
    } else {
        error.code = ErrorCode::Integrity;
        error.message = "registry " + registry + " answered with an unexpected status" + says;
    }
    return error;
}

} // namespace digestx::registry

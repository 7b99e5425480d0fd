#include "trace.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ostream>
#include <string>

#include "digestx/core/text.hpp"
#include "digestx/net/redirect_policy.hpp"

namespace digestx::net::detail {
namespace {

// Request headers whose values say something useful and never carry a secret.
bool is_shown_request_header(std::string_view name) {
    constexpr std::array shown{"accept", "content-type", "content-length", "user-agent", "range", "if-none-match"};
    return std::find(shown.begin(), shown.end(), name) != shown.end();
}

// Response headers that explain a registry's answer (digests, auth challenges, rate limits).
bool is_shown_response_header(std::string_view name) {
    constexpr std::array shown{"content-type", "content-length",         "docker-content-digest",
                               "location",     "www-authenticate",       "retry-after",
                               "warning",      "docker-ratelimit-source"};
    return std::find(shown.begin(), shown.end(), name) != shown.end() || name.starts_with("ratelimit-");
}

} // namespace

void trace_request(std::ostream &out, const HttpRequest &hop) {
    out << "> " << sanitize(hop.method, 16) << ' ' << sanitize(redact_url(hop.url)) << '\n';
    for (const auto &[name, value] : hop.headers) {
        std::string lower = ascii_lowercase(name);
        if (is_shown_request_header(lower)) {
            out << ">   " << sanitize(lower, 64) << ": " << sanitize(value, 300) << '\n';
        } else {
            // Authorization, cookies and any header digestx does not know: the name only.
            out << ">   " << sanitize(lower, 64) << ": <redacted>\n";
        }
    }
}

void trace_response(std::ostream &out, const HttpResponse &response, std::chrono::milliseconds elapsed) {
    out << "< " << response.status << ' ' << sanitize(redact_url(response.effective_url)) << " ("
        << response.body.size() << (response.body_truncated ? "+ bytes, " : " bytes, ") << elapsed.count() << " ms)\n";
    for (const auto &[name, value] : response.headers) {
        if (!is_shown_response_header(name)) continue;
        std::string shown = name == "location" ? redact_url(value) : value;
        out << "<   " << sanitize(name, 64) << ": " << sanitize(shown, 300) << '\n';
    }
}

void trace_note(std::ostream &out, std::string_view method, std::string_view url, std::string_view message) {
    out << "! " << sanitize(method, 16) << ' ' << sanitize(redact_url(url)) << ": " << sanitize(message) << '\n';
}

} // namespace digestx::net::detail

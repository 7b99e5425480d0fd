#include "digestx/auth/token.hpp"

#include <algorithm>

#include "strings.hpp"

namespace digestx::auth {
namespace {

// Reads exactly `count` digits at `pos`; nullopt when any is not a digit.
std::optional<int> read_digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// The `±hh:mm` or `Z` suffix of an RFC 3339 time, as an offset east of UTC.
std::optional<std::chrono::minutes> read_offset(std::string_view text) {
    if (text == "Z" || text == "z") return std::chrono::minutes{0};
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return std::nullopt;
    auto hours = read_digits(text, 1, 2);
    auto minutes = read_digits(text, 4, 2);
    if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
    std::chrono::minutes offset{*hours * 60 + *minutes};
    return text[0] == '-' ? -offset : offset;
}

} // namespace

std::string token_url(const TokenRequest &request) {
    std::string url = request.realm.substr(0, request.realm.find('#'));
    auto append = [&](std::string_view name, std::string_view value) {
        char last = url.empty() ? '\0' : url.back();
        if (url.find('?') == std::string::npos) {
            url += '?';
        } else if (last != '?' && last != '&') {
            url += '&';
        }
        url += name;
        url += '=';
        url += detail::percent_encode(value);
    };
    if (!request.service.empty()) append("service", request.service);
    for (const auto &scope : request.scopes) {
        if (!scope.empty()) append("scope", scope);
    }
    if (request.credentials && !request.credentials->username.empty()) append("account", request.credentials->username);
    return url;
}

net::HttpRequest token_http_request(const std::string &url, const std::optional<Credentials> &credentials) {
    net::HttpRequest request;
    request.method = "GET";
    request.url = url;
    if (credentials) request.headers.emplace_back("Authorization", basic_authorization(*credentials));
    request.max_body_bytes = max_token_response_bytes;
    request.follow_redirects = false;
    return request;
}

net::HttpRequest token_oauth_request(const TokenRequest &request) {
    std::string form;
    auto add = [&](std::string_view name, std::string_view value) {
        if (!form.empty()) form += '&';
        form += name;
        form += '=';
        form += detail::percent_encode(value);
    };
    std::string scopes;
    for (const auto &scope : request.scopes) {
        if (scope.empty()) continue;
        if (!scopes.empty()) scopes += ' ';
        scopes += scope;
    }
    if (!scopes.empty()) add("scope", scopes);
    add("service", request.service);
    add("client_id", "digestx");
    add("grant_type", "refresh_token");
    add("refresh_token", request.credentials ? request.credentials->password : std::string());
    net::HttpRequest http;
    http.method = "POST";
    http.url = request.realm.substr(0, request.realm.find('#'));
    http.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    http.body = std::move(form);
    http.max_body_bytes = max_token_response_bytes;
    http.follow_redirects = false;
    return http;
}

bool oauth_falls_back_to_get(int status, const TokenRequest &request) {
    bool has_username = request.credentials && !request.credentials->username.empty();
    return status == 404 || status == 401 || status == 400 || (status == 405 && has_username);
}

Clock::time_point token_expiry(Clock::time_point now, std::optional<long long> expires_in_seconds,
                               std::optional<Clock::time_point> issued_at) {
    std::chrono::seconds lifetime = default_token_lifetime;
    if (expires_in_seconds) {
        long long clamped =
            std::clamp<long long>(*expires_in_seconds, minimum_token_lifetime.count(), maximum_token_lifetime.count());
        lifetime = std::chrono::seconds{clamped};
    }
    Clock::time_point start = now;
    if (issued_at && *issued_at <= now) start = *issued_at;
    return start + lifetime;
}

std::optional<Clock::time_point> parse_rfc3339(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS is 19 characters; the shortest zone is "Z".
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
        text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    auto year = read_digits(text, 0, 4);
    auto month = read_digits(text, 5, 2);
    auto day = read_digits(text, 8, 2);
    auto hour = read_digits(text, 11, 2);
    auto minute = read_digits(text, 14, 2);
    auto second = read_digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    // Outside these years the nanosecond time_point of libstdc++ would overflow.
    if (*year < 1970 || *year > 2200) return std::nullopt;
    std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                     std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    std::size_t pos = 19;
    std::chrono::nanoseconds fraction{0};
    if (pos < text.size() && text[pos] == '.') {
        std::size_t digits = 0;
        long long scaled = 0;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
            if (digits < 9) scaled = scaled * 10 + (text[pos] - '0');
        }
        if (digits == 0) return std::nullopt;
        for (std::size_t i = digits; i < 9; ++i)
            scaled *= 10;
        fraction = std::chrono::nanoseconds{scaled};
    }
    auto offset = read_offset(text.substr(pos));
    if (!offset) return std::nullopt;
    auto local = std::chrono::sys_days{date} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
                 std::chrono::seconds{*second};
    auto utc = local - *offset;
    return std::chrono::time_point_cast<Clock::time_point::duration>(utc) +
           std::chrono::duration_cast<Clock::time_point::duration>(fraction);
}

} // namespace digestx::auth

#include "digestx/net/retry.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include <curl/curl.h>

namespace digestx::net {

bool is_idempotent_method(std::string_view method) noexcept {
    return method == "GET" || method == "HEAD";
}

bool is_retryable_status(int status) noexcept {
    switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
    case 522: return true;
    default: return false;
    }
}

std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now, std::chrono::milliseconds cap) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        std::uint64_t seconds = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        // An overflowing delta is simply "very long": cap it rather than reject it.
        if (error == std::errc::result_out_of_range || seconds > static_cast<std::uint64_t>(cap.count()) / 1000 + 1) {
            return cap;
        }
        return std::min(std::chrono::milliseconds(seconds * 1000), cap);
    }
    // curl_getdate reads the three HTTP-date forms (IMF-fixdate, RFC 850, asctime).
    std::string text(value);
    time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1) return std::nullopt;
    auto wait = std::chrono::system_clock::from_time_t(when) - now;
    if (wait <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
    return std::min(std::chrono::duration_cast<std::chrono::milliseconds>(wait), cap);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy &policy, int retry_index, double jitter) {
    double base = static_cast<double>(policy.initial_backoff.count()) * std::pow(2.0, std::clamp(retry_index, 0, 30));
    double spread = base * (0.8 + 0.4 * std::clamp(jitter, 0.0, 1.0));
    double capped = std::min(spread, static_cast<double>(policy.max_backoff.count()));
    return std::chrono::milliseconds(static_cast<long long>(capped));
}

} // namespace digestx::net

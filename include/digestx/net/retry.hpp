#pragma once
/// @file
/// When and how long to wait before retrying (fault catalogue rule 10, cases C4, C6, C7, E2):
/// only idempotent requests, only transient failures, capped exponential backoff with jitter,
/// `Retry-After` honoured up to a cap.

#include <chrono>
#include <optional>
#include <string_view>

namespace digestx::net {

/// How often and how patiently the transport retries.
struct RetryPolicy {
    int max_retries = 4;                              ///< retries after the first attempt
    std::chrono::milliseconds initial_backoff{500};   ///< wait before the first retry
    std::chrono::milliseconds max_backoff{4000};      ///< cap of the exponential backoff
    std::chrono::milliseconds max_retry_after{60000}; ///< cap of a server's `Retry-After`
};

/// Whether requests with this method may be repeated safely (GET and HEAD only: a POST may have
/// had its effect before the connection broke).
[[nodiscard]] bool is_idempotent_method(std::string_view method) noexcept;

/// Whether an HTTP status is transient: 408, 429, 500, 502, 503, 504 and Cloudflare's 522.
[[nodiscard]] bool is_retryable_status(int status) noexcept;

/// The wait a `Retry-After` value asks for, as delta-seconds or an HTTP-date relative to `now`
/// (RFC 9110 §10.2.3), capped at `cap`; a date in the past means no wait. nullopt when the value
/// is neither.
[[nodiscard]] std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now, std::chrono::milliseconds cap);

/// The backoff before retry number `retry_index` (0 for the first retry): initial·2^index, spread
/// by ±20% with `jitter` in [0, 1), then capped at max_backoff.
[[nodiscard]] std::chrono::milliseconds backoff_delay(const RetryPolicy &policy, int retry_index, double jitter);

} // namespace digestx::net

#include <catch2/catch.hpp>

#include "digestx/net/retry.hpp"

using namespace digestx::net;
using namespace std::chrono_literals;

TEST_CASE("only transient statuses and idempotent methods are retried", "[net][retry]") {
    for (int status : {408, 429, 500, 502, 503, 504, 522}) {
        INFO(status);
        CHECK(is_retryable_status(status));
    }
    for (int status : {200, 301, 400, 401, 403, 404, 405, 409, 501, 505}) {
        INFO(status);
        CHECK_FALSE(is_retryable_status(status));
    }
    CHECK(is_idempotent_method("GET"));
    CHECK(is_idempotent_method("HEAD"));
    CHECK_FALSE(is_idempotent_method("POST"));
    CHECK_FALSE(is_idempotent_method("get"));
}

TEST_CASE("parse_retry_after reads delta-seconds and HTTP-dates, capped", "[net][retry]") {
    // 2015-10-21T07:28:00Z
    auto now = std::chrono::system_clock::from_time_t(1445412480);
    struct Case {
        std::string value;
        std::optional<std::chrono::milliseconds> expected;
    };
    std::vector<Case> cases = {
        {"0", 0ms},
        {"7", 7000ms},
        {" 12 ", 12000ms},
        {"60", 60000ms},
        {"61", 60000ms},
        {"999999999", 60000ms},
        {"184467440737095516160", 60000ms},
        {"Wed, 21 Oct 2015 07:28:30 GMT", 30000ms},
        {"Wednesday, 21-Oct-15 07:28:10 GMT", 10000ms},
        {"Wed Oct 21 07:28:05 2015", 5000ms},
        {"Wed, 21 Oct 2015 09:28:00 GMT", 60000ms},
        {"Wed, 21 Oct 2015 07:27:00 GMT", 0ms},
        {"", std::nullopt},
        {"-5", std::nullopt},
        {"1.5", std::nullopt},
        {"soon", std::nullopt},
    };
    for (const auto &c : cases) {
        INFO('"' << c.value << '"');
        auto parsed = parse_retry_after(c.value, now, 60s);
        CHECK(parsed.has_value() == c.expected.has_value());
        if (parsed && c.expected) CHECK(parsed->count() == c.expected->count());
    }
}

TEST_CASE("backoff_delay doubles, jitters by 20% and is capped", "[net][retry]") {
    RetryPolicy policy;
    struct Case {
        int retry;
        double jitter;
        long expected_ms;
    };
    std::vector<Case> cases = {
        {0, 0.5, 500}, {1, 0.5, 1000},  {2, 0.5, 2000}, {3, 0.5, 4000}, {4, 0.5, 4000}, {40, 0.5, 4000},
        {0, 0.0, 400}, {0, 0.999, 599}, {2, 0.0, 1600}, {3, 0.0, 3200}, {3, 1.0, 4000}, {-1, 0.5, 500},
    };
    for (const auto &c : cases) {
        INFO(c.retry << " jitter " << c.jitter);
        CHECK(backoff_delay(policy, c.retry, c.jitter).count() == c.expected_ms);
    }
}

// Retries, timeouts and failures of the libcurl transport: truncation (C4), 5xx (C6), 429 and
// Retry-After (C7), slow servers and the deadline (C5), DNS and connect failures (E1, E2),
// interruption (E4). Waits go through a recording sleep function, so no test sleeps for backoff.

#include <catch2/catch.hpp>

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "digestx/net/interrupt.hpp"
#include "support/http_server.hpp"
#include "transport_support.hpp"

using namespace digestx;
using namespace digestx::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::unique_ptr<net::CurlTransport> make_transport(net::TransportOptions options) {
    auto transport = net::make_curl_transport(std::move(options));
    REQUIRE(transport);
    return std::move(*transport);
}

ScriptedResponse with_status(int status) {
    ScriptedResponse response;
    response.status = status;
    response.body = "status " + std::to_string(status);
    return response;
}

std::string http_date(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

} // namespace

TEST_CASE("a truncated body is retried, then fails with byte counts (C4)", "[net][transport][retry]") {
    TestHttpServer server([](const RecordedRequest &) {
        ScriptedResponse response;
        response.body = std::string(2000, 'a');
        response.close_after = 1200;
        return response;
    });
    auto log = std::make_shared<SleepLog>();
    auto transport = make_transport(fast_options(log));
    auto result = transport->perform_one(request(server.base_url() + "/v2/x/blobs/sha256:ab"));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::Network);
    CHECK(result.error().message == "incomplete response (1200/2000 bytes) from " + server.host());
    CHECK(server.requests().size() == 5);
    REQUIRE(log->waits.size() == 4);
    // Exponential backoff with ±20% jitter: 0.5, 1, 2, 4 s, capped at 4 s.
    std::vector<std::pair<long, long>> bounds = {{400, 600}, {800, 1200}, {1600, 2400}, {3200, 4000}};
    for (std::size_t i = 0; i < 4; ++i) {
        INFO(i);
        CHECK(log->waits[i].count() >= bounds[i].first);
        CHECK(log->waits[i].count() <= bounds[i].second);
    }
}

TEST_CASE("transient statuses are retried, then returned as responses (C6)", "[net][transport][retry]") {
    for (int status : {408, 429, 500, 502, 503, 504, 522}) {
        INFO(status);
        TestHttpServer server([status](const RecordedRequest &) { return with_status(status); });
        auto log = std::make_shared<SleepLog>();
        auto transport = make_transport(fast_options(log));
        auto result = transport->perform_one(request(server.base_url() + "/v2/"));
        REQUIRE(result);
        CHECK(result->status == status);
        CHECK(result->body == "status " + std::to_string(status));
        CHECK(server.requests().size() == 5);
        CHECK(log->waits.size() == 4);
    }
}

TEST_CASE("a transient failure followed by success returns the success", "[net][transport][retry]") {
    int calls = 0;
    TestHttpServer server([&calls](const RecordedRequest &) {
        ++calls;
        if (calls == 1) return with_status(503);
        ScriptedResponse response;
        if (calls == 2) {
            response.close_without_response = true;
            return response;
        }
        response.body = "finally";
        return response;
    });
    auto log = std::make_shared<SleepLog>();
    auto transport = make_transport(fast_options(log));
    auto result = transport->perform_one(request(server.base_url() + "/v2/"));
    REQUIRE(result);
    CHECK(result->body == "finally");
    CHECK(server.requests().size() == 3);
    // curl itself re-sends once on a reused connection that died silently; digestx retries the rest.
    CHECK_FALSE(log->waits.empty());
}

TEST_CASE("Retry-After is honoured as seconds or HTTP-date, capped at 60 s (C7)", "[net][transport][retry]") {
    struct Case {
        std::optional<std::string> retry_after;
        long min_ms;
        long max_ms;
    };
    std::vector<Case> cases = {
        {"7", 7000, 7000},
        {http_date(std::chrono::system_clock::now() + 12s), 10000, 12000},
        {"999999999", 60000, 60000},
        {"99999999999999999999999", 60000, 60000},
        {http_date(std::chrono::system_clock::now() - 60s), 0, 0},
        {std::nullopt, 400, 600}, // no header: the backoff
        {"soon", 400, 600},       // unparsable: the backoff
    };
    for (const auto &c : cases) {
        INFO(c.retry_after.value_or("(none)"));
        TestHttpServer server([&](const RecordedRequest &) {
            ScriptedResponse response = with_status(429);
            if (c.retry_after) response.headers = {{"Retry-After", *c.retry_after}};
            return response;
        });
        auto log = std::make_shared<SleepLog>();
        auto options = fast_options(log);
        options.retry.max_retries = 1;
        options.deadline = Clock::now() + 120s;
        auto transport = make_transport(options);
        auto result = transport->perform_one(request(server.base_url() + "/v2/library/alpine/manifests/3"));
        REQUIRE(result);
        CHECK(result->status == 429);
        CHECK(server.requests().size() == 2);
        // The wait is what is left of the delay when the transport goes idle: a few ms less.
        long waited = 0;
        for (auto wait : log->waits)
            waited += static_cast<long>(wait.count());
        CHECK(waited >= c.min_ms - 100);
        CHECK(waited <= c.max_ms);
    }
}

TEST_CASE("a wait beyond the deadline is not taken: the 429 is returned at once", "[net][transport][retry]") {
    TestHttpServer server([](const RecordedRequest &) {
        ScriptedResponse response = with_status(429);
        response.headers = {{"Retry-After", "30"}};
        return response;
    });
    auto log = std::make_shared<SleepLog>();
    auto options = fast_options(log);
    options.deadline = Clock::now() + 10s;
    auto transport = make_transport(options);
    auto result = transport->perform_one(request(server.base_url() + "/v2/"));
    REQUIRE(result);
    CHECK(result->status == 429);
    CHECK(log->waits.empty());
    CHECK(server.requests().size() == 1);
}

TEST_CASE("4xx answers are never retried", "[net][transport][retry]") {
    for (int status : {400, 401, 403, 404, 405}) {
        INFO(status);
        TestHttpServer server([status](const RecordedRequest &) { return with_status(status); });
        auto log = std::make_shared<SleepLog>();
        auto transport = make_transport(fast_options(log));
        auto result = transport->perform_one(request(server.base_url() + "/v2/"));
        REQUIRE(result);
        CHECK(result->status == status);
        CHECK(server.requests().size() == 1);
        CHECK(log->waits.empty());
    }
}

TEST_CASE("POST is never retried, whatever the failure", "[net][transport][retry]") {
    std::vector<ScriptedResponse> faults(2);
    faults[0] = with_status(503);
    faults[1].body = std::string(2000, 'a');
    faults[1].close_after = 100;
    for (std::size_t i = 0; i < faults.size(); ++i) {
        INFO(i);
        TestHttpServer server([&](const RecordedRequest &) { return faults[i]; });
        auto log = std::make_shared<SleepLog>();
        auto transport = make_transport(fast_options(log));
        auto r = request(server.base_url() + "/token", "POST");
        r.body = "grant_type=refresh_token";
        auto result = transport->perform_one(r);
        CHECK(result.has_value() == (i == 0));
        CHECK(server.requests().size() == 1);
        CHECK(log->waits.empty());
    }
}

TEST_CASE("stalled servers hit the low-speed limit (C5)", "[net][transport][timeout]") {
    // The stalls last far longer than the 1 s limit, and the server ends them when it stops: only
    // the limit can end these transfers with this message, so no stopwatch is needed (a bound on
    // elapsed time flakes on a loaded machine or under the sanitizers).
    std::vector<ScriptedResponse> stalls(2);
    stalls[0].delay_before_headers = 120s;   // headers never come
    stalls[1].body = std::string(1200, 't'); // a trickle: 1 byte every 100 ms
    stalls[1].piece_size = 1;
    stalls[1].delay_between_chunks = 100ms;
    for (std::size_t i = 0; i < stalls.size(); ++i) {
        INFO(i);
        TestHttpServer server([&](const RecordedRequest &) { return stalls[i]; });
        auto options = fast_options();
        options.retry.max_retries = 0;
        auto transport = make_transport(options);
        auto result = transport->perform_one(request(server.base_url() + "/v2/"));
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::Network);
        CHECK(result.error().message == "timed out after 1 s waiting for " + server.host() + " (stalled transfer)");
    }
}

TEST_CASE("the overall deadline ends a request and is not retried", "[net][transport][timeout]") {
    // The server would stall for two minutes: only the deadline ends the request with this message.
    TestHttpServer server([](const RecordedRequest &) {
        ScriptedResponse response;
        response.delay_before_headers = 120s;
        return response;
    });
    auto log = std::make_shared<SleepLog>();
    auto options = fast_options(log);
    options.low_speed_time = 300s;
    options.deadline = Clock::now() + 800ms;
    auto transport = make_transport(options);
    auto result = transport->perform_one(request(server.base_url() + "/v2/"));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::Network);
    CHECK_THAT(result.error().message, Catch::Contains("(overall deadline reached)"));
    CHECK(log->waits.empty());
    // Once the deadline has passed nothing more is sent.
    auto late = transport->perform_one(request(server.base_url() + "/v2/"));
    REQUIRE_FALSE(late);
    CHECK(late.error().code == ErrorCode::Network);
    CHECK(server.requests().size() == 1);
}

TEST_CASE("DNS failures are not retried (E1)", "[net][transport]") {
    auto log = std::make_shared<SleepLog>();
    auto transport = make_transport(fast_options(log));
    auto result = transport->perform_one(request("https://regsitry.invalid/v2/"));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::Network);
    CHECK(result.error().message == "cannot resolve host \"regsitry.invalid\"");
    CHECK(log->waits.empty());
}

TEST_CASE("a refused connection is retried, then reported with host and port (E2)", "[net][transport]") {
    int port = closed_port();
    auto log = std::make_shared<SleepLog>();
    auto transport = make_transport(fast_options(log));
    auto result = transport->perform_one(request("http://127.0.0.1:" + std::to_string(port) + "/v2/"));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::Network);
    CHECK(result.error().message == "cannot connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
    CHECK(log->waits.size() == 4);
}

TEST_CASE("the interruption flag ends stalled transfers and waits (E4)", "[net][transport][interrupt]") {
    // The flag is raised once the server holds a request (an event, not a guessed delay). Left
    // alone, the transfers would stall for two minutes or wait for one; the server cuts its stalls
    // short when it stops, so a transfer that ignored the flag still ends (and fails the test).
    for (bool during_wait : {false, true}) {
        INFO(during_wait);
        net::clear_interrupt();
        std::mutex mutex;
        std::condition_variable arrived;
        std::size_t seen = 0;
        TestHttpServer server([&](const RecordedRequest &) {
            ScriptedResponse response = with_status(503);
            response.headers = {{"Retry-After", "60"}};
            if (!during_wait) response.delay_before_headers = 120s;
            {
                std::lock_guard lock(mutex);
                ++seen;
            }
            arrived.notify_all();
            return response;
        });
        auto options = fast_options();
        options.low_speed_time = 300s;
        if (during_wait) {
            // The transport asks for the 60 s Retry-After wait; the flag is raised as it starts,
            // and the transport must give up instead of retrying.
            options.sleep = [](std::chrono::milliseconds wait) {
                CHECK(wait > 50s);
                CHECK(wait <= 60s);
                net::request_interrupt();
            };
        }
        options.deadline = Clock::now() + 600s;
        auto transport = make_transport(options);
        std::thread interrupter([&] {
            if (during_wait) return;
            std::unique_lock lock(mutex);
            arrived.wait_for(lock, 60s, [&] { return seen >= 1; });
            net::request_interrupt();
        });
        auto results = transport->perform({request(server.base_url() + "/a"), request(server.base_url() + "/b")});
        interrupter.join();
        net::clear_interrupt();
        for (const auto &result : results) {
            REQUIRE_FALSE(result);
            CHECK(result.error().code == ErrorCode::Interrupted);
        }
        // Nothing was retried. (The second request may never have been sent: libcurl holds it back
        // (PIPEWAIT) until the stalled first connection shows whether it can multiplex.)
        CHECK(server.requests().size() <= 2);
    }
}

TEST_CASE("invalid options and requests are refused before any traffic", "[net][transport]") {
    auto bad_ca = fast_options();
    bad_ca.ca_file = "/nonexistent/ca.pem";
    auto refused = net::make_curl_transport(bad_ca);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Usage);
    for (std::string entry : {"registry.example", "registry.example:443", ":443:127.0.0.1", "host::1.2.3.4"}) {
        INFO(entry);
        auto options = fast_options();
        options.resolve = {entry};
        auto result = net::make_curl_transport(options);
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::Usage);
    }
    TestHttpServer server([](const RecordedRequest &) { return with_status(200); });
    auto transport = make_transport(fast_options());
    auto bad_header = request(server.base_url() + "/");
    bad_header.headers = {{"Authorization", "Bearer abc\r\nX-Injected: 1"}};
    auto bad_method = request(server.base_url() + "/", "DELETE");
    auto bad_url = request("ftp://" + server.host() + "/");
    auto results = transport->perform({bad_header, bad_method, bad_url});
    CHECK(results[0].error().code == ErrorCode::Integrity);
    CHECK(results[1].error().code == ErrorCode::Internal);
    CHECK(results[2].error().code == ErrorCode::Integrity);
    CHECK(server.requests().empty());
}

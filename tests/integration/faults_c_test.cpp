// Fault catalogue section C (server misbehaviour), end to end: the real binary against a scripted
// registry. HEAD fallbacks (C1–C3), truncation, stalls, 5xx and 429 (C4–C7). Error answers and
// one observation per run (C8, C9, C13, C15–C17) are in faults_c_answers_test.cpp; redirects,
// Accept lists and TLS (C10–C12, C14) in faults_c_transport_test.cpp.

#include <catch2/catch.hpp>

#include "faults_support.hpp"

using namespace digestx::test;

TEST_CASE("C1: a HEAD answered 405 falls back to GET", "[faults][C1]") {
    auto image = SampleImage::make("c1");
    FakeRegistry registry;
    registry.image("1.0", image).on("HEAD", app_manifests + "1.0", [](const RecordedRequest &, int) {
        return status_only(405);
    });
    TestHttpServer server(registry.handler());

    SECTION("the digest is computed from the GET body") {
        auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
        check_success(run.result);
        CHECK_THAT(run.result.out, Catch::Contains("405"));
        CHECK_THAT(run.result.out, Catch::Contains(image.manifest_digest + " (computed from the GET body"));
        CHECK(requests_seen(server) ==
              std::vector<std::string>{"HEAD " + app_manifests + "1.0", "GET " + app_manifests + "1.0"});
    }
    SECTION("--verbose says why a GET was sent") {
        auto run = run_timed({"--timeout", "5", "--verbose", "manifest", "--head", app_ref(server, ":1.0")});
        CHECK(run.result.exit_code == 0);
        CHECK_THAT(run.result.err, Catch::Contains("HEAD is not allowed (405)"));
    }
}

TEST_CASE("C2: a HEAD without Docker-Content-Digest falls back to GET and hashes the body", "[faults][C2]") {
    auto image = SampleImage::make("c2");
    FakeRegistry registry;
    registry.image("1.0", image).without_digest_header();
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
    check_success(run.result);
    CHECK_THAT(run.result.out, Catch::Contains(image.manifest_digest + " (computed from the GET body"));
    CHECK(requests_seen(server) ==
          std::vector<std::string>{"HEAD " + app_manifests + "1.0", "GET " + app_manifests + "1.0"});
}

TEST_CASE("C2: a HEAD without Content-Length falls back to GET", "[faults][C2]") {
    auto image = SampleImage::make("c2-length");
    FakeRegistry registry;
    registry.image("1.0", image).on("HEAD", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        // Chunked framing is the way a HEAD answer has no Content-Length.
        auto response = content_answer(image.manifest);
        response.chunked = true;
        return response;
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
    check_success(run.result);
    CHECK_THAT(run.result.out, Catch::Contains(image.manifest_digest));
    // containerd needs both the digest and the size from a HEAD; without the size it GETs.
    CHECK(count_requests(server, "GET", app_manifests + "1.0") == 1);
}

TEST_CASE("C3: a HEAD failing without a body is followed by one GET for the error details", "[faults][C3]") {
    struct Row {
        int status;
        std::string code;
        std::string message;
        int exit_code;
    };
    auto row = GENERATE(Row{404, "MANIFEST_UNKNOWN", "manifest tagged 1.0 is gone", 3},
                        Row{403, "DENIED", "requested access to the resource is denied", 4},
                        Row{429, "TOOMANYREQUESTS", "You have reached your pull rate limit", 7});
    INFO("HEAD " << row.status);
    FakeRegistry registry;
    // A huge Retry-After is capped beyond the deadline: no retry, so one HEAD and one GET.
    registry.on("", app_manifests + "1.0", [row](const RecordedRequest &, int) {
        auto response = error_response(row.status, row.code, row.message);
        response.headers.emplace_back("Retry-After", "999999999");
        return response;
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
    check_failure(run.result, row.exit_code);
    CHECK_THAT(error_line(run.result), Catch::Contains(row.code + ": " + row.message));
    CHECK(requests_seen(server) ==
          std::vector<std::string>{"HEAD " + app_manifests + "1.0", "GET " + app_manifests + "1.0"});
}

TEST_CASE("C3: a HEAD answered 401 after a token refresh is an authorization failure", "[faults][C3]") {
    TestHttpServer token(token_endpoint());
    FakeRegistry registry;
    std::string realm = token.base_url() + "/token";
    registry.on(
        "", app_manifests + "1.0",
        [realm](const RecordedRequest &, int) {
            return status_only(401,
                               {{"WWW-Authenticate", "Bearer realm=\"" + realm +
                                                         "\",service=\"fake-registry\",error=\"insufficient_scope\""}});
        },
        true);
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
    check_failure(run.result, 4);
    CHECK_THAT(error_line(run.result), Catch::Contains("insufficient_scope"));
    CHECK(token.requests().size() == 1);
    CHECK(count_requests(server, "HEAD", app_manifests + "1.0") == 2);
}

TEST_CASE("C3: a HEAD answered 5xx is retried and then fails as a network error", "[faults][C3]") {
    FakeRegistry registry;
    registry.on("HEAD", app_manifests + "1.0", [](const RecordedRequest &, int) {
        return status_only(503, {{"Retry-After", "0"}});
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    CHECK(count_requests(server, "HEAD", app_manifests + "1.0") == 5);
    CHECK(count_requests(server, "GET", app_manifests + "1.0") == 0);
}

TEST_CASE("C4: a truncated body is retried, then reported with byte counts", "[faults][C4]") {
    auto image = SampleImage::make("c4");
    REQUIRE(image.manifest.size() < 2000);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        auto response = content_answer(image.manifest + std::string(2000 - image.manifest.size(), ' '));
        response.close_after = 1200;
        return response;
    });
    TestHttpServer server(registry.handler());

    // Real backoff (0.5 s, 1 s, …) bounded by the overall deadline: three attempts in 3 s.
    auto run = run_timed({"--timeout", "3", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    CHECK_THAT(error_line(run.result), Catch::Contains("incomplete response (1200/2000 bytes)"));
    CHECK(count_requests(server, "GET", app_manifests + "1.0") >= 2);
    CHECK(run.seconds < 6);
}

TEST_CASE("C5: a server that stalls runs into the overall --timeout", "[faults][C5]") {
    auto image = SampleImage::make("c5");
    struct Row {
        const char *name;
        ScriptedResponse response;
    };
    ScriptedResponse silent = content_answer(image.manifest);
    silent.delay_before_headers = std::chrono::milliseconds(2500);
    ScriptedResponse trickle = content_answer(image.manifest);
    trickle.piece_size = 1;
    trickle.delay_between_chunks = std::chrono::milliseconds(200);
    auto row = GENERATE_COPY(Row{"headers never come", silent}, Row{"1 byte per 200 ms", trickle});
    INFO(row.name);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [row](const RecordedRequest &, int) { return row.response; });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "2", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    CHECK_THAT(error_line(run.result), Catch::Contains("timed out after"));
    CHECK(run.seconds < 5);
}

TEST_CASE("C6: 5xx answers are retried, then fail with the last status and registry code", "[faults][C6]") {
    auto status = GENERATE(500, 502, 503, 504, 522);
    INFO("status " << status);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [status](const RecordedRequest &, int) {
        auto response = error_response(status, "UNAVAILABLE", "service unavailable");
        // Retry-After 0 keeps the test fast; the retry budget is what is under test here.
        response.headers.emplace_back("Retry-After", "0");
        return response;
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    CHECK_THAT(error_line(run.result), Catch::Contains("HTTP " + std::to_string(status)));
    CHECK_THAT(error_line(run.result), Catch::Contains("UNAVAILABLE: service unavailable"));
    // The first attempt and four retries.
    CHECK(count_requests(server, "GET", app_manifests + "1.0") == 5);
}

TEST_CASE("C6: 5xx retries back off", "[faults][C6]") {
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) { return status_only(503); });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "3", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    std::size_t attempts = count_requests(server, "GET", app_manifests + "1.0");
    CHECK(attempts >= 2);
    CHECK(attempts <= 4);
    // At least the first backoff (0.5 s less 20% jitter) was waited.
    CHECK(run.seconds >= 0.4);
}

TEST_CASE("C6: a 5xx that recovers within the retry budget succeeds", "[faults][C6]") {
    auto image = SampleImage::make("c6-recovers");
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int call) {
        return call < 3 ? status_only(502, {{"Retry-After", "0"}}) : content_answer(image.manifest);
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_success(run.result);
    CHECK(run.result.out == image.manifest);
    CHECK(count_requests(server, "GET", app_manifests + "1.0") == 3);
}

TEST_CASE("C7: 429 honours Retry-After, then exits 7 showing the rate-limit headers", "[faults][C7]") {
    struct Row {
        const char *retry_after;
        std::size_t min_attempts;
        std::size_t max_attempts;
        double min_seconds;
    };
    // Within a 3 s deadline: 1 s waits allow three attempts; a date in the past means no wait (all
    // five attempts); 999999999 s is capped at 60 s, beyond the deadline (no retry); without the
    // header the backoff is 0.5 s, 1 s, ….
    auto row = GENERATE(Row{"1", 2, 3, 0.9}, Row{"Wed, 21 Oct 2015 07:28:00 GMT", 5, 5, 0}, Row{"999999999", 1, 1, 0},
                        Row{"", 2, 4, 0.4});
    INFO("Retry-After: " << row.retry_after);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [row](const RecordedRequest &, int) {
        auto response = error_response(429, "TOOMANYREQUESTS", "You have reached your pull rate limit");
        response.headers.emplace_back("RateLimit-Limit", "100;w=21600");
        response.headers.emplace_back("RateLimit-Remaining", "0;w=21600");
        response.headers.emplace_back("Docker-RateLimit-Source", "192.0.2.1");
        if (*row.retry_after != '\0') response.headers.emplace_back("Retry-After", row.retry_after);
        return response;
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "3", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 7);
    std::string line = error_line(run.result);
    CHECK_THAT(line, Catch::Contains("rate limited by " + server.host()));
    CHECK_THAT(line, Catch::Contains("ratelimit-remaining: 0;w=21600"));
    CHECK_THAT(line, Catch::Contains("source 192.0.2.1"));
    CHECK_THAT(line, Catch::Contains("authenticate to raise limits"));
    std::size_t attempts = count_requests(server, "GET", app_manifests + "1.0");
    CHECK(attempts >= row.min_attempts);
    CHECK(attempts <= row.max_attempts);
    CHECK(run.seconds >= row.min_seconds * static_cast<double>(attempts - 1));
    CHECK(run.seconds < 6);
}

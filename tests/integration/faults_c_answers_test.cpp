// Fault catalogue section C, the answers: error bodies that are not JSON, huge or hostile (C8,
// C9), the 404 variants (C13), empty bodies (C15), Warning headers (C16), and one observation of
// a tag per run (C17). End to end: the real binary against a scripted registry.

#include <catch2/catch.hpp>

#include "faults_support.hpp"

using namespace digestx::test;

TEST_CASE("C8: an error body that is not the registry's JSON is quoted, not parsed", "[faults][C8]") {
    struct Row {
        int status;
        std::string body;
        std::string expected;
        int exit_code;
    };
    std::string html = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body><center><h1>404 Not "
                       "Found</h1></center><hr><center>nginx</center></body></html>";
    auto row =
        GENERATE_COPY(Row{404, html, "HTTP 404 Not Found: <html>", 3},
                      Row{429, "Too Many Requests (HAP429).\n", "Too Many Requests (HAP429)", 7},
                      Row{403, R"({"message":"forbidden by policy"})", R"({"message":"forbidden by policy"})", 4},
                      Row{400, "bad request\n", "HTTP 400 Bad Request: bad request", 5},
                      Row{404, std::string(1000, 'z'), std::string(200, 'z') + "…", 3});
    INFO("status " << row.status << " body " << row.body.substr(0, 60));
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [row](const RecordedRequest &, int) {
        auto response = status_only(row.status, {{"Content-Type", "text/html"}, {"Retry-After", "999999999"}});
        response.body = row.body;
        return response;
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, row.exit_code);
    CHECK_THAT(error_line(run.result), Catch::Contains(row.expected));
    CHECK(error_line(run.result).find(std::string(201, 'z')) == std::string::npos);
}

TEST_CASE("C9: huge, numerous or hostile error bodies are capped and escaped", "[faults][C9]") {
    SECTION("a 50 MB error body") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) {
            auto response = status_only(404, {{"Content-Type", "application/json"}});
            response.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":")";
            response.endless_bytes = 50U << 20U;
            response.piece_size = 1U << 20U;
            return response;
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "10", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 3);
        CHECK(run.result.err.size() < 1000);
        CHECK(run.seconds < 8);
    }
    SECTION("a thousand error entries: three are shown") {
        std::string body = R"({"errors":[)";
        for (int i = 0; i < 1000; ++i)
            body +=
                (i > 0 ? "," : "") + std::string(R"({"code":"DENIED","message":"entry )") + std::to_string(i) + "\"}";
        body += "]}";
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [body](const RecordedRequest &, int) {
            auto response = status_only(403, {{"Content-Type", "application/json"}});
            response.body = body;
            return response;
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        std::string line = error_line(run.result);
        CHECK_THAT(line, Catch::Contains("DENIED: entry 0") && Catch::Contains("DENIED: entry 2"));
        CHECK(line.find("entry 3") == std::string::npos);
        CHECK_THAT(line, Catch::Contains("more"));
    }
    SECTION("ten thousand error entries") {
        std::string body = R"({"errors":[)";
        for (int i = 0; i < 10000; ++i)
            body +=
                (i > 0 ? "," : "") + std::string(R"({"code":"DENIED","message":"entry )") + std::to_string(i) + "\"}";
        body += "]}";
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [body](const RecordedRequest &, int) {
            auto response = status_only(403, {{"Content-Type", "application/json"}});
            response.body = body;
            return response;
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        CHECK(error_line(run.result).size() < 1000);
    }
    SECTION("terminal escapes and workflow commands in the message") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) {
            return error_response(403, "DENIED",
                                  "\x1b[31mdenied\x1b[0m\n::error::pwned\r\x1b]8;;http://evil.example\x07link\x07");
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result), Catch::Contains("DENIED"));
        CHECK(run.result.err.find('\x1b') == std::string::npos);
        for (const auto &line : stderr_lines(run.result.err))
            CHECK(!line.starts_with("::"));
    }
}

TEST_CASE("C13: the 404 variants are 'not found', a 401 after an anonymous token is an auth failure", "[faults][C13]") {
    SECTION("MANIFEST_UNKNOWN: the tag is missing") {
        FakeRegistry registry;
        registry.image("1.0", SampleImage::make("c13"));
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":nope")});
        check_failure(run.result, 3);
        CHECK_THAT(error_line(run.result), Catch::Contains("manifest unknown: tag \"nope\" not found in repository " +
                                                           server.host() + "/library/app"));
    }
    SECTION("NAME_UNKNOWN: the repository is missing") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) {
            return error_response(404, "NAME_UNKNOWN", "repository name not known to registry");
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 3);
        CHECK_THAT(error_line(run.result), Catch::Contains("repository not found: " + server.host() + "/library/app"));
    }
    SECTION("a 404 without a body") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) { return status_only(404); });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 3);
        CHECK_THAT(error_line(run.result), Catch::Contains("not found"));
        CHECK(count_requests(server, "GET", app_manifests + "1.0") == 1);
    }
    SECTION("a missing repository in a tags list") {
        FakeRegistry registry;
        registry.on("GET", "/v2/library/app/tags/list", [](const RecordedRequest &, int) {
            return error_response(404, "NAME_UNKNOWN", "repository name not known to registry");
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "tags", server.host() + "/library/app"});
        check_failure(run.result, 3);
        CHECK_THAT(error_line(run.result), Catch::Contains("repository not found"));
    }
    SECTION("Docker Hub's 401 for a missing repository, after an anonymous token") {
        TestHttpServer token(token_endpoint());
        std::string challenge = "Bearer realm=\"" + token.base_url() +
                                "/token\",service=\"fake-registry\",scope=\"repository:library/app:pull\"";
        FakeRegistry registry;
        registry.on(
            "GET", app_manifests + "1.0",
            [challenge](const RecordedRequest &, int) {
                auto response = error_response(401, "UNAUTHORIZED", "authentication required");
                response.headers.emplace_back("WWW-Authenticate", challenge + ",error=\"insufficient_scope\"");
                return response;
            },
            true);
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result), Catch::Contains("repository does not exist or requires authentication"));
        CHECK(token.requests().size() == 1);
    }
}

TEST_CASE("C15: a 200 with an empty body is an integrity failure", "[faults][C15]") {
    auto image = SampleImage::make("c15");
    SECTION("manifest") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) {
            return status_only(200, {{"Content-Type", oci_manifest_type}});
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 5);
        CHECK_THAT(error_line(run.result), Catch::Contains("registry returned an empty manifest"));
    }
    SECTION("config blob") {
        FakeRegistry registry;
        registry.manifest("1.0", image.manifest)
            .on("GET", app_blobs + image.config_digest, [](const RecordedRequest &, int) {
                return status_only(200, {{"Content-Type", oci_config_type}});
            });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "config", app_ref(server, ":1.0")});
        check_failure(run.result, 5);
        CHECK_THAT(error_line(run.result), Catch::Contains("registry returned an empty blob"));
    }
}

TEST_CASE("C16: registry Warning headers are shown sanitized and bounded, without changing the exit code",
          "[faults][C16]") {
    auto image = SampleImage::make("c16");
    SECTION("one warning with terminal escapes; other warn-codes are not shown") {
        FakeRegistry registry;
        registry.image("1.0", image)
            .header("Warning", "299 - \"this repository is \x1b[31mdeprecated\x1b[0m\"")
            .header("Warning", "199 - \"miscellaneous, not for people\"");
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_success(run.result, 1);
        CHECK(run.result.out == image.manifest);
        CHECK_THAT(run.result.err, Catch::StartsWith("digestx: warning: registry " + server.host() + ": "));
        CHECK_THAT(run.result.err, Catch::Contains("deprecated"));
        CHECK(run.result.err.find("miscellaneous") == std::string::npos);
    }
    SECTION("many long warnings: at most 4096 bytes of them") {
        FakeRegistry registry;
        registry.image("1.0", image);
        for (int i = 0; i < 40; ++i)
            registry.header("Warning", "299 - \"warning " + std::to_string(i) + " " + std::string(200, 'w') + "\"");
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        CHECK(run.result.exit_code == 0);
        CHECK(run.result.out == image.manifest);
        CHECK(stderr_lines(run.result.err).size() == lines_starting(run.result.err, "digestx: warning: "));
        CHECK(run.result.err.size() < 4096 + 60 * stderr_lines(run.result.err).size());
        CHECK_THAT(run.result.err, Catch::Contains("further registry warnings not shown"));
    }
    SECTION("a warning beside a failure") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) {
            auto response = error_response(404, "MANIFEST_UNKNOWN", "manifest unknown");
            response.headers.emplace_back("Warning", "299 - \"repository moved to example.org/app\"");
            return response;
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 3, 1);
        CHECK_THAT(run.result.err, Catch::Contains("repository moved to example.org/app"));
    }
}

TEST_CASE("C17: one observation per run: what a tag resolved to is fetched by digest", "[faults][C17]") {
    auto before = SampleImage::make("before");
    auto after = SampleImage::make("after");
    std::string index = sample_index(before.manifest_digest, before.manifest.size());

    SECTION("manifest: a HEAD is never followed by a GET of the tag") {
        FakeRegistry registry;
        // The tag moves between requests: HEAD announces `before`, a GET of the tag serves `after`.
        registry.manifest("", before.manifest).on("HEAD", app_manifests + "1.0", [&](const RecordedRequest &, int) {
            return content_answer(before.manifest);
        });
        registry.on("GET", app_manifests + "1.0",
                    [&](const RecordedRequest &, int) { return content_answer(after.manifest); });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_success(run.result);
        auto seen = requests_seen(server);
        bool headed = count_requests(server, "HEAD", app_manifests + "1.0") > 0;
        INFO("requests: " << Catch::Detail::stringify(seen));
        if (headed) {
            CHECK(count_requests(server, "GET", app_manifests + "1.0") == 0);
            CHECK(count_requests(server, "GET", app_manifests + before.manifest_digest) == 1);
            CHECK(run.result.out == before.manifest);
        } else {
            CHECK(seen == std::vector<std::string>{"GET " + app_manifests + "1.0"});
            CHECK(run.result.out == after.manifest);
        }
    }
    SECTION("config: the index's entry and the config are fetched by digest, the tag once") {
        FakeRegistry registry;
        registry.image("", before).image("", after);
        registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int call) {
            // After the first answer the tag points at a single-platform image.
            return call == 1 ? content_answer(index, oci_index_type) : content_answer(after.manifest);
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "--platform", "linux/amd64", "config", app_ref(server, ":1.0")});
        check_success(run.result);
        CHECK(run.result.out == before.config);
        CHECK(requests_seen(server) == std::vector<std::string>{"GET " + app_manifests + "1.0",
                                                                "GET " + app_manifests + before.manifest_digest,
                                                                "GET " + app_blobs + before.config_digest});
    }
    SECTION("inspect: the tag is read once, everything below it by digest") {
        FakeRegistry registry;
        registry.image("", before).image("", after);
        registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int call) {
            return call == 1 ? content_answer(index, oci_index_type) : content_answer(after.manifest);
        });
        TestHttpServer server(registry.handler());
        auto run =
            run_timed({"--timeout", "5", "--platform", "linux/amd64", "inspect", "--full", app_ref(server, ":1.0")});
        check_success(run.result);
        CHECK_THAT(run.result.out, Catch::Contains(before.manifest_digest) && Catch::Contains(before.config_digest));
        CHECK(run.result.out.find(after.manifest_digest) == std::string::npos);
        auto seen = requests_seen(server);
        INFO("requests: " << Catch::Detail::stringify(seen));
        CHECK(count_requests(server, "GET", app_manifests + "1.0") == 1);
        CHECK(count_requests(server, "GET", app_manifests + before.manifest_digest) == 1);
        for (const auto &request : seen) {
            if (request != "GET " + app_manifests + "1.0") CHECK_THAT(request, Catch::Contains("/sha256:"));
        }
    }
}

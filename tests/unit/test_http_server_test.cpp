#include <catch2/catch.hpp>

#include "support/http_server.hpp"
#include "support/process.hpp"

using namespace digestx::test;

// The scripted server is test infrastructure; these checks use the curl command line as an
// independent client so that the server itself is known to behave before it judges digestx.
TEST_CASE("scripted server answers and records requests", "[support]") {
    TestHttpServer server([](const RecordedRequest &request) {
        ScriptedResponse response;
        response.headers.emplace_back("Docker-Content-Digest", "sha256:abc");
        response.body = "hello " + request.path();
        return response;
    });
    auto result = run_process({"/usr/bin/curl", "-sS", "-H", "X-Test: 1", server.base_url() + "/v2/x?y=1"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "hello /v2/x");
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].target == "/v2/x?y=1");
    CHECK(requests[0].header("x-test") == "1");
}

TEST_CASE("scripted server truncates when told to", "[support]") {
    TestHttpServer server([](const RecordedRequest &) {
        ScriptedResponse response;
        response.body = std::string(2000, 'a');
        response.close_after = 1200;
        return response;
    });
    auto result = run_process({"/usr/bin/curl", "-sS", server.base_url() + "/"});
    CHECK(result.exit_code == 18); // CURLE_PARTIAL_FILE
    CHECK(result.out.size() == 1200);
}

TEST_CASE("scripted server speaks TLS with a test CA", "[support][tls]") {
    TempDir dir;
    TestPki pki = make_test_pki(dir.path());
    TestHttpServer server(
        [](const RecordedRequest &) {
            ScriptedResponse response;
            response.body = "secure";
            return response;
        },
        pki.server_files());
    auto trusted = run_process({"/usr/bin/curl", "-sS", "--cacert", pki.ca_certificate, server.base_url() + "/"});
    CHECK(trusted.exit_code == 0);
    CHECK(trusted.out == "secure");
    auto untrusted = run_process({"/usr/bin/curl", "-sS", server.base_url() + "/"});
    CHECK(untrusted.exit_code == 60); // CURLE_PEER_FAILED_VERIFICATION
}

// TLS verification (C14), proxies from the environment (E3) and the redacted trace (F4) of the
// libcurl transport.

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "support/http_server.hpp"
#include "support/process.hpp"
#include "transport_support.hpp"

using namespace digestx;
using namespace digestx::test;

namespace {

std::unique_ptr<net::CurlTransport> make_transport(net::TransportOptions options) {
    auto transport = net::make_curl_transport(std::move(options));
    REQUIRE(transport);
    return std::move(*transport);
}

ScriptedResponse ok(std::string body) {
    ScriptedResponse response;
    response.body = std::move(body);
    return response;
}

} // namespace

TEST_CASE("TLS: unknown CA and wrong host name are refused, --cacert and --insecure work (C14)",
          "[net][transport][tls]") {
    TempDir dir;
    TestPki pki = make_test_pki(dir.path());
    TestHttpServer server([](const RecordedRequest &) { return ok("secure"); }, pki.server_files());
    std::string port = std::to_string(server.port());
    struct Case {
        std::string name;
        std::string url;
        std::string ca_file;
        bool insecure;
        std::string failure; // "" when the request must succeed
    };
    std::vector<Case> cases = {
        {"unknown CA", server.base_url() + "/v2/", "", false, "TLS verification failed for 127.0.0.1:" + port + ": "},
        {"extra CA file", server.base_url() + "/v2/", pki.ca_certificate, false, ""},
        {"insecure", server.base_url() + "/v2/", "", true, ""},
        {"name not in the certificate", "https://wrong.example:" + port + "/v2/", pki.ca_certificate, false,
         "TLS verification failed for wrong.example:" + port + ": "},
        {"insecure ignores the name", "https://wrong.example:" + port + "/v2/", "", true, ""},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        auto log = std::make_shared<SleepLog>();
        auto options = fast_options(log);
        options.ca_file = c.ca_file;
        options.insecure = c.insecure;
        options.resolve = {"wrong.example:" + port + ":127.0.0.1"};
        auto transport = make_transport(options);
        auto result = transport->perform_one(request(c.url));
        if (c.failure.empty()) {
            REQUIRE(result);
            CHECK(result->body == "secure");
        } else {
            REQUIRE_FALSE(result);
            CHECK(result.error().code == ErrorCode::Network);
            CHECK_THAT(result.error().message, Catch::StartsWith(c.failure));
            CHECK(log->waits.empty()); // a certificate does not get better by asking again
        }
    }
}

TEST_CASE("TLS: an extra CA file adds to the system trust instead of replacing it", "[net][transport][tls]") {
    TempDir server_dir;
    TempDir other_dir;
    TempDir system_dir;
    TestPki server_pki = make_test_pki(server_dir.path());
    // An unrelated CA with its own subject (OpenSSL looks issuers up by subject name).
    std::string other_ca = other_dir.path() + "/other-ca.pem";
    auto made =
        run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                     "/CN=digestx unrelated CA", "-keyout", other_dir.path() + "/other-key.pem", "-out", other_ca});
    REQUIRE(made.exit_code == 0);
    TestHttpServer server([](const RecordedRequest &) { return ok("secure"); }, server_pki.server_files());
    // A stand-in for /etc/ssl/certs: a hashed directory that trusts the server's CA.
    std::filesystem::copy_file(server_pki.ca_certificate, system_dir.path() + "/test-ca.pem");
    auto rehash = run_process({"/usr/bin/openssl", "rehash", system_dir.path()});
    REQUIRE(rehash.exit_code == 0);
    TempDir empty_dir;
    for (bool system_trusts : {true, false}) {
        INFO(system_trusts);
        auto options = fast_options();
        options.ca_file = other_ca; // does not sign the server certificate
        options.system_ca_path = system_trusts ? system_dir.path() : empty_dir.path();
        auto transport = make_transport(options);
        auto result = transport->perform_one(request(server.base_url() + "/v2/"));
        INFO((result ? std::string("ok") : result.error().message));
        CHECK(result.has_value() == system_trusts);
    }
}

TEST_CASE("proxies from the environment are used and their refusals and secrets handled (E3)",
          "[net][transport][proxy]") {
    TestHttpServer proxy([](const RecordedRequest &request) {
        if (request.method == "CONNECT" || request.path().ends_with("/denied")) {
            ScriptedResponse response;
            response.status = 407;
            response.headers = {{"Proxy-Authenticate", "Basic realm=\"proxy\""}};
            return response;
        }
        return ok("via proxy " + request.target);
    });
    std::string proxy_url = "http://puser:SECRETPROXYPASS@127.0.0.1:" + std::to_string(proxy.port());
    ScopedEnv http_proxy("http_proxy", proxy_url);
    ScopedEnv https_proxy("https_proxy", proxy_url);
    ScopedEnv https_proxy_upper("HTTPS_PROXY", std::nullopt);
    ScopedEnv all_proxy("ALL_PROXY", std::nullopt);
    ScopedEnv no_proxy("no_proxy", std::nullopt);
    ScopedEnv no_proxy_upper("NO_PROXY", std::nullopt);
    auto transport = make_transport(fast_options());

    auto plain = transport->perform_one(request("http://registry.example/v2/"));
    REQUIRE(plain);
    CHECK(plain->body == "via proxy http://registry.example/v2/");
    REQUIRE(proxy.requests().size() == 1);
    CHECK(proxy.requests()[0].header("proxy-authorization"));

    for (std::string url : {"http://registry.example/v2/denied", "https://registry.example/v2/"}) {
        INFO(url);
        auto refused = transport->perform_one(request(url));
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::Network);
        CHECK_THAT(refused.error().message, Catch::StartsWith("proxy error (407)"));
        CHECK_THAT(refused.error().message, !Catch::Contains("SECRETPROXYPASS"));
    }
}

TEST_CASE("the trace shows requests and answers but no secret (F4)", "[net][transport][trace]") {
    TestHttpServer cdn([](const RecordedRequest &) {
        ScriptedResponse response = ok("blob");
        response.headers = {{"Content-Type", "application/octet-stream"},
                            {"Warning", "299 - \"\x1b[31mred\u202e::error::x\""},
                            {"Set-Cookie", "id=SECRETSETCOOKIE"},
                            {"RateLimit-Remaining", "99;w=21600"}};
        return response;
    });
    std::string location = cdn.base_url() + "/blob?X-Amz-Signature=SECRETAMZ&X-Amz-Credential=SECRETCRED";
    TestHttpServer registry([&](const RecordedRequest &request) {
        if (request.path() == "/flaky") {
            ScriptedResponse response;
            response.status = 503;
            return response;
        }
        ScriptedResponse response;
        response.status = 307;
        response.headers = {{"Location", location}};
        return response;
    });
    std::ostringstream trace;
    auto options = fast_options();
    options.trace = &trace;
    options.retry.max_retries = 1;
    auto transport = make_transport(options);
    auto r = request("http://user:SECRETPASS@" + registry.host() + "/v2/app/blobs/sha256:aa?sig=SECRETSIG&n=1");
    r.headers = {{"Authorization", "Bearer SECRETTOKEN"},
                 {"Cookie", "session=SECRETCOOKIE"},
                 {"Proxy-Authorization", "Basic SECRETPROXY"},
                 {"X-Unknown", "SECRETUNKNOWN"},
                 {"Accept", "application/vnd.oci.image.manifest.v1+json"}};
    auto closed = request("http://user:SECRETPASS2@127.0.0.1:" + std::to_string(closed_port()) + "/?token=SECRETQ");
    auto results = transport->perform({r, closed, request(registry.base_url() + "/flaky")});
    REQUIRE(results[0]);
    CHECK(results[0]->body == "blob");
    REQUIRE_FALSE(results[1]);
    std::string text = trace.str() + "\n" + results[1].error().describe();
    INFO(text);
    CHECK_THAT(text,
               Catch::Contains("> GET http://" + registry.host() + "/v2/app/blobs/sha256:aa?sig=REDACTED&n=REDACTED"));
    CHECK_THAT(text, Catch::Contains(">   authorization: <redacted>"));
    CHECK_THAT(text, Catch::Contains(">   accept: application/vnd.oci.image.manifest.v1+json"));
    CHECK_THAT(text, Catch::Contains("< 307 http://" + registry.host()));
    CHECK_THAT(text, Catch::Contains("<   location: " + cdn.base_url() +
                                     "/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED"));
    CHECK_THAT(text, Catch::Contains("< 200 " + cdn.base_url() + "/blob?X-Amz-Signature=REDACTED"));
    CHECK_THAT(text, Catch::Contains("<   ratelimit-remaining: 99;w=21600"));
    CHECK_THAT(text, Catch::Contains("<   warning: 299 - \"\\x1b[31mred\\u{202e}::error::x\""));
    CHECK_THAT(text, Catch::Contains("! GET http://" + registry.host() + "/flaky: retry 1/1"));
    for (std::string secret : {"SECRETPASS", "SECRETSIG", "SECRETTOKEN", "SECRETCOOKIE", "SECRETPROXY", "SECRETUNKNOWN",
                               "SECRETAMZ", "SECRETCRED", "SECRETSETCOOKIE", "SECRETQ", "\x1b", "\u202e"}) {
        INFO(secret);
        CHECK(text.find(secret) == std::string::npos);
    }
}

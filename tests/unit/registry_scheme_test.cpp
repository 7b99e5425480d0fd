#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "registry_test_support.hpp"

using namespace digestx;
using namespace digestx::test;
using digestx::registry::choose_scheme;
using digestx::registry::is_loopback_endpoint;
using digestx::registry::SchemeChoice;

TEST_CASE("loopback registries are recognised as containerd's IsLocalhost does", "[registry][scheme]") {
    struct Row {
        std::string endpoint;
        bool loopback;
    };
    const std::vector<Row> rows = {
        {"localhost", true},
        {"localhost:5000", true},
        {"LOCALHOST:5000", true},
        {"127.0.0.1", true},
        {"127.0.0.1:5000", true},
        {"127.1.2.3:443", true},
        {"[::1]", true},
        {"[::1]:5000", true},
        {"[0:0:0:0:0:0:0:1]:5000", true},
        {"registry-1.docker.io", false},
        {"10.0.0.1:5000", false},
        {"192.168.1.1", false},
        {"[::2]:5000", false},
        {"localhost.example.com", false},
        {"128.0.0.1", false},
        {"127.0.0.1.nip.io", false},
        {"[::1", false},
        {"", false},
    };
    for (const auto &row : rows) {
        INFO(row.endpoint);
        CHECK(is_loopback_endpoint(row.endpoint) == row.loopback);
        CHECK(choose_scheme(row.endpoint, false) == (row.loopback ? SchemeChoice::HttpsThenHttp : SchemeChoice::Https));
        CHECK(choose_scheme(row.endpoint, true) == SchemeChoice::Http);
    }
}

TEST_CASE("a loopback registry without TLS is reached over http, certificate errors never fall back",
          "[registry][scheme]") {
    const std::string body = registry_samples::docker_manifest();
    struct Row {
        std::string endpoint;
        std::string failure;
        bool plain_http_used;
    };
    const std::vector<Row> rows = {
        {"127.0.0.1:5000", "TLS handshake failed with 127.0.0.1:5000: OpenSSL/3.0: wrong version number", true},
        {"localhost:5000", "TLS handshake failed with localhost:5000: wrong version number", true},
        {"127.0.0.1:5000", "TLS verification failed for 127.0.0.1:5000: self-signed certificate", false},
        {"127.0.0.1:5000", "cannot connect to 127.0.0.1:5000: connection refused", false},
        {"reg.example:5000", "TLS handshake failed with reg.example:5000: wrong version number", false},
    };
    for (const auto &row : rows) {
        INFO(row.endpoint << ": " << row.failure);
        FakeTransport transport;
        std::ostringstream err;
        const std::string path = "/v2/library/app/manifests/1.0";
        FakeReply refused = failure_reply(ErrorCode::Network, row.failure);
        // The transport marks a failed handshake as such (curl_failure.cpp); the client decides on that.
        if (row.failure.starts_with("TLS handshake")) refused.error->fault = ErrorFault::TlsHandshake;
        transport.on("GET", "https://" + row.endpoint + path, refused);
        transport.on("GET", "http://" + row.endpoint + path,
                     registry_samples::manifest_reply(body, media::docker_manifest_v2));
        transport.on("GET", "http://" + row.endpoint + "/v2/library/app/manifests/2.0",
                     registry_samples::manifest_reply(body, media::docker_manifest_v2));
        registry::ClientOptions options;
        options.diagnostics = &err;
        options.verbose = true;
        registry::RegistryClient client(borrowed(transport), row.endpoint, std::nullopt, options);
        auto fetched = client.get_manifest("library/app", {"1.0", std::nullopt, {}});
        CHECK(fetched.has_value() == row.plain_http_used);
        CHECK(transport.count("GET", "http://" + row.endpoint + path) == (row.plain_http_used ? 1U : 0U));
        if (!row.plain_http_used) {
            CHECK(fetched.error().code == ErrorCode::Network);
            CHECK(client.base_url() == "https://" + row.endpoint);
            continue;
        }
        CHECK_THAT(err.str(), Catch::Contains("does not speak TLS"));
        CHECK(client.base_url() == "http://" + row.endpoint);
        // Decided once: the next request goes straight to http.
        REQUIRE(client.get_manifest("library/app", {"2.0", std::nullopt, {}}));
        CHECK(transport.requests().back().request.url.rfind("http://", 0) == 0);
        CHECK(transport.requests().size() == 3);
    }
}

TEST_CASE("plain http for any registry only with --plain-http, otherwise https", "[registry][scheme]") {
    const std::string body = registry_samples::docker_manifest();
    for (bool plain : {false, true}) {
        FakeTransport transport;
        std::ostringstream err;
        const std::string scheme = plain ? "http" : "https";
        transport.on("GET", scheme + "://reg.example:5000/v2/app/manifests/1.0",
                     registry_samples::manifest_reply(body, media::docker_manifest_v2));
        registry::ClientOptions options;
        options.plain_http = plain;
        options.diagnostics = &err;
        registry::RegistryClient client(borrowed(transport), "reg.example:5000", std::nullopt, options);
        INFO("plain " << plain);
        CHECK(client.get_manifest("app", {"1.0", std::nullopt, {}}));
        CHECK(transport.unscripted().empty());
    }
}

// Fault catalogue section C, the transport cases, end to end: redirects and where credentials go
// (C10, C11), the Accept list (C12) and TLS (C14). Every leak case asserts that the foreign host
// recorded no request carrying Authorization, or no request at all where none may be sent.

#include <catch2/catch.hpp>

#include "faults_support.hpp"

using namespace digestx::test;

namespace {

// A server certificate signed by the test CA in `directory` (make_test_pki) with its own SAN and lifetime
// (`days` may be negative: an already expired certificate).
TlsFiles issue_certificate(const std::string &directory, const std::string &name, const std::string &san, int days) {
    std::string key = directory + "/" + name + "-key.pem";
    std::string certificate = directory + "/" + name + ".pem";
    std::string ext = directory + "/" + name + ".ext";
    FILE *file = std::fopen(ext.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs(("subjectAltName=" + san + "\nextendedKeyUsage=serverAuth\n").c_str(), file);
    std::fclose(file);
    // An EC key: generated in milliseconds, where RSA keys dominate a test's run time.
    auto request =
        run_process({"/usr/bin/openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", "/CN=" + name, "-keyout", key, "-out", directory + "/" + name + ".csr"});
    REQUIRE(request.exit_code == 0);
    auto sign = run_process({"/usr/bin/openssl", "x509", "-req", "-in", directory + "/" + name + ".csr", "-CA",
                             directory + "/ca.pem", "-CAkey", directory + "/ca-key.pem", "-CAcreateserial", "-days",
                             std::to_string(days), "-extfile", ext, "-out", certificate});
    REQUIRE(sign.exit_code == 0);
    return TlsFiles{certificate, key};
}

// One test PKI per test process: every section of a case runs in the same process.
struct SharedPki {
    TempDir dir;
    TestPki pki = make_test_pki(dir.path());
};

const SharedPki &shared_pki() {
    static const SharedPki shared;
    return shared;
}

} // namespace

TEST_CASE("C10(a): a redirect to a CDN is followed without Authorization", "[faults][C10]") {
    auto image = SampleImage::make("c10a");
    TestHttpServer cdn([&](const RecordedRequest &request) {
        if (request_path(request) == "/cdn/manifest") return content_answer(image.manifest, oci_manifest_type, false);
        if (request_path(request) == "/cdn/config") return content_answer(image.config, oci_config_type, false);
        return error_response(404, "BLOB_UNKNOWN", "not on this CDN");
    });
    TestHttpServer token(token_endpoint());
    FakeRegistry registry;
    registry.bearer(token.base_url() + "/token")
        .manifest("", image.manifest)
        .on("GET", app_manifests + "1.0",
            [&](const RecordedRequest &, int) {
                return redirect_response(cdn.base_url() + "/cdn/manifest?sig=s3cr3t");
            })
        .on("GET", app_blobs + image.config_digest,
            [&](const RecordedRequest &, int) { return redirect_response(cdn.base_url() + "/cdn/config", 302); });
    TestHttpServer server(registry.handler());

    SECTION("a manifest") {
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_success(run.result);
        CHECK(run.result.out == image.manifest);
        CHECK(cdn.requests().size() == 1);
    }
    SECTION("a config blob, with a manifest fetched by digest first") {
        auto run = run_timed({"--timeout", "5", "config", app_ref(server, "@" + image.manifest_digest)});
        check_success(run.result);
        CHECK(run.result.out == image.config);
        CHECK(cdn.requests().size() == 1);
    }
    // The registry did get the token: the CDN's clean requests are not for lack of credentials.
    CHECK(authorized_requests(server) >= 1);
    CHECK(authorized_requests(cdn) == 0);
}

TEST_CASE("C10(a): Basic credentials stay with the registry across a redirect", "[faults][C10]") {
    auto image = SampleImage::make("c10a-basic");
    TestHttpServer cdn(
        [&](const RecordedRequest &) { return content_answer(image.manifest, oci_manifest_type, false); });
    FakeRegistry registry;
    registry.basic("alice", "s3cr3t-pass").on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        return redirect_response(cdn.base_url() + "/storage/manifest", 301);
    });
    TestHttpServer server(registry.handler());

    auto run =
        run_timed({"--timeout", "5", "--username", "alice", "--password-stdin", "manifest", app_ref(server, ":1.0")},
                  "s3cr3t-pass\n");
    check_success(run.result);
    CHECK(run.result.out == image.manifest);
    CHECK(authorized_requests(server) >= 1);
    REQUIRE(cdn.requests().size() == 1);
    CHECK(authorized_requests(cdn) == 0);
}

TEST_CASE("C10(b): an https registry redirecting to http is refused", "[faults][C10]") {
    const TestPki &pki = shared_pki().pki;
    TestHttpServer plain([](const RecordedRequest &) { return content_answer("{}", oci_manifest_type, false); });
    FakeRegistry registry;
    registry.basic("alice", "s3cr3t-pass").on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        return redirect_response(plain.base_url() + "/downgraded");
    });
    TestHttpServer server(registry.handler(), pki.server_files());

    auto run = run_timed({"--timeout", "5", "--cacert", pki.ca_certificate, "--username", "alice", "--password-stdin",
                          "manifest", app_ref(server, ":1.0")},
                         "s3cr3t-pass\n");
    check_failure(run.result, 5);
    CHECK_THAT(error_line(run.result), Catch::Contains("refusing redirect from https://" + server.host()) &&
                                           Catch::Contains("to http://" + plain.host() + "/downgraded"));
    CHECK(plain.requests().empty());
}

TEST_CASE("C10(c): a public registry redirecting to a private address is refused", "[faults][C10]") {
    auto row =
        GENERATE(as<std::string>(), "http://127.0.0.1:{port}/internal", "http://localhost:{port}/internal",
                 "http://[::1]:{port}/internal", "http://0.0.0.0:{port}/internal",
                 "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/internal", "http://192.168.0.1/internal");
    TestHttpServer inside([](const RecordedRequest &) { return content_answer("{}", oci_manifest_type, false); });
    std::string target = with_port(row, inside.port());
    INFO("redirect to " << target);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0",
                [target](const RecordedRequest &, int) { return redirect_response(target); });
    // The registry answers as registry.example.com: the public name reaches it as a proxy.
    TestHttpServer proxy(registry.handler());

    auto run = run_timed({"--timeout", "5", "--plain-http", "manifest", "registry.example.com/library/app:1.0"}, {},
                         through_proxy(proxy));
    check_failure(run.result, 5);
    CHECK_THAT(error_line(run.result), Catch::Contains("refusing redirect from http://registry.example.com/") &&
                                           Catch::Contains("to private address"));
    CHECK(inside.requests().empty());
    // Only the registry request went out, none to the private target through the proxy either.
    auto requests = proxy.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].target == "http://registry.example.com" + app_manifests + "1.0");
}

TEST_CASE("C10(d): once a redirect chain leaves the registry, no later hop gets Authorization", "[faults][C10]") {
    auto image = SampleImage::make("c10d");
    TestHttpServer token(token_endpoint());
    TestHttpServer b([&](const RecordedRequest &request) {
        if (request_path(request) == "/first") return redirect_response("/second");
        return content_answer(image.manifest, oci_manifest_type, false);
    });
    FakeRegistry registry;
    registry.bearer(token.base_url() + "/token")
        .on("GET", app_manifests + "1.0",
            [&](const RecordedRequest &, int) { return redirect_response(b.base_url() + "/first"); })
        .on("GET", app_manifests + "back",
            [&](const RecordedRequest &, int) { return redirect_response(b.base_url() + "/bounce"); })
        .on(
            "GET", "/v2/library/app/returned",
            [&](const RecordedRequest &, int) { return content_answer(image.manifest, oci_manifest_type, false); },
            true);
    TestHttpServer server(registry.handler());

    SECTION("A → B → B") {
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_success(run.result);
        CHECK(run.result.out == image.manifest);
        REQUIRE(b.requests().size() == 2);
        CHECK(authorized_requests(b) == 0);
    }
    SECTION("A → B → A: coming back does not restore the header (Go CVE-2024-45336)") {
        b.set_handler(
            [&](const RecordedRequest &) { return redirect_response(server.base_url() + "/v2/library/app/returned"); });
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":back")});
        check_success(run.result);
        REQUIRE(count_requests(server, "GET", "/v2/library/app/returned") == 1);
        for (const auto &request : server.requests()) {
            if (request_path(request) == "/v2/library/app/returned") CHECK(!request.header("authorization"));
        }
        CHECK(authorized_requests(b) == 0);
    }
}

TEST_CASE("C11: more than 10 redirects end with a network error", "[faults][C11]") {
    FakeRegistry registry;
    registry
        .on("GET", app_manifests + "1.0",
            [](const RecordedRequest &, int) { return redirect_response("/loop/a", 302); })
        .on("GET", "/loop/a", [](const RecordedRequest &, int) { return redirect_response("/loop/b", 302); })
        .on("GET", "/loop/b", [](const RecordedRequest &, int) { return redirect_response("/loop/a", 302); });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    CHECK_THAT(error_line(run.result), Catch::Contains("too many redirects (10)"));
    // The request and ten hops; a redirect loop is not retried.
    CHECK(server.requests().size() == 11);
}

TEST_CASE("C12: the full Accept list goes out, identical on HEAD and GET", "[faults][C12]") {
    auto image = SampleImage::make("c12");
    std::string index = sample_index(image.manifest_digest, image.manifest.size());
    FakeRegistry registry;
    registry.image("", image);
    // Registry 2.8 refuses an OCI index to an Accept list without the OCI index type.
    registry.on("", app_manifests + "1.0", [index](const RecordedRequest &request, int) {
        if (request.header("accept").value_or("").find(oci_index_type) == std::string::npos) {
            return error_response(404, "MANIFEST_UNKNOWN",
                                  "OCI index found, but accept header does not support OCI indexes");
        }
        ScriptedResponse response = content_answer(index, oci_index_type, false);
        response.headers.emplace_back("Docker-Content-Digest", digest_of(index));
        return response;
    });
    TestHttpServer server(registry.handler());

    auto head = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
    check_success(head.result);
    CHECK_THAT(head.result.out, Catch::Contains(digest_of(index)));
    auto get = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_success(get.result);
    CHECK(get.result.out == index);

    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].method == "HEAD");
    CHECK(requests[1].method == "GET");
    std::string accept = requests[0].header("accept").value_or("");
    CHECK(requests[1].header("accept") == accept);
    for (const char *type : {"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
                             "application/vnd.docker.distribution.manifest.list.v2+json",
                             "application/vnd.docker.distribution.manifest.v2+json"}) {
        CHECK_THAT(accept, Catch::Contains(type));
    }

    SECTION("a narrower --accept meets the registry's 404 and is told why") {
        auto narrow = run_timed({"--timeout", "5", "manifest", "--accept", "docker", app_ref(server, ":1.0")});
        check_failure(narrow.result, 3);
        CHECK_THAT(error_line(narrow.result),
                   Catch::Contains("the Accept list sent does not include the OCI index type"));
    }
}

TEST_CASE("C14: TLS is verified, --cacert adds trust, --insecure is loud, nothing falls back to http",
          "[faults][C14]") {
    const TestPki &pki = shared_pki().pki;
    const std::string &dir = shared_pki().dir.path();
    auto image = SampleImage::make("c14");
    FakeRegistry registry;
    registry.image("1.0", image);

    SECTION("a certificate from an unknown CA") {
        TestHttpServer server(registry.handler(), pki.server_files());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 6);
        CHECK_THAT(error_line(run.result), Catch::Contains("TLS verification failed for " + server.host()));
        CHECK(server.requests().empty());
    }
    SECTION("--cacert trusts it") {
        TestHttpServer server(registry.handler(), pki.server_files());
        auto run = run_timed({"--timeout", "5", "--cacert", pki.ca_certificate, "manifest", app_ref(server, ":1.0")});
        check_success(run.result);
        CHECK(run.result.out == image.manifest);
    }
    SECTION("--insecure skips verification with a loud warning") {
        TestHttpServer server(registry.handler(), pki.server_files());
        auto run = run_timed({"--timeout", "5", "--insecure", "manifest", app_ref(server, ":1.0")});
        check_success(run.result, 1);
        CHECK(run.result.out == image.manifest);
        CHECK_THAT(run.result.err, Catch::StartsWith("digestx: warning: --insecure: TLS certificates and host names "
                                                     "are NOT verified"));
    }
    SECTION("a certificate for another host name") {
        TestHttpServer server(registry.handler(), issue_certificate(dir, "other", "DNS:registry.other.example", 2));
        auto run = run_timed({"--timeout", "5", "--cacert", pki.ca_certificate, "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 6);
        CHECK_THAT(error_line(run.result), Catch::Contains("TLS verification failed for " + server.host()));
        CHECK(server.requests().empty());
    }
    SECTION("an expired certificate") {
        TestHttpServer server(registry.handler(), issue_certificate(dir, "expired", "IP:127.0.0.1", -1));
        auto run = run_timed({"--timeout", "5", "--cacert", pki.ca_certificate, "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 6);
        CHECK_THAT(error_line(run.result), Catch::Contains("TLS verification failed for " + server.host()));
        CHECK(server.requests().empty());
    }
}

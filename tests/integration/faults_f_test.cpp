// Fault catalogue section F (CI verification and output hygiene), end to end: the real binary
// against a scripted registry. F1/F2 verify's verdicts and algorithms (also against the real
// registry in digest_verify_cli_test.cpp), F3 a verify that costs no Docker Hub pull, F4 the
// --verbose transcript without secrets, F5 hostile registry strings escaped on stderr.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "faults_support.hpp"

using namespace digestx::test;

TEST_CASE("F1, F2, F3: verify answers from one HEAD, in the pin's algorithm, and a drift exits 1",
          "[faults][F1][F2][F3]") {
    auto current = SampleImage::make("f-current");
    auto old = SampleImage::make("f-old");
    FakeRegistry registry;
    registry.image("1.0", current).image("", old);
    TestHttpServer server(registry.handler());
    const std::string reference = app_ref(server, ":1.0");

    SECTION("F3: a current sha256 pin costs one HEAD and no GET of a manifest") {
        auto result = run_digestx({"--timeout", "10", "verify", reference, "--digest", current.manifest_digest});
        check_success(result);
        CHECK(requests_seen(server) == std::vector<std::string>{"HEAD " + app_manifests + "1.0"});
    }
    SECTION("F1: a moved tag is a mismatch, exit 1, in text and JSON") {
        auto text = run_digestx({"--timeout", "10", "verify", reference, "--digest", old.manifest_digest});
        INFO(text.err);
        CHECK(text.exit_code == 1);
        CHECK_THAT(text.out, Catch::StartsWith("MISMATCH ") && Catch::Contains(current.manifest_digest));
        auto json =
            run_digestx({"--timeout", "10", "-o", "json", "verify", reference, "--digest", old.manifest_digest});
        CHECK(json.exit_code == 1);
        auto document = nlohmann::json::parse(json.out);
        CHECK(document["pinned"] == old.manifest_digest);
        CHECK(document["current"] == current.manifest_digest);
    }
    SECTION("F2: a sha512 pin is compared in sha512, from the body: the header is sha256") {
        std::string pin = digestx::Digest::compute(current.manifest, digestx::DigestAlgorithm::Sha512).str();
        auto result = run_digestx({"--timeout", "10", "-o", "json", "verify", reference, "--digest", pin});
        check_success(result);
        auto document = nlohmann::json::parse(result.out);
        CHECK(document["current"] == pin);
        CHECK(count_requests(server, "GET", app_manifests + "1.0") +
                  count_requests(server, "GET", app_manifests + current.manifest_digest) >=
              1);
    }
}

TEST_CASE("F4: the --verbose transcript names requests and never a secret", "[faults][F4]") {
    auto image = SampleImage::make("f4");
    const std::string token_secret = "tok-F4-s3cr3t";
    const std::string signature = "SIG-F4-s3cr3t";
    TestHttpServer cdn([&](const RecordedRequest &) { return content_answer(image.config, oci_config_type, false); });
    TestHttpServer token(token_endpoint(token_secret));
    FakeRegistry registry;
    registry.bearer(token.base_url() + "/token", token_secret)
        .image("1.0", image)
        .on("GET", app_blobs + image.config_digest, [&](const RecordedRequest &, int) {
            return redirect_response(cdn.base_url() + "/cdn/config?X-Amz-Signature=" + signature + "&x=1");
        });
    TestHttpServer server(registry.handler());

    auto result = run_digestx(
        {"--timeout", "10", "--verbose", "--username", "alice", "--password-stdin", "config", app_ref(server, ":1.0")},
        "pass-F4-s3cr3t\n");
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out == image.config);
    CHECK_THAT(result.err, Catch::Contains("> GET "));
    for (const std::string &secret : {token_secret, signature, std::string("pass-F4-s3cr3t")}) {
        INFO(secret);
        CHECK(result.err.find(secret) == std::string::npos);
    }
    CHECK(result.err.find("Bearer " + token_secret) == std::string::npos);
    CHECK(stderr_is_clean(result.err));
    // The secrets were in play: the registry got the token, the CDN the signed query.
    CHECK(authorized_requests(server) >= 1);
    REQUIRE(cdn.requests().size() == 1);
    CHECK_THAT(cdn.requests()[0].target, Catch::Contains(signature));
}

TEST_CASE("F5: registry strings with workflow commands, escapes and bidi overrides are escaped on stderr",
          "[faults][F5]") {
    const std::string hostile = "denied\n::error file=x::pwned\r\x1b]8;;http://evil\x07link\xE2\x80\xAEtxt.exe";
    FakeRegistry registry;
    registry.on("", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        auto response = error_response(403, "DENIED", hostile);
        response.headers.emplace_back("Warning", "299 - \"" + std::string("w\x1b[2Jarn\xE2\x80\xAE") + "\"");
        return response;
    });
    TestHttpServer server(registry.handler());
    auto result = run_digestx({"--timeout", "10", "manifest", app_ref(server, ":1.0")});
    INFO(result.err);
    CHECK(result.exit_code == 4);
    CHECK(result.out.empty());
    CHECK(stderr_is_clean(result.err));
    CHECK(result.err.find("\n::error") == std::string::npos);
    CHECK(result.err.find("\xE2\x80\xAE") == std::string::npos);
    CHECK_THAT(error_line(result), Catch::StartsWith("digestx: error: ") && Catch::Contains("pwned"));
}

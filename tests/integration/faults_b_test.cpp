// Fault catalogue section B (malicious or malformed manifests and blobs), end to end: the real
// binary against a scripted registry. B1 by-digest integrity, B2/B3 the Docker-Content-Digest
// header cross-check, B6 size caps enforced while receiving.

#include <catch2/catch.hpp>

#include "faults_support.hpp"

using namespace digestx::test;

namespace {

ScriptedResponse serve(const std::string &bytes, const std::string &media_type,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    ScriptedResponse response;
    response.headers = {{"Content-Type", media_type}};
    response.headers.insert(response.headers.end(), headers.begin(), headers.end());
    response.body = bytes;
    return response;
}

} // namespace

TEST_CASE("B1: a manifest fetched by digest that hashes to another digest is refused", "[faults][B1]") {
    auto wanted = SampleImage::make("wanted");
    auto served = SampleImage::make("served");
    struct Row {
        const char *name;
        std::vector<std::pair<std::string, std::string>> headers;
    };
    // The header is never trusted: claiming the requested digest does not make the bytes right.
    auto row =
        GENERATE_COPY(Row{"header claims the requested digest", {{"Docker-Content-Digest", wanted.manifest_digest}}},
                      Row{"header names the served digest", {{"Docker-Content-Digest", served.manifest_digest}}},
                      Row{"no header", {}});
    INFO(row.name);
    FakeRegistry registry;
    registry.on("GET", app_manifests + wanted.manifest_digest,
                [&](const RecordedRequest &, int) { return serve(served.manifest, oci_manifest_type, row.headers); });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, "@" + wanted.manifest_digest)});
    check_failure(run.result, 5);
    std::string line = error_line(run.result);
    CHECK_THAT(line, Catch::Contains("integrity failure: registry returned content with " + served.manifest_digest +
                                     " for requested " + wanted.manifest_digest));
    // Nothing of the wrong document reaches the user.
    CHECK(run.result.err.find("\"layers\"") == std::string::npos);
    CHECK(count_requests(server, "GET", app_manifests + wanted.manifest_digest) == 1);
}

TEST_CASE("B1: a config blob whose bytes do not hash to the manifest's config digest is refused", "[faults][B1]") {
    auto image = SampleImage::make("config-check");
    std::string forged = SampleImage::make("forged").config;
    FakeRegistry registry;
    registry.manifest("1.0", image.manifest)
        .on("GET", app_blobs + image.config_digest, [&](const RecordedRequest &, int) {
            return serve(forged, oci_config_type, {{"Docker-Content-Digest", image.config_digest}});
        });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "config", app_ref(server, ":1.0")});
    check_failure(run.result, 5);
    CHECK_THAT(error_line(run.result), Catch::Contains("integrity failure: registry returned content with " +
                                                       digest_of(forged) + " for requested " + image.config_digest));
}

TEST_CASE("B2: a tag's Docker-Content-Digest that differs from the body is a warning, an error with --strict",
          "[faults][B2]") {
    auto image = SampleImage::make("b2");
    std::string other = SampleImage::make("elsewhere").manifest_digest;
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        return serve(image.manifest, oci_manifest_type, {{"Docker-Content-Digest", other}});
    });
    TestHttpServer server(registry.handler());

    SECTION("by default the body digest is used and the header is reported") {
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_success(run.result, 1);
        CHECK(run.result.out == image.manifest);
        CHECK_THAT(run.result.err, Catch::StartsWith("digestx: warning: registry header digest " + other +
                                                     " differs from content digest " + image.manifest_digest));
    }
    SECTION("--strict makes it an integrity failure") {
        auto run = run_timed({"--timeout", "5", "--strict", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 5);
        CHECK_THAT(error_line(run.result), Catch::Contains("registry header digest " + other +
                                                           " differs from content digest " + image.manifest_digest));
        CHECK_THAT(error_line(run.result), Catch::Contains("--strict"));
    }
}

TEST_CASE("B3: a malformed Docker-Content-Digest is ignored with one warning", "[faults][B3]") {
    auto image = SampleImage::make("b3");
    std::string hex = image.manifest_digest.substr(7);
    struct Row {
        const char *name;
        std::vector<std::pair<std::string, std::string>> headers;
    };
    auto row = GENERATE_COPY(
        Row{"bare hex (Huawei, kaniko#298)", {{"Docker-Content-Digest", hex}}},
        Row{"wrong length", {{"Docker-Content-Digest", "sha256:" + hex.substr(0, 63)}}},
        Row{"uppercase hex", {{"Docker-Content-Digest", "sha256:" + std::string(64, 'A')}}},
        Row{"two header values",
            {{"Docker-Content-Digest", image.manifest_digest}, {"Docker-Content-Digest", image.manifest_digest}}},
        Row{"two values in one header",
            {{"Docker-Content-Digest", image.manifest_digest + ", " + image.manifest_digest}}},
        Row{"10 KB value", {{"Docker-Content-Digest", "sha256:" + std::string(10240, 'a')}}},
        Row{"control characters", {{"Docker-Content-Digest", "sha256:\x1b]8;;http://evil\x07" + hex}}});
    INFO(row.name);

    SECTION("GET by tag: the body digest is used") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
            return serve(image.manifest, oci_manifest_type, row.headers);
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_success(run.result, 1);
        CHECK(run.result.out == image.manifest);
        CHECK_THAT(run.result.err, Catch::StartsWith("digestx: warning: ignoring malformed Docker-Content-Digest"));
        // Sanitized and truncated: a 10 KB header does not become a 10 KB line.
        CHECK(run.result.err.size() < 1200);
    }
    SECTION("HEAD: falls back to GET and hashes the body, still one warning") {
        FakeRegistry registry;
        registry.on("", app_manifests + "1.0", [&](const RecordedRequest &, int) {
            return serve(image.manifest, oci_manifest_type, row.headers);
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
        check_success(run.result, 1);
        CHECK_THAT(run.result.out, Catch::Contains(image.manifest_digest));
        CHECK_THAT(run.result.out, Catch::Contains("computed"));
        auto requests = server.requests();
        REQUIRE(requests.size() == 2);
        CHECK(requests[0].method == "HEAD");
        CHECK(requests[1].method == "GET");
    }
}

TEST_CASE("B6: an oversized manifest is cut off at the cap, fast", "[faults][B6]") {
    auto image = SampleImage::make("b6");
    constexpr std::size_t fifty_mb = 50U << 20U;
    struct Row {
        const char *name;
        ScriptedResponse response;
    };
    ScriptedResponse declared = serve(image.manifest, oci_manifest_type);
    // Announces 50 MB and then sends only the manifest: only a Content-Length pre-check is fast.
    declared.content_length = fifty_mb;
    ScriptedResponse endless = serve(image.manifest, oci_manifest_type);
    endless.chunked = true;
    endless.endless_bytes = fifty_mb;
    endless.piece_size = 1U << 20U;
    auto row = GENERATE_COPY(Row{"Content-Length 50 MB", declared}, Row{"chunked, no end in sight", endless});
    INFO(row.name);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [row](const RecordedRequest &, int) { return row.response; });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "20", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 5);
    CHECK_THAT(error_line(run.result), Catch::Contains("exceeds 8388608-byte limit"));
    CHECK(run.seconds < 8);
    // A cap is not a transient failure: no retry.
    CHECK(count_requests(server, "GET", app_manifests + "1.0") == 1);
}

TEST_CASE("B6: a body longer than its Content-Length is read only up to it", "[faults][B6]") {
    // Content-Length 1000, then 50 MB: the client reads 1000 bytes (not a manifest) and stops.
    ScriptedResponse response;
    response.headers = {{"Content-Type", oci_manifest_type}};
    response.content_length = 1000;
    response.endless_bytes = 50U << 20U;
    response.piece_size = 1U << 20U;
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [response](const RecordedRequest &, int) { return response; });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "20", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 5);
    CHECK(run.seconds < 8);
}

TEST_CASE("B6: --max-manifest-bytes lowers the cap", "[faults][B6]") {
    auto image = SampleImage::make("b6-small-cap");
    REQUIRE(image.manifest.size() > 100);
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        // Padding after the JSON keeps it a 5000-byte document without changing its meaning.
        return serve(image.manifest + std::string(5000 - image.manifest.size(), ' '), oci_manifest_type);
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "--max-manifest-bytes", "4096", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 5);
    CHECK_THAT(error_line(run.result), Catch::Contains("exceeds 4096-byte limit"));
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "registry_test_support.hpp"

using namespace digestx;
using namespace digestx::test;
using namespace digestx::test::registry_samples;
using digestx::registry::ManifestTarget;

namespace {

ManifestTarget by_tag(std::string tag) {
    return ManifestTarget{std::move(tag), std::nullopt, {}};
}

ManifestTarget by_digest(const std::string &digest) {
    return ManifestTarget{{}, *Digest::parse(digest), {}};
}

std::size_t count_lines(const std::string &text, std::string_view part) {
    std::size_t count = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        count += line.find(part) != std::string::npos ? 1U : 0U;
    return count;
}

} // namespace

TEST_CASE("a GET by tag returns the bytes as served with their computed digest", "[registry][client]") {
    FakeTransport transport;
    std::ostringstream err;
    const std::string body = docker_manifest();
    transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v2));
    auto client = make_client_for(transport, err);
    auto fetched = client.get_manifest(repo, by_tag("1.0"));
    REQUIRE(fetched);
    CHECK(fetched->bytes == body);
    CHECK(fetched->digest == Digest::compute(body));
    CHECK(fetched->media_type == media::docker_manifest_v2);
    CHECK(fetched->note.method == FetchMethod::Get);
    CHECK(fetched->note.location == url("manifests/1.0"));
    CHECK(fetched->note.accept == media::accept_header(media::find_accept_preset("full")->types));
    CHECK(fetched->note.content_type == media::docker_manifest_v2);
    CHECK(fetched->note.header_digest == Digest::compute(body).str());
    CHECK(fetched->note.answered_by == "reg.example");
    CHECK(fetched->note.status == 200);
    CHECK(fetched->content_length == std::to_string(body.size()));
    CHECK(err.str().empty());
    auto stats = client.stats();
    CHECK(stats.requests == 1);
    CHECK(stats.manifest_gets == 1);
    CHECK(stats.manifest_heads == 0);
    CHECK(stats.bytes_received == body.size());
}

TEST_CASE("HEAD and GET send the same Accept list, the preset's (rule 12, C12)", "[registry][client]") {
    for (const auto &preset : media::accept_presets()) {
        INFO("preset " << preset.name);
        FakeTransport transport;
        std::ostringstream err;
        const std::string body = docker_manifest();
        // No Docker-Content-Digest on the HEAD: the client must GET (C2), with the same list.
        transport.on("HEAD", url("manifests/1.0"),
                     reply(200, "", {{"Content-Type", std::string(media::docker_manifest_v2)}}));
        transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v2));
        registry::ClientOptions options;
        if (preset.name != "full") options.accept = preset.types;
        auto client = make_client_for(transport, err, options);
        auto outcome = client.head_manifest(repo, by_tag("1.0"));
        REQUIRE(outcome);
        REQUIRE(transport.requests().size() == 2);
        auto head_accept = transport.requests()[0].header("Accept");
        auto get_accept = transport.requests()[1].header("Accept");
        REQUIRE(head_accept);
        CHECK(head_accept == get_accept);
        CHECK(*head_accept == media::accept_header(preset.types));
        if (preset.name == "full") {
            // Multi-platform types first, schema1 last: a registry never has to convert.
            CHECK(head_accept->rfind(std::string(media::oci_index), 0) == 0);
            CHECK_THAT(*head_accept, Catch::EndsWith(std::string(media::docker_manifest_v1)));
        }
    }
}

TEST_CASE("a target's own Accept list replaces the client's for that request and its fallback GET only",
          "[registry][client]") {
    const auto docker_v2 = media::find_accept_preset("docker-v2")->types;
    const auto full = media::find_accept_preset("full")->types;
    for (const auto &preset : media::accept_presets()) {
        INFO("target preset " << preset.name);
        FakeTransport transport;
        std::ostringstream err;
        const std::string body = docker_manifest();
        transport.on("HEAD", url("manifests/1.0"),
                     reply(200, "", {{"Content-Type", std::string(media::docker_manifest_v2)}}));
        transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v2));
        registry::ClientOptions options;
        options.accept = docker_v2;
        auto client = make_client_for(transport, err, options);
        ManifestTarget target = by_tag("1.0");
        target.accept = preset.types;
        REQUIRE(client.head_manifest(repo, target));
        REQUIRE(client.get_manifest(repo, by_tag("1.0")));
        REQUIRE(transport.requests().size() == 3);
        // The HEAD and the GET it fell back to carry the target's list; a later request the client's.
        CHECK(transport.requests()[0].header("Accept") == media::accept_header(preset.types));
        CHECK(transport.requests()[1].header("Accept") == media::accept_header(preset.types));
        CHECK(transport.requests()[2].header("Accept") == media::accept_header(docker_v2));
    }
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", url("manifests/1.0"), manifest_reply(docker_manifest(), media::docker_manifest_v2));
    auto client = make_client_for(transport, err);
    REQUIRE(client.get_manifest(repo, by_tag("1.0")));
    CHECK(transport.requests()[0].header("Accept") == media::accept_header(full));
}

TEST_CASE("the header digest is cross-checked: a warning, or an error under --strict (B2)", "[registry][client]") {
    const std::string body = docker_manifest();
    const std::string other = "sha256:" + std::string(64, 'e');
    for (bool strict : {false, true}) {
        INFO("strict " << strict);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v2, other));
        registry::ClientOptions options;
        options.strict = strict;
        auto client = make_client_for(transport, err, options);
        auto fetched = client.get_manifest(repo, by_tag("1.0"));
        std::string expected =
            "registry header digest " + other + " differs from content digest " + Digest::compute(body).str();
        if (strict) {
            REQUIRE_FALSE(fetched);
            CHECK(fetched.error().code == ErrorCode::Integrity);
            CHECK_THAT(fetched.error().describe(), Catch::Contains(expected) && Catch::Contains("--strict"));
        } else {
            REQUIRE(fetched);
            CHECK(fetched->digest == Digest::compute(body));
            CHECK(fetched->note.header_digest == other);
            CHECK(count_lines(err.str(), expected) == 1);
        }
    }
}

TEST_CASE("a header digest of another algorithm is compared in that algorithm (F2)", "[registry][client]") {
    const std::string body = docker_manifest();
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", url("manifests/1.0"),
                 manifest_reply(body, media::docker_manifest_v2, Digest::compute(body, DigestAlgorithm::Sha512).str()));
    registry::ClientOptions options;
    options.strict = true;
    auto client = make_client_for(transport, err, options);
    auto fetched = client.get_manifest(repo, by_tag("1.0"));
    REQUIRE(fetched);
    CHECK(fetched->digest == Digest::compute(body));
    CHECK(err.str().empty());
}

TEST_CASE("content fetched by digest must hash to that digest, in its algorithm (B1)", "[registry][client]") {
    const std::string body = docker_manifest();
    const std::string tampered = docker_manifest(
        R"({"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1,"digest":"sha256:)" +
        std::string(64, '1') + R"("})");
    struct Row {
        std::string pinned;
        std::string served;
        bool ok;
    };
    const std::vector<Row> rows = {
        {Digest::compute(body).str(), body, true},
        {Digest::compute(body).str(), tampered, false},
        {Digest::compute(body, DigestAlgorithm::Sha512).str(), body, true},
        {Digest::compute(body, DigestAlgorithm::Sha512).str(), tampered, false},
        // The sha256 of the right bytes is not the sha512 pin: never compared across algorithms.
        {"sha512:" + Digest::compute(body).hex() + Digest::compute(body).hex(), body, false},
    };
    for (const auto &row : rows) {
        INFO("pinned " << row.pinned.substr(0, 20) << " ok " << row.ok);
        FakeTransport transport;
        std::ostringstream err;
        // The registry even announces the pinned digest: the header must not be believed.
        transport.on("GET", url("manifests/" + row.pinned),
                     manifest_reply(row.served, media::docker_manifest_v2, row.pinned));
        auto client = make_client_for(transport, err);
        auto fetched = client.get_manifest(repo, by_digest(row.pinned));
        CHECK(fetched.has_value() == row.ok);
        if (row.ok) {
            CHECK(fetched->digest.str() == row.pinned);
        } else {
            REQUIRE_FALSE(fetched);
            CHECK(fetched.error().code == ErrorCode::Integrity);
            Digest content = Digest::compute(row.served, Digest::parse(row.pinned)->algorithm());
            CHECK_THAT(fetched.error().describe(),
                       Catch::Contains("integrity failure: registry returned content with " + content.str() +
                                       " for requested " + row.pinned));
        }
    }
}

TEST_CASE("a malformed header digest is ignored with one sanitized warning (B3)", "[registry][client]") {
    const std::string body = docker_manifest();
    const std::vector<std::string> values = {Digest::compute(body).hex(), "sha256:abc", "sha256:\x1b[31mX\nY",
                                             "sha256:" + std::string(10240, 'a'), "md5:" + std::string(32, 'c')};
    for (const auto &value : values) {
        INFO("value " << value.substr(0, 40));
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v2, value));
        transport.on("GET", url("manifests/2.0"), manifest_reply(body, media::docker_manifest_v2, value));
        registry::ClientOptions options;
        options.strict = true; // malformed is not a disagreement: even --strict ignores it
        auto client = make_client_for(transport, err, options);
        REQUIRE(client.get_manifest(repo, by_tag("1.0")));
        REQUIRE(client.get_manifest(repo, by_tag("2.0")));
        CHECK(count_lines(err.str(), "ignoring malformed Docker-Content-Digest from reg.example") == 1);
        CHECK(count_lines(err.str(), "digestx: warning:") == 1);
        CHECK(err.str().find('\x1b') == std::string::npos);
        CHECK(err.str().size() < 800);
    }
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", url("manifests/1.0"),
                 reply(200, body,
                       {{"Content-Type", std::string(media::docker_manifest_v2)},
                        {"Docker-Content-Digest", Digest::compute(body).str()},
                        {"Docker-Content-Digest", Digest::compute(body).str()}}));
    auto client = make_client_for(transport, err);
    REQUIRE(client.get_manifest(repo, by_tag("1.0")));
    CHECK_THAT(err.str(), Catch::Contains("2 Docker-Content-Digest headers"));
}

TEST_CASE("Content-Type must agree with the document (B4) and a body must not be empty (C15)", "[registry][client]") {
    struct Row {
        std::string body;
        std::string content_type;
        std::string message_part;
    };
    const std::string index = oci_index({{std::string(media::oci_manifest), Digest::compute(oci_manifest()).str(),
                                          oci_manifest().size(), "linux", "amd64"}});
    const std::vector<Row> rows = {
        {index, std::string(media::oci_manifest), "media type mismatch"},
        {index, std::string(media::docker_manifest_v2), "media type mismatch"},
        {docker_manifest(), std::string(media::docker_manifest_list), "media type mismatch"},
        {docker_manifest(), std::string(media::oci_artifact_manifest), "media type mismatch"},
        {docker_manifest(), "application/octet-stream", "media type mismatch"},
        {"", std::string(media::oci_manifest), "registry returned an empty manifest"},
        {"{\"schemaVersion\":2,", std::string(media::oci_manifest), "malformed JSON"},
    };
    for (const auto &row : rows) {
        INFO(row.content_type << " " << row.body.substr(0, 60));
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", url("manifests/1.0"), manifest_reply(row.body, row.content_type));
        auto client = make_client_for(transport, err);
        auto fetched = client.get_manifest(repo, by_tag("1.0"));
        REQUIRE_FALSE(fetched);
        CHECK(fetched.error().code == ErrorCode::Integrity);
        CHECK_THAT(fetched.error().describe(), Catch::Contains(row.message_part));
        CHECK_THAT(fetched.error().describe(), Catch::Contains("reg.example/library/app:1.0"));
    }
}

TEST_CASE("a Content-Type of the other flavour is a warning, an error under --strict (B4)", "[registry][client]") {
    // containerd reads a Docker manifest served or described as an OCI one (core/images/image.go
    // validateMediaType compares kinds only); so does digestx, saying so.
    for (bool strict : {false, true}) {
        INFO("strict " << strict);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", url("manifests/1.0"), manifest_reply(docker_manifest(), media::oci_manifest));
        registry::ClientOptions options;
        options.strict = strict;
        auto client = make_client_for(transport, err, options);
        auto fetched = client.get_manifest(repo, by_tag("1.0"));
        if (strict) {
            REQUIRE_FALSE(fetched);
            CHECK(fetched.error().code == ErrorCode::Integrity);
            CHECK_THAT(fetched.error().describe(),
                       Catch::Contains("media type mismatch: Content-Type application/vnd.oci.image.manifest.v1+json "
                                       "vs document mediaType application/vnd.docker.distribution.manifest.v2+json "
                                       "(--strict)"));
        } else {
            REQUIRE(fetched);
            CHECK(fetched->bytes == docker_manifest());
            CHECK(fetched->media_type == media::oci_manifest); // what was served, for the caller to check again
            CHECK_THAT(err.str(), Catch::StartsWith("digestx: warning: manifest reg.example/library/app:1.0: the "
                                                    "Content-Type says application/vnd.oci.image.manifest.v1+json"));
        }
    }
}

TEST_CASE("HEAD falls back to GET when it cannot give the digest (C1, C2)", "[registry][client]") {
    const std::string body = docker_manifest();
    struct Row {
        digestx::test::FakeReply head;
        std::string reason;
    };
    const std::vector<Row> rows = {
        {reply(405), "HEAD is not allowed (405)"},
        {reply(200, "", {{"Content-Type", std::string(media::docker_manifest_v2)}}), "without Docker-Content-Digest"},
        {reply(200, "", {{"Docker-Content-Digest", Digest::compute(body).hex()}}), "unusable"},
        {reply(200, "", {{"Docker-Content-Digest", Digest::compute(body).str()}}), "without Content-Length"},
    };
    for (const auto &row : rows) {
        INFO(row.reason);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("HEAD", url("manifests/1.0"), row.head);
        transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v2));
        registry::ClientOptions options;
        options.verbose = true;
        auto client = make_client_for(transport, err, options);
        auto outcome = client.head_manifest(repo, by_tag("1.0"));
        REQUIRE(outcome);
        REQUIRE(outcome->fetched);
        CHECK(outcome->fetched->digest == Digest::compute(body));
        CHECK_THAT(outcome->fallback, Catch::Contains(row.reason));
        CHECK_THAT(err.str(), Catch::Contains("counts it as a pull"));
        CHECK(client.stats().manifest_heads == 1);
        CHECK(client.stats().manifest_gets == 1);
    }
}

TEST_CASE("a HEAD with a usable digest sends nothing else", "[registry][client]") {
    const std::string digest = "sha256:" + std::string(64, 'd');
    FakeTransport transport;
    std::ostringstream err;
    transport.on("HEAD", url("manifests/1.0"),
                 reply(200, "", {{"Docker-Content-Digest", digest}, {"Content-Length", "528"}}));
    auto client = make_client_for(transport, err);
    auto outcome = client.head_manifest(repo, by_tag("1.0"));
    REQUIRE(outcome);
    CHECK(outcome->digest->str() == digest);
    CHECK_FALSE(outcome->fetched);
    CHECK(outcome->content_length == "528");
    CHECK(transport.requests().size() == 1);
    CHECK(client.stats().manifest_gets == 0);
}

TEST_CASE("a failed HEAD is explained by one GET (C3)", "[registry][client]") {
    struct Row {
        int status;
        std::string body;
        ErrorCode code;
        std::string message_part;
    };
    const std::vector<Row> rows = {
        {404, error_body("MANIFEST_UNKNOWN", "manifest unknown"), ErrorCode::NotFound,
         R"(manifest unknown: tag "1.0" not found in repository reg.example/library/app)"},
        {404, error_body("NAME_UNKNOWN", "repository name not known to registry"), ErrorCode::NotFound,
         "repository not found: reg.example/library/app"},
        {403, error_body("DENIED", "requested access to the resource is denied"), ErrorCode::Auth,
         "requested access to the resource is denied"},
        {429, error_body("TOOMANYREQUESTS", "slow down"), ErrorCode::RateLimited, "rate limited by reg.example"},
    };
    for (const auto &row : rows) {
        INFO(row.status);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("HEAD", url("manifests/1.0"), reply(row.status));
        transport.on("GET", url("manifests/1.0"), reply(row.status, row.body, {{"Content-Type", "application/json"}}));
        auto client = make_client_for(transport, err);
        auto outcome = client.head_manifest(repo, by_tag("1.0"));
        REQUIRE_FALSE(outcome);
        CHECK(outcome.error().code == row.code);
        CHECK_THAT(outcome.error().message, Catch::Contains(row.message_part));
        CHECK(transport.count("GET", url("manifests/1.0")) == 1);
    }
    // 5xx: the transport already retried; there is nothing a GET would add.
    FakeTransport transport;
    std::ostringstream err;
    transport.on("HEAD", url("manifests/1.0"), reply(503));
    auto client = make_client_for(transport, err);
    auto outcome = client.head_manifest(repo, by_tag("1.0"));
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().code == ErrorCode::Network);
    CHECK(transport.count("GET", url("manifests/1.0")) == 0);
}

TEST_CASE("after a HEAD by tag the manifest is fetched by digest, never by tag (C17)", "[registry][client]") {
    const std::string body = docker_manifest();
    const std::string digest = Digest::compute(body).str();
    const std::string moved = oci_manifest();
    for (bool tag_moved : {false, true}) {
        INFO("the registry serves other content for the announced digest: " << tag_moved);
        FakeTransport transport;
        std::ostringstream err;
        transport.on(
            "HEAD", url("manifests/1.0"),
            reply(200, "", {{"Docker-Content-Digest", digest}, {"Content-Length", std::to_string(body.size())}}));
        transport.on("GET", url("manifests/1.0"), manifest_reply(moved, media::oci_manifest));
        transport.on("GET", url("manifests/" + digest),
                     tag_moved ? manifest_reply(moved, media::oci_manifest)
                               : manifest_reply(body, media::docker_manifest_v2));
        auto client = make_client_for(transport, err);
        auto fetched = client.head_then_get(repo, by_tag("1.0"));
        CHECK(transport.count("GET", url("manifests/1.0")) == 0);
        CHECK(transport.count("GET", url("manifests/" + digest)) == 1);
        if (tag_moved) {
            REQUIRE_FALSE(fetched);
            CHECK(fetched.error().code == ErrorCode::Integrity);
        } else {
            REQUIRE(fetched);
            CHECK(fetched->bytes == body);
            CHECK(fetched->digest.str() == digest);
        }
    }
}

TEST_CASE("the OCI-index 404 is not found, flagged as an Accept problem (C12)", "[registry][client]") {
    FakeTransport transport;
    std::ostringstream err;
    transport.on(
        "GET", url("manifests/1.0"),
        reply(404, error_body("MANIFEST_UNKNOWN", "OCI index found, but accept header does not support OCI indexes"),
              {{"Content-Type", "application/json"}}));
    registry::ClientOptions options;
    options.accept = media::find_accept_preset("docker")->types;
    options.verbose = true;
    auto client = make_client_for(transport, err, options);
    auto fetched = client.get_manifest(repo, by_tag("1.0"));
    REQUIRE_FALSE(fetched);
    CHECK(fetched.error().code == ErrorCode::NotFound);
    CHECK_THAT(fetched.error().message, Catch::Contains("does not include the OCI index type"));
    CHECK_THAT(err.str(), Catch::Contains("client-side Accept problem"));
    CHECK(transport.requests().front().header("Accept") == media::accept_header(options.accept));
}

TEST_CASE("not-found variants all exit 3 with what was missing (C13)", "[registry][client]") {
    const std::string digest = "sha256:" + std::string(64, 'f');
    struct Row {
        ManifestTarget target;
        digestx::test::FakeReply answer;
        std::string message;
    };
    const std::vector<Row> rows = {
        {by_tag("nope"), reply(404, error_body("MANIFEST_UNKNOWN", "manifest unknown")),
         R"(manifest unknown: tag "nope" not found in repository reg.example/library/app)"},
        {by_digest(digest), reply(404, error_body("MANIFEST_UNKNOWN", "manifest unknown")),
         "manifest unknown: " + digest + " not found in repository reg.example/library/app"},
        {by_tag("nope"), reply(404, error_body("NAME_UNKNOWN", "repository name not known to registry")),
         "repository not found: reg.example/library/app"},
        {by_tag("nope"), reply(404), R"(manifest unknown: tag "nope" not found)"},
    };
    for (const auto &row : rows) {
        INFO(row.message);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", url("manifests/" + row.target.str()), row.answer);
        auto client = make_client_for(transport, err);
        auto fetched = client.get_manifest(repo, row.target);
        REQUIRE_FALSE(fetched);
        CHECK(fetched.error().code == ErrorCode::NotFound);
        CHECK(exit_code(fetched.error().code) == 3);
        CHECK_THAT(fetched.error().message, Catch::StartsWith(row.message));
    }
}

TEST_CASE("registry Warning headers are shown, bounded and sanitized, never fatal (C16)", "[registry][client]") {
    const std::string body = docker_manifest();
    FakeTransport transport;
    std::ostringstream err;
    auto answer = manifest_reply(body, media::docker_manifest_v2);
    answer.headers.emplace_back("Warning", R"(299 - "this repository is deprecated")");
    answer.headers.emplace_back("Warning", "299 - \"\x1b[2Jclear\\nscreen\"");
    for (int i = 0; i < 20; ++i)
        answer.headers.emplace_back("Warning", "299 - \"" + std::to_string(i) + std::string(1000, 'w') + "\"");
    transport.on("GET", url("manifests/1.0"), answer);
    transport.on("GET", url("manifests/2.0"), answer);
    auto client = make_client_for(transport, err);
    REQUIRE(client.get_manifest(repo, by_tag("1.0")));
    REQUIRE(client.get_manifest(repo, by_tag("2.0")));
    const std::string text = err.str();
    CHECK(count_lines(text, "registry reg.example: this repository is deprecated") == 1);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(std::count(text.begin(), text.end(), 'w') <= 4096);
    CHECK(std::count(text.begin(), text.end(), 'w') >= 3000);
    CHECK(count_lines(text, "further registry warnings not shown") == 1);
}

TEST_CASE("a redirected blob is verified and recorded with the host that answered", "[registry][client]") {
    FakeTransport transport;
    std::ostringstream err;
    const std::string digest = config_digest();
    transport.on("GET", url("blobs/" + digest), redirect_reply(307, "https://cdn.example/blob?sig=secret"));
    transport.on("GET", "https://cdn.example/blob?sig=secret",
                 reply(200, config_bytes, {{"Content-Type", "application/octet-stream"}}));
    auto client = make_client_for(transport, err);
    auto blob = client.get_blob(repo, *Digest::parse(digest));
    REQUIRE(blob);
    CHECK(blob->bytes == config_bytes);
    CHECK(blob->note.answered_by == "cdn.example");
    CHECK(blob->note.location == url("blobs/" + digest));
    CHECK(client.stats().blob_gets == 1);

    FakeTransport wrong;
    wrong.on("GET", url("blobs/" + digest), reply(200, config_bytes + " "));
    auto other = make_client_for(wrong, err);
    auto bad = other.get_blob(repo, *Digest::parse(digest));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::Integrity);
    CHECK_THAT(bad.error().describe(), Catch::Contains("for requested " + digest));

    FakeTransport empty;
    empty.on("GET", url("blobs/" + digest), reply(200, ""));
    auto third = make_client_for(empty, err);
    auto nothing = third.get_blob(repo, *Digest::parse(digest));
    REQUIRE_FALSE(nothing);
    CHECK_THAT(nothing.error().describe(), Catch::Contains("empty blob"));
}

TEST_CASE("fetch_by_digest sends manifests and blobs in one batch, each verified", "[registry][client]") {
    FakeTransport transport;
    std::ostringstream err;
    const std::string docker = docker_manifest();
    const std::string oci = oci_manifest();
    const std::string docker_digest = Digest::compute(docker).str();
    const std::string oci_digest = Digest::compute(oci).str();
    transport.on("GET", url("manifests/" + docker_digest), manifest_reply(docker, media::docker_manifest_v2));
    transport.on("GET", url("manifests/" + oci_digest), manifest_reply(oci, media::oci_manifest));
    transport.on("GET", url("blobs/" + config_digest()), reply(200, config_bytes));
    auto client = make_client_for(transport, err);
    using Kind = FetchItem::Kind;
    auto results = client.fetch_by_digest(
        repo, {{Kind::Manifest, *Digest::parse(docker_digest), std::string(media::docker_manifest_v2), std::nullopt},
               {Kind::Manifest, *Digest::parse(oci_digest), std::string(media::docker_manifest_v2), std::nullopt},
               {Kind::Blob, *Digest::parse(config_digest()), std::string(media::docker_config), std::nullopt},
               {Kind::Manifest, *Digest::parse(oci_digest), std::string(media::oci_index), std::nullopt}});
    CHECK(transport.batches() == 1);
    REQUIRE(results.size() == 4);
    REQUIRE(results[0]);
    CHECK(results[0]->bytes == docker);
    // The descriptor said Docker v2, the registry served OCI: both image manifests, read with a warning.
    REQUIRE(results[1]);
    CHECK_THAT(err.str(), Catch::Contains("the descriptor says application/vnd.docker.distribution.manifest.v2+json"));
    REQUIRE(results[2]);
    CHECK(results[2]->bytes == config_bytes);
    // Rule 3: the descriptor said index, the registry served a manifest (CVE-2021-41190).
    REQUIRE_FALSE(results[3]);
    CHECK(results[3].error().code == ErrorCode::Integrity);
    CHECK_THAT(results[3].error().message,
               Catch::Contains("media type mismatch: descriptor application/vnd.oci.image.index.v1+json vs document "
                               "mediaType application/vnd.oci.image.manifest.v1+json"));
    CHECK(client.stats().manifest_gets == 3);
    CHECK(client.stats().blob_gets == 1);

    registry::ClientOptions strict;
    strict.strict = true;
    auto strict_client = make_client_for(transport, err, strict);
    auto refused = strict_client.fetch_by_digest(
        repo, {{Kind::Manifest, *Digest::parse(oci_digest), std::string(media::docker_manifest_v2), std::nullopt}});
    REQUIRE_FALSE(refused.front());
    CHECK_THAT(refused.front().error().message, Catch::EndsWith("(--strict)"));
}

TEST_CASE("bodies over the cap are refused, not buffered", "[registry][client]") {
    FakeTransport transport;
    std::ostringstream err;
    auto huge = manifest_reply(docker_manifest(), media::docker_manifest_v2);
    huge.extra_body_bytes = 1 << 20;
    transport.on("GET", url("manifests/1.0"), huge);
    registry::ClientOptions options;
    options.max_manifest_bytes = 64 * 1024;
    auto client = make_client_for(transport, err, options);
    auto fetched = client.get_manifest(repo, by_tag("1.0"));
    REQUIRE_FALSE(fetched);
    CHECK(fetched.error().code == ErrorCode::Integrity);
    CHECK(transport.requests().front().request.max_body_bytes == 64 * 1024);
}

TEST_CASE("rate-limit headers are kept in the stats", "[registry][client]") {
    FakeTransport transport;
    std::ostringstream err;
    auto answer = manifest_reply(docker_manifest(), media::docker_manifest_v2);
    answer.headers.emplace_back("RateLimit-Limit", "100;w=21600");
    answer.headers.emplace_back("RateLimit-Remaining", "76;w=21600\x1b[0m");
    transport.on("GET", url("manifests/1.0"), answer);
    auto client = make_client_for(transport, err);
    REQUIRE(client.get_manifest(repo, by_tag("1.0")));
    CHECK(client.stats().ratelimit_limit == "100;w=21600");
    REQUIRE(client.stats().ratelimit_remaining);
    CHECK(client.stats().ratelimit_remaining->find('\x1b') == std::string::npos);
}

TEST_CASE("schema1 answers are read, with their payload digest and a warning (B15)", "[registry][client]") {
    const std::string body = R"({"schemaVersion":1,"name":"library/app","tag":"1.0","architecture":"amd64",)"
                             R"("fsLayers":[{"blobSum":"sha256:)" +
                             std::string(64, 'a') +
                             R"("}],)"
                             R"("history":[{"v1Compatibility":"{}"}]})";
    for (bool full : {true, false}) {
        INFO("full Accept list " << full);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", url("manifests/1.0"), manifest_reply(body, media::docker_manifest_v1));
        registry::ClientOptions options;
        options.verbose = true;
        if (!full) options.accept = media::find_accept_preset("schema1")->types;
        auto client = make_client_for(transport, err, options);
        auto fetched = client.get_manifest(repo, by_tag("1.0"));
        REQUIRE(fetched);
        CHECK(fetched->digest == Digest::compute(body));
        CHECK_THAT(err.str(), Catch::Contains("legacy schema1 manifest"));
        CHECK((err.str().find("digestx: warning:") != std::string::npos) == full);
    }
}

TEST_CASE("a transport that answers fewer requests than it was sent fails them, never indexes past the end",
          "[registry]") {
    // A broken transport (or authenticator) must not make the client read past its answers.
    class ShortTransport final : public net::Transport {
    public:
        std::vector<Result<net::HttpResponse>> perform(const std::vector<net::HttpRequest> &batch) override {
            std::vector<Result<net::HttpResponse>> answers;
            if (batch.size() > 1) answers.emplace_back(fail(ErrorCode::Network, "only the first"));
            return answers;
        }
    };
    registry::RegistryClient client(std::make_shared<ShortTransport>(), endpoint, std::nullopt, {});
    auto one = client.get_manifest(repo, by_tag("1.0"));
    REQUIRE_FALSE(one);
    CHECK(one.error().code == ErrorCode::Internal);
    using Kind = FetchItem::Kind;
    auto many = client.fetch_by_digest(repo, {{Kind::Blob, Digest::compute("a"), "", std::nullopt},
                                              {Kind::Blob, Digest::compute("b"), "", std::nullopt}});
    REQUIRE(many.size() == 2);
    CHECK(many[0].error().code == ErrorCode::Network);
    CHECK(many[1].error().code == ErrorCode::Internal);
}

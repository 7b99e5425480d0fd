// The OCI artifact manifest (`application/vnd.oci.artifact.manifest.v1+json`): defined by
// image-spec v1.1.0-rc1/-rc2 (artifact.md), removed before v1.1.0, pushed by ORAS 1.0 release
// candidates (`oras push --image-spec v1.1-artifact`). The real registry of the test bed refuses to
// store one, so digestx reads it here from an OCI layout and from a scripted registry, wherever a
// manifest can appear: as what a tag names, as an index entry and as a referrer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults_support.hpp"
#include "support/fixtures.hpp"
#include "support/inspect_schema.hpp"

using nlohmann::json;
using namespace digestx::test;

namespace {

const std::string artifact_type = "application/vnd.oci.artifact.manifest.v1+json";
const std::string image_type = "application/vnd.oci.image.manifest.v1+json";
const std::string index_type = "application/vnd.oci.image.index.v1+json";

// One image, an SBOM artifact manifest about it, and an index listing both; every document
// carries the synthetic marker.
struct ArtifactSet {
    std::string config;
    std::string layer;
    std::string sbom;
    std::string image;
    std::string artifact;
    std::string index;

    ArtifactSet() {
        config = json{{"architecture", "amd64"},
                      {"os", "linux"},
                      {"rootfs", {{"type", "layers"}, {"diff_ids", {digest_of("artifact test diff")}}}},
                      {"config", {{"Labels", {{"org.digestx.test", std::string(synthetic_marker)}}}}}}
                     .dump();
        layer = std::string(synthetic_marker) + " artifact test layer";
        sbom = R"({"spdxVersion":"SPDX-2.3","name":")" + std::string(synthetic_marker) + R"("})";
        image = json{{"schemaVersion", 2},
                     {"mediaType", image_type},
                     {"config",
                      {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                       {"digest", digest_of(config)},
                       {"size", config.size()}}},
                     {"layers",
                      {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                        {"digest", digest_of(layer)},
                        {"size", layer.size()}}}}}
                    .dump();
        // image-spec v1.1.0-rc2 artifact.md: no schemaVersion, no config.
        artifact =
            json{{"mediaType", artifact_type},
                 {"artifactType", "application/spdx+json"},
                 {"blobs",
                  {{{"mediaType", "application/spdx+json"}, {"digest", digest_of(sbom)}, {"size", sbom.size()}}}},
                 {"subject", {{"mediaType", image_type}, {"digest", digest_of(image)}, {"size", image.size()}}},
                 {"annotations", {{"org.opencontainers.image.description", std::string(synthetic_marker)}}}}
                .dump();
        index = json{{"schemaVersion", 2},
                     {"mediaType", index_type},
                     {"manifests",
                      {{{"mediaType", image_type},
                        {"digest", digest_of(image)},
                        {"size", image.size()},
                        {"platform", {{"architecture", "amd64"}, {"os", "linux"}}}},
                       {{"mediaType", artifact_type},
                        {"digest", digest_of(artifact)},
                        {"size", artifact.size()},
                        {"artifactType", "application/spdx+json"}}}}}
                    .dump();
    }

    // An OCI layout with the three documents tagged image, sbom and index.
    void write_layout(const std::string &directory) const {
        std::filesystem::create_directories(directory + "/blobs/sha256");
        for (const auto *bytes : {&config, &layer, &sbom, &image, &artifact, &index}) {
            std::ofstream(directory + "/blobs/sha256/" + digest_of(*bytes).substr(7), std::ios::binary) << *bytes;
        }
        json entries = json::array();
        for (const auto &[tag, bytes, type] :
             {std::tuple{"image", &image, image_type}, std::tuple{"sbom", &artifact, artifact_type},
              std::tuple{"index", &index, index_type}}) {
            entries.push_back({{"mediaType", type},
                               {"digest", digest_of(*bytes)},
                               {"size", bytes->size()},
                               {"annotations", {{"org.opencontainers.image.ref.name", tag}}}});
        }
        std::ofstream(directory + "/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
        std::ofstream(directory + "/index.json") << json{{"schemaVersion", 2}, {"manifests", entries}}.dump();
    }
};

const json *child_with_digest(const json &node, const std::string &digest) {
    for (const auto &child : node["children"]) {
        if (child["digest"] == digest) return &child;
    }
    return nullptr;
}

} // namespace

TEST_CASE("registry 2.8 refuses to store an OCI artifact manifest", "[artifact][bed]") {
    // distribution v2.8.2 manifests.go UnmarshalManifest: a type without a registered handler
    // falls back to the schema1 one (manifest/schema1 registers ""), which finds no signatures,
    // so the PUT is 400 MANIFEST_INVALID. The artifact manifest is tested through a layout below.
    ArtifactSet set;
    auto bed = fresh_bed(BedMode::Open, false);
    const std::string repository = "artifacts/app";
    std::vector<FixtureBlob> blobs;
    for (const auto *bytes : {&set.config, &set.layer, &set.sbom})
        blobs.push_back(FixtureBlob{repository, "application/octet-stream", digest_of(*bytes), *bytes});
    FixtureManifest image;
    image.repository = repository;
    image.tags = {"image"};
    image.media_type = image_type;
    image.digest = digest_of(set.image);
    image.bytes = set.image;
    push_documents(*bed, blobs, {image});
    FixtureManifest artifact = image;
    artifact.tags = {"sbom"};
    artifact.media_type = artifact_type;
    artifact.digest = digest_of(set.artifact);
    artifact.bytes = set.artifact;
    std::string refusal;
    try {
        push_documents(*bed, {}, {artifact});
    } catch (const std::runtime_error &error) {
        refusal = error.what();
    }
    INFO(refusal);
    CHECK_THAT(refusal, Catch::Contains("got 400") && Catch::Contains("MANIFEST_INVALID"));
    auto absent = run_digestx({"inspect", bed->reference(repository + ":sbom")});
    CHECK(absent.exit_code == 3);
    auto present = run_digestx({"inspect", bed->reference(repository + ":image")});
    CHECK(present.exit_code == 0);
}

TEST_CASE("inspect reads an OCI artifact manifest from a layout as a tag, an index entry and a referrer",
          "[artifact][inspect]") {
    ArtifactSet set;
    TempDir dir;
    set.write_layout(dir.path() + "/layout");
    const std::string layout = "oci:" + dir.path() + "/layout";
    const std::string artifact_digest = digest_of(set.artifact);

    SECTION("a tag naming it") {
        auto text = run_digestx({"inspect", layout + ":sbom"});
        INFO(text.out << text.err);
        CHECK(text.exit_code == 0);
        CHECK(text.err.empty());
        CHECK_THAT(text.out, Catch::Contains("artifact manifest  " + artifact_digest.substr(7, 12) +
                                             "  oci-artifact-manifest  " + std::to_string(set.artifact.size()) + " B"));
        CHECK_THAT(text.out, Catch::Contains("an OCI artifact of type application/spdx+json, not a runnable image"));
        auto as_json = run_digestx({"inspect", "-o", "json", layout + ":sbom"});
        REQUIRE(as_json.exit_code == 0);
        json tree = json::parse(as_json.out);
        CHECK(tree["root"]["digest"] == artifact_digest);
        CHECK(tree["root"]["mediaType"] == artifact_type);
        CHECK(tree["root"]["role"] == "artifact");
        CHECK(tree["root"]["artifactType"] == "application/spdx+json");
        REQUIRE(tree["root"]["layers"].size() == 1); // its blobs, listed as an artifact's layers are
        CHECK(tree["root"]["layers"][0]["digest"] == digest_of(set.sbom));
        CHECK(tree["root"]["children"].empty());
        CHECK(tree["findings"].empty());
        CHECK(check_inspect_schema(tree).empty());

        auto digest = run_digestx({"digest", layout + ":sbom"});
        CHECK(digest.out == artifact_digest + "\n");
        auto manifest = run_digestx({"manifest", layout + ":sbom"});
        CHECK(manifest.out == set.artifact);
        // An artifact is never a platform, and it has no config.
        auto platform = run_digestx({"digest", "--platform", "linux/amd64", layout + ":sbom"});
        CHECK(platform.exit_code == 3);
        CHECK_THAT(platform.err, Catch::Contains("is not an image (it has no platform)"));
        auto config = run_digestx({"config", layout + ":sbom"});
        CHECK(config.exit_code == 3);
        CHECK_THAT(config.err, Catch::Contains("has no config"));
    }
    SECTION("an index entry, which --platform passes over") {
        auto as_json = run_digestx({"inspect", "-o", "json", layout + ":index"});
        INFO(as_json.err);
        REQUIRE(as_json.exit_code == 0);
        json tree = json::parse(as_json.out);
        const json *entry = child_with_digest(tree["root"], artifact_digest);
        REQUIRE(entry != nullptr);
        CHECK((*entry)["role"] == "artifact");
        CHECK((*entry)["title"] == "artifact manifest");
        CHECK((*entry)["error"].is_null());
        CHECK((*entry)["skipped"].is_null());
        CHECK(check_inspect_schema(tree).empty());
        auto pulled = run_digestx({"digest", "--platform", "linux/amd64", layout + ":index"});
        CHECK(pulled.out == digest_of(set.image) + "\n");
    }
    SECTION("a referrer of the image it names as subject") {
        auto as_json = run_digestx({"inspect", "--referrers", "-o", "json", layout + ":image"});
        INFO(as_json.err);
        REQUIRE(as_json.exit_code == 0);
        json tree = json::parse(as_json.out);
        const json *referrer = child_with_digest(tree["root"], artifact_digest);
        REQUIRE(referrer != nullptr);
        CHECK((*referrer)["role"] == "referrer");
        CHECK((*referrer)["title"] == "SBOM referrer");
        CHECK((*referrer)["artifactType"] == "application/spdx+json");
        CHECK((*referrer)["referrersVia"] == "oci-layout");
    }
}

TEST_CASE("a registry tag naming an OCI artifact manifest is read, as containerd reads it", "[artifact][registry]") {
    // containerd resolves with `Accept: …, */*` and takes what the registry serves; a registry that
    // stores artifact manifests (zot, for one) serves them with their own Content-Type.
    ArtifactSet set;
    FakeRegistry registry;
    registry.manifest("sbom", set.artifact, artifact_type);
    TestHttpServer server(registry.handler());
    auto run = run_timed({"--timeout", "5", "inspect", "-o", "json", app_ref(server, ":sbom")});
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    json tree = json::parse(run.result.out);
    CHECK(tree["root"]["digest"] == digest_of(set.artifact));
    CHECK(tree["root"]["role"] == "artifact");
    CHECK(tree["root"]["fetch"]["contentType"] == artifact_type);
    auto digest = run_timed({"--timeout", "5", "digest", app_ref(server, ":sbom")});
    CHECK(digest.result.out == digest_of(set.artifact) + "\n");
}

// A descriptor whose size disagrees with the content it names: image-spec descriptor.md says
// such content SHOULD NOT be trusted, so that node fails with exit 5 (fault catalogue B16), and
// `inspect` still prints the rest of the graph, which remains true. Registry 2.8 stores such a
// manifest (its ocischemaManifestHandler.verifyManifest only Stats the blobs, v2.8.2), so the
// case is tested against it and against the same documents in a layout.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/fake_registry.hpp"
#include "support/fixtures.hpp"
#include "support/http_server.hpp"
#include "support/inspect_schema.hpp"
#include "support/process.hpp"

using nlohmann::json;
using namespace digestx::test;

namespace {

const std::string repository = "partial/app";
const std::string index_type = "application/vnd.oci.image.index.v1+json";
const std::string image_type = "application/vnd.oci.image.manifest.v1+json";

// Two images in an index; the arm64 manifest gives its config one byte more than it has.
struct Documents {
    std::vector<FixtureBlob> blobs;
    std::vector<FixtureManifest> manifests;
    std::string good_config;
    std::string bad_config;

    Documents() {
        good_config = image("amd64", 0);
        bad_config = image("arm64", 1);
        json index{{"schemaVersion", 2}, {"mediaType", index_type}, {"manifests", json::array()}};
        for (const auto &[manifest, arch] : {std::pair{&manifests[0], "amd64"}, std::pair{&manifests[1], "arm64"}}) {
            index["manifests"].push_back({{"mediaType", image_type},
                                          {"digest", manifest->digest},
                                          {"size", manifest->size()},
                                          {"platform", {{"architecture", arch}, {"os", "linux"}}}});
        }
        manifests.push_back(manifest(index_type, index.dump(), {"1"}));
    }

    // Adds an image's config, layer and manifest; returns the config digest.
    std::string image(const std::string &arch, std::size_t extra_size) {
        std::string layer = std::string(synthetic_marker) + " partial layer " + arch;
        std::string config = json{{"architecture", arch},
                                  {"os", "linux"},
                                  {"rootfs", {{"type", "layers"}, {"diff_ids", {digest_of(layer + " tar")}}}},
                                  {"config", {{"Labels", {{"org.digestx.test", std::string(synthetic_marker)}}}}}}
                                 .dump();
        blobs.push_back({repository, "application/vnd.oci.image.config.v1+json", digest_of(config), config});
        blobs.push_back({repository, "application/vnd.oci.image.layer.v1.tar+gzip", digest_of(layer), layer});
        json body{{"schemaVersion", 2},
                  {"mediaType", image_type},
                  {"config",
                   {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                    {"digest", digest_of(config)},
                    {"size", config.size() + extra_size}}},
                  {"layers",
                   {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                     {"digest", digest_of(layer)},
                     {"size", layer.size()}}}}};
        manifests.push_back(manifest(image_type, body.dump(), {}));
        return digest_of(config);
    }

    static FixtureManifest manifest(const std::string &type, const std::string &bytes, std::vector<std::string> tags) {
        FixtureManifest out;
        out.repository = repository;
        out.tags = std::move(tags);
        out.media_type = type;
        out.digest = digest_of(bytes);
        out.bytes = bytes;
        return out;
    }

    void write_layout(const std::string &directory) const {
        std::filesystem::create_directories(directory + "/blobs/sha256");
        for (const auto &blob : blobs)
            std::ofstream(directory + "/blobs/sha256/" + blob.digest.substr(7), std::ios::binary) << blob.bytes;
        for (const auto &manifest : manifests)
            std::ofstream(directory + "/blobs/sha256/" + manifest.digest.substr(7), std::ios::binary) << manifest.bytes;
        const FixtureManifest &top = manifests.back();
        json index{{"schemaVersion", 2},
                   {"manifests",
                    {{{"mediaType", top.media_type},
                      {"digest", top.digest},
                      {"size", top.size()},
                      {"annotations", {{"org.opencontainers.image.ref.name", "1"}}}}}}};
        std::ofstream(directory + "/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
        std::ofstream(directory + "/index.json") << index.dump();
    }
};

void check_partial_tree(const std::string &reference, const Documents &docs) {
    INFO(reference);
    std::string size_error = "size " + std::to_string(docs.blobs[2].bytes.size()) + " differs from descriptor size " +
                             std::to_string(docs.blobs[2].bytes.size() + 1);
    auto text = run_digestx({"inspect", "--explain", reference});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 5);
    // The whole graph is printed: the index, both platform manifests, the good config, and the
    // failed one with its cause.
    CHECK_THAT(text.out, Catch::Contains("image index  " + docs.manifests[2].digest.substr(7, 12)));
    CHECK_THAT(text.out, Catch::Contains("linux/amd64 manifest  " + docs.manifests[0].digest.substr(7, 12)));
    CHECK_THAT(text.out, Catch::Contains("linux/arm64 manifest  " + docs.manifests[1].digest.substr(7, 12)));
    CHECK_THAT(text.out, Catch::Contains("image config  " + docs.good_config.substr(7, 12)));
    CHECK_THAT(text.out, Catch::Contains("error (integrity, exit 5): " + size_error));
    CHECK(text.err == "digestx: error: 1 of 5 documents could not be read; the worst: " + size_error + "\n");

    auto as_json = run_digestx({"inspect", "-o", "json", reference});
    CHECK(as_json.exit_code == 5);
    json tree = json::parse(as_json.out);
    CHECK(check_inspect_schema(tree).empty());
    REQUIRE(tree["root"]["children"].size() == 2);
    const json &amd64 = tree["root"]["children"][0];
    const json &arm64 = tree["root"]["children"][1];
    CHECK(amd64["children"][0]["imageId"] == docs.good_config);
    CHECK(amd64["children"][0]["error"].is_null());
    CHECK(arm64["error"].is_null());
    CHECK(arm64["children"][0]["digest"] == docs.bad_config);
    CHECK(arm64["children"][0]["error"]["code"] == "integrity");
    CHECK(arm64["children"][0]["error"]["message"] == size_error);
}

} // namespace

TEST_CASE("a config whose size disagrees with its descriptor fails alone, and the rest of the tree is printed",
          "[inspect][B16][bed]") {
    Documents docs;
    auto bed = fresh_bed(BedMode::Open, false);
    push_documents(*bed, docs.blobs, docs.manifests); // the registry does not compare sizes
    check_partial_tree(bed->reference(repository + ":1"), docs);
    TempDir dir;
    docs.write_layout(dir.path() + "/layout");
    check_partial_tree("oci:" + dir.path() + "/layout:1", docs);
}

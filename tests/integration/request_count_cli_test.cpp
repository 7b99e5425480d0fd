// How many requests digestx sends to the real docker-registry 2.8 for a buildx-style index: each
// is a round trip, and on Docker Hub a manifest GET counts against the pull limit. Counted by the
// binary's request record (its JSON `requests`), which every transport request passes through.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry_cli_support.hpp"

using namespace digestx::test;

namespace {

// Every node of an inspect document, depth first.
void collect(const nlohmann::json &node, std::vector<const nlohmann::json *> &out) {
    out.push_back(&node);
    for (const auto &child : node["children"])
        collect(child, out);
}

} // namespace

TEST_CASE("inspect reads the configs of images, not those of attestations", "[registry][cli][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    // --plain-http: without it a loopback registry is tried over TLS first, one request more.
    auto result = run_digestx({"--plain-http", "inspect", "-o", "json", bed.reference("org/team/app:1.0")});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto document = nlohmann::json::parse(result.out);
    const auto &requests = document["requests"];
    // The index, its 16 manifests and the 8 image configs: 25, not 33.
    CHECK(requests["manifestGets"] == 1 + catalog.app_images.size() + catalog.app_attestations.size());
    CHECK(requests["blobGets"] == catalog.app_images.size());
    CHECK(requests["total"] == 1 + catalog.app_images.size() * 2 + catalog.app_attestations.size());

    std::vector<const nlohmann::json *> nodes;
    collect(document["root"], nodes);
    std::size_t image_configs = 0;
    std::size_t attestation_configs = 0;
    for (const auto *node : nodes) {
        if ((*node)["role"] == "image-config") {
            ++image_configs;
            CHECK((*node)["fetch"]["status"] == 200);
            CHECK((*node)["skipped"].is_null());
        }
        if ((*node)["title"] == "attestation config") {
            ++attestation_configs;
            // Its digest is the manifest's to show; its content is not read.
            CHECK((*node)["fetch"].is_null());
            CHECK((*node)["skipped"] == "attestation config not needed");
        }
    }
    CHECK(image_configs == catalog.app_images.size());
    CHECK(attestation_configs == catalog.app_attestations.size());
}

TEST_CASE("which still finds an attestation's config and the diff_id only that config lists", "[registry][cli][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const std::string app = bed.reference("org/team/app:1.0");
    const FixtureManifest &attestation = catalog.app_attestations[1];

    auto config = run_digestx({"-o", "json", "which", attestation.config_digest, app});
    INFO(config.err);
    REQUIRE(config.exit_code == 0);
    auto document = nlohmann::json::parse(config.out);
    const auto &place = document["images"][0]["places"][0];
    CHECK(place["kind"] == "document");
    CHECK(place["title"] == "attestation config of the attestation manifest");

    // An in-toto layer is stored uncompressed, so its diff_id is its digest: the layer place is
    // found from the manifest, the diff_id place only from the config.
    REQUIRE(!attestation.diff_ids.empty());
    auto diff_id = run_digestx({"-o", "json", "which", attestation.diff_ids[0], app});
    INFO(diff_id.err);
    REQUIRE(diff_id.exit_code == 0);
    std::vector<std::string> kinds;
    auto places = nlohmann::json::parse(diff_id.out)["images"][0]["places"];
    for (const auto &found : places)
        kinds.push_back(found["kind"].get<std::string>());
    CHECK(kinds == std::vector<std::string>{"layer", "diff-id"});
}

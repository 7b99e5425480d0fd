// `digestx inspect` reading from real docker-registry 2.8 instances through the registry source.

#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "registry_cli_support.hpp"

using namespace digestx::test;

namespace {

const std::string amd64_digest = "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18";
const std::string amd64_config = "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507";

const nlohmann::json *child_with_digest(const nlohmann::json &node, const std::string &digest) {
    for (const auto &child : node["children"]) {
        if (child["digest"] == digest) return &child;
    }
    return nullptr;
}

} // namespace

TEST_CASE("inspect explains the alpine list from the registry in every auth mode", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    for (BedMode mode : all_bed_modes) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(
            bed, {"inspect", "-o", "json", "--platform", "linux/amd64", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto document = nlohmann::json::parse(result.out);
        const auto &root = document["root"];
        CHECK(root["digest"] == catalog.alpine_list.digest);
        CHECK(root["fetch"]["method"] == "GET");
        CHECK(root["fetch"]["answeredBy"] == bed.host());
        CHECK(root["fetch"]["headerDigest"] == catalog.alpine_list.digest);
        CHECK(document["selected"] == amd64_digest);
        const nlohmann::json *amd64 = child_with_digest(root, amd64_digest);
        REQUIRE(amd64 != nullptr);
        CHECK((*amd64)["fetch"]["location"].get<std::string>().find("/manifests/" + amd64_digest) != std::string::npos);
        const nlohmann::json *config = child_with_digest(*amd64, amd64_config);
        REQUIRE(config != nullptr);
        CHECK((*config)["fetch"]["location"].get<std::string>().find("/blobs/" + amd64_config) != std::string::npos);
        const auto &requests = document["requests"];
        CHECK(requests["manifestGets"] == 2);
        CHECK(requests["manifestHeads"] == 0);
        CHECK(requests["blobGets"] == 1);
    }
}

TEST_CASE("inspect of the whole list reads every platform by digest", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    RegistryBed &bed = shared_bed(BedMode::Open);
    auto result = run_digestx({"inspect", "-o", "json", bed.reference("library/alpine:3.12")});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto document = nlohmann::json::parse(result.out);
    CHECK(document["root"]["children"].size() == catalog.alpine_platforms.size());
    for (const auto &platform : catalog.alpine_platforms) {
        INFO(platform.platform);
        const nlohmann::json *node = child_with_digest(document["root"], platform.digest);
        REQUIRE(node != nullptr);
        CHECK((*node)["error"].is_null());
        CHECK(child_with_digest(*node, platform.config_digest) != nullptr);
    }
    CHECK(document["requests"]["manifestGets"] == 1 + catalog.alpine_platforms.size());

    auto missing = run_digestx({"inspect", bed.reference("library/alpine:9.99")});
    CHECK(missing.exit_code == 3);
    CHECK(missing.out.empty());
}

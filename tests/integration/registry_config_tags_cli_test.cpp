// `digestx config` and `digestx tags` as real processes against real docker-registry 2.8.

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "registry_cli_support.hpp"

using namespace digestx::test;

namespace {

const std::string amd64_config = "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507";

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

const FixtureBlob &blob(const std::string &digest) {
    for (const auto &item : fixture_catalog().blobs) {
        if (item.digest == digest) return item;
    }
    throw std::runtime_error("no fixture blob " + digest);
}

} // namespace

TEST_CASE("config --platform linux/amd64 prints the real alpine config in every auth mode", "[registry][cli][bed]") {
    for (BedMode mode : all_bed_modes) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(bed, {"config", "--platform", "linux/amd64", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(sha256_of(result.out) == amd64_config);
        CHECK(result.out == blob(amd64_config).bytes);
    }
}

TEST_CASE("config picks the platform's entry, or says which platforms exist", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    RegistryBed &bed = shared_bed(BedMode::Open);
    SECTION("each platform of the synthetic app index") {
        for (const auto &image : catalog.app_images) {
            INFO(image.platform);
            auto result = run_digestx({"config", "--platform", image.platform, bed.reference("org/team/app:1.0")});
            INFO(result.err);
            CHECK(result.exit_code == 0);
            CHECK(sha256_of(result.out) == image.config_digest);
        }
    }
    SECTION("arm64/v8 is arm64") {
        auto result = run_digestx({"config", "--platform", "linux/arm64/v8", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 0);
        CHECK(sha256_of(result.out) == catalog.alpine_platforms.at(4).config_digest);
    }
    SECTION("no match: exit 3 with the available platforms") {
        auto result = run_digestx({"config", "--platform", "windows/amd64", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains("no manifest for windows/amd64 in index " + catalog.alpine_list.digest));
        CHECK_THAT(result.err, Catch::Contains("available: linux/386, linux/amd64, linux/arm/v6"));
    }
    SECTION("a single-platform manifest: its config, or exit 3 for another platform") {
        auto ok = run_digestx({"config", bed.reference("library/hello:single"), "--platform", "linux/amd64"});
        CHECK(ok.exit_code == 0);
        CHECK(sha256_of(ok.out) == catalog.hello.config_digest);
        auto other = run_digestx({"config", "--platform", "linux/s390x", bed.reference("library/hello:single")});
        CHECK(other.exit_code == 3);
        CHECK_THAT(other.err, Catch::Contains("single-platform linux/amd64"));
    }
    SECTION("a nested index is followed to its image") {
        auto result = run_digestx({"config", "--platform", "linux/arm64", bed.reference("library/nested:1")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(sha256_of(result.out) == catalog.nested_images.at(1).config_digest);
    }
    SECTION("schema1 has no config blob") {
        auto result = run_digestx({"config", bed.reference("library/legacy:1")});
        CHECK(result.exit_code == 3);
        CHECK_THAT(result.err, Catch::Contains("schema1"));
    }
}

TEST_CASE("tags lists every tag of a repository", "[registry][cli][bed]") {
    for (BedMode mode : all_bed_modes) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto expected = fixture_tags("library/alpine");
        REQUIRE(expected.size() >= 4);
        auto result = run_against(bed, {"tags", "--page-size", "2", bed.reference("library/alpine")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto listed = lines(result.out);
        std::sort(listed.begin(), listed.end());
        std::sort(expected.begin(), expected.end());
        CHECK(listed == expected);
    }
    RegistryBed &bed = shared_bed(BedMode::Open);
    auto json = run_digestx({"tags", "-o", "json", bed.reference("org/team/app")});
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    CHECK(document["schemaVersion"] == 1);
    CHECK(document["repository"] == bed.host() + "/org/team/app");
    auto tags = document["tags"].get<std::vector<std::string>>();
    auto expected = fixture_tags("org/team/app");
    std::sort(tags.begin(), tags.end());
    std::sort(expected.begin(), expected.end());
    CHECK(tags == expected);

    auto missing = run_digestx({"tags", bed.reference("library/nope")});
    CHECK(missing.exit_code == 3);
    CHECK(missing.out.empty());
    CHECK_THAT(missing.err, Catch::Contains("repository not found"));
    auto tagged = run_digestx({"tags", bed.reference("library/alpine:3.12")});
    CHECK(tagged.exit_code == 2);
}

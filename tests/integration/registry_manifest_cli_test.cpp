// `digestx manifest` as a real process against real docker-registry 2.8 instances.

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "registry_cli_support.hpp"

using namespace digestx::test;

namespace {

const std::string amd64_digest = "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18";

} // namespace

TEST_CASE("manifest prints the alpine list byte-exact in every auth mode", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    for (BedMode mode : all_bed_modes) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(bed, {"manifest", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out == catalog.alpine_list.bytes);
        CHECK(sha256_of(result.out) == catalog.alpine_list.digest);
        CHECK(result.err.empty());
    }
}

TEST_CASE("manifest by digest returns the real 528-byte amd64 manifest", "[registry][cli][bed]") {
    const FixtureManifest &amd64 = fixture_catalog().alpine_platforms.at(1);
    REQUIRE(amd64.digest == amd64_digest);
    for (BedMode mode : all_bed_modes) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(bed, {"manifest", bed.reference("library/alpine@" + amd64_digest)});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out.size() == 528);
        CHECK(result.out == amd64.bytes);
        CHECK(sha256_of(result.out) == amd64_digest);
    }
}

TEST_CASE("manifest --platform follows the list to the real 528-byte amd64 manifest", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    for (BedMode mode : all_bed_modes) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(bed, {"manifest", "--platform", "linux/amd64", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out.size() == 528);
        CHECK(sha256_of(result.out) == amd64_digest);
        CHECK(result.err.empty());
    }
    RegistryBed &bed = shared_bed(BedMode::Open);
    SECTION("every platform of the list, arm64 written without its variant") {
        for (const auto &platform : catalog.alpine_platforms) {
            std::string wanted = platform.platform == "linux/arm64/v8" ? "linux/arm64" : platform.platform;
            INFO(wanted);
            auto result = run_digestx({"manifest", "--platform", wanted, bed.reference("library/alpine:3.12")});
            CHECK(result.exit_code == 0);
            CHECK(result.out == platform.bytes);
        }
    }
    SECTION("a platform the list lacks is not found, naming what it has") {
        auto result = run_digestx({"manifest", "--platform", "windows/amd64", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains("windows/amd64") && Catch::Contains("linux/arm64"));
    }
    SECTION("a single-platform image of another platform is not found, never a silent answer") {
        auto result =
            run_digestx({"manifest", "--platform", "linux/arm64", bed.reference("library/alpine:3.12-amd64")});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains("single-platform linux/amd64"));
        auto matching =
            run_digestx({"manifest", "--platform", "linux/amd64", bed.reference("library/alpine:3.12-amd64")});
        CHECK(matching.exit_code == 0);
        CHECK(sha256_of(matching.out) == amd64_digest);
    }
    SECTION("--head with --platform is a usage error pointing at digest --platform") {
        auto result =
            run_digestx({"manifest", "--head", "--platform", "linux/amd64", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains("digest --platform"));
    }
}

TEST_CASE("manifest --accept narrows the Accept list on purpose", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    RegistryBed &bed = shared_bed(BedMode::Open);
    SECTION("docker-v2 on the list: distribution answers the linux/amd64 manifest") {
        auto result = run_digestx({"manifest", "--accept", "docker-v2", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out == catalog.alpine_platforms.at(1).bytes);
        CHECK(sha256_of(result.out) == amd64_digest);
    }
    SECTION("docker on an OCI index: not found, flagged as an Accept problem (C12)") {
        auto result = run_digestx({"manifest", "--verbose", "--accept", "docker", bed.reference("org/team/app:1.0")});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains("does not include the OCI index type"));
        CHECK_THAT(result.err, Catch::Contains("client-side Accept problem"));
    }
    SECTION("the default list gets the same OCI index as served") {
        auto result = run_digestx({"manifest", bed.reference("org/team/app:1.0")});
        CHECK(result.exit_code == 0);
        CHECK(result.out == catalog.app_index.bytes);
    }
    SECTION("schema1 on a schema2 manifest: a converted schema1 document, its digest from the payload") {
        auto result = run_digestx(
            {"manifest", "--verbose", "--strict", "--accept", "schema1", bed.reference("library/alpine:3.12-amd64")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto document = nlohmann::json::parse(result.out);
        CHECK(document["schemaVersion"] == 1);
        CHECK(document.contains("signatures"));
        // --strict passed: the registry's header digest (of the payload) equals the computed one.
        CHECK_THAT(result.err, Catch::Contains("legacy schema1 manifest"));
        auto note = result.err.find(", digest sha256:");
        REQUIRE(note != std::string::npos);
        std::string computed = result.err.substr(note + 9, 71);
        CHECK(computed != sha256_of(result.out));
        // The model's `digest --file` agrees on what a registry computes for these bytes.
        TempDir dir;
        std::string path = dir.path() + "/converted.json";
        std::ofstream(path, std::ios::binary) << result.out;
        auto digest = run_digestx({"digest", "--file", path});
        CHECK_THAT(digest.out, Catch::Contains(computed));
    }
    SECTION("an unknown preset is a usage error, before any request") {
        auto result = run_digestx({"manifest", "--accept", "everything", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.err, Catch::Contains("digestx, full, containerd, docker-classic"));
    }
}

TEST_CASE("manifest --head shows what the HEAD said without fetching the body", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    RegistryBed &bed = shared_bed(BedMode::Token);
    auto result = run_against(bed, {"manifest", "--head", bed.reference("library/alpine:3.12")});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("status                200"));
    CHECK_THAT(result.out, Catch::Contains("docker-content-digest " + catalog.alpine_list.digest));
    CHECK_THAT(result.out, Catch::Contains("content-length        " + std::to_string(catalog.alpine_list.size())));
    CHECK_THAT(result.out, Catch::Contains("not computed: no body fetched"));

    auto json = run_against(bed, {"manifest", "--head", "-o", "json", bed.reference("library/alpine:3.12")});
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    CHECK(document["schemaVersion"] == 1);
    CHECK(document["digest"] == catalog.alpine_list.digest);
    CHECK(document["digestSource"] == "header");
    CHECK(document["head"]["method"] == "HEAD");
    CHECK(document["head"]["contentType"] == catalog.alpine_list.media_type);
    CHECK(document["get"].is_null());
}

TEST_CASE("manifest failures: exit code of the contract, stdout empty", "[registry][cli][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    struct Row {
        std::vector<std::string> args;
        int exit_code;
        std::string message;
    };
    const std::vector<Row> rows = {
        {{"manifest", bed.reference("library/alpine:9.99")},
         3,
         R"(manifest unknown: tag "9.99" not found in repository )" + bed.host() + "/library/alpine"},
        // distribution 2.8 answers MANIFEST_UNKNOWN, not NAME_UNKNOWN, for a missing repository here.
        {{"manifest", bed.reference("library/nope:1")}, 3, "not found in repository " + bed.host() + "/library/nope"},
        {{"manifest", bed.reference("library/alpine@sha256:" + std::string(64, '0'))}, 3, "manifest unknown"},
        {{"manifest", "--head", bed.reference("library/alpine:9.99")}, 3, "manifest unknown"},
        {{"manifest", bed.reference("library/Alpine:3.12")}, 2, "invalid reference"},
        {{"manifest", "oci:/tmp/nowhere"}, 3, "no OCI layout directory"},
        {{"manifest", "--head", "oci:/tmp/nowhere"}, 2, "--head sends an HTTP HEAD"},
        {{"manifest", "--max-manifest-bytes", "1024", bed.reference("library/alpine:3.12")}, 5, "1024-byte limit"},
    };
    for (const auto &row : rows) {
        INFO(row.args.back());
        auto result = run_digestx(row.args);
        CHECK(result.exit_code == row.exit_code);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(row.message));
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
}

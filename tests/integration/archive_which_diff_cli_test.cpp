// `which` and `diff` on `docker save` archives and a tarred layout, through the real binary: an
// image ID prefix found in an archive, and an archive compared with what the registry bed serves
// for alpine:3.12 (the same image by config and diff_ids though its layers are stored
// uncompressed, and a real difference: another config).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive_support.hpp"
#include "cli_run_support.hpp"
#include "registry_cli_support.hpp"

using namespace digestx::test;
using namespace digestx::test::alpine;

namespace {

// The registry's compressed form of the one layer (examples/alpine-3.12's amd64 manifest).
const std::string compressed_layer = "sha256:8572bc8fb8a32061648dd183b2c0451c82be1bd053a4ea8fae991436b92faebb";

// The example's amd64 config rebuilt around the same layer: another `created`, so another image ID.
std::string rebuilt_config() {
    auto config = nlohmann::ordered_json::parse(blob(config_hex));
    config["created"] = "2030-01-01T00:00:00Z";
    return config.dump();
}

} // namespace

TEST_CASE("which finds an image ID prefix and a diff_id in docker save archives and an oci-archive",
          "[cli][which][archive]") {
    TempDir dir;
    classic_archive().write(dir.path() + "/alpine.tar");
    layout_archive().write(dir.path() + "/alpine25.tar");
    oci_archive().write(dir.path() + "/alpine-oci.tar");
    for (const std::string archive :
         {"docker-archive:alpine.tar", "docker-archive:alpine25.tar", "oci-archive:alpine-oci.tar:3.12"}) {
        INFO(archive);
        auto id = run_pinned({"-o", "json", "which", config_hex.substr(0, 12), archive}, dir.path());
        INFO(id.err);
        REQUIRE(id.exit_code == 0);
        auto document = nlohmann::json::parse(id.out);
        CHECK(document["digest"] == "sha256:" + config_hex);
        const auto &place = document["images"][0]["places"][0];
        CHECK(place["role"] == "image-config");
        CHECK_THAT(place["sentence"].get<std::string>(), Catch::Contains("the image ID"));

        auto diff_id = run_pinned({"which", "sha256:" + diff_id_hex, archive}, dir.path());
        INFO(diff_id.err);
        REQUIRE(diff_id.exit_code == 0);
        CHECK_THAT(diff_id.out, Catch::Contains("diff_id"));
    }
    // A classic archive holds the layer uncompressed: the registry's compressed digest is not in
    // it, and the hint says where to look. Docker 25 kept the registry's manifest, which names it.
    auto miss = run_pinned({"which", compressed_layer, "docker-archive:alpine.tar"}, dir.path());
    CHECK(miss.exit_code == 3);
    CHECK(miss.out.empty());
    CHECK_THAT(miss.err, Catch::Contains("docker save stores layers uncompressed"));
    auto named = run_pinned({"-o", "json", "which", compressed_layer, "docker-archive:alpine25.tar"}, dir.path());
    INFO(named.err);
    REQUIRE(named.exit_code == 0);
    CHECK(nlohmann::json::parse(named.out)["images"][0]["places"][0]["kind"] == "layer");
}

TEST_CASE("diff of a docker save archive and the registry compares image IDs and diff_ids",
          "[cli][diff][archive][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const std::string served = bed.reference("library/alpine:3.12");
    TempDir dir;
    classic_archive().write(dir.path() + "/alpine.tar");
    layout_archive().write(dir.path() + "/alpine25.tar");
    oci_archive().write(dir.path() + "/alpine-oci.tar");
    classic_archive(rebuilt_config()).write(dir.path() + "/rebuilt.tar");

    SECTION("the classic layout: the same image, its layers stored uncompressed") {
        auto result = run_pinned({"diff", "docker-archive:alpine.tar", served}, dir.path());
        INFO(result.err);
        CHECK(result.exit_code == 0);
        INFO(result.out);
        CHECK_THAT(result.out, Catch::Contains("the same image: linux/amd64's config (image ID) sha256:" + config_hex +
                                               " and its 1 diff_id are identical; the compressed layer digests "
                                               "legitimately differ: docker save stores layers uncompressed"));
        auto json = run_pinned({"-o", "json", "diff", "docker-archive:alpine.tar", served}, dir.path());
        REQUIRE(json.exit_code == 0);
        auto document = nlohmann::json::parse(json.out);
        CHECK(document["identical"] == false);
        CHECK(document["sameImage"] == true);
        CHECK(document["comparedBy"] == "image-id");
        REQUIRE(document["platforms"].size() == 1);
        CHECK(document["platforms"][0]["verdict"] == "recompressed");
        CHECK(document["platforms"][0]["layers"][0]["a"] == "sha256:" + diff_id_hex);
        CHECK(document["platforms"][0]["layers"][0]["b"] == compressed_layer);
        CHECK(document["notInArchive"].size() == 6);
    }
    SECTION("the Docker 25 layout keeps the registry's manifest") {
        auto result = run_pinned({"-o", "json", "diff", served, "docker-archive:alpine25.tar"}, dir.path());
        INFO(result.err);
        CHECK(result.exit_code == 0);
        auto document = nlohmann::json::parse(result.out);
        CHECK(document["sameImage"] == true);
        CHECK(document["platforms"][0]["verdict"] == "identical");
        CHECK_THAT(document["summary"].get<std::string>(), Catch::StartsWith("the same image: linux/amd64's config"));
    }
    SECTION("an oci-archive: its linux/amd64 image is the one served, the bed's other platforms are not") {
        // The bed's other six platforms are synthetic: another base layer each.
        auto all = run_pinned({"-o", "json", "diff", "oci-archive:alpine-oci.tar:3.12", served}, dir.path());
        INFO(all.err);
        CHECK(all.exit_code == 1);
        auto document = nlohmann::json::parse(all.out);
        CHECK(document["comparedBy"] == "image-id");
        CHECK(document["sameImage"] == false);
        CHECK_THAT(document["summary"].get<std::string>(), Catch::Contains("linux/arm64 has a new base layer"));
        auto amd64 = run_pinned(
            {"--platform", "linux/amd64", "-o", "json", "diff", "oci-archive:alpine-oci.tar:3.12", served}, dir.path());
        INFO(amd64.err);
        CHECK(amd64.exit_code == 0);
        auto one = nlohmann::json::parse(amd64.out);
        CHECK(one["sameImage"] == true);
        REQUIRE(one["platforms"].size() == 1);
        CHECK(one["platforms"][0]["verdict"] == "identical");
    }
    SECTION("another config is a real difference") {
        auto result = run_pinned({"diff", "docker-archive:rebuilt.tar", served}, dir.path());
        INFO(result.err);
        CHECK(result.exit_code == 1);
        CHECK_THAT(result.out, Catch::Contains("only linux/amd64 was rebuilt with the same layers (config: created)"));
        CHECK_THAT(result.out, Catch::Contains("their diff_ids are the same"));
        auto json = run_pinned({"-o", "json", "diff", "docker-archive:rebuilt.tar", served}, dir.path());
        auto document = nlohmann::json::parse(json.out);
        CHECK(document["sameImage"] == false);
        CHECK(document["platforms"][0]["verdict"] == "same-layers");
    }
}

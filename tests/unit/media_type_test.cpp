#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "digestx/core/media_type.hpp"

using namespace digestx;

namespace {

bool lists(const std::vector<std::string> &types, std::string_view type) {
    return std::find(types.begin(), types.end(), type) != types.end();
}

} // namespace

TEST_CASE("every Accept preset is found by its name and sends what its name says", "[media][accept]") {
    struct Row {
        std::string name;
        std::vector<std::string_view> sent;
        std::vector<std::string_view> not_sent;
    };
    const std::vector<Row> rows = {
        {"full", {media::docker_manifest_list, media::docker_manifest_v2, media::oci_index, media::oci_manifest}, {}},
        {"oci", {media::oci_index, media::oci_manifest}, {media::docker_manifest_list, media::docker_manifest_v2}},
        {"docker", {media::docker_manifest_list, media::docker_manifest_v2}, {media::oci_index, media::oci_manifest}},
        {"docker-v2", {media::docker_manifest_v2}, {media::docker_manifest_list, media::oci_index}},
        {"schema1", {media::docker_manifest_v1_signed}, {media::docker_manifest_v2, media::oci_manifest}},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        auto preset = media::require_accept_preset(row.name);
        REQUIRE(preset);
        CHECK(preset->name == row.name);
        for (auto type : row.sent)
            CHECK(lists(preset->types, type));
        for (auto type : row.not_sent)
            CHECK_FALSE(lists(preset->types, type));
    }
    // Schema1 goes last in the full list: a registry picks the first type it can serve.
    auto full = media::require_accept_preset("full");
    REQUIRE(full);
    CHECK(full->types.back().find("manifest.v1") != std::string::npos);
}

TEST_CASE("an unknown Accept preset is a usage error naming the known ones", "[media][accept]") {
    for (std::string name : {"", "FULL", "docker-v3", "oci\n"}) {
        INFO(name);
        auto preset = media::require_accept_preset(name);
        REQUIRE_FALSE(preset);
        CHECK(preset.error().code == ErrorCode::Usage);
        CHECK_THAT(preset.error().message, Catch::Contains("known: full, oci, docker, docker-v2, schema1"));
        CHECK(preset.error().message.find('\n') == std::string::npos);
    }
}

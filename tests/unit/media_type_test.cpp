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

TEST_CASE("every Accept preset sends its client's list, header for header", "[media][accept]") {
    struct Row {
        std::string name;
        std::vector<std::string> aliases;
        std::string header; // the Accept header digestx sends, byte for byte
        std::string source; // where the client's list is written
    };
    // Each header was copied, type for type and in order, from the source on its row (the order
    // of docker-classic is one of Go's random map orders: the client's own is unspecified).
    const std::vector<Row> rows = {
        {"digestx",
         {"full"},
         "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
         "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.oci.artifact.manifest.v1+json, "
         "application/vnd.docker.distribution.manifest.v1+prettyjws, "
         "application/vnd.docker.distribution.manifest.v1+json",
         "src/core/media_type.cpp"},
        {"containerd",
         {},
         "application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, "
         "application/vnd.oci.image.index.v1+json, */*",
         "core/remotes/docker/resolver.go"},
        {"docker-classic",
         {},
         "application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json, "
         "application/vnd.oci.image.manifest.v1+json",
         "registry/client/repository.go ManifestMediaTypes()"},
        {"docker-18.09",
         {"docker"},
         "application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, "
         "application/vnd.docker.distribution.manifest.v1+prettyjws, application/json",
         "moby v1.10.0 to v18.09.0"},
        {"docker-v2", {}, "application/vnd.docker.distribution.manifest.v2+json", "docs/spec/api.md"},
        {"schema1",
         {},
         "application/vnd.docker.distribution.manifest.v1+prettyjws, "
         "application/vnd.docker.distribution.manifest.v1+json",
         "moby v1.9.0"},
        {"oci", {}, "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json", "digestx"},
        {"crane",
         {},
         "application/vnd.docker.distribution.manifest.v1+json, "
         "application/vnd.docker.distribution.manifest.v1+prettyjws, "
         "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json",
         "pkg/v1/remote/descriptor.go allManifestMediaTypes"},
        {"skopeo",
         {},
         "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.docker.distribution.manifest.v1+prettyjws, "
         "application/vnd.docker.distribution.manifest.v1+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json",
         "manifest/manifest.go DefaultRequestedManifestMIMETypes"},
        {"oras",
         {},
         "application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, "
         "application/vnd.oci.image.index.v1+json, application/vnd.oci.artifact.manifest.v1+json",
         "registry/remote/manifest.go defaultManifestMediaTypes"},
    };
    REQUIRE(media::accept_presets().size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row &row = rows[i];
        const media::AcceptPreset &preset = media::accept_presets()[i];
        INFO(row.name);
        CHECK(preset.name == row.name);
        CHECK(preset.aliases == row.aliases);
        CHECK(media::accept_header(preset.types) == row.header);
        CHECK_THAT(preset.source, Catch::Contains(row.source));
        CHECK_FALSE(preset.description.empty());
        for (const auto &name : row.aliases) {
            auto found = media::require_accept_preset(name);
            REQUIRE(found);
            CHECK(found->name == row.name);
        }
    }
    CHECK(media::default_accept_preset().name == "digestx");
}

TEST_CASE("the default preset asks for exactly the manifest types digestx reads", "[media][accept]") {
    // A type the model learns to read joins the default list, and only such a type: a registry
    // that chooses by Accept must not be told digestx reads what it would then refuse.
    const std::vector<std::string_view> manifest_types = {media::oci_index,
                                                          media::docker_manifest_list,
                                                          media::oci_manifest,
                                                          media::docker_manifest_v2,
                                                          media::docker_manifest_v1_signed,
                                                          media::docker_manifest_v1,
                                                          media::oci_artifact_manifest};
    const auto &types = media::default_accept_preset().types;
    for (auto type : manifest_types) {
        INFO(type);
        CHECK(lists(types, type) == media::is_manifest_type(type));
    }
    for (const auto &type : types)
        CHECK(media::is_manifest_type(type));
    // Schema1 goes last: distribution ignores the order, but a registry that picks the first type
    // it can serve must not pick the legacy one.
    CHECK(types.back().find("manifest.v1") != std::string::npos);
}

TEST_CASE("an unknown Accept preset is a usage error naming the known ones", "[media][accept]") {
    for (std::string name : {"", "FULL", "docker-v3", "oci\n"}) {
        INFO(name);
        auto preset = media::require_accept_preset(name);
        REQUIRE_FALSE(preset);
        CHECK(preset.error().code == ErrorCode::Usage);
        CHECK_THAT(preset.error().message,
                   Catch::Contains("known: digestx, full, containerd, docker-classic, docker-18.09, docker, "
                                   "docker-v2, schema1, oci, crane, skopeo, oras)"));
        CHECK(preset.error().message.find('\n') == std::string::npos);
    }
}

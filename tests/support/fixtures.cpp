#include "support/fixtures.hpp"

#include <stdexcept>

#include "support/fixture_content.hpp"
#include "support/jose.hpp"
#include "support/process.hpp"
#include "support/shared_data.hpp"

namespace digestx::test {
namespace {

using namespace fixture_content;

constexpr std::string_view docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view docker_schema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
constexpr std::string_view docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";
constexpr std::string_view in_toto = "application/vnd.in-toto+json";
constexpr std::string_view spdx = "application/spdx+json";
constexpr std::string_view slsa_provenance = "https://slsa.dev/provenance/v0.2";

// Collects blobs into the catalog and turns JSON into FixtureManifests.
class CatalogBuilder {
public:
    explicit CatalogBuilder(FixtureCatalog &catalog) : m_catalog(catalog) {}

    // Returns a copy: a reference into `blobs` would dangle at the next push_back.
    std::string blob(const std::string &repository, std::string_view media_type, std::string bytes) {
        m_catalog.blobs.push_back({repository, std::string(media_type), sha256_digest(bytes), bytes});
        return bytes;
    }

    // `indent` < 0 is compact JSON; Docker's tools wrote 3-space indentation.
    static FixtureManifest document(const std::string &repository, std::string_view media_type, const Json &body,
                                    int indent, std::vector<std::string> tags = {}) {
        FixtureManifest manifest;
        manifest.repository = repository;
        manifest.tags = std::move(tags);
        manifest.media_type = media_type;
        manifest.bytes = indent < 0 ? body.dump() : body.dump(indent);
        manifest.digest = sha256_digest(manifest.bytes);
        return manifest;
    }

    // A synthetic image: one small tar+gzip layer whose file says what it is, a config for its
    // platform, and a Docker schema2 (`docker`) or OCI manifest.
    FixtureManifest image(const std::string &repository, const std::string &platform_text, bool docker,
                          const std::string &title, std::vector<std::string> tags = {}) {
        Platform platform = Platform::parse(platform_text);
        std::string content =
            std::string(synthetic_marker) + "\nimage: " + title + "\nplatform: " + platform.str() + "\n";
        std::string tar = tar_one_file("etc/digestx-fixture", content);
        std::string layer = blob(repository, docker ? docker_layer : oci_layer, gzip_stored(tar));
        std::string config = blob(repository, docker ? docker_config : oci_config,
                                  image_config(platform, title, sha256_digest(tar)).dump());
        Json body;
        body["schemaVersion"] = 2;
        body["mediaType"] = docker ? docker_manifest : oci_manifest;
        body["config"] = docker ? docker_descriptor(docker_config, config) : oci_descriptor(oci_config, config);
        body["layers"] =
            Json::array({docker ? docker_descriptor(docker_layer, layer) : oci_descriptor(oci_layer, layer)});
        FixtureManifest manifest =
            document(repository, docker ? docker_manifest : oci_manifest, body, docker ? 3 : -1, std::move(tags));
        manifest.platform = platform.str();
        manifest.config_digest = sha256_digest(config);
        manifest.layer_digests = {sha256_digest(layer)};
        manifest.diff_ids = {sha256_digest(tar)};
        return manifest;
    }

private:
    static Json image_config(const Platform &platform, const std::string &title, const std::string &diff_id) {
        Json config;
        config["architecture"] = platform.architecture;
        config["os"] = platform.os;
        if (!platform.variant.empty()) config["variant"] = platform.variant;
        config["created"] = created;
        config["config"] = {
            {"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
            {"Cmd", {"/bin/sh"}},
            {"Labels",
             {{"org.opencontainers.image.description", synthetic_marker}, {"org.opencontainers.image.title", title}}}};
        config["rootfs"] = {{"type", "layers"}, {"diff_ids", {diff_id}}};
        config["history"] = Json::array(
            {{{"created", created},
              {"created_by", std::string(synthetic_marker) + ": ADD etc/digestx-fixture for " + platform.str()}}});
        return config;
    }

    FixtureCatalog &m_catalog;
};

// The real linux/amd64 manifest and config of alpine:3.12, read in place from ../shared.
FixtureManifest real_alpine_amd64(CatalogBuilder &builder) {
    std::string shared = shared_dir();
    if (shared.empty()) throw SharedDataAbsent("../shared is absent: the registry fixtures read alpine-3.12 from it");
    std::string directory = shared + "/fixtures/alpine-3.12";
    std::string config =
        builder.blob("library/alpine", docker_config, read_file(directory + "/config-linux-amd64.json"));
    FixtureManifest manifest;
    manifest.repository = "library/alpine";
    manifest.tags = {"3.12-amd64"};
    manifest.media_type = docker_manifest;
    manifest.bytes = read_file(directory + "/manifest-linux-amd64.json");
    manifest.digest = sha256_digest(manifest.bytes);
    manifest.platform = "linux/amd64";
    auto body = nlohmann::json::parse(manifest.bytes);
    manifest.config_digest = body["config"]["digest"];
    for (const auto &layer : body["layers"])
        manifest.layer_digests.push_back(layer["digest"]);
    auto parsed_config = nlohmann::json::parse(config);
    for (const auto &diff_id : parsed_config["rootfs"]["diff_ids"])
        manifest.diff_ids.push_back(diff_id);
    manifest.synthetic = false;
    manifest.stored_directly = true;
    return manifest;
}

void build_alpine(CatalogBuilder &builder, FixtureCatalog &catalog) {
    Json entries = Json::array();
    for (const char *platform : {"linux/386", "linux/amd64", "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8",
                                 "linux/ppc64le", "linux/s390x"}) {
        catalog.alpine_platforms.push_back(
            std::string(platform) == "linux/amd64"
                ? real_alpine_amd64(builder)
                : builder.image("library/alpine", platform, true, "library/alpine:3.12"));
        Json entry = docker_descriptor(docker_manifest, catalog.alpine_platforms.back().bytes);
        entry["platform"] = Platform::parse(platform).json();
        entries.push_back(entry);
    }
    Json list{{"schemaVersion", 2}, {"mediaType", docker_list}, {"manifests", entries}};
    catalog.alpine_list =
        CatalogBuilder::document("library/alpine", docker_list, list, 3, {"3.12", "3.12.9", "latest"});
}

// A buildx-style attestation manifest: one in-toto SLSA provenance statement about `image`.
FixtureManifest attestation(CatalogBuilder &builder, const FixtureManifest &image) {
    std::string escaped_platform = image.platform;
    for (std::size_t at = 0; (at = escaped_platform.find('/', at)) != std::string::npos; at += 3)
        escaped_platform.replace(at, 1, "%2F");
    Json statement;
    statement["_type"] = "https://in-toto.io/Statement/v0.1";
    statement["predicateType"] = slsa_provenance;
    statement["subject"] = Json::array({{{"name", "pkg:docker/org/team/app@1.0?platform=" + escaped_platform},
                                         {"digest", {{"sha256", image.digest.substr(7)}}}}});
    statement["predicate"] = {{"builder", {{"id", synthetic_marker}}},
                              {"buildType", "https://mobyproject.org/buildkit@v1"},
                              {"metadata", {{"buildStartedOn", created}, {"buildFinishedOn", created}}}};
    std::string layer = builder.blob(image.repository, in_toto, statement.dump());
    Json config{{"architecture", "unknown"},
                {"os", "unknown"},
                {"config", Json::object()},
                {"rootfs", {{"type", "layers"}, {"diff_ids", {sha256_digest(layer)}}}}};
    std::string config_bytes = builder.blob(image.repository, oci_config, config.dump());
    Json layer_descriptor = oci_descriptor(in_toto, layer);
    layer_descriptor["annotations"] = {{"in-toto.io/predicate-type", slsa_provenance}};
    Json body{{"schemaVersion", 2},
              {"mediaType", oci_manifest},
              {"config", oci_descriptor(oci_config, config_bytes)},
              {"layers", Json::array({layer_descriptor})}};
    FixtureManifest manifest = CatalogBuilder::document(image.repository, oci_manifest, body, -1);
    manifest.platform = "unknown/unknown";
    manifest.config_digest = sha256_digest(config_bytes);
    manifest.layer_digests = {sha256_digest(layer)};
    manifest.diff_ids = {sha256_digest(layer)};
    return manifest;
}

void build_app(CatalogBuilder &builder, FixtureCatalog &catalog) {
    Json entries = Json::array();
    for (const char *platform : {"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
                                 "linux/ppc64le", "linux/s390x", "linux/riscv64"}) {
        catalog.app_images.push_back(builder.image("org/team/app", platform, false, "org/team/app:1.0"));
        Json entry = oci_descriptor(oci_manifest, catalog.app_images.back().bytes);
        entry["platform"] = Platform::parse(platform).json();
        entries.push_back(entry);
    }
    for (const auto &image : catalog.app_images) {
        catalog.app_attestations.push_back(attestation(builder, image));
        Json entry = oci_descriptor(oci_manifest, catalog.app_attestations.back().bytes);
        entry["annotations"] = {{"vnd.docker.reference.digest", image.digest},
                                {"vnd.docker.reference.type", "attestation-manifest"}};
        entry["platform"] = {{"architecture", "unknown"}, {"os", "unknown"}};
        entries.push_back(entry);
    }
    Json index{{"schemaVersion", 2}, {"mediaType", oci_index}, {"manifests", entries}};
    catalog.app_index = CatalogBuilder::document("org/team/app", oci_index, index, 2, {"1.0", "latest"});
}

// library/hello:single, an SBOM artifact about it and the referrers fallback tag listing it.
void build_hello(CatalogBuilder &builder, FixtureCatalog &catalog) {
    catalog.hello = builder.image("library/hello", "linux/amd64", false, "library/hello:single", {"single"});
    std::string empty = builder.blob("library/hello", oci_empty, "{}");
    Json sbom{{"spdxVersion", "SPDX-2.3"},
              {"name", std::string(synthetic_marker) + ": SBOM of library/hello:single"},
              {"creationInfo", {{"created", created}}}};
    std::string payload = builder.blob("library/hello", spdx, sbom.dump());
    Json config = oci_descriptor(oci_empty, empty);
    config["data"] = base64_encode(empty);
    Json body{{"schemaVersion", 2},
              {"mediaType", oci_manifest},
              {"artifactType", spdx},
              {"config", config},
              {"layers", Json::array({oci_descriptor(spdx, payload)})},
              {"subject", oci_descriptor(oci_manifest, catalog.hello.bytes)},
              {"annotations", {{"org.opencontainers.image.created", created}}}};
    catalog.hello_sbom = CatalogBuilder::document("library/hello", oci_manifest, body, -1);
    catalog.hello_sbom.layer_digests = {sha256_digest(payload)};
    catalog.hello_sbom.config_digest = sha256_digest(empty);

    Json entry = oci_descriptor(oci_manifest, catalog.hello_sbom.bytes);
    entry["artifactType"] = spdx;
    entry["annotations"] = {{"org.opencontainers.image.created", created}};
    Json index{{"schemaVersion", 2}, {"mediaType", oci_index}, {"manifests", Json::array({entry})}};
    catalog.hello_referrers =
        CatalogBuilder::document("library/hello", oci_index, index, -1, {"sha256-" + catalog.hello.digest.substr(7)});
}

void build_nested(CatalogBuilder &builder, FixtureCatalog &catalog) {
    Json entries = Json::array();
    for (const char *platform : {"linux/amd64", "linux/arm64"}) {
        catalog.nested_images.push_back(builder.image("library/nested", platform, false, "library/nested:1"));
        Json entry = oci_descriptor(oci_manifest, catalog.nested_images.back().bytes);
        entry["platform"] = Platform::parse(platform).json();
        entries.push_back(entry);
    }
    Json inner{{"schemaVersion", 2}, {"mediaType", oci_index}, {"manifests", entries}};
    catalog.nested_inner = CatalogBuilder::document("library/nested", oci_index, inner, -1);
    Json outer{{"schemaVersion", 2},
               {"mediaType", oci_index},
               {"manifests", Json::array({oci_descriptor(oci_index, catalog.nested_inner.bytes)})}};
    catalog.nested_outer = CatalogBuilder::document("library/nested", oci_index, outer, -1, {"1"});
}

// The canonical payload of a schema1 manifest (the loader signs it when pushing).
void build_legacy(CatalogBuilder &builder, FixtureCatalog &catalog) {
    std::string content = std::string(synthetic_marker) + "\nimage: library/legacy:1\nplatform: linux/amd64\n";
    std::string tar = tar_one_file("etc/digestx-fixture", content);
    std::string layer = builder.blob("library/legacy", docker_layer, gzip_stored(tar));
    Json v1{
        {"architecture", "amd64"},
        {"config", {{"Cmd", {"/bin/sh"}}, {"Labels", {{"org.opencontainers.image.description", synthetic_marker}}}}},
        {"created", created},
        {"id", sha256_hex(sha256_digest(layer))},
        {"os", "linux"}};
    Json body{{"schemaVersion", 1},
              {"name", "library/legacy"},
              {"tag", "1"},
              {"architecture", "amd64"},
              {"fsLayers", Json::array({{{"blobSum", sha256_digest(layer)}}})},
              {"history", Json::array({{{"v1Compatibility", v1.dump()}}})}};
    catalog.legacy = CatalogBuilder::document("library/legacy", docker_schema1, body, 3, {"1"});
    catalog.legacy.platform = "linux/amd64";
    catalog.legacy.layer_digests = {sha256_digest(layer)};
}

FixtureCatalog build_catalog() {
    FixtureCatalog catalog;
    CatalogBuilder builder(catalog);
    build_alpine(builder, catalog);
    build_app(builder, catalog);
    build_hello(builder, catalog);
    build_nested(builder, catalog);
    build_legacy(builder, catalog);
    catalog.secret = builder.image("private/secret", "linux/amd64", false, "private/secret:1", {"1"});
    return catalog;
}

} // namespace

std::vector<const FixtureManifest *> FixtureCatalog::manifests() const {
    std::vector<const FixtureManifest *> all;
    auto add = [&all](std::initializer_list<const FixtureManifest *> singles) { all.insert(all.end(), singles); };
    auto add_group = [&all](const std::vector<FixtureManifest> &group) {
        for (const auto &manifest : group)
            all.push_back(&manifest);
    };
    add_group(alpine_platforms);
    add({&alpine_list});
    add_group(app_images);
    add_group(app_attestations);
    add({&app_index, &hello, &hello_sbom, &hello_referrers});
    add_group(nested_images);
    add({&nested_inner, &nested_outer, &legacy, &secret});
    return all;
}

const FixtureManifest *FixtureCatalog::find(std::string_view digest) const {
    for (const auto *manifest : manifests())
        if (manifest->digest == digest) return manifest;
    return nullptr;
}

const FixtureCatalog &fixture_catalog() {
    static const FixtureCatalog catalog = build_catalog();
    return catalog;
}

} // namespace digestx::test

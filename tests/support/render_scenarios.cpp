#include "support/render_scenarios.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

namespace digestx::test {
namespace {

Error registry_error(ErrorCode code, std::string message, int status, std::string registry_code) {
    Error error = Error::of(code, std::move(message)).with_status(status);
    error.registry_codes.push_back(std::move(registry_code));
    return error;
}

const std::string docker_v2(media::docker_manifest_v2);
const std::string oci_manifest(media::oci_manifest);
const std::string docker_list(media::docker_manifest_list);
const std::string oci_index(media::oci_index);

struct Image {
    std::string manifest;
    std::string digest;
};

// One image for a platform: `layers` layers of distinct, platform-specific sizes and digests.
Image add_image(MemorySource &source, const std::string &platform, const std::string &media_type, int layers = 1,
                bool store_config = true) {
    std::vector<std::string> diff_ids;
    std::vector<std::pair<std::string, std::size_t>> blobs;
    for (int i = 0; i < layers; ++i) {
        std::string n = platform + " " + std::to_string(i);
        blobs.emplace_back(sha256_of("layer " + n), 1000000 * static_cast<std::size_t>(i + 1) + 4096 * platform.size());
        diff_ids.push_back(sha256_of("diff " + n));
    }
    std::string config = make_config(platform, diff_ids);
    std::string config_digest = store_config ? source.add(config) : sha256_of(config);
    Image image;
    image.manifest = make_manifest(media_type, config_digest, config.size(), blobs);
    image.digest = source.add(image.manifest, media_type);
    return image;
}

EntrySpec entry(const Image &image, const std::string &media_type, const std::string &platform) {
    return EntrySpec{media_type, image.digest, image.manifest.size(), platform, {}};
}

// A buildx attestation manifest about `subject`, and its index entry. buildx lists the in-toto
// layers' diff_ids in the config; `with_diff_ids` false leaves them out.
EntrySpec add_attestation(MemorySource &source, const Image &subject, bool with_diff_ids) {
    std::vector<std::string> diff_ids;
    if (with_diff_ids) diff_ids.push_back(sha256_of("provenance of " + subject.digest));
    std::string config = make_config("unknown/unknown", diff_ids, "attestation");
    std::string config_digest = source.add(config);
    std::string manifest = make_manifest(oci_manifest, config_digest, config.size(),
                                         {{sha256_of("provenance of " + subject.digest), 1480}});
    return EntrySpec{oci_manifest, source.add(manifest, oci_manifest), manifest.size(), {}, subject.digest};
}

RenderScenario finish(const std::string &name, const std::string &input, MemorySource &source,
                      const ResolveOptions &options = {}) {
    auto reference = parse_reference(input);
    if (!reference) throw std::runtime_error("scenario reference: " + reference.error().message);
    auto tree = resolve(source, *reference, options);
    if (!tree) throw std::runtime_error("scenario " + name + ": " + tree.error().message);
    return RenderScenario{name, input, std::move(*tree), {}};
}

RenderScenario list_scenario(const std::string &name, const ResolveOptions &options = {}) {
    MemorySource source;
    Image amd64 = add_image(source, "linux/amd64", docker_v2, 2);
    Image arm64 = add_image(source, "linux/arm64/v8", docker_v2);
    Image arm = add_image(source, "linux/arm/v7", docker_v2);
    std::string list =
        make_index(docker_list, {entry(amd64, docker_v2, "linux/amd64"), entry(arm64, docker_v2, "linux/arm64/v8"),
                                 entry(arm, docker_v2, "linux/arm/v7")});
    source.tag("3.12", source.add(list, docker_list));
    return finish(name, "registry.test/library/alpine:3.12", source, options);
}

RenderScenario attestation_scenario(const std::string &name, const ResolveOptions &options = {}) {
    MemorySource source;
    Image amd64 = add_image(source, "linux/amd64", oci_manifest);
    Image arm64 = add_image(source, "linux/arm64", oci_manifest);
    std::string index =
        make_index(oci_index, {entry(amd64, oci_manifest, "linux/amd64"), entry(arm64, oci_manifest, "linux/arm64"),
                               add_attestation(source, amd64, true), add_attestation(source, arm64, false)});
    source.tag("1.0", source.add(index, oci_index));
    return finish(name, "registry.test/org/app:1.0", source, options);
}

// What `docker buildx build --platform` with eight platforms pushes by default: each image with
// an attestation manifest beside it in the index, and several layers per image.
RenderScenario eight_platform_scenario() {
    MemorySource source;
    std::vector<EntrySpec> images;
    std::vector<EntrySpec> attestations;
    for (const char *platform : {"linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/arm/v6", "linux/386",
                                 "linux/ppc64le", "linux/s390x", "linux/riscv64"}) {
        Image image = add_image(source, platform, oci_manifest, 5);
        images.push_back(entry(image, oci_manifest, platform));
        attestations.push_back(add_attestation(source, image, true));
    }
    images.insert(images.end(), attestations.begin(), attestations.end());
    source.tag("2.0", source.add(make_index(oci_index, images), oci_index));
    return finish("eight", "registry.test/org/app:2.0", source);
}

RenderScenario nested_scenario() {
    MemorySource source;
    Image amd64 = add_image(source, "linux/amd64", oci_manifest);
    Image arm64 = add_image(source, "linux/arm64", oci_manifest);
    Image s390x = add_image(source, "linux/s390x", oci_manifest);
    std::string inner =
        make_index(oci_index, {entry(amd64, oci_manifest, "linux/amd64"), entry(arm64, oci_manifest, "linux/arm64")});
    std::string inner_digest = source.add(inner, oci_index);
    std::string outer = make_index(oci_index, {EntrySpec{oci_index, inner_digest, inner.size(), {}, {}},
                                               entry(s390x, oci_manifest, "linux/s390x")});
    source.tag("nested", source.add(outer, oci_index));
    return finish("nested", "registry.test/app:nested", source);
}

RenderScenario artifact_scenario() {
    MemorySource source;
    std::string empty_digest = source.add("{}");
    std::string manifest = make_manifest(oci_manifest, empty_digest, 2, {{sha256_of("sbom"), 5120}},
                                         std::string(media::oci_empty), "application/vnd.example.sbom+json");
    source.tag("sbom", source.add(manifest, oci_manifest));
    return finish("artifact", "registry.test/app:sbom", source);
}

RenderScenario single_scenario() {
    MemorySource source;
    Image image = add_image(source, "linux/amd64", docker_v2, 3);
    source.tag("single", image.digest);
    return finish("single", "registry.test/hello:single", source);
}

RenderScenario partial_scenario() {
    MemorySource source;
    Image good = add_image(source, "linux/amd64", docker_v2);
    Image missing = add_image(source, "linux/arm64", docker_v2);
    Image corrupt = add_image(source, "linux/ppc64le", docker_v2);
    Image no_config = add_image(source, "linux/s390x", docker_v2, 1, false);
    source.fail_on(missing.digest, registry_error(ErrorCode::NotFound, "manifest unknown", 404, "MANIFEST_UNKNOWN"));
    source.corrupt(corrupt.digest, good.manifest);
    EntrySpec future{"application/vnd.example.future+json", sha256_of("future"), 6, {}, {}};
    std::string list = make_index(
        docker_list, {entry(good, docker_v2, "linux/amd64"), entry(missing, docker_v2, "linux/arm64"),
                      entry(corrupt, docker_v2, "linux/ppc64le"), entry(no_config, docker_v2, "linux/s390x"), future});
    source.tag("latest", source.add(list, docker_list));
    return finish("partial", "registry.test/app", source);
}

// Strings a registry controls, each carrying escapes: an entry's platform variant and
// annotation, an artifact type, and an error message.
RenderScenario hostile_scenario() {
    MemorySource source;
    Image arm = add_image(source, "linux/arm/v7", oci_manifest);
    Image failing = add_image(source, "linux/amd64", oci_manifest);
    source.fail_on(failing.digest, Error::of(ErrorCode::NotFound, hostile_text).with_status(404));
    std::string empty_digest = source.add("{}");
    std::string artifact = make_manifest(oci_manifest, empty_digest, 2, {}, std::string(media::oci_empty),
                                         "application/x-\x1b[2Jevil\n::warning::x");
    std::string artifact_digest = source.add(artifact, oci_manifest);
    nlohmann::ordered_json index = nlohmann::ordered_json::parse(
        make_index(oci_index, {entry(arm, oci_manifest, "linux/arm/v7"), entry(failing, oci_manifest, "linux/amd64")}));
    index["manifests"][0]["platform"]["variant"] = "v7\x1b[2J\nfake line";
    index["manifests"][0]["annotations"] = {{"org.opencontainers.image.title", hostile_text}};
    index["manifests"].push_back({{"mediaType", oci_manifest},
                                  {"digest", artifact_digest},
                                  {"size", artifact.size()},
                                  {"artifactType", "application/x-\x1b[2Jevil\n::warning::x"}});
    source.tag("evil", source.add(index.dump(3), oci_index));
    return finish("hostile", "registry.test/app:evil", source);
}

} // namespace

std::vector<RenderScenario> render_scenarios() {
    std::vector<RenderScenario> scenarios;
    scenarios.push_back(list_scenario("list"));
    ResolveOptions arm;
    arm.platform = PlatformRequest::of(Platform{"linux", "arm", "v7", {}, {}});
    scenarios.push_back(list_scenario("platform", arm));
    scenarios.push_back(attestation_scenario("attestations"));
    ResolveOptions lean;
    lean.attestations = false;
    lean.fetch_configs = false;
    scenarios.push_back(attestation_scenario("lean", lean));
    scenarios.push_back(eight_platform_scenario());
    scenarios.push_back(nested_scenario());
    scenarios.push_back(artifact_scenario());
    scenarios.push_back(single_scenario());
    scenarios.push_back(partial_scenario());
    scenarios.push_back(hostile_scenario());
    // Explained in place: an explanation points into its tree's documents, which must not move.
    for (auto &scenario : scenarios)
        scenario.explanation = explain(scenario.tree);
    return scenarios;
}

} // namespace digestx::test

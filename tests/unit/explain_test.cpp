#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::EntrySpec;
using digestx::test::MemorySource;

namespace {

const std::string oci_manifest(media::oci_manifest);
const std::string oci_index(media::oci_index);

struct Built {
    std::string bytes;
    std::string digest;
};

Built add_image(MemorySource &source, const std::string &platform, const std::string &config_type = {}) {
    std::string config = test::make_config(platform, {test::sha256_of("diff " + platform)});
    std::string manifest = test::make_manifest(oci_manifest, source.add(config), config.size(),
                                               {{test::sha256_of("layer " + platform), 10}}, config_type);
    return {manifest, source.add(manifest, oci_manifest)};
}

ImageTree walk(MemorySource &source, const nlohmann::ordered_json &index, const ResolveOptions &options = {}) {
    source.tag("t", source.add(index.dump(), oci_index));
    auto reference = parse_reference("registry.test/app:t");
    REQUIRE(reference);
    auto tree = resolve(source, *reference, options);
    REQUIRE(tree);
    return std::move(*tree);
}

nlohmann::ordered_json entry(const Built &image, const std::string &os, const std::string &architecture) {
    return {{"mediaType", oci_manifest},
            {"digest", image.digest},
            {"size", image.bytes.size()},
            {"platform", {{"architecture", architecture}, {"os", os}}}};
}

} // namespace

TEST_CASE("index entries that are not platforms are never explained as platforms", "[explain]") {
    MemorySource source;
    Built amd64 = add_image(source, "linux/amd64");
    Built builder = add_image(source, "unknown/unknown");
    Built stray = add_image(source, "unknown/unknown");
    nlohmann::ordered_json index{{"schemaVersion", 2}, {"mediaType", oci_index}};
    index["manifests"] = {entry(amd64, "linux", "amd64"), entry(builder, "unknown", "unknown"),
                          entry(stray, "unknown", "unknown")};
    // regclient's testrepo:v1 carries such "builder" references beside its images.
    index["manifests"][1]["annotations"] = {{"vnd.docker.reference.digest", amd64.digest},
                                            {"vnd.docker.reference.type", "builder"}};
    ImageTree tree = walk(source, index);
    Explanation words = explain(tree);
    struct Case {
        std::size_t node;
        Role role;
        std::string title;
        std::string sentence;
    };
    std::vector<Case> cases = {
        {1, Role::PlatformManifest, "linux/amd64 manifest", "the linux/amd64 image of this index"},
        {2, Role::Artifact, "builder manifest",
         "an index entry of vnd.docker.reference.type \"builder\" about the linux/amd64 image; not an image for a "
         "platform"},
        {3, Role::Artifact, "unknown/unknown manifest",
         "an index entry for platform unknown/unknown; not an image for a platform"},
        {5, Role::ArtifactConfig, "artifact config", "not an image ID"},
        {6, Role::ArtifactConfig, "artifact config", "not an image ID"},
    };
    for (const auto &c : cases) {
        INFO("node " << c.node);
        CHECK(words.nodes[c.node].role == c.role);
        CHECK(words.nodes[c.node].title == c.title);
        CHECK_THAT(words.nodes[c.node].sentence, Catch::Contains(c.sentence));
    }
    CHECK(words.nodes[4].role == Role::ImageConfig);
    CHECK(words.nodes[2].layers.empty());
    // Comparing unknown/unknown with the config's platform says nothing: no platform-mismatch.
    CHECK(tree.findings.empty());
}

TEST_CASE("a manifest with a config that is not an image config is an artifact", "[explain]") {
    MemorySource source;
    Built helm = add_image(source, "linux/amd64", "application/vnd.cncf.helm.config.v1+json");
    source.tag("chart", helm.digest);
    auto reference = parse_reference("registry.test/chart:chart");
    REQUIRE(reference);
    auto tree = resolve(source, *reference, ResolveOptions{});
    REQUIRE(tree);
    Explanation words = explain(*tree);
    CHECK(words.nodes[0].role == Role::Artifact);
    CHECK_THAT(words.nodes[0].sentence, Catch::Contains("application/vnd.cncf.helm.config.v1+json"));
    CHECK(words.nodes[0].layers.empty());
    CHECK(words.nodes[1].role == Role::ArtifactConfig);
    CHECK_THAT(tree->nodes[1].skipped, Catch::Contains("not read"));
}

TEST_CASE("a platform manifest is what Docker Hub lists only on docker.io", "[explain]") {
    struct Case {
        std::string reference;
        std::string opening;
    };
    std::vector<Case> cases = {
        {"alpine:t", "what Docker Hub lists for linux/amd64; "},
        {"docker.io/library/alpine:t", "what Docker Hub lists for linux/amd64; "},
        {"registry.test/app:t", "the linux/amd64 image of this index; "},
        {"ghcr.io/org/app:t", "the linux/amd64 image of this index; "},
        {"oci:some/layout:t", "the linux/amd64 image of this index; "},
    };
    for (const auto &c : cases) {
        INFO(c.reference);
        MemorySource source;
        Built amd64 = add_image(source, "linux/amd64");
        nlohmann::ordered_json index{{"schemaVersion", 2}, {"mediaType", oci_index}};
        index["manifests"] = {entry(amd64, "linux", "amd64")};
        source.tag("t", source.add(index.dump(), oci_index));
        auto reference = parse_reference(c.reference);
        REQUIRE(reference);
        auto tree = resolve(source, *reference, ResolveOptions{});
        REQUIRE(tree);
        Explanation words = explain(*tree);
        REQUIRE(words.nodes[1].role == Role::PlatformManifest);
        // containerd checks no platform on the manifest it was asked for, and docker only warns.
        CHECK(words.nodes[1].sentence ==
              c.opening +
                  "pinning it pins linux/amd64 for every host: hosts of other architectures still pull it (docker only "
                  "warns) and run it under emulation or fail with `exec format error`");
    }
}

TEST_CASE("a top manifest has no index above it only when a tag led to it", "[explain]") {
    struct Case {
        std::string reference;
        std::string tail;
    };
    MemorySource source;
    Built image = add_image(source, "linux/arm64");
    source.tag("t", image.digest);
    source.tag("latest", image.digest);
    std::vector<Case> cases = {
        {"registry.test/app:t", "the tag names this manifest directly, with no index above it, so the image exists "
                                "for one platform only"},
        {"oci:some/layout:t", "the tag names this manifest directly, with no index above it"},
        {"oci:some/layout", "the layout's index.json names this manifest directly, with no index above it"},
        {"registry.test/app@" + image.digest,
         "named by digest, so whether an index lists it beside other platforms is not visible from here"},
        {"registry.test/app:t@" + image.digest, "named by digest"},
        {"oci:some/layout@" + image.digest, "named by digest"},
    };
    for (const auto &c : cases) {
        INFO(c.reference);
        auto reference = parse_reference(c.reference);
        REQUIRE(reference);
        auto tree = resolve(source, *reference, ResolveOptions{});
        REQUIRE(tree);
        Explanation words = explain(*tree);
        CHECK(words.nodes[0].role == Role::SingleManifest);
        CHECK_THAT(words.nodes[0].sentence,
                   Catch::StartsWith("what `docker pull` prints as Digest: and RepoDigests records; ") &&
                       Catch::Contains(c.tail));
        if (reference->digest()) CHECK_THAT(words.nodes[0].sentence, !Catch::Contains("no index above it"));
    }

    // `inspect --accept docker-v2`: the registry served this manifest for a tag that names an index.
    auto reference = parse_reference("registry.test/app:t");
    REQUIRE(reference);
    auto tree = resolve(source, *reference, ResolveOptions{});
    REQUIRE(tree);
    tree->accept = AcceptComparison{"docker-v2", test::sha256_of("the index"), oci_index};
    Explanation words = explain(*tree);
    CHECK(words.nodes[0].role == Role::SingleManifest);
    CHECK_THAT(words.nodes[0].sentence, !Catch::Contains("no index above it"));
    CHECK_THAT(words.nodes[0].sentence,
               Catch::Contains("a client sending digestx's default Accept list is given another"));
    // The full list got the same manifest: nothing else to say than for a plain tag.
    tree->accept = AcceptComparison{"docker-v2", tree->root().digest_text(), std::string(media::oci_manifest)};
    CHECK_THAT(explain(*tree).nodes[0].sentence, Catch::Contains("no index above it"));
}

TEST_CASE("attestation and side entries say what clients do with them, no more", "[explain]") {
    MemorySource source;
    Built amd64 = add_image(source, "linux/amd64");
    Built attestation = add_image(source, "unknown/unknown");
    Built builder = add_image(source, "unknown/unknown");
    Built platformed = add_image(source, "linux/amd64");
    nlohmann::ordered_json index{{"schemaVersion", 2}, {"mediaType", oci_index}};
    index["manifests"] = {entry(amd64, "linux", "amd64"), entry(attestation, "unknown", "unknown"),
                          entry(builder, "unknown", "unknown"), entry(platformed, "linux", "amd64")};
    index["manifests"][1]["annotations"] = {{"vnd.docker.reference.digest", amd64.digest},
                                            {"vnd.docker.reference.type", "attestation-manifest"}};
    index["manifests"][2]["annotations"] = {{"vnd.docker.reference.digest", amd64.digest},
                                            {"vnd.docker.reference.type", "builder"}};
    index["manifests"][3]["annotations"] = {{"vnd.docker.reference.type", "builder"}};
    ImageTree tree = walk(source, index);
    Explanation words = explain(tree);
    REQUIRE(words.nodes[2].role == Role::Attestation);
    // BuildKit attestation-storage.md; moby 47e852f (Docker 29.1) pulls it in the containerd store.
    CHECK(words.nodes[2].sentence ==
          "a buildx attestation (provenance or SBOM) about the linux/amd64 image; its unknown/unknown platform "
          "matches no host and its layers are in-toto statements, so nothing runs it; docker 29.1+ with the "
          "containerd image store pulls it with that image");
    CHECK(words.nodes[3].sentence ==
          "an index entry of vnd.docker.reference.type \"builder\" about the linux/amd64 image; not an image for a "
          "platform: unknown/unknown matches no host, so platform selection never takes it");
    CHECK(words.nodes[4].sentence ==
          "an index entry of vnd.docker.reference.type \"builder\"; not an image for a platform: BuildKit says to "
          "ignore such entries, but platform selection looks only at the platform (linux/amd64)");
    for (std::size_t node : {2, 3, 4}) {
        INFO("node " << node);
        CHECK_THAT(words.nodes[node].sentence, !Catch::Contains("never pulled"));
    }
}

TEST_CASE("configs typed the way early push tools typed them are image configs with an image ID", "[explain]") {
    // moby pull_v2.go accepts these as image configs (defaultImageTypes); `docker push` of Docker
    // 1.10 and 1.11.0 wrote application/octet-stream (distribution#1621). "" is no mediaType.
    const std::string docker_v2(media::docker_manifest_v2);
    for (const std::string type : {"application/octet-stream", "application/json", "text/html", ""}) {
        for (bool in_index : {false, true}) {
            INFO("config type \"" << type << "\"" << (in_index ? " in an index" : " at the top"));
            MemorySource source;
            std::string config = test::make_config("linux/amd64", {test::sha256_of("diff")});
            auto manifest = nlohmann::ordered_json::parse(test::make_manifest(
                docker_v2, source.add(config), config.size(), {{test::sha256_of("layer"), 10}}, "placeholder"));
            if (type.empty()) {
                manifest["config"].erase("mediaType");
            } else {
                manifest["config"]["mediaType"] = type;
            }
            std::string bytes = manifest.dump(3);
            std::string digest = source.add(bytes, docker_v2);
            std::string tagged = digest;
            if (in_index) {
                tagged = source.add(test::make_index(std::string(media::docker_manifest_list),
                                                     {EntrySpec{docker_v2, digest, bytes.size(), "linux/amd64", {}}}),
                                    std::string(media::docker_manifest_list));
            }
            source.tag("old", tagged);
            auto reference = parse_reference("registry.test/legacy:old");
            REQUIRE(reference);
            ResolveOptions options;
            options.platform = PlatformRequest::of(Platform{"linux", "amd64", {}, {}, {}});
            auto tree = resolve(source, *reference, options);
            REQUIRE(tree);
            Explanation words = explain(*tree);
            std::size_t image = in_index ? 1 : 0;
            std::size_t config_node = image + 1;
            CHECK(words.nodes[image].role == (in_index ? Role::PlatformManifest : Role::SingleManifest));
            CHECK(words.nodes[image].layers.size() == 1);
            CHECK(words.nodes[config_node].role == Role::ImageConfig);
            CHECK_THAT(words.nodes[config_node].sentence, Catch::Contains("the image ID"));
            CHECK(tree->nodes[config_node].config);
            CHECK(tree->nodes[config_node].skipped.empty());
            // The config was read, so --platform could check it against linux/amd64.
            CHECK(tree->selected == image);
            auto finding = std::find_if(words.findings.begin(), words.findings.end(),
                                        [](const Finding &f) { return f.code == "legacy-config-type"; });
            REQUIRE(finding != words.findings.end());
            CHECK(finding->level == FindingLevel::Info);
            CHECK(finding->node == config_node);
            CHECK_THAT(finding->message,
                       Catch::Contains(type.empty() ? std::string("has no media type") : "is typed \"" + type + "\""));
        }
    }
}

TEST_CASE("a config type docker does not pull as an image config keeps the manifest an artifact", "[explain]") {
    struct Case {
        std::string config_type;
        std::string artifact_type;
    };
    // An artifactType makes an artifact whatever its config says; moby compares config types
    // exactly, so a parameter is already another type.
    std::vector<Case> cases = {
        {"application/vnd.cncf.helm.config.v1+json", ""},
        {"application/octet-stream", "application/vnd.example.sbom+json"},
        {"application/json; charset=utf-8", ""},
        {std::string(media::oci_empty), ""},
    };
    for (const auto &c : cases) {
        INFO(c.config_type << " / " << c.artifact_type);
        MemorySource source;
        std::string config = test::make_config("linux/amd64", {test::sha256_of("diff")});
        std::string manifest = test::make_manifest(oci_manifest, source.add(config), config.size(),
                                                   {{test::sha256_of("layer"), 10}}, c.config_type, c.artifact_type);
        source.tag("a", source.add(manifest, oci_manifest));
        auto reference = parse_reference("registry.test/artifact:a");
        REQUIRE(reference);
        auto tree = resolve(source, *reference, ResolveOptions{});
        REQUIRE(tree);
        Explanation words = explain(*tree);
        CHECK(words.nodes[0].role == Role::Artifact);
        CHECK(words.nodes[1].role == Role::ArtifactConfig);
        CHECK_FALSE(tree->nodes[1].config);
        CHECK(std::none_of(words.findings.begin(), words.findings.end(),
                           [](const Finding &f) { return f.code == "legacy-config-type"; }));
    }
}

TEST_CASE("nodes that were not read keep a title that says what they were meant to be", "[explain]") {
    MemorySource source;
    Built arm64 = add_image(source, "linux/arm64");
    nlohmann::ordered_json index{{"schemaVersion", 2}, {"mediaType", oci_index}};
    index["manifests"] = {
        entry(arm64, "linux", "arm64"),
        {{"mediaType", oci_index}, {"digest", test::sha256_of("absent index")}, {"size", 10}},
        {{"mediaType", "application/vnd.example.future+json"}, {"digest", test::sha256_of("x")}, {"size", 1}},
    };
    source.fail_on(arm64.digest, Error::of(ErrorCode::NotFound, "manifest unknown").with_status(404));
    ImageTree tree = walk(source, index);
    Explanation words = explain(tree);
    std::vector<std::string> titles = {"linux/arm64 manifest", "nested index", "index entry"};
    for (std::size_t i = 0; i < titles.size(); ++i) {
        INFO("entry " << i);
        CHECK(words.nodes[i + 1].role == Role::NotRead);
        CHECK(words.nodes[i + 1].title == titles[i]);
    }
    CHECK_THAT(words.nodes[1].sentence, Catch::Contains("manifest unknown"));
    CHECK_THAT(words.nodes[3].sentence, Catch::Contains("not a manifest type"));
}

TEST_CASE("an index with many entries keeps every entry's descriptor while the tree grows", "[resolve]") {
    // Nodes are added while an index is walked; the entries must not be read through references
    // into the growing node list (ASan caught exactly that).
    MemorySource source;
    nlohmann::ordered_json index{{"schemaVersion", 2}, {"mediaType", oci_index}};
    std::vector<std::string> digests;
    for (int i = 0; i < 40; ++i) {
        std::string variant = "v" + std::to_string(i);
        Built image = add_image(source, "linux/riscv64/" + variant);
        digests.push_back(image.digest);
        index["manifests"].push_back(entry(image, "linux", "riscv64"));
        index["manifests"].back()["platform"]["variant"] = variant;
    }
    ImageTree tree = walk(source, index);
    REQUIRE(tree.nodes.size() == 81);
    for (std::size_t i = 0; i < digests.size(); ++i) {
        INFO("entry " << i);
        CHECK(tree.nodes[i + 1].descriptor->digest.str() == digests[i]);
        CHECK(tree.nodes[i + 1].document);
        CHECK(tree.nodes[41 + i].kind == NodeKind::Config);
        CHECK(tree.nodes[41 + i].config);
        CHECK(tree.nodes[41 + i].skipped.empty());
    }
    CHECK_FALSE(tree.worst_error());
}

#include <catch2/catch.hpp>

#include "digestx/io/host_platform.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::EntrySpec;
using digestx::test::MemorySource;

namespace {

Reference ref(const std::string &text) {
    auto parsed = parse_reference(text);
    REQUIRE(parsed);
    return *parsed;
}

struct Image {
    std::string manifest;
    std::string manifest_digest;
    std::string config_digest;
    std::string layer_digest;
    std::string diff_id;
};

// Adds one image (config + manifest) for a platform to the source.
Image add_image(MemorySource &source, const std::string &platform, const std::string &media_type) {
    Image image;
    image.layer_digest = test::sha256_of("layer " + platform);
    image.diff_id = test::sha256_of("diff " + platform);
    std::string config = test::make_config(platform, {image.diff_id});
    image.config_digest = source.add(config);
    image.manifest = test::make_manifest(media_type, image.config_digest, config.size(), {{image.layer_digest, 1234}});
    image.manifest_digest = source.add(image.manifest, media_type);
    return image;
}

EntrySpec entry_for(const Image &image, const std::string &media_type, const std::string &platform) {
    return EntrySpec{media_type, image.manifest_digest, image.manifest.size(), platform, {}};
}

} // namespace

TEST_CASE("a manifest list resolves level by level: list, manifests, configs", "[resolve]") {
    MemorySource source;
    std::string type(media::docker_manifest_v2);
    Image amd64 = add_image(source, "linux/amd64", type);
    Image arm64 = add_image(source, "linux/arm64/v8", type);
    std::string list =
        test::make_index(std::string(media::docker_manifest_list),
                         {entry_for(amd64, type, "linux/amd64"), entry_for(arm64, type, "linux/arm64/v8")});
    std::string list_digest = source.add(list, std::string(media::docker_manifest_list));
    source.tag("3.12", list_digest);

    auto tree = resolve(source, ref("registry.test/library/alpine:3.12"), ResolveOptions{});
    REQUIRE(tree);
    REQUIRE(tree->nodes.size() == 5);
    CHECK(tree->root().kind == NodeKind::Index);
    CHECK(tree->root().digest_text() == list_digest);
    CHECK(tree->nodes[1].digest_text() == amd64.manifest_digest);
    CHECK(tree->nodes[2].digest_text() == arm64.manifest_digest);
    CHECK(tree->nodes[3].kind == NodeKind::Config);
    CHECK(tree->nodes[3].digest_text() == amd64.config_digest);
    CHECK(tree->nodes[3].parent == std::size_t{1});
    CHECK(display_platform(*tree->nodes[2].platform) == "linux/arm64");
    CHECK_FALSE(tree->worst_error());
    // One batch per level: the tag, the two manifests, the two configs.
    REQUIRE(source.batches().size() == 3);
    CHECK(source.batches()[1].size() == 2);
    CHECK(source.batches()[2].size() == 2);

    Explanation words = explain(*tree);
    CHECK(words.nodes[0].role == Role::IndexDigest);
    CHECK(words.nodes[0].title == "manifest list");
    CHECK_THAT(words.nodes[0].sentence, Catch::Contains("docker pull"));
    CHECK(words.nodes[1].role == Role::PlatformManifest);
    CHECK(words.nodes[1].title == "linux/amd64 manifest");
    CHECK_THAT(words.nodes[2].sentence, Catch::Contains("pins linux/arm64 for every host"));
    CHECK(words.nodes[3].role == Role::ImageConfig);
    CHECK_THAT(words.nodes[3].sentence, Catch::Contains("IMAGE ID"));
    REQUIRE(words.nodes[1].layers.size() == 1);
    CHECK(words.nodes[1].layers[0].layer->digest.str() == amd64.layer_digest);
    REQUIRE(words.nodes[1].layers[0].diff_id);
    CHECK(words.nodes[1].layers[0].diff_id->str() == amd64.diff_id);

    auto places = locate(*tree, words, amd64.diff_id);
    REQUIRE(places.size() == 1);
    CHECK(places[0].what == "diff_id 0 of linux/amd64 manifest");
    CHECK(locate(*tree, words, list_digest).at(0).role == Role::IndexDigest);
}

TEST_CASE("attestations are tied to their image and never counted as a platform", "[resolve][explain]") {
    MemorySource source;
    std::string type(media::oci_manifest);
    Image amd64 = add_image(source, "linux/amd64", type);
    Image arm64 = add_image(source, "linux/arm64", type);
    std::string empty = "{}";
    std::string empty_digest = source.add(empty);
    std::string attestation = test::make_manifest(type, empty_digest, 2, {{test::sha256_of("provenance"), 99}},
                                                  std::string(media::oci_config));
    std::string attestation_digest = source.add(attestation, type);
    EntrySpec attestation_entry{type, attestation_digest, attestation.size(), {}, arm64.manifest_digest};
    std::string index =
        test::make_index(std::string(media::oci_index), {entry_for(amd64, type, "linux/amd64"),
                                                         entry_for(arm64, type, "linux/arm64"), attestation_entry});
    source.tag("1.0", source.add(index, std::string(media::oci_index)));

    SECTION("walked by default") {
        auto tree = resolve(source, ref("registry.test/org/team/app:1.0"), ResolveOptions{});
        REQUIRE(tree);
        Explanation words = explain(*tree);
        CHECK(words.nodes[3].role == Role::Attestation);
        REQUIRE(words.nodes[3].attests);
        CHECK(*words.nodes[3].attests == 2);
        CHECK_THAT(words.nodes[3].sentence, Catch::Contains("linux/arm64 image"));
        CHECK_THAT(words.nodes[3].sentence, Catch::Contains("unknown/unknown platform matches no host"));
    }
    SECTION("skipped with attestations off") {
        ResolveOptions options;
        options.attestations = false;
        auto tree = resolve(source, ref("registry.test/org/team/app:1.0"), options);
        REQUIRE(tree);
        CHECK(tree->nodes[3].skipped == "attestations not requested");
        CHECK_FALSE(tree->nodes[3].document);
        CHECK(explain(*tree).nodes[3].title == "attestation manifest");
    }
    SECTION("--platform keeps the chosen image and its attestation") {
        ResolveOptions options;
        options.platform = PlatformRequest::of(Platform{"linux", "arm64", "v8", {}, {}});
        auto tree = resolve(source, ref("registry.test/org/team/app:1.0"), options);
        REQUIRE(tree);
        REQUIRE(tree->root().children.size() == 2);
        REQUIRE(tree->selected);
        CHECK(tree->nodes[*tree->selected].digest_text() == arm64.manifest_digest);
        CHECK(tree->nodes[tree->root().children[1]].digest_text() == attestation_digest);
    }
}

TEST_CASE("platform selection (--platform) follows containerd's matching", "[resolve][platform]") {
    MemorySource source;
    std::string type(media::docker_manifest_v2);
    Image v6 = add_image(source, "linux/arm/v6", type);
    Image v7 = add_image(source, "linux/arm/v7", type);
    Image arm64 = add_image(source, "linux/arm64/v8", type);
    Image plain = add_image(source, "linux/amd64", type);
    std::string list =
        test::make_index(std::string(media::docker_manifest_list),
                         {entry_for(plain, type, "linux/amd64"), entry_for(v6, type, "linux/arm/v6"),
                          entry_for(v7, type, "linux/arm/v7"), entry_for(arm64, type, "linux/arm64/v8")});
    source.tag("latest", source.add(list, std::string(media::docker_manifest_list)));

    struct Case {
        std::string wanted;
        std::string expected;
    };
    std::vector<Case> cases = {{"linux/arm64", arm64.manifest_digest},  {"linux/arm64/v8", arm64.manifest_digest},
                               {"linux/arm", v7.manifest_digest},       {"linux/arm/v7", v7.manifest_digest},
                               {"linux/arm/v6", v6.manifest_digest},    {"linux/amd64", plain.manifest_digest},
                               {"linux/x86_64", plain.manifest_digest}, {"linux/aarch64", arm64.manifest_digest}};
    for (const auto &c : cases) {
        INFO("platform " << c.wanted);
        ResolveOptions options;
        options.platform = PlatformRequest::of(*parse_platform(c.wanted));
        auto tree = resolve(source, ref("registry.test/app"), options);
        REQUIRE(tree);
        REQUIRE(tree->selected);
        CHECK(tree->nodes[*tree->selected].digest_text() == c.expected);
        CHECK_FALSE(tree->worst_error());
    }

    ResolveOptions options;
    options.platform = PlatformRequest::of(*parse_platform("linux/s390x"));
    auto tree = resolve(source, ref("registry.test/app"), options);
    REQUIRE(tree);
    auto error = tree->worst_error();
    REQUIRE(error);
    CHECK(error->code == ErrorCode::NotFound);
    CHECK_THAT(error->message, Catch::Contains("no manifest for linux/s390x"));
    CHECK_THAT(error->message, Catch::Contains("linux/arm/v6"));
}

TEST_CASE("a single-platform image that does not match --platform is not found, naming its platform",
          "[resolve][platform]") {
    MemorySource source;
    Image image = add_image(source, "linux/amd64", std::string(media::oci_manifest));
    source.tag("single", image.manifest_digest);
    ResolveOptions options;
    options.platform = PlatformRequest::of(*parse_platform("linux/arm64"));
    options.fetch_configs = false; // the config is read anyway: it is the only place the platform is written
    auto tree = resolve(source, ref("registry.test/hello:single"), options);
    REQUIRE(tree);
    auto error = tree->worst_error();
    REQUIRE(error);
    CHECK(error->code == ErrorCode::NotFound);
    CHECK_THAT(error->message, Catch::Contains("single-platform linux/amd64"));

    options.platform = PlatformRequest::of(*parse_platform("linux/amd64"));
    auto matching = resolve(source, ref("registry.test/hello:single"), options);
    REQUIRE(matching);
    CHECK_FALSE(matching->worst_error());
    CHECK(matching->selected == std::size_t{0});
    CHECK(explain(*matching).nodes[0].role == Role::SingleManifest);
}

TEST_CASE("a failing child stays on its node and the rest of the tree is still walked", "[resolve]") {
    MemorySource source;
    std::string type(media::docker_manifest_v2);
    Image good = add_image(source, "linux/amd64", type);
    Image missing = add_image(source, "linux/arm64", type);
    Image corrupt = add_image(source, "linux/ppc64le", type);
    source.fail_on(missing.manifest_digest, Error::of(ErrorCode::NotFound, "manifest unknown").with_status(404));
    source.corrupt(corrupt.manifest_digest, good.manifest);
    std::string list = test::make_index(std::string(media::docker_manifest_list),
                                        {entry_for(good, type, "linux/amd64"), entry_for(missing, type, "linux/arm64"),
                                         entry_for(corrupt, type, "linux/ppc64le")});
    source.tag("latest", source.add(list));
    auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
    REQUIRE(tree);
    CHECK(tree->nodes[1].document);
    REQUIRE(tree->nodes[2].error);
    CHECK(tree->nodes[2].error->code == ErrorCode::NotFound);
    REQUIRE(tree->nodes[3].error);
    CHECK(tree->nodes[3].error->code == ErrorCode::Integrity);
    CHECK(tree->nodes.size() == 5); // the good manifest's config was still read
    CHECK(tree->worst_error()->code == ErrorCode::Integrity);
    CHECK(explain(*tree).nodes[2].role == Role::NotRead);
}

TEST_CASE("descriptor sizes, media types and depth are enforced", "[resolve]") {
    std::string type(media::docker_manifest_v2);
    SECTION("size differing from the descriptor") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec entry = entry_for(image, type, "linux/amd64");
        entry.size += 1;
        source.tag("latest", source.add(test::make_index(std::string(media::docker_manifest_list), {entry})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        REQUIRE(tree->nodes[1].error);
        CHECK_THAT(tree->nodes[1].error->message, Catch::Contains("differs from descriptor size"));
    }
    SECTION("descriptor media type of another kind than the document (B4, CVE-2021-41190)") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec entry = entry_for(image, std::string(media::oci_index), "linux/amd64");
        source.tag("latest", source.add(test::make_index(std::string(media::oci_index), {entry})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        REQUIRE(tree->nodes[1].error);
        CHECK(tree->nodes[1].error->code == ErrorCode::Integrity);
        CHECK(tree->nodes[1].error->message ==
              "media type mismatch: descriptor application/vnd.oci.image.index.v1+json vs document mediaType "
              "application/vnd.docker.distribution.manifest.v2+json");
        CHECK(tree->findings.empty());
    }
    SECTION("descriptor media type of the other flavour: read with a warning, an error with strict (B4)") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec entry = entry_for(image, std::string(media::oci_manifest), "linux/amd64");
        source.tag("latest", source.add(test::make_index(std::string(media::oci_index), {entry})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        CHECK_FALSE(tree->worst_error());
        REQUIRE(tree->nodes[1].document);
        CHECK(tree->nodes[1].document->kind() == DocumentKind::DockerManifest);
        CHECK(tree->nodes[2].config); // the walk went on below it
        REQUIRE(tree->findings.size() == 1);
        CHECK(tree->findings[0].level == FindingLevel::Warning);
        CHECK(tree->findings[0].code == "media-type-mismatch");
        CHECK(tree->findings[0].node == std::size_t{1});
        CHECK_THAT(tree->findings[0].message,
                   Catch::StartsWith("the descriptor says application/vnd.oci.image.manifest.v1+json but the "
                                     "document's mediaType is application/vnd.docker.distribution.manifest.v2+json"));
        Explanation words = explain(*tree);
        CHECK(words.nodes[1].role == Role::PlatformManifest);
        CHECK(words.findings.front().code == "media-type-mismatch"); // explain keeps the tree's findings first

        ResolveOptions strict;
        strict.strict = true;
        auto refused = resolve(source, ref("registry.test/app"), strict);
        REQUIRE(refused);
        REQUIRE(refused->nodes[1].error);
        CHECK(refused->nodes[1].error->message ==
              "media type mismatch: descriptor application/vnd.oci.image.manifest.v1+json vs document mediaType "
              "application/vnd.docker.distribution.manifest.v2+json (--strict)");
        CHECK(refused->findings.empty());
        CHECK(refused->nodes.size() == 2);
    }
    SECTION("one digest named by two entries of different types is checked against each") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec good = entry_for(image, type, "linux/amd64");
        EntrySpec as_index = entry_for(image, std::string(media::oci_index), "linux/arm64");
        source.tag("latest", source.add(test::make_index(std::string(media::oci_index), {good, as_index})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        CHECK_FALSE(tree->nodes[1].error);
        REQUIRE(tree->nodes[2].error);
        CHECK_THAT(tree->nodes[2].error->message, Catch::StartsWith("media type mismatch: descriptor "));
    }
    SECTION("a root of the other flavour than its Content-Type") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        source.tag("latest", source.add(image.manifest, std::string(media::oci_manifest)));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        REQUIRE(tree->findings.size() == 1);
        CHECK(tree->findings[0].node == std::size_t{0});
        CHECK_THAT(tree->findings[0].message, Catch::StartsWith("the Content-Type says "));
        ResolveOptions strict;
        strict.strict = true;
        auto refused = resolve(source, ref("registry.test/app"), strict);
        REQUIRE_FALSE(refused);
        CHECK_THAT(refused.error().message, Catch::EndsWith("(--strict)"));
    }
    SECTION("unknown entry types are skipped, not errors (B14)") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec odd{"application/vnd.example.future+json", test::sha256_of("future"), 6, {}, {}};
        source.tag("latest", source.add(test::make_index(std::string(media::oci_index),
                                                         {entry_for(image, type, "linux/amd64"), odd})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        CHECK_THAT(tree->nodes[2].skipped, Catch::Contains("not a manifest type"));
        CHECK_FALSE(tree->worst_error());
    }
    SECTION("index nesting deeper than the limit (B12)") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        std::string inner = test::make_index(std::string(media::oci_index), {entry_for(image, type, "linux/amd64")});
        for (int level = 0; level < 6; ++level) {
            std::string digest = source.add(inner);
            inner = test::make_index(std::string(media::oci_index),
                                     {EntrySpec{std::string(media::oci_index), digest, inner.size(), {}, {}}});
        }
        source.tag("deep", source.add(inner));
        auto tree = resolve(source, ref("registry.test/app:deep"), ResolveOptions{});
        REQUIRE(tree);
        auto error = tree->worst_error();
        REQUIRE(error);
        CHECK(error->code == ErrorCode::Integrity);
        CHECK(error->message == "index nesting deeper than 4");
    }
    SECTION("a manifest listed twice is fetched once") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec entry = entry_for(image, type, "linux/amd64");
        source.tag("latest", source.add(test::make_index(std::string(media::docker_manifest_list), {entry, entry})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        CHECK(source.batches()[1].size() == 1);
        CHECK(tree->nodes[1].document);
        CHECK(tree->nodes[2].document);
        // Held once: both nodes share one parsed document (and one config), not two copies.
        CHECK(tree->nodes[1].document == tree->nodes[2].document);
    }
    SECTION("a document listed twice counts once against the byte budget") {
        MemorySource source;
        Image image = add_image(source, "linux/amd64", type);
        EntrySpec entry = entry_for(image, type, "linux/amd64");
        std::string index = test::make_index(std::string(media::docker_manifest_list), {entry, entry, entry});
        source.tag("latest", source.add(index));
        std::string config = test::make_config("linux/amd64", {image.diff_id});
        ResolveOptions options;
        // Room for each distinct document once, not for the three entries read three times.
        options.max_total_bytes = index.size() + image.manifest.size() + config.size();
        auto tree = resolve(source, ref("registry.test/app"), options);
        REQUIRE(tree);
        CHECK_FALSE(tree->worst_error());
        options.max_total_bytes -= 1;
        auto over = resolve(source, ref("registry.test/app"), options);
        REQUIRE(over);
        REQUIRE(over->worst_error());
        CHECK(over->worst_error()->code == ErrorCode::Integrity);
    }
}

TEST_CASE("a header digest that differs from the content is a warning finding (B2)", "[resolve]") {
    class LyingHeader final : public Source {
    public:
        explicit LyingHeader(std::string bytes) : m_bytes(std::move(bytes)) {}
        Result<Fetched> fetch_reference(const Reference &) override {
            FetchNote note{FetchMethod::Get,
                           "x",
                           {},
                           std::string(media::oci_manifest),
                           "sha256:" + std::string(64, 'a'),
                           "h",
                           200,
                           ""};
            return Fetched{m_bytes, Digest::compute(m_bytes), std::string(media::oci_manifest), note, std::nullopt};
        }
        Result<TagList> list_tags(std::size_t) override { return TagList{}; }
        [[nodiscard]] SourceStats stats() const override { return {}; }

    protected:
        std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override {
            return std::vector<Result<Fetched>>(items.size(), fail(ErrorCode::NotFound, "absent"));
        }

    private:
        std::string m_bytes;
    };
    std::string config = test::make_config("linux/amd64", {});
    LyingHeader source(
        test::make_manifest(std::string(media::oci_manifest), test::sha256_of(config), config.size(), {}));
    auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
    REQUIRE(tree);
    REQUIRE(tree->findings.size() == 1);
    CHECK(tree->findings[0].code == "header-digest-mismatch");
    CHECK(tree->findings[0].level == FindingLevel::Warning);
}

TEST_CASE("the root failing is the command's error", "[resolve]") {
    MemorySource source;
    auto missing = resolve(source, ref("registry.test/app:nope"), ResolveOptions{});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);

    std::string junk = "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}";
    source.tag("junk", source.add(junk));
    auto ambiguous = resolve(source, ref("registry.test/app:junk"), ResolveOptions{});
    REQUIRE_FALSE(ambiguous);
    CHECK(ambiguous.error().code == ErrorCode::Integrity);
}

TEST_CASE("an artifact manifest is read wherever a manifest can be, and is never a platform", "[resolve][artifact]") {
    // image-spec v1.1.0-rc2 artifact.md: no config, no schemaVersion, `blobs`; withdrawn before
    // v1.1.0 but pushed by ORAS 1.0 release candidates (`--image-spec v1.1-artifact`).
    std::string artifact_type(media::oci_artifact_manifest);
    std::string type(media::oci_manifest);
    MemorySource source;
    Image image = add_image(source, "linux/amd64", type);
    std::string blob = test::sha256_of("sbom blob");
    std::string artifact = "{\"mediaType\":\"" + artifact_type +
                           "\",\"artifactType\":\"application/spdx+json\",\"blobs\":[{\"mediaType\":\"application/"
                           "spdx+json\",\"digest\":\"" +
                           blob + "\",\"size\":42}],\"subject\":{\"mediaType\":\"" + type + "\",\"digest\":\"" +
                           image.manifest_digest + "\",\"size\":" + std::to_string(image.manifest.size()) + "}}";
    std::string artifact_digest = source.add(artifact, artifact_type);

    SECTION("as what a tag names") {
        source.tag("sbom", artifact_digest);
        auto tree = resolve(source, ref("registry.test/app:sbom"), ResolveOptions{});
        REQUIRE(tree);
        CHECK_FALSE(tree->worst_error());
        REQUIRE(tree->nodes.size() == 1); // no config to read, blobs are not documents
        CHECK(tree->root().kind == NodeKind::Manifest);
        CHECK(tree->root().document->kind() == DocumentKind::OciArtifactManifest);
        CHECK(tree->root().document->manifest().layers.size() == 1);
        Explanation words = explain(*tree);
        CHECK(words.nodes[0].role == Role::Artifact);
        CHECK(words.nodes[0].title == "artifact manifest");
        CHECK_THAT(words.nodes[0].sentence, Catch::Contains("application/spdx+json"));
    }
    SECTION("as an index entry, which --platform never selects") {
        EntrySpec image_entry = entry_for(image, type, "linux/amd64");
        EntrySpec artifact_entry{artifact_type, artifact_digest, artifact.size(), "linux/amd64", {}};
        source.tag("latest",
                   source.add(test::make_index(std::string(media::oci_index), {artifact_entry, image_entry})));
        auto tree = resolve(source, ref("registry.test/app"), ResolveOptions{});
        REQUIRE(tree);
        CHECK_FALSE(tree->worst_error());
        REQUIRE(tree->nodes[1].document);
        CHECK(tree->nodes[1].document->kind() == DocumentKind::OciArtifactManifest);
        CHECK(tree->nodes[1].children.empty());
        CHECK(explain(*tree).nodes[1].role == Role::Artifact);

        ResolveOptions pick;
        pick.platform = PlatformRequest::of(Platform{"linux", "amd64", {}, {}, {}});
        auto selected = resolve(source, ref("registry.test/app"), pick);
        REQUIRE(selected);
        REQUIRE(selected->selected);
        CHECK(selected->nodes[*selected->selected].digest_text() == image.manifest_digest);
    }
}

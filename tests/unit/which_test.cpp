// `which` without a network: digest queries, and every kind of digest found in a hand-built graph
// (index, platform manifest, image config, shared layer, diff_id, attestation, referrer), an
// ambiguous prefix and a miss.
#include <catch2/catch.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/explain/which.hpp"
#include "digestx/resolve/referrers.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::MemorySource;

namespace {

const std::string manifest_type(media::oci_manifest);

struct Image {
    std::string manifest;
    std::size_t size = 0;
    std::string config;
    std::string app_layer;
    std::string app_diff_id;
};

// An index of linux/amd64 and linux/arm64 sharing one base layer (same compressed digest, same
// diff_id), an attestation about amd64, and an SBOM referrer of arm64.
struct Graph {
    MemorySource source;
    std::string base_layer = test::sha256_of("base layer");
    std::string base_diff_id = test::sha256_of("base diff_id");
    Image amd64;
    Image arm64;
    std::string attestation;
    std::string sbom = Digest::compute("sbom").str();
    std::string index;
    std::string host = "registry.test";

    Image add_image(const std::string &platform) {
        Image image;
        image.app_layer = test::sha256_of("app layer " + platform);
        image.app_diff_id = test::sha256_of("app diff_id " + platform);
        std::string config = test::make_config(platform, {base_diff_id, image.app_diff_id});
        image.config = source.add(config);
        std::string bytes =
            test::make_manifest(manifest_type, image.config, config.size(), {{base_layer, 100}, {image.app_layer, 10}});
        image.manifest = source.add(bytes, manifest_type);
        image.size = bytes.size();
        return image;
    }

    ImageTree build() {
        amd64 = add_image("linux/amd64");
        arm64 = add_image("linux/arm64");
        std::string empty = source.add("{}");
        std::string statement = test::make_manifest(manifest_type, empty, 2, {{test::sha256_of("provenance"), 99}},
                                                    std::string(media::oci_config));
        attestation = source.add(statement, manifest_type);
        std::string bytes = test::make_index(std::string(media::oci_index),
                                             {{manifest_type, amd64.manifest, amd64.size, "linux/amd64", {}},
                                              {manifest_type, arm64.manifest, arm64.size, "linux/arm64", {}},
                                              {manifest_type, attestation, statement.size(), {}, amd64.manifest}});
        index = source.add(bytes, std::string(media::oci_index));
        source.tag("1.0", index);
        source.refer(arm64.manifest, Descriptor{manifest_type,
                                                DeclaredDigest(*Digest::parse(sbom)),
                                                500,
                                                std::nullopt,
                                                {},
                                                "application/spdx+json",
                                                {},
                                                std::nullopt,
                                                std::nullopt});
        auto reference = parse_reference(host + "/org/app:1.0");
        REQUIRE(reference);
        auto tree = resolve(source, *reference, ResolveOptions{});
        REQUIRE(tree);
        REQUIRE(attach_referrers(source, *tree));
        return std::move(*tree);
    }
};

WhichAnswer ask(const ImageTree &tree, const std::string &text) {
    auto query = parse_digest_query(text);
    REQUIRE(query);
    return which(tree, explain(tree), *query);
}

} // namespace

TEST_CASE("digest queries: full digests and prefixes of 12 hex digits or more", "[which]") {
    struct Case {
        std::string text;
        std::string algorithm; // "" for an error
        std::string error;
    };
    const std::string hex(64, 'a');
    std::vector<Case> cases = {
        {"sha256:" + hex, "sha256", ""},
        {hex, "", ""},
        {"aaaaaaaaaaaa", "", ""},
        {"sha256:aaaaaaaaaaaa", "sha256", ""},
        {"sha512:" + std::string(128, 'b'), "sha512", ""},
        {"aaaaaaaaaaa", "", "too short: give at least 12 hex digits"},
        {"sha256:" + hex + "a", "", "longer than a sha256 digest"},
        {std::string(129, 'a'), "", "longer than a sha512 digest"},
        {"AAAAAAAAAAAA", "", "expected lowercase hex digits"},
        {"sha256:zzzzzzzzzzzz", "", "expected lowercase hex digits"},
        {"md5:aaaaaaaaaaaa", "", "unsupported digest algorithm \"md5\""},
        {"", "", "too short"},
    };
    for (const auto &c : cases) {
        INFO(c.text);
        auto query = parse_digest_query(c.text);
        if (c.error.empty()) {
            REQUIRE(query);
            CHECK(query->algorithm == c.algorithm);
            CHECK(query->matches("sha256:" + hex) == (c.algorithm != "sha512"));
        } else {
            REQUIRE_FALSE(query);
            CHECK(query.error().code == ErrorCode::Usage);
            CHECK_THAT(query.error().message, Catch::Contains(c.error));
        }
    }
    auto prefix = parse_digest_query("sha512:aaaaaaaaaaaa");
    REQUIRE(prefix);
    CHECK_FALSE(prefix->matches("sha256:" + hex));
}

TEST_CASE("which names every kind of digest of a graph in one sentence", "[which]") {
    Graph graph;
    ImageTree tree = graph.build();
    struct Case {
        std::string digest;
        WhichKind kind;
        Role role;
        std::string title;
        std::string sentence;
        std::size_t holders;
    };
    std::vector<Case> cases = {
        {graph.index, WhichKind::Document, Role::IndexDigest, "image index", "what `docker pull` prints", 0},
        {graph.arm64.manifest, WhichKind::Document, Role::PlatformManifest, "linux/arm64 manifest",
         "the linux/arm64 image of this index; pinning it pins linux/arm64 for every host", 0},
        {graph.amd64.config, WhichKind::Document, Role::ImageConfig, "image config of the linux/amd64 manifest",
         "the image ID", 0},
        {graph.base_layer, WhichKind::Layer, Role::NotRead, "layer",
         "a compressed layer: layer 0 (the base layer) of the linux/amd64 manifest, uncompressed "
         "sha256:" +
             graph.base_diff_id.substr(7, 12) + "; every one of the 2 images has it",
         2},
        {graph.arm64.app_layer, WhichKind::Layer, Role::NotRead, "layer",
         "a compressed layer: layer 1 of the linux/arm64 manifest", 1},
        {graph.arm64.app_diff_id, WhichKind::DiffId, Role::NotRead, "diff_id",
         "an uncompressed layer (diff_id 1 of the linux/arm64 manifest's config): the content of the compressed "
         "layer sha256:" +
             graph.arm64.app_layer.substr(7, 12),
         1},
        {graph.attestation, WhichKind::Document, Role::Attestation, "attestation manifest",
         "a buildx attestation (provenance or SBOM) about the linux/amd64 image", 0},
        {test::sha256_of("provenance"), WhichKind::Layer, Role::NotRead, "layer",
         "a layer of the attestation manifest: an in-toto statement", 1},
        {graph.sbom, WhichKind::Document, Role::Referrer, "SBOM referrer", "attached after the fact", 0},
    };
    for (const auto &c : cases) {
        for (const auto &typed : {c.digest, c.digest.substr(7, 12), c.digest.substr(0, 19)}) {
            INFO(typed);
            WhichAnswer answer = ask(tree, typed);
            REQUIRE(answer.candidates == std::vector<std::string>{c.digest});
            REQUIRE(answer.places.size() == 1);
            const WhichPlace &place = answer.places.front();
            CHECK(place.kind == c.kind);
            CHECK(place.title == c.title);
            CHECK_THAT(place.sentence, Catch::Contains(c.sentence));
            CHECK(place.holders.size() == c.holders);
            if (c.kind == WhichKind::Document) CHECK(place.role == c.role);
        }
    }
    // What the digest is about: an attestation's image, a config's manifest.
    CHECK(ask(tree, graph.attestation).places.front().describes == graph.amd64.manifest);
    CHECK(ask(tree, graph.arm64.config).places.front().describes == graph.arm64.manifest);
    // A diff_id names the compressed layer at its position in each manifest holding it.
    auto base = ask(tree, graph.base_diff_id).places.front();
    REQUIRE(base.holders.size() == 2);
    CHECK(base.holders[0].compressed == graph.base_layer);
    CHECK(base.holders[1].position == 0);
    CHECK_THAT(base.sentence, Catch::Contains("every one of the 2 images has it"));
}

TEST_CASE("which on Docker Hub says what the tag page lists for a platform", "[which]") {
    Graph graph;
    graph.host = "docker.io";
    ImageTree tree = graph.build();
    WhichAnswer answer = ask(tree, graph.arm64.manifest);
    REQUIRE(answer.places.size() == 1);
    CHECK_THAT(answer.places.front().sentence, Catch::StartsWith("what Docker Hub lists for linux/arm64"));
}

TEST_CASE("which lists every candidate of an ambiguous prefix, and nothing for a miss", "[which]") {
    Graph graph;
    // Layer digests are only named, never fetched: two sharing their first 12 hex digits.
    graph.base_layer = "sha256:abcdef012345" + std::string(52, '0');
    graph.base_diff_id = "sha256:abcdef012345" + std::string(52, '1');
    ImageTree tree = graph.build();
    WhichAnswer ambiguous = ask(tree, "abcdef012345");
    CHECK(ambiguous.candidates == std::vector<std::string>{graph.base_layer, graph.base_diff_id});
    CHECK(ambiguous.places.empty());
    WhichAnswer longer = ask(tree, "abcdef0123451");
    CHECK(longer.candidates == std::vector<std::string>{graph.base_diff_id});
    CHECK(longer.places.size() == 1);
    auto miss = ask(tree, std::string(64, '0'));
    CHECK(miss.candidates.empty());
    CHECK(miss.places.empty());
    CHECK(which_miss_hint(tree) == "not in the graph of registry.test/org/app:1.0 as it is now: an older build of the "
                                   "tag, another tag, or the local image ID of a platform the index does not list");
}

// `inspect --referrers` without a network: which manifests are asked for their referrers, where
// the referrers land in the tree, how they are explained, and what a failed listing leaves.
#include <catch2/catch.hpp>

#include <algorithm>

#include "digestx/core/media_type.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/resolve/referrers.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::EntrySpec;
using digestx::test::MemorySource;

namespace {

const std::string manifest_type(media::oci_manifest);

struct Graph {
    MemorySource source;
    std::string index;
    std::string amd64;
    std::string arm64;
    std::string attestation;
};

std::string add_image(MemorySource &source, const std::string &platform, std::string &bytes) {
    std::string config = test::make_config(platform, {test::sha256_of("diff " + platform)});
    bytes = test::make_manifest(manifest_type, source.add(config), config.size(),
                                {{test::sha256_of("layer " + platform), 10}});
    return source.add(bytes, manifest_type);
}

// An index of two images and an attestation about the first, as buildx pushes it.
void build(Graph &graph) {
    std::string amd64_bytes;
    std::string arm64_bytes;
    graph.amd64 = add_image(graph.source, "linux/amd64", amd64_bytes);
    graph.arm64 = add_image(graph.source, "linux/arm64", arm64_bytes);
    std::string empty_digest = graph.source.add("{}");
    std::string attestation = test::make_manifest(manifest_type, empty_digest, 2, {{test::sha256_of("provenance"), 99}},
                                                  std::string(media::oci_config));
    graph.attestation = graph.source.add(attestation, manifest_type);
    std::string index = test::make_index(std::string(media::oci_index),
                                         {{manifest_type, graph.amd64, amd64_bytes.size(), "linux/amd64", {}},
                                          {manifest_type, graph.arm64, arm64_bytes.size(), "linux/arm64", {}},
                                          {manifest_type, graph.attestation, attestation.size(), {}, graph.amd64}});
    graph.index = graph.source.add(index, std::string(media::oci_index));
    graph.source.tag("1.0", graph.index);
}

Descriptor referrer(const std::string &name, const std::string &artifact_type) {
    return Descriptor{
        manifest_type, DeclaredDigest(Digest::compute(name)), 500, std::nullopt, {}, artifact_type, {}, std::nullopt,
        std::nullopt};
}

ImageTree walk(Graph &graph) {
    auto reference = parse_reference("registry.test/org/app:1.0");
    REQUIRE(reference);
    auto tree = resolve(graph.source, *reference, ResolveOptions{});
    REQUIRE(tree);
    return std::move(*tree);
}

const TreeNode *node_with(const ImageTree &tree, const std::string &digest) {
    for (const auto &node : tree.nodes) {
        if (node.digest_text() == digest) return &node;
    }
    return nullptr;
}

const Finding *finding_with(const std::vector<Finding> &findings, const std::string &code) {
    auto found = std::find_if(findings.begin(), findings.end(), [&](const Finding &f) { return f.code == code; });
    return found == findings.end() ? nullptr : &*found;
}

} // namespace

TEST_CASE("referrers are asked for the top index and every image manifest, never an attestation", "[referrers]") {
    Graph graph;
    build(graph);
    graph.source.refer(graph.attestation, referrer("never asked", "application/spdx+json"));
    ImageTree tree = walk(graph);
    std::size_t requests_before = tree.stats.requests;
    REQUIRE(attach_referrers(graph.source, tree));
    CHECK(graph.source.referrer_requests() == std::vector<std::string>{graph.index, graph.amd64, graph.arm64});
    // One listing batch for all of them, like every other level of the walk.
    CHECK(graph.source.referrer_batches().size() == 1);
    CHECK(tree.stats.requests == requests_before + 3);
    CHECK(node_with(tree, Digest::compute("never asked").str()) == nullptr);
    const Finding *summary = finding_with(tree.findings, "referrers");
    REQUIRE(summary != nullptr);
    CHECK_THAT(summary->message, Catch::Contains("3 manifests") && Catch::Contains("0 found"));
}

TEST_CASE("each referrer hangs under its subject and is explained as attached after the fact", "[referrers]") {
    struct Case {
        std::string artifact_type;
        std::string title;
    };
    std::vector<Case> cases = {
        {"application/spdx+json", "SBOM referrer"},
        {"application/vnd.cyclonedx+json", "SBOM referrer"},
        {"application/vnd.dev.cosign.artifact.sig.v1+json", "signature referrer"},
        {"application/vnd.cncf.notary.signature", "signature referrer"},
        {"application/vnd.in-toto+json", "attestation referrer"},
        {"application/vnd.example.chart", "referrer"},
        {"", "referrer"},
    };
    for (const auto &c : cases) {
        INFO(c.artifact_type);
        Graph graph;
        build(graph);
        Descriptor attached = referrer("attached " + c.artifact_type, c.artifact_type);
        graph.source.refer(graph.arm64, attached);
        ImageTree tree = walk(graph);
        REQUIRE(attach_referrers(graph.source, tree));
        const TreeNode *node = node_with(tree, attached.digest.str());
        REQUIRE(node != nullptr);
        CHECK(node->is_referrer());
        CHECK(node->referrer_via == ReferrerRoute::Api);
        REQUIRE(node->parent);
        CHECK(tree.nodes[*node->parent].digest_text() == graph.arm64);
        CHECK(tree.nodes[*node->parent].children.back() == node->id);
        CHECK(node->depth == tree.nodes[*node->parent].depth + 1);
        Explanation words = explain(tree);
        const NodeExplanation &explained = words.nodes[node->id];
        CHECK(explained.role == Role::Referrer);
        CHECK(role_name(explained.role) == "referrer");
        CHECK(explained.title == c.title);
        CHECK_THAT(explained.sentence, Catch::Contains("attached after the fact"));
        CHECK_THAT(explained.sentence, Catch::Contains("does not change the image's digest"));
        CHECK_THAT(explained.sentence, Catch::Contains("pinning the image does not pin it"));
        if (!c.artifact_type.empty()) CHECK_THAT(explained.sentence, Catch::Contains(c.artifact_type));
        // The subject's own digest and role are untouched by what is attached to it.
        CHECK(words.nodes[*node->parent].role == Role::PlatformManifest);
    }
}

TEST_CASE("a listing that fails is a warning on its subject, a source that cannot list is an error", "[referrers]") {
    SECTION("one subject fails, the others are still listed") {
        Graph graph;
        build(graph);
        Descriptor sbom = referrer("sbom", "application/spdx+json");
        graph.source.refer(graph.amd64, sbom);
        graph.source.fail_referrers(graph.arm64, Error::of(ErrorCode::Auth, "denied").with_status(403));
        ImageTree tree = walk(graph);
        REQUIRE(attach_referrers(graph.source, tree));
        CHECK(node_with(tree, sbom.digest.str()) != nullptr);
        const Finding *failed = finding_with(tree.findings, "referrers-unavailable");
        REQUIRE(failed != nullptr);
        CHECK(failed->level == FindingLevel::Warning);
        REQUIRE(failed->node);
        CHECK(tree.nodes[*failed->node].digest_text() == graph.arm64);
        CHECK_THAT(failed->message, Catch::Contains("denied"));
        CHECK(tree.worst_error() == std::nullopt);
    }
    SECTION("a source without a referrers listing refuses with a usage error") {
        Graph graph;
        build(graph);
        ImageTree tree = walk(graph);
        std::size_t nodes = tree.nodes.size();
        auto attached = attach_referrers(graph.source, tree);
        REQUIRE_FALSE(attached);
        CHECK(attached.error().code == ErrorCode::Usage);
        CHECK(tree.nodes.size() == nodes);
    }
}

TEST_CASE("with --accept, a different full-list digest is a finding naming both documents", "[explain][accept]") {
    MemorySource source;
    std::string bytes;
    std::string amd64 = add_image(source, "linux/amd64", bytes);
    source.tag("3.12", amd64);
    auto reference = parse_reference("registry.test/library/alpine:3.12");
    REQUIRE(reference);
    auto tree = resolve(source, *reference, ResolveOptions{});
    REQUIRE(tree);
    const std::string list_digest = test::sha256_of("the list");
    struct Case {
        std::string full_digest;
        std::string full_type;
        bool finding;
        std::string names;
    };
    std::vector<Case> cases = {
        {list_digest, std::string(media::docker_manifest_list), true, "the manifest list"},
        {list_digest, std::string(media::oci_index), true, "the image index"},
        {list_digest, std::string(media::oci_manifest), true, "an image manifest"},
        {amd64, std::string(media::oci_manifest), false, ""},
        {"", "", false, ""},
    };
    for (const auto &c : cases) {
        INFO(c.full_digest + " " + c.full_type);
        tree->accept = AcceptComparison{"docker-v2", c.full_digest, c.full_type};
        Explanation words = explain(*tree);
        const Finding *finding = finding_with(words.findings, "accept-dependent");
        CHECK((finding != nullptr) == c.finding);
        if (finding == nullptr) continue;
        CHECK(finding->level == FindingLevel::Warning);
        CHECK_THAT(finding->message, Catch::Contains("with Accept docker-v2 the registry served " + amd64 +
                                                     " (the linux/amd64 manifest)"));
        CHECK_THAT(finding->message,
                   Catch::Contains("digestx's default Accept list gets " + list_digest + " (" + c.names + ")"));
    }
}

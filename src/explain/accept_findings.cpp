#include "accept_findings.hpp"

#include <cstddef>
#include <string>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx::explain_detail {
namespace {

bool is_attestation(const TreeNode &node) {
    return node.descriptor && node.descriptor->is_attestation();
}

std::string config_platform(const ImageConfig &config) {
    return display_platform(normalize(Platform{config.os, config.architecture, config.variant, config.os_version, {}}));
}

std::string full_list_kind(const std::string &media_type) {
    switch (media::classify(media_type)) {
    case media::Kind::Index: return media_type == media::docker_manifest_list ? "the manifest list" : "the image index";
    case media::Kind::Manifest: return "an image manifest";
    case media::Kind::Schema1: return "a schema1 manifest";
    default: return media_type.empty() ? "a document of no stated type" : sanitize(media_type, 120);
    }
}

} // namespace

// A registry answers the same tag differently depending on Accept (distribution's manifest
// handler; Docker Hub did the same for alpine:3.12): say so where it changes the digest a client sees.
void add_accept_findings(const ImageTree &tree, Explanation &explanation) {
    const TreeNode &root = tree.root();
    if (tree.reference.source() != SourceKind::Registry || !root.document || !root.document->is_index()) return;
    if (root.document->kind() == DocumentKind::DockerManifestList) {
        for (std::size_t child : root.children) {
            const TreeNode &node = tree.nodes[child];
            if (node.platform && node.platform->os == "linux" && node.platform->architecture == "amd64" &&
                node.platform->variant.empty() && !is_attestation(node)) {
                explanation.findings.push_back(
                    {FindingLevel::Info, "accept-dependent",
                     "a client that accepts only the Docker schema2 manifest type is given the linux/amd64 "
                     "manifest " +
                         node.digest_text() + " for this tag instead of the list, and records that digest",
                     child});
                return;
            }
        }
    } else {
        explanation.findings.push_back({FindingLevel::Info, "accept-dependent",
                                        "a client whose Accept header lacks the OCI index type gets 404 for this tag "
                                        "from the distribution registry",
                                        std::size_t{0}});
    }
}

// `inspect --accept`: the tree was read with another client's Accept list; the HEAD with
// digestx's default list says whether that gets another document for the same reference.
void add_accept_comparison(const ImageTree &tree, Explanation &explanation) {
    const AcceptComparison &accept = *tree.accept;
    const TreeNode &root = tree.root();
    if (accept.full_digest.empty() || accept.full_digest == root.digest_text()) return;
    std::string served = explanation.nodes[0].title;
    // A single manifest served in place of a list: its config says which platform it is.
    if (explanation.nodes[0].role == Role::SingleManifest && !root.children.empty() &&
        tree.nodes[root.children.front()].config) {
        served = config_platform(*tree.nodes[root.children.front()].config) + " manifest";
    }
    explanation.findings.push_back({FindingLevel::Warning, "accept-dependent",
                                    "with Accept " + sanitize(accept.preset, 60) + " the registry served " +
                                        root.digest_text() + " (the " + served +
                                        "); digestx's default Accept list gets " + accept.full_digest + " (" +
                                        full_list_kind(accept.full_media_type) + ")",
                                    std::size_t{0}});
}

} // namespace digestx::explain_detail

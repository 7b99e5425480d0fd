#include "digestx/explain/explain.hpp"

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// The sentences are the product: each says which tool shows the digest and what pinning it does.
constexpr std::string_view index_sentence =
    "what `docker pull` prints as Digest: and RepoDigests records; pin this one and every "
    "platform keeps working";
constexpr std::string_view single_sentence =
    "what `docker pull` prints as Digest: and RepoDigests records; there is no index above it, "
    "so the image exists for one platform only";
constexpr std::string_view nested_sentence =
    "an index inside an index; docker follows it to find a platform, and pinning it pins "
    "everything below it";
constexpr std::string_view config_sentence =
    "the image ID: the IMAGE ID `docker images` shows with the classic image store (the "
    "containerd image store shows the pulled index or manifest digest instead)";
constexpr std::string_view artifact_config_sentence =
    "the artifact's config, not an image config; its digest is not an image ID";
constexpr std::string_view attestation_config_sentence =
    "the attestation's config; it is not the image ID of anything that runs";
constexpr std::string_view schema1_sentence =
    "a legacy Docker schema1 manifest: its digest is the hash of the payload without its "
    "signatures; current docker and containerd refuse to pull it";

std::string platform_text(const TreeNode &node) {
    if (node.platform) return display_platform(*node.platform);
    if (node.config) {
        return display_platform(normalize(
            Platform{node.config->os, node.config->architecture, node.config->variant, node.config->os_version, {}}));
    }
    return "unknown platform";
}

const TreeNode *parent_of(const ImageTree &tree, const TreeNode &node) {
    return node.parent ? &tree.nodes[*node.parent] : nullptr;
}

bool is_attestation(const TreeNode &node) {
    return node.descriptor && node.descriptor->is_attestation();
}

std::optional<std::size_t> sibling_with(const ImageTree &tree, const TreeNode &node,
                                        const std::optional<DeclaredDigest> &digest) {
    if (!digest || !node.parent) return std::nullopt;
    for (std::size_t sibling : tree.nodes[*node.parent].children) {
        const TreeNode &candidate = tree.nodes[sibling];
        if (&candidate != &node && candidate.descriptor && candidate.descriptor->digest == *digest) return sibling;
    }
    return std::nullopt;
}

std::optional<std::size_t> attested_node(const ImageTree &tree, const TreeNode &node) {
    return sibling_with(tree, node, node.descriptor->attests());
}

// image-spec: a config of a type other than an image config makes the manifest an artifact
// (Helm charts, for one, predate `artifactType`).
bool is_artifact_manifest(const TreeNode &node) {
    if (!node.document || !node.document->is_manifest()) return false;
    const Manifest &manifest = node.document->manifest();
    return manifest.is_artifact() || media::classify(manifest.config->media_type) != media::Kind::Config;
}

// An index entry that is not a platform although it is a manifest: another buildx reference
// type (regclient's "builder" entries) or the unknown/unknown platform docker never selects.
bool is_side_entry(const TreeNode &node) {
    if (!node.descriptor || node.descriptor->is_attestation()) return false;
    return !node.descriptor->reference_type().empty() || (node.platform && is_unknown_platform(*node.platform));
}

NodeExplanation explain_side_entry(const ImageTree &tree, const TreeNode &node) {
    NodeExplanation out;
    out.role = Role::Artifact;
    std::string type = sanitize(node.descriptor->reference_type(), 60);
    out.title = type.empty() ? "unknown/unknown manifest" : type + " manifest";
    auto target = sibling_with(tree, node, node.descriptor->reference_digest);
    std::string about = target ? " about the " + platform_text(tree.nodes[*target]) + " image" : "";
    out.sentence = (type.empty() ? "an index entry for platform unknown/unknown"
                                 : "an index entry of vnd.docker.reference.type " + digestx::quoted(type)) +
                   about + "; not a platform, never pulled or run";
    return out;
}

std::string artifact_type_of(const TreeNode &node) {
    if (node.document && !node.document->artifact_type().empty()) return std::string(node.document->artifact_type());
    if (node.descriptor && !node.descriptor->artifact_type.empty()) return node.descriptor->artifact_type;
    // An artifact manifest (image-spec 1.1 rc) has no config to take the type from.
    if (node.document && node.document->is_manifest() && node.document->manifest().config) {
        return node.document->manifest().config->media_type;
    }
    return "unknown type";
}

NodeExplanation explain_manifest_node(const ImageTree &tree, const TreeNode &node) {
    NodeExplanation out;
    const TreeNode *parent = parent_of(tree, node);
    if (is_side_entry(node)) return explain_side_entry(tree, node);
    bool artifact = is_artifact_manifest(node);
    if (is_attestation(node)) {
        out.role = Role::Attestation;
        out.title = "attestation manifest";
        out.attests = attested_node(tree, node);
        std::string target =
            out.attests ? platform_text(tree.nodes[*out.attests]) + " image" : "an image manifest not in this index";
        out.sentence =
            "a buildx attestation (provenance or SBOM) about the " + target + "; not a platform, never pulled or run";
    } else if (artifact) {
        out.role = Role::Artifact;
        out.title = "artifact manifest";
        out.sentence = "an OCI artifact of type " + sanitize(artifact_type_of(node), 120) + ", not a runnable image";
    } else if (node.kind == NodeKind::Schema1) {
        out.role = Role::Schema1;
        out.title = "schema1 manifest";
        out.sentence = std::string(schema1_sentence);
    } else if (parent == nullptr) {
        out.role = Role::SingleManifest;
        out.title = "image manifest";
        out.sentence = std::string(single_sentence);
    } else {
        out.role = Role::PlatformManifest;
        std::string platform = platform_text(node);
        out.title = platform + " manifest";
        out.sentence = "what Docker Hub lists for " + platform + "; pinning it pins " + platform +
                       " only, and other platforms stop working";
    }
    return out;
}

void attach_layers(const ImageTree &tree, const TreeNode &node, NodeExplanation &out) {
    if (!node.document || !node.document->is_manifest() || out.role == Role::Artifact) return;
    const ImageConfig *config = nullptr;
    for (std::size_t child : node.children) {
        if (tree.nodes[child].config) config = &*tree.nodes[child].config;
    }
    const auto &layers = node.document->manifest().layers;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        LayerRow row{i, &layers[i], std::nullopt};
        if (config && i < config->diff_ids.size()) row.diff_id = config->diff_ids[i];
        out.layers.push_back(row);
    }
}

// What a referrer is for, from its artifactType: the names cosign, notation, syft and buildx use.
std::string referrer_title(std::string_view type) {
    auto has = [&](std::string_view part) { return type.find(part) != std::string_view::npos; };
    if (has("spdx") || has("cyclonedx") || has("syft")) return "SBOM referrer";
    if (has("signature") || has(".sig") || has("sigstore") || has("notation") || has("notary")) {
        return "signature referrer";
    }
    if (has("in-toto") || has("attestation") || has("provenance")) return "attestation referrer";
    return "referrer";
}

// OCI distribution-spec 1.1: a referrer names its subject; the subject does not name it. So it
// is pushed (or deleted) after the fact, and no digest of the image covers it.
NodeExplanation explain_referrer(const TreeNode &node) {
    std::string type = node.descriptor->artifact_type;
    std::string via = node.referrer_via == ReferrerRoute::TagSchema   ? "the sha256-<hex> tag schema"
                      : node.referrer_via == ReferrerRoute::OciLayout ? "the layout's index.json"
                                                                      : "the referrers API";
    NodeExplanation out;
    out.role = Role::Referrer;
    out.title = referrer_title(type);
    out.sentence = (type.empty() ? std::string("an artifact without artifactType")
                                 : "an artifact of type " + sanitize(type, 120)) +
                   " attached after the fact (it names this manifest as its subject, found through " + via +
                   "): it does not change the image's digest, and pinning the image does not pin it";
    return out;
}

NodeExplanation explain_node(const ImageTree &tree, const TreeNode &node) {
    if (node.is_referrer()) return explain_referrer(node);
    if (node.kind == NodeKind::Config) {
        const TreeNode &manifest = tree.nodes[*node.parent];
        bool artifact = is_artifact_manifest(manifest) || is_side_entry(manifest);
        if (artifact || media::classify(node.descriptor->media_type) != media::Kind::Config) {
            return {Role::ArtifactConfig, "artifact config", std::string(artifact_config_sentence), {}, {}};
        }
        // buildx gives attestation manifests an image config type, but nothing runs from them:
        // calling that digest an image ID would send users after an image that does not exist.
        if (is_attestation(manifest)) {
            return {Role::ArtifactConfig, "attestation config", std::string(attestation_config_sentence), {}, {}};
        }
        return {Role::ImageConfig, "image config", std::string(config_sentence), {}, {}};
    }
    if (!node.document) {
        std::string reason = !node.skipped.empty() ? node.skipped : node.error ? node.error->message : "not read";
        NodeExplanation out{Role::NotRead, "not read", "not read: " + reason, {}, {}};
        // The title still says what the entry was meant to be, so a failed platform stays findable.
        if (is_attestation(node)) {
            out.title = "attestation manifest";
            out.attests = attested_node(tree, node);
        } else if (node.platform && !is_unknown_platform(*node.platform)) {
            out.title = display_platform(*node.platform) + " manifest";
        } else if (media::classify(node.descriptor->media_type) == media::Kind::Index) {
            out.title = "nested index";
        } else if (node.entry) {
            out.title = "index entry";
        }
        return out;
    }
    if (node.kind == NodeKind::Index) {
        if (node.parent) return {Role::NestedIndex, "nested index", std::string(nested_sentence), {}, {}};
        bool list = node.document->kind() == DocumentKind::DockerManifestList;
        return {Role::IndexDigest, list ? "manifest list" : "image index", std::string(index_sentence), {}, {}};
    }
    NodeExplanation out = explain_manifest_node(tree, node);
    attach_layers(tree, node, out);
    return out;
}

// A registry answers the same tag differently depending on Accept (distribution's manifest
// handler; Docker Hub did the same for alpine:3.12): say so where it changes the digest a client sees.
void accept_findings(const ImageTree &tree, Explanation &explanation) {
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

std::string full_list_kind(const std::string &media_type) {
    switch (media::classify(media_type)) {
    case media::Kind::Index: return media_type == media::docker_manifest_list ? "the manifest list" : "the image index";
    case media::Kind::Manifest: return "an image manifest";
    case media::Kind::Schema1: return "a schema1 manifest";
    default: return media_type.empty() ? "a document of no stated type" : sanitize(media_type, 120);
    }
}

// `inspect --accept`: the tree was read with a narrower Accept list; the HEAD with the full list
// says whether a current client would have been given another document for the same reference.
void accept_comparison(const ImageTree &tree, Explanation &explanation) {
    const AcceptComparison &accept = *tree.accept;
    const TreeNode &root = tree.root();
    if (accept.full_digest.empty() || accept.full_digest == root.digest_text()) return;
    std::string served = explanation.nodes[0].title;
    if (explanation.nodes[0].role == Role::SingleManifest && !root.children.empty() &&
        tree.nodes[root.children.front()].config) {
        served = platform_text(tree.nodes[root.children.front()]) + " manifest";
    }
    explanation.findings.push_back({FindingLevel::Warning, "accept-dependent",
                                    "with Accept " + sanitize(accept.preset, 60) + " the registry served " +
                                        root.digest_text() + " (the " + served +
                                        "); a client sending the full list gets " + accept.full_digest + " (" +
                                        full_list_kind(accept.full_media_type) + ")",
                                    std::size_t{0}});
}

} // namespace

std::string_view role_name(Role role) noexcept {
    switch (role) {
    case Role::IndexDigest: return "index";
    case Role::SingleManifest: return "single-manifest";
    case Role::PlatformManifest: return "platform-manifest";
    case Role::NestedIndex: return "nested-index";
    case Role::Attestation: return "attestation";
    case Role::Artifact: return "artifact";
    case Role::Referrer: return "referrer";
    case Role::Schema1: return "schema1";
    case Role::ImageConfig: return "image-config";
    case Role::ArtifactConfig: return "artifact-config";
    case Role::NotRead: return "not-read";
    }
    return "not-read";
}

Explanation explain(const ImageTree &tree) {
    Explanation explanation;
    explanation.findings = tree.findings;
    for (const auto &node : tree.nodes)
        explanation.nodes.push_back(explain_node(tree, node));
    for (const auto &node : tree.nodes) {
        if (node.kind == NodeKind::Schema1 && node.note && node.note->answered_by != "oci-layout") {
            // The distribution registry converts schema2 to schema1 only for a client that does
            // not accept schema2; a schema1 answer to a request that did means it is stored so.
            bool accepted_v2 = node.note->accept.find("v2+json") != std::string::npos;
            explanation.findings.push_back(
                accepted_v2 ? Finding{FindingLevel::Warning, "schema1-stored",
                                      "the registry answered with schema1 although the request accepted schema2 "
                                      "and OCI types: the image is stored as schema1 and needs a rebuild",
                                      node.id}
                            : Finding{FindingLevel::Info, "schema1-conversion",
                                      "the request did not accept schema2, so the registry may have converted a "
                                      "schema2 manifest into this schema1 one: its digest is not the image's",
                                      node.id});
        }
        if (node.note && node.note->answered_by != "oci-layout" && node.parent == std::nullopt &&
            !tree.reference.registry().empty() && !node.note->answered_by.empty() &&
            node.note->answered_by != tree.reference.endpoint()) {
            explanation.findings.push_back({FindingLevel::Info, "served-elsewhere",
                                            "the answer came from " + sanitize(node.note->answered_by, 120) +
                                                ", not from " + tree.reference.endpoint(),
                                            node.id});
        }
    }
    if (tree.accept) {
        accept_comparison(tree, explanation);
    } else {
        accept_findings(tree, explanation);
    }
    return explanation;
}

std::vector<DigestLocation> locate(const ImageTree &tree, const Explanation &explanation, std::string_view digest) {
    std::vector<DigestLocation> found;
    for (const auto &node : tree.nodes) {
        const NodeExplanation &words = explanation.nodes[node.id];
        if (node.digest_text() == digest) found.push_back({node.id, words.role, words.title});
        for (const auto &row : words.layers) {
            if (row.layer->digest.str() == digest) {
                found.push_back({node.id, words.role, "layer " + std::to_string(row.position) + " of " + words.title});
            }
            if (row.diff_id && row.diff_id->str() == digest) {
                found.push_back(
                    {node.id, words.role, "diff_id " + std::to_string(row.position) + " of " + words.title});
            }
        }
    }
    return found;
}

} // namespace digestx

#include "digestx/explain/explain.hpp"

#include <algorithm>

#include "accept_findings.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// The sentences are the product: each says which tool shows the digest and what pinning it does.
constexpr std::string_view index_sentence =
    "what `docker pull` prints as Digest: and RepoDigests records; pin this one and every "
    "platform keeps working";
constexpr std::string_view single_prefix = "what `docker pull` prints as Digest: and RepoDigests records; ";
constexpr std::string_view nested_sentence =
    "an index inside an index; docker follows it to find a platform, and pinning it pins "
    "everything below it";
// containerd images.Manifest (core/images/image.go) checks the platform only of manifests it
// reaches through an index, never of the one it was asked for; moby's classic pull does not check
// it either, and `docker run` only warns (daemon/create.go). So a pinned manifest runs anywhere.
std::string pin_clause(const std::string &platform) {
    return "pinning it pins " + platform + " for every host: hosts of other architectures still pull it (docker only " +
           "warns) and run it under emulation or fail with `exec format error`";
}

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
// (Helm charts, for one, predate `artifactType`); the legacy types docker pulls as image configs
// keep it an image (Manifest::config_kind).
bool is_artifact_manifest(const TreeNode &node) {
    if (!node.document || !node.document->is_manifest()) return false;
    return !node.document->manifest().has_image_config();
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
                   about + "; not an image for a platform: ";
    // Platform matchers (containerd platforms.Only, moby filterManifests) look at the platform
    // alone; BuildKit's attestation-storage.md asks readers to ignore other reference types.
    if (node.platform && is_unknown_platform(*node.platform)) {
        out.sentence += "unknown/unknown matches no host, so platform selection never takes it";
    } else {
        out.sentence += "BuildKit says to ignore such entries, but platform selection looks only at the platform (" +
                        (node.platform ? display_platform(*node.platform) : std::string("none")) + ")";
    }
    return out;
}

bool is_docker_hub(const ImageTree &tree) {
    return tree.reference.source() == SourceKind::Registry && tree.reference.registry() == docker_hub_registry;
}

// "No index above it" holds only when a name led to the manifest: fetched by digest, it may be one
// platform of an index digestx never saw; served for a narrower Accept list, the full list may
// name an index (`inspect --accept`).
std::string single_sentence(const ImageTree &tree) {
    const Reference &reference = tree.reference;
    if (tree.accept && !tree.accept->full_digest.empty() && tree.accept->full_digest != tree.root().digest_text()) {
        return "what a client sending only these media types records for the tag; a client sending digestx's "
               "default Accept list is given another document (see the accept-dependent finding)";
    }
    if (reference.digest()) {
        return std::string(single_prefix) +
               "named by digest, so whether an index lists it beside other platforms is not visible from here";
    }
    // A docker save archive's manifest is docker's own record, not an answer to a pull: the
    // archive findings say whether a registry serves this digest.
    if (reference.source() == SourceKind::DockerArchive) {
        return "the manifest of the archive's one image (one platform); a registry serves this digest only if it "
               "is the manifest docker pulled, which the archive findings below tell";
    }
    std::string named_by = reference.tag() ? "the tag" : "the layout's index.json";
    return std::string(single_prefix) + named_by +
           " names this manifest directly, with no index above it, so the image exists for one platform only";
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
        std::string target = out.attests ? "the " + platform_text(tree.nodes[*out.attests]) + " image"
                                         : "an image manifest not in this index";
        // BuildKit attestation-storage.md: unknown/unknown keeps runtimes from selecting it, and its
        // layers are in-toto statements. moby 47e852f (Docker 29.1) pulls it with the image it
        // attests when the containerd image store is used (daemon/containerd/image_pull.go).
        out.sentence = "a buildx attestation (provenance or SBOM) about " + target +
                       "; its unknown/unknown platform matches no host and its layers are in-toto statements, so "
                       "nothing runs it; docker 29.1+ with the containerd image store pulls it with that image";
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
        out.sentence = single_sentence(tree);
    } else {
        out.role = Role::PlatformManifest;
        std::string platform = platform_text(node);
        out.title = platform + " manifest";
        // Docker Hub's tag page lists one digest per OS/ARCH, the platform manifests (never the
        // index: docker/roadmap#262); other registries' pages are their own business.
        out.sentence = (is_docker_hub(tree) ? "what Docker Hub lists for " + platform
                                            : "the " + platform + " image of this index") +
                       "; " + pin_clause(platform);
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

// moby pulls a config typed application/octet-stream, application/json, text/html or not at all
// as an image config (pull_v2.go validateMediaType, defaultImageTypes); `docker push` of Docker
// 1.10 and 1.11.0 wrote octet-stream (distribution#1621). digestx reads it as one and says why.
void legacy_config_findings(const ImageTree &tree, Explanation &explanation) {
    for (const auto &node : tree.nodes) {
        if (node.kind != NodeKind::Config || !node.parent) continue;
        const TreeNode &manifest = tree.nodes[*node.parent];
        // Not an image ID there either way: their config sentences say so.
        if (is_side_entry(manifest) || is_attestation(manifest)) continue;
        if (!manifest.document || !manifest.document->is_manifest() ||
            manifest.document->manifest().config_kind() != ConfigKind::LegacyImage) {
            continue;
        }
        const std::string &type = node.descriptor->media_type;
        std::string typed = type.empty() ? "has no media type" : "is typed " + digestx::quoted(type, 80);
        explanation.findings.push_back(
            {FindingLevel::Info, "legacy-config-type",
             "the config " + typed +
                 " instead of an image config type: docker pulls the types early push tools wrote "
                 "(application/octet-stream, application/json, text/html, none) as image configs, so its digest "
                 "is still the image ID",
             node.id});
    }
}

NodeExplanation explain_node(const ImageTree &tree, const TreeNode &node) {
    if (node.is_referrer()) return explain_referrer(node);
    if (node.kind == NodeKind::Config) {
        const TreeNode &manifest = tree.nodes[*node.parent];
        if (is_artifact_manifest(manifest) || is_side_entry(manifest)) {
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

namespace {

// One finding per mirror that answered: which documents it gave, and why that is safe (each was
// verified against its digest) except for the tag, whose answer is the mirror's own.
void mirror_findings(const ImageTree &tree, Explanation &explanation) {
    std::vector<std::string> mirrors;
    for (const auto &node : tree.nodes) {
        if (!node.note || node.note->mirror.empty()) continue;
        if (std::find(mirrors.begin(), mirrors.end(), node.note->mirror) == mirrors.end()) {
            mirrors.push_back(node.note->mirror);
        }
    }
    for (const auto &mirror : mirrors) {
        std::size_t count = 0;
        std::optional<std::size_t> first;
        bool root = false;
        for (const auto &node : tree.nodes) {
            if (!node.note || node.note->mirror != mirror) continue;
            ++count;
            if (!first) first = node.id;
            if (node.parent == std::nullopt) root = true;
        }
        std::string message = std::to_string(count) + (count == 1 ? " document" : " documents") + " came from mirror " +
                              sanitize(mirror, 200) + ", each verified against its digest";
        if (root && !tree.reference.digest()) {
            message += "; the tag was read there, and a mirror's tag can lag behind " + tree.reference.registry() +
                       " (verify and check read tags from the registry itself)";
        }
        explanation.findings.push_back({FindingLevel::Info, "served-by-mirror", std::move(message), first});
    }
}

} // namespace

Explanation explain(const ImageTree &tree) {
    Explanation explanation;
    explanation.findings = tree.findings;
    for (const auto &node : tree.nodes)
        explanation.nodes.push_back(explain_node(tree, node));
    legacy_config_findings(tree, explanation);
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
        if (node.note && node.note->mirror.empty() && node.note->answered_by != "oci-layout" &&
            node.parent == std::nullopt && !tree.reference.registry().empty() && !node.note->answered_by.empty() &&
            node.note->answered_by != tree.reference.endpoint()) {
            explanation.findings.push_back({FindingLevel::Info, "served-elsewhere",
                                            "the answer came from " + sanitize(node.note->answered_by, 120) +
                                                ", not from " + tree.reference.endpoint(),
                                            node.id});
        }
    }
    mirror_findings(tree, explanation);
    if (tree.accept) {
        explain_detail::add_accept_comparison(tree, explanation);
    } else {
        explain_detail::add_accept_findings(tree, explanation);
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

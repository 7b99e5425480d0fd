#include "digestx/render/labels.hpp"

#include <array>
#include <limits>
#include <utility>

#include "digestx/core/media_type.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"

namespace digestx::render {
namespace {

// One name per media type digestx knows; the names follow the types' own vocabulary so a reader
// who knows "manifest list" or "OCI index" recognises them without a legend.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> media_labels{{
    {media::oci_index, "oci-index"},
    {media::docker_manifest_list, "docker-manifest-list"},
    {media::oci_manifest, "oci-manifest"},
    {media::docker_manifest_v2, "docker-manifest"},
    {media::oci_artifact_manifest, "oci-artifact-manifest"},
    {media::docker_manifest_v1_signed, "docker-schema1-signed"},
    {media::docker_manifest_v1, "docker-schema1"},
    {media::oci_config, "oci-config"},
    {media::docker_config, "docker-config"},
    {media::oci_empty, "oci-empty"},
    {media::oci_layer_tar, "oci-layer"},
    {media::oci_layer_gzip, "oci-layer+gzip"},
    {media::oci_layer_zstd, "oci-layer+zstd"},
    {media::docker_layer_gzip, "docker-layer+gzip"},
    {media::docker_layer_tar, "docker-layer"},
    {media::docker_layer_foreign, "docker-foreign-layer+gzip"},
    {media::in_toto, "in-toto"},
}};

} // namespace

std::string_view finding_level_name(FindingLevel level) noexcept {
    switch (level) {
    case FindingLevel::Info: return "info";
    case FindingLevel::Warning: return "warning";
    case FindingLevel::Error: return "error";
    }
    return "info";
}

std::string short_digest(std::string_view digest) {
    constexpr std::size_t shown = 12;
    auto colon = digest.find(':');
    if (colon == std::string_view::npos) return std::string(digest.substr(0, shown));
    std::string_view algorithm = digest.substr(0, colon);
    std::string_view encoded = digest.substr(colon + 1, shown);
    if (algorithm == "sha256") return std::string(encoded);
    return std::string(algorithm) + ":" + std::string(encoded);
}

std::string media_type_label(std::string_view media_type) {
    std::string_view plain = media::essence(media_type);
    if (plain.empty()) return "-";
    for (const auto &[type, label] : media_labels) {
        if (plain == type) return std::string(label);
    }
    return sanitize(plain, 120);
}

std::string node_media_type(const TreeNode &node) {
    if (node.document) return node.document->media_type();
    if (node.descriptor) return node.descriptor->media_type;
    return {};
}

std::int64_t node_size(const TreeNode &node) {
    if (node.document) return static_cast<std::int64_t>(node.document->size());
    if (node.config) return static_cast<std::int64_t>(node.config->bytes.size());
    if (node.descriptor) return node.descriptor->size;
    return 0;
}

std::optional<std::int64_t> compressed_size(const TreeNode &node) {
    if (!node.document || !node.document->is_manifest()) return std::nullopt;
    // Layers stored uncompressed (what docker save writes) have no compressed size to add up.
    for (const auto &layer : node.document->manifest().layers) {
        if (layer.media_type == media::docker_layer_tar || layer.media_type == media::oci_layer_tar)
            return std::nullopt;
    }
    // Sizes come from the document: a hostile one near INT64_MAX must not overflow the sum.
    constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
    std::int64_t total = 0;
    for (const auto &layer : node.document->manifest().layers)
        total = layer.size > most - total ? most : total + layer.size;
    return total;
}

std::string role_label(const TreeNode &node, const NodeExplanation &words) {
    std::string title = sanitize(words.title, 200);
    if (!node.platform) return title;
    std::string prefix = sanitize(display_platform(*node.platform), 200) + " ";
    if (title.size() > prefix.size() && title.starts_with(prefix)) return title.substr(prefix.size());
    return title;
}

// Each is the gist of the role's sentence in explain.cpp and carries its sources (moby's pull and
// image store code, buildx's attestation layout, the OCI referrers API) through that sentence's
// section of docs/explanations.md.
std::string_view role_gloss(Role role) noexcept {
    switch (role) {
    case Role::IndexDigest: return "what `docker pull` prints as Digest:; pin it and every platform works";
    case Role::SingleManifest: return "what `docker pull` prints as Digest:; an image for one platform only";
    case Role::PlatformManifest: return "one platform's image; pinning it pins that platform on every host";
    case Role::NestedIndex: return "an index inside the index; each host picks its entry below it";
    case Role::Attestation: return "buildx provenance or SBOM about the image named; nothing runs it";
    case Role::Artifact: return "an OCI artifact (signature, SBOM, chart), not a runnable image";
    case Role::Referrer: return "attached through the referrers listing; not part of the digest above";
    case Role::Schema1: return "a legacy Docker schema1 manifest";
    case Role::ImageConfig: return "the image ID `docker images` shows with the classic image store";
    case Role::ArtifactConfig: return "the artifact's config; not the image ID of anything that runs";
    case Role::NotRead: return "";
    }
    return "";
}

std::optional<std::string> attested_digest(const TreeNode &node) {
    if (!node.descriptor || !node.descriptor->is_attestation()) return std::nullopt;
    auto attests = node.descriptor->attests();
    if (!attests) return std::nullopt;
    return attests->str();
}

} // namespace digestx::render

#include "digestx/explain/which.hpp"

#include <algorithm>

#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// go-digest registers sha256 (64 hex) and sha512 (128 hex); image-spec allows no others to be
// verified, and Docker Hub and `docker images` show the first 12 hex of sha256 digests.
std::size_t hex_length(std::string_view algorithm) {
    return algorithm == "sha512" ? 128 : 64;
}

bool is_lower_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string short_text(const std::string &digest) {
    auto colon = digest.find(':');
    if (colon == std::string::npos) return digest;
    return digest.substr(0, std::min(digest.size(), colon + 1 + min_digest_prefix));
}

bool is_image(Role role) {
    return role == Role::PlatformManifest || role == Role::SingleManifest;
}

// Manifests whose layers are filesystem content (images) or in-toto statements (attestations).
bool holds_layers(Role role) {
    return is_image(role) || role == Role::Attestation;
}

std::string position_text(std::size_t position) {
    return position == 0 ? "layer 0 (the base layer)" : "layer " + std::to_string(position);
}

// "7 of the 8 images share it": which images pull the same blob is what makes a layer cheap
// to pull twice (a registry stores it once; docker skips what it already has).
std::string shared_text(std::size_t images, std::size_t total) {
    if (total <= 1) return "";
    if (images == total) return "; every one of the " + std::to_string(total) + " images has it";
    if (images == 1) return "; no other of the " + std::to_string(total) + " images has it";
    return "; " + std::to_string(images) + " of the " + std::to_string(total) + " images share it";
}

std::size_t image_count(const Explanation &explanation) {
    return static_cast<std::size_t>(std::count_if(explanation.nodes.begin(), explanation.nodes.end(),
                                                  [](const NodeExplanation &node) { return is_image(node.role); }));
}

std::size_t images_among(const std::vector<LayerHolder> &holders, const Explanation &explanation) {
    std::vector<std::size_t> nodes;
    for (const auto &holder : holders)
        if (is_image(explanation.nodes[holder.node].role)) nodes.push_back(holder.node);
    std::sort(nodes.begin(), nodes.end());
    return static_cast<std::size_t>(std::unique(nodes.begin(), nodes.end()) - nodes.begin());
}

WhichPlace document_place(const ImageTree &tree, const Explanation &explanation, const TreeNode &node) {
    const NodeExplanation &words = explanation.nodes[node.id];
    WhichPlace place;
    place.node = node.id;
    place.role = words.role;
    place.title = words.title;
    place.sentence = words.sentence;
    if (words.attests) place.describes = tree.nodes[*words.attests].digest_text();
    if (node.kind == NodeKind::Config && node.parent) {
        // A config is named by its manifest's platform: the image ID of linux/amd64.
        place.title += " of the " + explanation.nodes[*node.parent].title;
        place.describes = tree.nodes[*node.parent].digest_text();
    }
    return place;
}

std::string layer_sentence(const WhichPlace &place, const Explanation &explanation) {
    const LayerHolder &first = place.holders.front();
    std::size_t images = images_among(place.holders, explanation);
    if (images == 0) {
        // BuildKit attestation-storage.md: an attestation manifest's layers are in-toto statements.
        return "a layer of the " + first.title + ": an in-toto statement (provenance or SBOM), not filesystem content";
    }
    if (place.kind == WhichKind::Layer) {
        std::string out = "a compressed layer: " + position_text(first.position) + " of the " + first.title;
        if (first.id) out += ", uncompressed " + short_text(*first.id);
        return out + shared_text(images, place.image_count);
    }
    // image-spec config.md: rootfs.diff_ids are the digests of the uncompressed layer tars, the
    // digests `docker image inspect` shows as RootFS.Layers and `docker save` writes.
    return "an uncompressed layer (diff_id " + std::to_string(first.position) + " of the " + first.title +
           "'s config): the content of the compressed layer " + short_text(first.compressed) +
           "; `docker image inspect` shows it under RootFS.Layers" + shared_text(images, place.image_count);
}

void add_layer_places(const Explanation &explanation, const std::string &digest, std::vector<WhichPlace> &places) {
    WhichPlace layer{WhichKind::Layer, std::nullopt, Role::NotRead, "layer", {}, {}, {}, image_count(explanation)};
    WhichPlace diff_id{WhichKind::DiffId, std::nullopt, Role::NotRead, "diff_id", {}, {}, {}, layer.image_count};
    for (std::size_t id = 0; id < explanation.nodes.size(); ++id) {
        const NodeExplanation &words = explanation.nodes[id];
        if (!holds_layers(words.role)) continue;
        for (const auto &row : words.layers) {
            std::optional<std::string> row_id;
            if (row.diff_id) row_id = row.diff_id->str();
            if (row.layer->digest.str() == digest) {
                layer.holders.push_back({id, words.title, row.position, row.layer->digest.str(), row_id});
            }
            if (row_id == digest)
                diff_id.holders.push_back({id, words.title, row.position, row.layer->digest.str(), {}});
        }
    }
    for (auto *place : {&layer, &diff_id}) {
        if (place->holders.empty()) continue;
        place->sentence = layer_sentence(*place, explanation);
        places.push_back(std::move(*place));
    }
}

void add_candidate(std::vector<std::string> &candidates, const DigestQuery &query, const std::string &digest) {
    if (!query.matches(digest)) return;
    if (std::find(candidates.begin(), candidates.end(), digest) == candidates.end()) candidates.push_back(digest);
}

} // namespace

bool DigestQuery::matches(std::string_view digest) const {
    auto colon = digest.find(':');
    if (colon == std::string_view::npos) return false;
    if (!algorithm.empty() && digest.substr(0, colon) != algorithm) return false;
    return digest.substr(colon + 1).starts_with(hex);
}

Result<DigestQuery> parse_digest_query(std::string_view text) {
    DigestQuery query;
    std::string_view hex = text;
    if (auto colon = text.find(':'); colon != std::string_view::npos) {
        query.algorithm = std::string(text.substr(0, colon));
        hex = text.substr(colon + 1);
        if (query.algorithm != "sha256" && query.algorithm != "sha512") {
            return fail(ErrorCode::Usage,
                        "unsupported digest algorithm " + quoted(query.algorithm, 40) + ": sha256 or sha512 only");
        }
    }
    if (!is_lower_hex(hex)) {
        return fail(ErrorCode::Usage, "invalid digest " + quoted(text, 200) + ": expected lowercase hex digits");
    }
    if (hex.size() < min_digest_prefix) {
        return fail(ErrorCode::Usage, "digest prefix " + quoted(text, 200) + " is too short: give at least " +
                                          std::to_string(min_digest_prefix) + " hex digits");
    }
    std::size_t longest = query.algorithm.empty() ? hex_length("sha512") : hex_length(query.algorithm);
    if (hex.size() > longest) {
        return fail(ErrorCode::Usage, "invalid digest " + quoted(text, 200) + ": longer than a " +
                                          (query.algorithm.empty() ? std::string("sha512") : query.algorithm) +
                                          " digest");
    }
    query.hex = std::string(hex);
    return query;
}

std::string_view which_kind_name(WhichKind kind) noexcept {
    switch (kind) {
    case WhichKind::Document: return "document";
    case WhichKind::Layer: return "layer";
    case WhichKind::DiffId: return "diff-id";
    }
    return "document";
}

WhichAnswer which(const ImageTree &tree, const Explanation &explanation, const DigestQuery &query) {
    WhichAnswer answer;
    for (const auto &node : tree.nodes) {
        add_candidate(answer.candidates, query, node.digest_text());
        for (const auto &row : explanation.nodes[node.id].layers) {
            add_candidate(answer.candidates, query, row.layer->digest.str());
            if (row.diff_id) add_candidate(answer.candidates, query, row.diff_id->str());
        }
    }
    if (answer.candidates.size() != 1) return answer;
    const std::string &digest = answer.candidates.front();
    for (const auto &node : tree.nodes)
        if (node.digest_text() == digest) answer.places.push_back(document_place(tree, explanation, node));
    add_layer_places(explanation, digest, answer.places);
    return answer;
}

std::string which_miss_hint(const ImageTree &tree) {
    std::string hint = "not in the graph of " + sanitize(tree.reference.familiar(), 400) + " as it is now";
    if (tree.platform) {
        return hint + ": only the " + display_platform(*tree.platform) +
               " branch was walked (--platform); without it every platform is searched";
    }
    if (tree.reference.source() == SourceKind::DockerArchive) {
        // moby image/tarexport: docker save writes each layer uncompressed, so a registry's
        // compressed layer digest (and a manifest docker did not keep) is never in the archive.
        return hint + ": docker save stores layers uncompressed, so a registry's compressed layer digest is not "
                      "in it (look for the layer's diff_id), nor a manifest docker did not keep";
    }
    if (tree.reference.digest()) return hint + ": another image, or another tag's build";
    return hint + ": an older build of the tag, another tag, or the local image ID of a platform the index does "
                  "not list";
}

} // namespace digestx

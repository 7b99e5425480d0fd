#pragma once
/// @file
/// `digestx which`: where one digest sits in a resolved graph, in one sentence per place. The
/// digest may be typed in full or as the short hex prefix Docker Hub and `docker images` show.
/// Pure: a tree and its explanation in, places out.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx {

/// The fewest hex digits a prefix may have: the 12 Docker Hub and `docker images` print.
inline constexpr std::size_t min_digest_prefix = 12;

/// A digest as the user typed it: `sha256:<hex>`, or a hex prefix with or without the algorithm.
struct DigestQuery {
    std::string algorithm; ///< "sha256" or "sha512" when written, "" when only hex was typed
    std::string hex;       ///< the hex digits typed (lowercase), at least min_digest_prefix
    /// True when `digest` (`algorithm:hex`) is one this query names.
    [[nodiscard]] bool matches(std::string_view digest) const;
};

/// Parses a query. Usage errors: not hex, fewer than min_digest_prefix digits, more than the
/// algorithm's length, an algorithm other than sha256/sha512.
Result<DigestQuery> parse_digest_query(std::string_view text);

/// What a digest is in the graph.
enum class WhichKind {
    Document, ///< a node: the index, a platform manifest, an attestation, a referrer, a config…
    Layer,    ///< a compressed layer of one or more manifests
    DiffId,   ///< an uncompressed layer (`rootfs.diff_ids` of one or more configs)
};

/// A stable name for JSON: "document", "layer", "diff-id".
std::string_view which_kind_name(WhichKind kind) noexcept;

/// One manifest that holds a layer or diff_id, and where.
struct LayerHolder {
    std::size_t node = 0;          ///< the manifest's node
    std::string title;             ///< its title ("linux/amd64 manifest", "attestation manifest")
    std::size_t position = 0;      ///< the layer's position in it (0 is the base layer)
    std::string compressed;        ///< for a diff_id: the compressed layer at that position
    std::optional<std::string> id; ///< for a layer: the diff_id at that position, when the config was read
};

/// One place a digest sits.
struct WhichPlace {
    WhichKind kind = WhichKind::Document; ///< node, layer or diff_id
    std::optional<std::size_t> node;      ///< Document: the node
    Role role = Role::NotRead;            ///< Document: the node's role
    std::string title;                    ///< Document: its title; else "layer" / "diff_id"
    std::string sentence;                 ///< one sentence saying what it is
    std::optional<std::string> describes; ///< attestation: the manifest it describes; config: its manifest
    std::vector<LayerHolder> holders;     ///< Layer, DiffId: every image manifest that holds it
    std::size_t image_count = 0;          ///< Layer, DiffId: image manifests in the graph
};

/// The answer for one query.
struct WhichAnswer {
    /// Distinct full digests of the graph the query names: none (not in the graph), one, or more
    /// (an ambiguous prefix).
    std::vector<std::string> candidates;
    std::vector<WhichPlace> places; ///< where candidates[0] sits, when it is the only one
};

/// Finds the query in the tree: every node (index, manifests, attestations, referrers, configs,
/// descriptors not read), every compressed layer and every diff_id of the configs read.
WhichAnswer which(const ImageTree &tree, const Explanation &explanation, const DigestQuery &query);

/// Why a digest is not in the graph, for the message of a miss: what the walk covered and what it
/// cannot know (an older build of the tag, another tag, a platform not walked).
std::string which_miss_hint(const ImageTree &tree);

} // namespace digestx

#pragma once
/// @file
/// Gives every digest of a resolved graph its role, in words a user understands: which one
/// `docker pull` prints, which one Docker Hub lists, which one `docker images` shows, and why
/// they differ. Pure: a tree in, words out.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/image_tree.hpp"

namespace digestx {

/// The role a digest plays.
enum class Role {
    IndexDigest,      ///< the top index or manifest list: what `docker pull` prints and pins
    SingleManifest,   ///< a top manifest: no index was read above it (fetched by digest, one may exist)
    PlatformManifest, ///< one platform's manifest inside an index (on Docker Hub, what the tag page lists)
    NestedIndex,      ///< an index inside an index
    Attestation,      ///< a buildx attestation manifest (provenance, SBOM): nothing runs it
    Artifact,         ///< an OCI artifact (signature, SBOM, chart…), not a runnable image
    Referrer,         ///< attached through its parent's referrers listing (`inspect --referrers`)
    Schema1,          ///< a legacy Docker schema1 manifest
    ImageConfig,      ///< an image config (legacy config types included): its digest is the image ID
    ArtifactConfig,   ///< an artifact's config (often the empty descriptor)
    NotRead,          ///< a descriptor digestx did not read (skipped or failed)
};

/// A stable name for JSON ("index", "platform-manifest", "image-config", "referrer", ...).
std::string_view role_name(Role role) noexcept;

/// One compressed layer of a manifest beside its uncompressed diff_id from the config.
struct LayerRow {
    std::size_t position = 0;              ///< index in the manifest's `layers`
    const Descriptor *layer = nullptr;     ///< the manifest's layer descriptor
    std::optional<DeclaredDigest> diff_id; ///< `rootfs.diff_ids[position]`, when the config was read
};

/// What a node is, in words.
struct NodeExplanation {
    Role role = Role::NotRead;          ///< its role
    std::string title;                  ///< a short label ("manifest list", "linux/amd64 manifest", "image config")
    std::string sentence;               ///< one line saying what the digest is and what pinning it means
    std::optional<std::size_t> attests; ///< for an attestation, the node of the manifest it describes
    std::vector<LayerRow> layers;       ///< for an image manifest, its layers with their diff_ids
};

/// The explanation of a whole tree: one entry per node (same positions as ImageTree::nodes),
/// plus findings that only make sense with the roles known.
struct Explanation {
    std::vector<NodeExplanation> nodes; ///< parallel to ImageTree::nodes
    std::vector<Finding> findings;      ///< the tree's findings followed by explain's own
};

/// Explains every node of the tree. Every sentence and finding it can produce is listed with its
/// primary source in docs/explanations.md.
Explanation explain(const ImageTree &tree);

/// Where a digest sits in a tree (a node, a layer, or a diff_id), for `verify` and `which`.
struct DigestLocation {
    std::size_t node = 0;      ///< the node holding it
    Role role = Role::NotRead; ///< that node's role
    std::string what;          ///< "index", "linux/amd64 manifest", "layer 2", "diff_id 2", ...
};

/// Every place the digest appears in the tree, root first.
std::vector<DigestLocation> locate(const ImageTree &tree, const Explanation &explanation, std::string_view digest);

} // namespace digestx

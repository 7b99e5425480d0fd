#pragma once
/// @file
/// The small facts every renderer shows the same way: short digests, media type names, a node's
/// size and media type, a manifest's compressed size.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::render {

/// A finding's level as text and JSON show it: "info", "warning", "error".
std::string_view finding_level_name(FindingLevel level) noexcept;

/// Docker Hub's form of a digest: the first 12 hex characters without `sha256:` (as Hub and
/// `docker images` show them); other algorithms keep their prefix (`sha512:0123456789ab`).
std::string short_digest(std::string_view digest);

/// A short, stable name for a media type ("oci-index", "docker-manifest-list", "docker-config");
/// an unknown type is returned sanitized as written, an empty one as "-".
std::string media_type_label(std::string_view media_type);

/// The node's media type: the document's when read, else the referring descriptor's ("" if none).
std::string node_media_type(const TreeNode &node);

/// The node's size in bytes: the bytes read, else the referring descriptor's `size`.
std::int64_t node_size(const TreeNode &node);

/// What Docker Hub shows as COMPRESSED SIZE for an image manifest: the sum of its layer sizes;
/// nullopt for nodes that are not read manifests, and for manifests listing uncompressed layers.
std::optional<std::int64_t> compressed_size(const TreeNode &node);

/// For a buildx attestation entry, the digest of the manifest it describes (from its
/// `vnd.docker.reference.digest` annotation), whether or not that manifest is in the tree.
std::optional<std::string> attested_digest(const TreeNode &node);

/// The role column of the `inspect` table: the node's title without the platform the platform
/// column already shows ("linux/amd64 manifest" is "manifest" there).
std::string role_label(const TreeNode &node, const NodeExplanation &words);

/// One short line per role, for the table of a many-platform graph where the full sentence of
/// every node would not fit a screen; "" for a node that was not read. The full sentences, and the
/// sources behind both, are in docs/explanations.md.
std::string_view role_gloss(Role role) noexcept;

} // namespace digestx::render

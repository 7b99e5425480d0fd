#pragma once
/// @file
/// The media types digestx knows, their classification, and the Accept presets it sends.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"

namespace digestx::media {

/// Docker manifest list (a multi-platform index in Docker's vocabulary).
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
inline constexpr std::string_view docker_manifest_v2 = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker image manifest, schema 1, signed (JWS).
inline constexpr std::string_view docker_manifest_v1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
/// Docker image manifest, schema 1, unsigned.
inline constexpr std::string_view docker_manifest_v1 = "application/vnd.docker.distribution.manifest.v1+json";
/// Docker image config.
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
/// Docker gzip layer.
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
/// Docker uncompressed layer (distribution manifest/schema2 `MediaTypeUncompressedLayer`): how
/// `docker save` stores layers, and what a manifest built from a classic archive lists.
inline constexpr std::string_view docker_layer_tar = "application/vnd.docker.image.rootfs.diff.tar";
/// Docker foreign (non-distributable) layer.
inline constexpr std::string_view docker_layer_foreign = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
/// OCI image index.
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
/// OCI artifact manifest (`mediaType`, `artifactType`, `blobs`, `subject`, `annotations`; no
/// `schemaVersion`, no config). Defined by image-spec v1.1.0-rc1 and -rc2 (artifact.md), removed
/// before v1.1.0 (image-spec 63b8bd0 "Remove artifact manifest"), yet pushed by tools of that time
/// (ORAS 1.0 release candidates), so registries still hold documents of this type.
inline constexpr std::string_view oci_artifact_manifest = "application/vnd.oci.artifact.manifest.v1+json";
/// OCI image config.
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
/// OCI empty descriptor (`{}`), the config of artifacts without one.
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";
/// OCI layer, uncompressed tar.
inline constexpr std::string_view oci_layer_tar = "application/vnd.oci.image.layer.v1.tar";
/// OCI layer, gzip.
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
/// OCI layer, zstd.
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
/// The in-toto media type of buildx attestation layers.
inline constexpr std::string_view in_toto = "application/vnd.in-toto+json";

/// What kind of document a media type names.
enum class Kind {
    Index,    ///< OCI index or Docker manifest list
    Manifest, ///< OCI or Docker schema2 image manifest
    /// The withdrawn OCI artifact manifest: a manifest, never an image (no config, no platform).
    /// A kind of its own so that code asking for an image manifest never takes it for one.
    ArtifactManifest,
    Schema1, ///< Docker schema1 manifest (signed or not)
    Config,  ///< an image config
    Layer,   ///< a filesystem layer
    Other,   ///< anything else (artifact types, unknown future types)
};

/// Classifies a media type; parameters (`; charset=…`) are ignored.
Kind classify(std::string_view media_type) noexcept;

/// True for the types a registry serves from /manifests/ (index, manifest, artifact manifest, schema1).
bool is_manifest_type(std::string_view media_type) noexcept;

/// Strips parameters and surrounding whitespace: `application/json; charset=utf-8` → `application/json`.
std::string_view essence(std::string_view media_type) noexcept;

/// A named Accept list: digestx's own, or the list a real client sends, type for type and in
/// its order. digestx sends it as one header joined with ", " on HEAD and GET alike; a client
/// that joins with "," or sends one header line per type sends the same field value (RFC 9110
/// section 5.3), and distribution reads every form alike (registry/handlers/manifests.go).
struct AcceptPreset {
    std::string name;                 ///< the preset's name on the command line
    std::vector<std::string> aliases; ///< older names that still select it
    std::vector<std::string> types;   ///< the media types, in the client's order
    std::string description;          ///< one line for `--help`: which client it mirrors
    std::string source;               ///< where that client's list is written (repository and file)
};

/// Every preset, the default (`digestx`) first.
const std::vector<AcceptPreset> &accept_presets();

/// The preset digestx sends unless told otherwise: every manifest type it reads, the
/// multi-platform types first, schema1 last.
const AcceptPreset &default_accept_preset();

/// Looks a preset up by its name or one of its aliases.
std::optional<AcceptPreset> find_accept_preset(std::string_view name);

/// Looks a preset up by a name the user gave (`--accept`): an unknown name is ErrorCode::Usage
/// listing the known names (aliases included).
Result<AcceptPreset> require_accept_preset(std::string_view name);

/// The Accept header value for a list of types ("a, b, c").
std::string accept_header(const std::vector<std::string> &types);

} // namespace digestx::media

#pragma once
/// @file
/// `digestx diff`: what changed between two resolved graphs, by meaning rather than by JSON text:
/// platforms added or removed, per platform whether the manifest, the config and which layers
/// changed, attestation-only changes, index annotations or entry order, and a config compared
/// field by field, summed up in one plain sentence. Pure: two trees in, a report out.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/image_tree.hpp"

namespace digestx {

/// What happened to one platform's image between A and B.
enum class PlatformVerdict {
    Identical,    ///< the same manifest digest: byte-identical image
    Added,        ///< only in B
    Removed,      ///< only in A
    ManifestOnly, ///< another manifest around the same config and layers (annotations, media types)
    Recompressed, ///< other compressed layers with the same diff_ids (same content, packed anew)
    SameLayers,   ///< rebuilt with the same layers: only the config changed
    NewBaseLayer, ///< the base layer (layer 0) changed: a new base image
    UpperLayers,  ///< the base layers kept, layers above them changed
    Unknown,      ///< the manifest changed, but a document needed to say how could not be read
};

/// A stable name for JSON: "identical", "added", "removed", "manifest-only", "recompressed",
/// "same-layers", "new-base-layer", "upper-layers", "unknown".
std::string_view platform_verdict_name(PlatformVerdict verdict) noexcept;

/// One config field that differs, each side as a short sanitized text.
struct ConfigFieldChange {
    std::string field;  ///< "created", "env", "labels", "entrypoint", "cmd", "user", "workingDir", "history", …
    std::string before; ///< A's value, or what was removed
    std::string after;  ///< B's value, or what was added
};

/// One layer position whose digest differs.
struct LayerChange {
    std::size_t position = 0;          ///< 0 is the base layer
    std::optional<std::string> before; ///< A's layer there; none when B has more layers
    std::optional<std::string> after;  ///< B's layer there; none when A had more layers
};

/// One platform compared.
struct PlatformDiff {
    std::string platform;                                 ///< display form ("linux/arm/v7")
    PlatformVerdict verdict = PlatformVerdict::Identical; ///< the one-word answer
    std::optional<std::string> manifest_a;                ///< A's manifest digest, unless added
    std::optional<std::string> manifest_b;                ///< B's manifest digest, unless removed
    std::optional<std::string> config_a;                  ///< A's config digest (image ID), when known
    std::optional<std::string> config_b;                  ///< B's config digest, when known
    std::size_t layers_a = 0;                             ///< A's layer count
    std::size_t layers_b = 0;                             ///< B's layer count
    std::vector<LayerChange> layers;                      ///< compressed layers that differ, in order
    std::vector<ConfigFieldChange> config_fields;         ///< config fields that differ, when both configs were read
    bool attestation_changed = false;                     ///< the attestation describing it differs (or appeared/went)
};

/// What "the same" means for a comparison.
enum class DiffBasis {
    /// Two registry (or layout) graphs: the same top digest, byte for byte.
    Digest,
    /// A local archive on one side at least: the same images by config (image ID) and diff_ids,
    /// as `docker images` and `docker load` compare them. `docker save` stores layers uncompressed
    /// (moby image/tarexport), so compressed layer and manifest digests legitimately differ; only
    /// the archive's platforms are compared (docker save writes the one it holds).
    ImageId,
};

/// How diff_graphs() compares: by DiffBasis::ImageId when either side is a local archive, else
/// by DiffBasis::Digest.
struct DiffOptions {
    bool a_local = false; ///< A is a local archive (`docker save`, `oci-archive`)
    bool b_local = false; ///< B is a local archive
};

/// The whole comparison.
struct GraphDiff {
    std::string top_a;                     ///< A's top digest
    std::string top_b;                     ///< B's top digest
    bool identical = false;                ///< the same top digest: everything below is the same too
    std::vector<PlatformDiff> platforms;   ///< every platform of either side: B's order, then removed ones
    std::vector<std::string> annotations;  ///< top-level index annotation keys added, removed or changed
    bool reordered = false;                ///< the same index entries in another order
    std::size_t other_entries_changed = 0; ///< index entries neither images nor attestations that differ
    DiffBasis basis = DiffBasis::Digest;   ///< what "the same" meant
    /// DiffBasis::ImageId: every platform compared has the same config (image ID), so the same
    /// diff_ids, on both sides; false otherwise.
    bool same_image = false;
    /// DiffBasis::ImageId: platforms only the registry side serves, not compared (not in the archive).
    std::vector<std::string> not_local;
    std::string summary; ///< one plain sentence
};

/// Compares two trees resolved with configs and attestations.
GraphDiff diff_graphs(const ImageTree &a, const ImageTree &b, const DiffOptions &options = {});

/// One platform's image as diff compares it.
struct PlatformImage {
    std::string platform;                   ///< display form
    std::string digest;                     ///< its manifest digest
    const Manifest *manifest = nullptr;     ///< when read
    const ImageConfig *config = nullptr;    ///< when read
    std::optional<std::string> attestation; ///< the attestation manifest describing it
};

/// The same platform's image on two sides (`check` reads only the manifests and configs of the
/// platforms whose manifest changed).
PlatformDiff compare_platform(const PlatformImage &a, const PlatformImage &b);

/// What happened to a changed platform, as the summary says it ("linux/amd64 was rebuilt with the
/// same layers (config: created)").
std::string platform_change_phrase(const PlatformDiff &diff);

/// The facts a summary sentence is built from, for callers that know less than a whole diff
/// (`check` knows only which platform entries of a drifted index changed).
struct ChangeFacts {
    std::vector<std::string> added;        ///< platforms added
    std::vector<std::string> removed;      ///< platforms removed
    std::vector<std::string> changed;      ///< "linux/amd64 was rebuilt with the same layers", …
    std::vector<std::string> attestations; ///< platforms whose attestation alone changed
    bool annotations = false;              ///< index annotations changed
    bool reordered = false;                ///< index entries reordered
    std::size_t other_entries = 0;         ///< other entries changed
    std::optional<std::size_t> unchanged;  ///< platforms byte-identical; none when not known
};

/// One plain sentence: "only a linux/riscv64 entry was added; every other platform is
/// byte-identical".
std::string change_summary(const ChangeFacts &facts);

/// What `check` says of a drifted index: `changed` are the platforms whose manifest changed,
/// compared (compare_platform(): each says whether its config or which layers moved, in diff's
/// words), `added` and `removed` those only in one side.
std::string drift_summary(const std::vector<PlatformDiff> &changed, const std::vector<std::string> &added,
                          const std::vector<std::string> &removed);

} // namespace digestx

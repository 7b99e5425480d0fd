#pragma once
/// @file
/// The walk from one reference to its whole digest graph, through a Source.

#include <cstddef>
#include <optional>

#include "digestx/core/image_tree.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/resolve/select.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// Limits and choices of a walk.
struct ResolveOptions {
    bool fetch_configs = true;                ///< read image configs (--no-config turns it off)
    bool attestations = true;                 ///< read attestation manifests (--no-attestations)
    bool attestation_configs = false;         ///< read their configs too (`which`, `diff`)
    std::optional<PlatformRequest> platform;  ///< only the branch this platform pulls (--platform)
    std::size_t max_depth = max_index_depth;  ///< index→index nesting limit (fault catalogue B12)
    std::size_t max_entries = 10000;          ///< index entries examined in all (B12, cosign CVE-2023-46737)
    std::size_t max_total_bytes = 64U << 20U; ///< bytes read in all documents together
    /// `--strict`: a document whose `mediaType` is the other flavour of what its descriptor or
    /// Content-Type declares (OCI vs Docker) fails its node instead of giving a finding.
    bool strict = false;
};

/// Resolves the reference once and walks everything below it by digest, breadth-first, one
/// concurrent batch per level. The root failing is an error; a child failing stays on its node.
/// What parsing notes about a document (DocumentNote) becomes a warning finding on its node.
Result<ImageTree> resolve(Source &source, const Reference &reference, const ResolveOptions &options);

} // namespace digestx

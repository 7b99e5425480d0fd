#pragma once
/// @file
/// Default limits that several modules share, each defined once.

#include <cstddef>

namespace digestx {

/// The default cap on a manifest, index, config or tags page (fault catalogue rule 2: 8 MiB, as
/// regclient); `--max-manifest-bytes` changes it for a run.
inline constexpr std::size_t max_manifest_bytes = 8U * 1024U * 1024U;

} // namespace digestx

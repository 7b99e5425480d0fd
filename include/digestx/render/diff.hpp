#pragma once
/// @file
/// The output of `digestx diff`: the two tops, the one-sentence summary, then one block per
/// platform (manifest, config fields, layers that changed, attestation); or the versioned JSON
/// document. Pure: writes to a stream.

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "digestx/explain/graph_diff.hpp"

namespace digestx::render {

/// Writes the comparison as text; `full_digests` prints every digest in full instead of 12 hex.
void write_diff_text(std::ostream &out, const std::string &name_a, const std::string &name_b, const GraphDiff &diff,
                     bool full_digests);

/// One platform compared, as the diff document lists it (`check` lists a drift's platforms so).
nlohmann::ordered_json platform_diff_json(const PlatformDiff &platform);

/// `{"schemaVersion":1,"a":{…},"b":{…},"identical","comparedBy","sameImage","summary",
/// "platforms":[…],…}`, every digest in full.
void write_diff_json(std::ostream &out, const std::string &name_a, const std::string &name_b, const GraphDiff &diff);

} // namespace digestx::render

#pragma once
/// @file
/// The whole graph of a reference as `which` and `diff` need it: `inspect`'s full walk (every
/// platform, configs, attestations) plus the referrers where the source can list them.

#include <string>
#include <vector>

#include "command.hpp"
#include "digestx/core/image_tree.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/source/source.hpp"

namespace digestx::cli {

/// Resolves `reference` through `source` with configs and attestations (only --platform's branch
/// when given), then, with `referrers`, attaches referrers unless the source cannot list any. A
/// root that cannot be read is the error.
Result<ImageTree> read_full_graph(Source &source, const Reference &reference, const GlobalOptions &globals,
                                  bool referrers);

/// Credentials go to one registry (fault catalogue rule 7): with --username and references on
/// several registries, a Usage error naming the count; otherwise the one registry ("" for none).
Result<std::string> single_auth_registry(const std::vector<Reference> &references, const GlobalOptions &globals);

} // namespace digestx::cli

#pragma once
/// @file
/// The `accept-dependent` findings of explain(): what a client whose Accept list lacks a type is
/// given for the same reference. Internal to src/explain; pure, like explain() itself.

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::explain_detail {

/// For a tree read from a registry with the full Accept list: what a client sending fewer types
/// is given instead. `explanation.nodes` must be filled.
void add_accept_findings(const ImageTree &tree, Explanation &explanation);

/// For `inspect --accept PRESET` (`tree.accept` set): what the registry was seen to serve with
/// the preset's list, beside what the full list is served, when the two differ.
/// `explanation.nodes` must be filled.
void add_accept_comparison(const ImageTree &tree, Explanation &explanation);

} // namespace digestx::explain_detail

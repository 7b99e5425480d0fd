#pragma once
/// @file
/// The `accept-dependent` findings of explain(): what a client whose Accept list lacks a type is
/// given for the same reference. Internal to src/explain; pure, like explain() itself.

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::explain_detail {

/// For a tree read from a registry with digestx's default Accept list: what the distribution
/// registry serves a client whose list lacks a type this reference needs, modelled on its
/// manifest handler (registry/handlers/manifests.go `GetManifest`, 2.8 and 3.x). Adds nothing
/// where distribution answers every client alike. `explanation.nodes` must be filled.
void add_accept_findings(const ImageTree &tree, Explanation &explanation);

/// For `inspect --accept PRESET` (`tree.accept` set): what the registry was seen to serve with
/// the preset's list, beside what digestx's default list is served, when the two differ. An
/// observation, true of any registry. `explanation.nodes` must be filled.
void add_accept_comparison(const ImageTree &tree, Explanation &explanation);

} // namespace digestx::explain_detail

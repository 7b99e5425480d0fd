#pragma once
/// @file
/// `inspect --referrers`: what registries list as attached to a manifest through its `subject`
/// (OCI 1.1 referrers API, or the `sha256-<hex>` tag schema of older registries and cosign).
/// Referrers are not in any digest of the image: they are found by asking, so they are listed
/// after the walk, one listing per subject, and added as leaves under the manifest they name.

#include <cstddef>
#include <vector>

#include "digestx/core/image_tree.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// The nodes whose referrers are listed: the top document, and every image manifest below an
/// index (attestations, artifacts and side entries are no images, and have no referrers of
/// interest). Read documents only, in tree order.
std::vector<std::size_t> referrer_subjects(const ImageTree &tree);

/// Lists the referrers of every referrer_subjects() node through `source` and adds each as a
/// child of its subject (TreeNode::referrer_via set, the listing's exchange as its note), then
/// refreshes the tree's counters. A listing that fails is a warning finding on its subject; a
/// source that cannot list referrers at all fails the call (ErrorCode::Usage).
Result<void> attach_referrers(Source &source, ImageTree &tree);

} // namespace digestx

#pragma once
/// @file
/// The digest graph as a Graphviz digraph (`-o dot`): one box per document labelled with its
/// title and short digest, edges from each document to those it refers to, and dashed edges from
/// an attestation to the image manifest it describes. Pure: writes to the stream it is given.

#include <iosfwd>

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::render {

/// Writes the digraph. Labels are escaped for DOT and stripped of control characters.
void write_dot(std::ostream &out, const ImageTree &tree, const Explanation &explanation);

} // namespace digestx::render

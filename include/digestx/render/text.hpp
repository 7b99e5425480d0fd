#pragma once
/// @file
/// The human form of `inspect`: the digest graph as an indented tree, one line per document with
/// the sentence that says what its digest is, layer rows beside their diff_ids, the findings,
/// and what the run cost. Pure: writes to the stream it is given.

#include <iosfwd>

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::render {

/// How the text is drawn; the CLI decides from the terminal, the locale and the flags.
struct TextStyle {
    bool unicode = false;      ///< box-drawing `├─ └─ │` (a UTF-8 locale) instead of `|- `- |`
    bool color = false;        ///< ANSI colour: digests yellow, role sentences dim, errors red
    bool full_digests = false; ///< every digest in full (`--full`) instead of Docker Hub's 12 hex
};

/// Writes the tree, then the findings, then the cost line. Every string that came from a
/// document, a source or an error is escaped (fault catalogue B17), whatever the style.
void write_text(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style);

} // namespace digestx::render

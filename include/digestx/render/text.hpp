#pragma once
/// @file
/// The human form of `inspect`. By default a table: one line per digest (role, platform, short
/// digest, type, size) drawn as a tree, each role explained once where it first appears, the
/// digest to pin on a line of its own, and nothing wider than 80 columns. `--explain` draws the
/// explained tree instead: every node with its sentence, layer rows beside their diff_ids. Both end
/// with the findings and what the run cost. Pure: writes to the stream it is given.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::render {

/// How the text is drawn; the CLI decides from the terminal, the locale and the flags.
struct TextStyle {
    bool unicode = false;      ///< box-drawing `├─ └─ │` (a UTF-8 terminal) instead of `|- `- |`
    bool color = false;        ///< ANSI colour: digests yellow, role sentences dim, errors red
    bool full_digests = false; ///< every digest in full (`--full`) instead of Docker Hub's 12 hex
    bool explain = false;      ///< the explained tree (`--explain`) instead of the table
};

/// The width the table keeps within: a classic terminal's, so nothing wraps mid-digest there.
inline constexpr std::size_t text_width = 80;

/// Writes the tree, then the findings, then the cost line. Every string that came from a
/// document, a source or an error is escaped (fault catalogue B17), whatever the style.
void write_text(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style);

/// Breaks `text` at spaces into lines of at most `width` columns; a word longer than the width
/// (a full digest in a narrow column) keeps a line of its own, unbroken.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

/// Terminal columns of a UTF-8 string: one per code point (box drawing and the escapes sanitize
/// writes are all one column wide).
std::size_t display_width(std::string_view text);

} // namespace digestx::render

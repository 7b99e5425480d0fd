#pragma once
/// @file
/// What the two text forms of `inspect` share: the glyph sets, the colour codes, and the words of
/// the findings and the cost line. Private to src/render.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/image_tree.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/render/text.hpp"

namespace digestx::render::detail {

/// The tree's drawing characters in one character set.
struct Glyphs {
    std::string_view branch; ///< a child with siblings after it
    std::string_view last;   ///< the last child
    std::string_view pipe;   ///< the line continues below
    std::string_view blank;  ///< nothing continues below
    std::string_view marker; ///< points at the node --platform selected
};

/// Box drawing, for a UTF-8 terminal.
inline constexpr Glyphs unicode_glyphs{"├─ ", "└─ ", "│  ", "   ", "◀"};
/// Their ASCII stand-ins, for pipes and other locales.
inline constexpr Glyphs ascii_glyphs{"|- ", "`- ", "|  ", "   ", "<-"};

// Only the SGR codes every terminal understands; colour is decoration, never information.
/// Digests.
inline constexpr std::string_view yellow = "\x1b[33m";
/// Role sentences.
inline constexpr std::string_view dim_on = "\x1b[2m";
/// Errors.
inline constexpr std::string_view red = "\x1b[31m";
/// Back to plain.
inline constexpr std::string_view reset = "\x1b[0m";

/// A byte count as Docker Hub writes it ("2.81 MB"); negative sizes read as 0.
std::string size_text(std::int64_t bytes);

/// "1 request", "3 requests".
std::string plural(std::size_t count, std::string_view word);

/// The cost line without its "cost: " label or newline: what was sent, by kind, and what it read.
std::string cost_text(const ImageTree &tree);

/// One finding as a line without its newline; `digest` draws the digest of the node it is at.
std::string finding_text(const Finding &finding, const ImageTree &tree, const Explanation &explanation,
                         const std::string &digest);

/// The explained tree (`inspect --explain`): every node with its sentence, layers beside diff_ids.
void write_tree(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style);

} // namespace digestx::render::detail

#pragma once
/// @file
/// Internal to pinning: the Dockerfile word expansion BuildKit applies to FROM, ARG and `--from`
/// (its shell lexer): quotes removed, escapes applied, `$NAME`, `${NAME}`, `${NAME:-word}`,
/// `${NAME-word}`, `${NAME:+word}` and `${NAME+word}` substituted from the ARGs in scope. Every
/// output byte keeps the file offset it came from, so a value taken whole from an ARG default can
/// be rewritten there.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "dockerfile_lex.hpp"

namespace digestx::pinning::detail {

/// A word after expansion.
struct Expanded {
    Traced value;                       ///< the value with the offset of each byte
    std::optional<std::string> dynamic; ///< why the value is only known at build time, when it is
};

/// The ARGs visible at a point of the Dockerfile, by name.
using ArgScope = std::map<std::string, Expanded, std::less<>>;

/// Expands `text.text[begin, end)` with the ARGs of `scope`. An ARG without a default, an
/// undeclared name, a builder-provided platform ARG or an unsupported form (`${NAME%x}`) makes the
/// result dynamic.
Expanded expand_word(const Traced &text, std::size_t begin, std::size_t end, char escape, const ArgScope &scope);

} // namespace digestx::pinning::detail

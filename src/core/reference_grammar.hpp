#pragma once
/// @file
/// Internal to core/reference: the distribution/reference grammar as component checkers that say
/// where the input breaks. Shared by the grammar layer (reference_grammar.cpp) and the normalising
/// layer (reference.cpp), so both report positions in the text the user typed.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"
#include "digestx/core/reference.hpp"

namespace digestx::reference_detail {

/// The tag rule as messages state it (regexp.go `tag = [\w][\w.-]{0,127}`, `\w` being ASCII).
inline constexpr std::string_view tag_rule = "must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}";

/// Why a reference was refused: a one-line reason that already names the part and position.
struct Fault {
    std::string reason; ///< lowercase, no trailing period
};

/// "position N": N is the 1-based byte position of `offset` in the whole input.
std::string position(std::size_t offset);

/// Describes the character at `text[index]` for a message: `'$'`, `a space`, `control character \x00`,
/// `non-ASCII character "é"`.
std::string describe_char(std::string_view text, std::size_t index);

/// A reference cut at its separators: the first `@` starts the digest (a digest has no `@`), and the
/// last `:` after the last `/` of what precedes it starts the tag (a tag has neither `:` nor `/`).
/// Offsets are byte offsets in the input given to split_reference() plus its `base`.
struct Split {
    std::string_view name;                  ///< `[domain/]path`
    std::optional<std::string_view> tag;    ///< text after the tag `:`
    std::optional<std::string_view> digest; ///< text after the `@`
    std::size_t name_offset = 0;            ///< offset of name
    std::size_t tag_offset = 0;             ///< offset of the tag's first character
    std::size_t digest_offset = 0;          ///< offset of the digest's first character
};

/// Cuts `text` (which starts at byte `base` of the input) at its separators.
Split split_reference(std::string_view text, std::size_t base = 0);

/// A URL-looking input (`scheme://…`) gets a message of its own; nullopt otherwise.
std::optional<Fault> check_not_url(std::string_view text);

/// `domainAndPort`: `text` starts at byte `base` of the input.
std::optional<Fault> check_domain(std::string_view text, std::size_t base);

/// `remoteName` (lowercase path components joined by `/`).
std::optional<Fault> check_path(std::string_view text, std::size_t base);

/// `tag`; `base` is the offset of the tag's first character (the `:` is just before it).
std::optional<Fault> check_tag(std::string_view text, std::size_t base);

/// The reference grammar's digest pattern, reported in digestx's words: an algorithm other than
/// sha256/sha512 is "unsupported digest algorithm", a bad encoding says what sha256/sha512 need.
std::optional<Fault> check_digest_pattern(std::string_view text, std::size_t base);

/// Digest::parse with the refusal worded for a reference (pattern assumed already checked).
std::optional<Fault> parse_digest(std::string_view text, std::size_t base, std::optional<Digest> &out);

/// The repository length limit; `path` is the full repository path (with any `library/`).
std::optional<Fault> check_path_length(std::string_view path);

/// `name = [domain/]path` into `parts` (tag and digest untouched): the anchored name regexp.
std::optional<Fault> split_name(std::string_view name, std::size_t base, ReferenceParts &parts);

/// The anchored reference regexp (digest by pattern only) into `parts`.
std::optional<Fault> match_parts(std::string_view text, ReferenceParts &parts);

/// The offset of the first ASCII uppercase letter of `text` (which starts at `base`), if any.
std::optional<std::size_t> first_uppercase(std::string_view text, std::size_t base);

/// The Usage error for a refused reference: `invalid reference "<input>": <reason>`.
Error reference_error(std::string_view input, const Fault &fault);

} // namespace digestx::reference_detail

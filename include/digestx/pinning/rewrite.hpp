#pragma once
/// @file
/// Rewrites image references in a file's bytes: only the bytes of each reference change, so
/// formatting, comments and quoting stay exactly as they were. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"
#include "digestx/pinning/occurrence.hpp"

namespace digestx::pinning {

/// One replacement: the bytes at `span`, which must still read `old_text`, become `new_text`
/// encoded for `style`.
struct Edit {
    Span span;                         ///< where the reference's bytes are
    std::string old_text;              ///< what those bytes must read (a stale scan is refused)
    TextStyle style = TextStyle::Bare; ///< how the bytes are written
    std::string new_text;              ///< the new reference, unencoded
};

/// The edit that replaces `occurrence`'s text with `new_text`. Usage error when the occurrence has
/// no span (its `span_problem` says why).
Result<Edit> edit_for(const Occurrence &occurrence, std::string new_text);

/// `text` encoded for `style`: escaped inside double quotes, `'` doubled inside single quotes; a
/// Usage error when the style cannot hold it (a plain YAML scalar cannot start with `[` or hold
/// `: `; a Dockerfile word cannot hold whitespace, quotes or `$`).
Result<std::string> encode_for_style(std::string_view text, TextStyle style);

/// The file with every edit applied. Edits of the same span with the same new text count once (a
/// YAML anchor used through aliases); overlapping edits, spans past the end, bytes that no longer
/// read `old_text` and text the style cannot hold are Usage errors, and nothing is applied.
Result<std::string> apply_edits(std::string_view original, std::vector<Edit> edits);

/// Whether pinned_text() may replace a digest that is already written.
enum class PinMode {
    KeepDigest,    ///< a reference that already has a digest is left as written
    ReplaceDigest, ///< `--update`: the written digest is replaced by the new one
};

/// The pinned spelling of a reference as written: `name:tag@digest`, keeping the name exactly as
/// written (`alpine:3.12` → `alpine:3.12@sha256:…`, `docker.io/library/alpine:3.12` keeps its
/// prefix). The tag is never dropped; a reference with neither tag nor digest gets the `latest` it
/// resolved to written out (`alpine` → `alpine:latest@sha256:…`). A reference that has only a
/// digest stays without a tag. Usage error when `written` is not a registry reference.
Result<std::string> pinned_text(std::string_view written, const Digest &digest, PinMode mode);

} // namespace digestx::pinning

#pragma once
/// @file
/// Safe text for terminals and CI logs: registry-supplied strings are escaped before printing.

#include <cstddef>
#include <string>
#include <string_view>

namespace digestx {

/// Escapes C0/C1 control characters, DEL, and Unicode format characters (bidi overrides,
/// zero-width characters, BOM) as `\xNN` / `\u{NNNN}`, and invalid UTF-8 bytes as `\xNN`, so a
/// registry string can neither move the cursor nor inject a CI workflow command
/// (fault catalogue B17, F5). Truncates to about `max_bytes`, marking the cut with "…".
std::string sanitize(std::string_view text, std::size_t max_bytes = 500);

/// Quotes a string for an error message: `"…"` with sanitize() applied.
std::string quoted(std::string_view text, std::size_t max_bytes = 200);

/// ASCII-only lower case (`A`–`Z` folded, every other byte kept): how hosts, schemes, header
/// names and media types compare, independent of the C locale.
std::string ascii_lowercase(std::string_view text);

/// Formats a byte count for people: "528 B", "2.68 MB" (decimal units, as Docker Hub shows sizes).
std::string human_size(unsigned long long bytes);

} // namespace digestx

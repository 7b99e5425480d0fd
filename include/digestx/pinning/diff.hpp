#pragma once
/// @file
/// Unified diffs of a file before and after rewriting, as `pin --dry-run` prints them. Pure.

#include <cstddef>
#include <string>
#include <string_view>

namespace digestx::pinning {

/// A unified diff of `before` and `after` as `diff -u` and `git diff` write it: `--- a/PATH` and
/// `+++ b/PATH` headers, hunks `@@ -l,n +l,n @@` with `context` lines around each change (hunks
/// whose context would touch are merged), and `\ No newline at end of file` after a last line that
/// has none. Lines are split on `\n` only, so a `\r` stays part of its line. "" when the texts are
/// equal. The diff is minimal for the usual few changed lines; past a large number of differences it
/// may replace a whole region instead, which is still a correct diff.
std::string unified_diff(std::string_view path, std::string_view before, std::string_view after,
                         std::size_t context = 3);

} // namespace digestx::pinning

#pragma once
/// @file
/// How text output is drawn where it goes: colour and box drawing on a terminal, plain ASCII in
/// a pipe or a file. A pure decision over the Context, so tests can state every case.

#include "digestx/cli/context.hpp"

namespace digestx::cli {

/// What the text may use.
struct Drawing {
    bool color = false;   ///< ANSI colour
    bool unicode = false; ///< box drawing `├─ └─ │` instead of ASCII `|- `- |`
};

/// Colour when stdout is a terminal, `NO_COLOR` is unset or empty (no-color.org: "when present
/// and not an empty string") and `--no-color` was not given. Box drawing when stdout is a
/// terminal whose locale is UTF-8 (`--no-color` and `NO_COLOR` leave it alone: they are about
/// colour). Anything piped or redirected is plain ASCII, whatever the locale, so scripts and
/// files see the same bytes everywhere.
Drawing decide_drawing(const Context &ctx, bool no_color_flag);

/// True when the locale's character set is UTF-8: the first of LC_ALL, LC_CTYPE, LANG that is
/// set and non-empty (POSIX precedence) names "UTF-8" or "utf8", in any case.
bool utf8_locale(const Context &ctx);

} // namespace digestx::cli

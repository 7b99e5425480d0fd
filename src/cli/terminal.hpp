#pragma once
/// @file
/// What the output may look like on this terminal: colour and UTF-8 box drawing, decided once
/// from the context (so in-process tests can set both) for every command that draws.

#include "command.hpp"

namespace digestx::cli {

/// Colour only when stdout is a terminal, `NO_COLOR` is unset or empty (no-color.org) and
/// `--no-color` was not given.
bool use_color(const Context &ctx, const GlobalOptions &globals);

/// True when the locale's character set is UTF-8: the first of LC_ALL, LC_CTYPE, LANG that is
/// set and non-empty (POSIX precedence) names "UTF-8" or "utf8", in any case.
bool utf8_locale(const Context &ctx);

} // namespace digestx::cli

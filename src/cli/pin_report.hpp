#pragma once
/// @file
/// The words and JSON of pin verdicts, shared by `verify` and `check` so both say the same thing
/// the same way, and the escaping of GitHub workflow commands for `check --format github`.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/error.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx::cli {

/// One line saying what a verdict means (no reference, no status word): "the index: right for every
/// architecture", "the tag now points to sha256:… (pinned sha256:…)".
std::string verdict_detail(const PinVerdict &verdict);

/// The warning for a platform pin, after the reference: "pins the linux/arm64 manifest only (one
/// architecture); pin the index sha256:… to cover every platform".
std::string platform_pin_warning(const PinVerdict &verdict);

/// The per-platform changes of a drift, one line each: "linux/amd64: sha256:… → sha256:…",
/// "linux/s390x: added sha256:…", "linux/arm/v7: removed (was sha256:…)"; a drift in which no
/// platform changed says so, so that an index rebuilt around the same images is not a mystery.
std::vector<std::string> change_lines(const PinVerdict &verdict);

/// One platform's line of change_lines(); "" for a change with neither digest.
std::string change_line(const PlatformChange &change);

/// The verdict's fields, every digest in full: status, level, pinned, current, registryDigest,
/// platform, changes, note.
void add_verdict_json(nlohmann::ordered_json &out, const PinVerdict &verdict);

/// An error as JSON: {"code": "not-found", "exitCode": 3, "message": "…"}.
nlohmann::ordered_json error_json(const Error &error);

/// A workflow command's message escaped as GitHub's runner expects (`%` → %25, CR → %0D,
/// LF → %0A), after sanitize() has removed other control characters.
std::string github_data(std::string_view text);

/// A workflow command's property value escaped: github_data() plus `:` → %3A and `,` → %2C.
std::string github_property(std::string_view text);

} // namespace digestx::cli

#pragma once
/// @file
/// The outcome of `digestx check`, one row per image reference found, and its three renderings:
/// a text table, the versioned JSON document and GitHub workflow annotations.

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "pin_files.hpp"
#include "digestx/core/error.hpp"
#include "digestx/explain/graph_diff.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx::cli {

/// How much a row matters.
enum class Severity { Ok, Warning, Error };

/// What a row says of its reference, in the order rows are counted and listed.
enum class CheckStatus {
    Current,     ///< the tag names the pinned digest
    Exists,      ///< a digest-only reference whose content exists
    PlatformPin, ///< the pin is one platform's manifest (or another entry) inside the index
    Unpinned,    ///< no digest in the reference
    Drifted,     ///< the tag names other content now
    Missing,     ///< the pinned content is gone
    Skipped,     ///< a reference known only at build or deploy time
    Invalid,     ///< not an image reference
    Error,       ///< what stopped the reference from being checked
};

/// Every status, in the order they are counted and listed.
inline constexpr CheckStatus check_statuses[] = {CheckStatus::Current,  CheckStatus::Exists,  CheckStatus::PlatformPin,
                                                 CheckStatus::Unpinned, CheckStatus::Drifted, CheckStatus::Missing,
                                                 CheckStatus::Skipped,  CheckStatus::Invalid, CheckStatus::Error};

/// The stable name in the table, JSON and annotations: "current", "platform-pin", "unpinned", …
std::string_view check_status_name(CheckStatus status) noexcept;

/// The row status of a pin verdict.
CheckStatus check_status_of(PinStatus status) noexcept;

/// One checked reference (or a file, or a document of a file, the scanner refused).
struct CheckRow {
    const ScannedFile *file = nullptr;               ///< the file
    const pinning::Occurrence *occurrence = nullptr; ///< the reference; null for a refused file
    CheckStatus status = CheckStatus::Current;       ///< what the row says
    Severity severity = Severity::Ok;                ///< ok, warning or error
    std::string detail;                              ///< one line, sanitized pieces
    std::vector<std::string> more;                   ///< further lines (per-platform changes)
    std::optional<PinVerdict> verdict;               ///< the verification, when one ran
    std::optional<Error> error;                      ///< what stopped the reference from being checked
    std::size_t line = 0;   ///< without an occurrence: the line a document that does not parse stopped at; 0: none
    std::size_t column = 0; ///< and the column there
    /// A drift in one sentence, as `diff` sums changes up ("only a linux/riscv64 entry was added");
    /// "" for every other row.
    std::string summary = {};
    /// A drift's platforms whose manifest changed, compared as `diff` compares them (config,
    /// layers); empty for every other row.
    std::vector<PlatformDiff> platforms = {};
};

/// What the rows add up to.
struct CheckSummary {
    std::size_t files = 0;    ///< files scanned
    std::size_t distinct = 0; ///< distinct pinned references resolved
    int exit_code = 0;        ///< the command's exit code
};

/// The rows as an aligned table and a summary line.
void write_check_text(std::ostream &out, const std::vector<CheckRow> &rows, const CheckSummary &summary);

/// The rows as one JSON document (`"schemaVersion": 1`), every digest in full.
void write_check_json(std::ostream &out, const std::vector<CheckRow> &rows, const CheckSummary &summary);

/// `::error file=…,line=…,col=…,title=…::…` / `::warning …` for every row that is not ok, then the
/// summary line. Properties and messages are escaped as the Actions runner decodes them. Files
/// are named relative to `workspace` (GITHUB_WORKSPACE) when they lie inside it, and without `./`.
void write_check_github(std::ostream &out, const std::vector<CheckRow> &rows, const CheckSummary &summary,
                        const std::string &workspace);

} // namespace digestx::cli

#pragma once
/// @file
/// Internal to pinning: what every file scanner shares. A Collector gathers the references one
/// file yields and turns them into Occurrences (status, parsed reference, position), merging uses
/// of the same bytes so that a value is reported and rewritten once.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "digestx/pinning/occurrence.hpp"

namespace digestx::pinning::detail {

/// Where each line of a file starts, to turn byte offsets into 1-based line and column.
class LineIndex {
public:
    /// Indexes `bytes` (lines end at `\n`).
    explicit LineIndex(std::string_view bytes);
    /// The 1-based line and 1-based byte column of `offset`.
    [[nodiscard]] std::pair<std::size_t, std::size_t> position(std::size_t offset) const;

private:
    std::vector<std::size_t> m_starts;
};

/// A reference as a scanner found it, before classification.
struct Found {
    std::string text;                   ///< the value (decoded, substituted); as written when dynamic
    std::optional<Span> span;           ///< its verified bytes, when rewritable
    std::string span_problem;           ///< why there is no span
    std::size_t offset = 0;             ///< where to report it when there is no span
    TextStyle style = TextStyle::Bare;  ///< how the span is written
    Context context;                    ///< what uses it
    std::optional<std::string> dynamic; ///< set when the scanner already knows the value is dynamic
    bool templates = true;              ///< look for `${…}` and `{{ }}` (not after Dockerfile expansion)
};

/// The span of value bytes [begin, begin+length) when their file offsets are consecutive and the
/// file bytes there equal `text`; otherwise nullopt (escapes or pieces from several places).
std::optional<Span> contiguous_span(std::string_view bytes, const std::vector<std::size_t> &offsets, std::size_t begin,
                                    std::string_view text);

/// Why `text` is a template rather than a reference (`${VAR}`, `$VAR`, `{{ }}`, `${{ }}`), or
/// nullopt when it is not templated.
std::optional<std::string> template_reason(std::string_view text);

/// Collects the references of one file.
class Collector {
public:
    /// Starts collecting for the file named `file` whose content is `bytes`.
    Collector(std::string_view file, std::string_view bytes);
    /// The file's bytes.
    [[nodiscard]] std::string_view bytes() const noexcept { return m_bytes; }
    /// 1-based line and column of a byte offset.
    [[nodiscard]] std::pair<std::size_t, std::size_t> position(std::size_t offset) const {
        return m_lines.position(offset);
    }
    /// Adds a reference; a second use of the same span becomes one of the first's other_contexts.
    void add(Found found);
    /// Adds a warning about something skipped at `offset`.
    void warn(std::size_t offset, std::string_view message);
    /// Adds a warning at a 1-based line and column.
    void warn_at(std::size_t line, std::size_t column, std::string_view message);
    /// Sets where the document being scanned starts: a YAML document parsed on its own counts its
    /// Marks from `offset`, `lines` lines into the file.
    void set_origin(std::size_t offset, std::size_t lines) {
        m_origin = offset;
        m_origin_lines = lines;
    }
    /// The file offset the current document's Marks count from.
    [[nodiscard]] std::size_t origin() const noexcept { return m_origin; }
    /// The lines of the file before the current document's origin.
    [[nodiscard]] std::size_t origin_lines() const noexcept { return m_origin_lines; }
    /// The scan result, occurrences sorted by position.
    [[nodiscard]] FileScan finish(FileKind kind) &&;

private:
    std::string m_file;
    std::string_view m_bytes;
    LineIndex m_lines;
    std::size_t m_origin = 0;
    std::size_t m_origin_lines = 0;
    std::vector<Occurrence> m_occurrences;
    std::vector<std::string> m_warnings;
};

/// Scans a Dockerfile.
void scan_dockerfile(Collector &collector);
/// Scans a plain list.
void scan_list(Collector &collector);

} // namespace digestx::pinning::detail

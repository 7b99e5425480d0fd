// The shared half of the scanners: positions, template detection, classification of what was found
// and merging of several uses of the same bytes.
#include "scan_support.hpp"

#include <algorithm>
#include <cctype>

#include "digestx/core/text.hpp"

namespace digestx::pinning::detail {

LineIndex::LineIndex(std::string_view bytes) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n') m_starts.push_back(i + 1);
    }
}

std::pair<std::size_t, std::size_t> LineIndex::position(std::size_t offset) const {
    auto after = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
    auto line = static_cast<std::size_t>(after - m_starts.begin());
    return {line, offset - m_starts[line - 1] + 1};
}

std::optional<Span> contiguous_span(std::string_view bytes, const std::vector<std::size_t> &offsets, std::size_t begin,
                                    std::string_view text) {
    if (text.empty() || begin + text.size() > offsets.size()) return std::nullopt;
    auto first = offsets[begin];
    if (first >= bytes.size()) return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (offsets[begin + i] != first + i) return std::nullopt;
    }
    if (first + text.size() > bytes.size() || bytes.substr(first, text.size()) != text) return std::nullopt;
    return Span{first, text.size()};
}

std::optional<std::string> template_reason(std::string_view text) {
    if (text.find("${{") != std::string_view::npos) {
        return "a GitHub Actions expression ${{ }} is evaluated when the workflow runs";
    }
    if (text.find("{{") != std::string_view::npos) return "a template {{ }} is filled in when it is rendered";
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '$') continue;
        char next = text[i + 1];
        if (next == '$') {
            // Compose writes a literal `$` as `$$`.
            ++i;
            continue;
        }
        if (next == '{' || next == '(' || next == '_' || std::isalpha(static_cast<unsigned char>(next)) != 0) {
            return "variable substitution in " + quoted(text) + " is resolved where the file is used";
        }
    }
    return std::nullopt;
}

Collector::Collector(std::string_view file, std::string_view bytes) : m_file(file), m_bytes(bytes), m_lines(bytes) {}

namespace {

void classify(Occurrence &occurrence, const std::optional<std::string> &dynamic, bool templates) {
    if (dynamic) {
        occurrence.status = OccurrenceStatus::Dynamic;
        occurrence.reason = *dynamic;
        return;
    }
    if (auto reason = templates ? template_reason(occurrence.text) : std::nullopt) {
        occurrence.status = OccurrenceStatus::Dynamic;
        occurrence.reason = *reason;
        return;
    }
    auto parsed = parse_reference(occurrence.text);
    if (!parsed) {
        occurrence.status = OccurrenceStatus::Invalid;
        occurrence.error = parsed.error();
        return;
    }
    if (parsed->source() != SourceKind::Registry) {
        // `oci:` and `docker-archive:` are digestx's own command-line sources; no builder or
        // orchestrator reads them from a file, so here they are a mistake, not a reference.
        occurrence.status = OccurrenceStatus::Invalid;
        occurrence.error = Error::of(ErrorCode::Usage, "invalid reference " + quoted(occurrence.text) + ": " +
                                                           std::string(source_kind_name(parsed->source())) +
                                                           " sources are not image references in a file");
        return;
    }
    occurrence.status = OccurrenceStatus::Valid;
    occurrence.reference = std::move(*parsed);
}

} // namespace

void Collector::add(Found found) {
    if (found.span) {
        for (auto &existing : m_occurrences) {
            if (existing.span == found.span) {
                existing.other_contexts.push_back(std::move(found.context));
                return;
            }
        }
    }
    Occurrence occurrence;
    occurrence.file = m_file;
    auto at = found.span ? found.span->offset : std::min(found.offset, m_bytes.size());
    std::tie(occurrence.line, occurrence.column) = m_lines.position(at);
    occurrence.span = found.span;
    occurrence.span_problem = found.span ? std::string() : std::move(found.span_problem);
    occurrence.style = found.style;
    occurrence.text = std::move(found.text);
    occurrence.context = std::move(found.context);
    classify(occurrence, found.dynamic, found.templates);
    m_occurrences.push_back(std::move(occurrence));
}

void Collector::warn(std::size_t offset, std::string_view message) {
    auto [line, column] = m_lines.position(std::min(offset, m_bytes.size()));
    warn_at(line, column, message);
}

void Collector::warn_at(std::size_t line, std::size_t column, std::string_view message) {
    m_warnings.push_back(sanitize(m_file) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                         std::string(message));
}

FileScan Collector::finish(FileKind kind) && {
    std::stable_sort(m_occurrences.begin(), m_occurrences.end(), [](const Occurrence &a, const Occurrence &b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    FileScan scan;
    scan.file = std::move(m_file);
    scan.kind = kind;
    scan.occurrences = std::move(m_occurrences);
    scan.warnings = std::move(m_warnings);
    return scan;
}

} // namespace digestx::pinning::detail

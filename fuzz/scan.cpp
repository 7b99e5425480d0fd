/// @file
/// Fuzz target: finding image references in Dockerfiles, Compose files, Kubernetes manifests,
/// GitHub Actions workflows and plain lists, and pinning them in place. Invariants: every span
/// lies inside the file; occurrences come sorted; a status carries exactly its payload; and when
/// `pin` can rewrite the valid references, scanning the rewritten file finds each pinned text.

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "digestx/pinning/rewrite.hpp"
#include "digestx/pinning/scan.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;
using digestx::pinning::FileKind;
using digestx::pinning::OccurrenceStatus;

namespace {

// The name decides the kind for some files (kind_from_name); the last one leaves it to the bytes.
constexpr std::array<std::string_view, 7> paths = {
    "Dockerfile", "compose.yaml", "deploy.yaml", ".github/workflows/ci.yml", "images.txt", "manifest.json", "values",
};
constexpr std::array<std::optional<FileKind>, 6> kinds = {
    std::nullopt,         FileKind::Dockerfile, FileKind::Compose,
    FileKind::Kubernetes, FileKind::Workflow,   FileKind::PlainList,
};

void check_scan(const digestx::pinning::FileScan &scan, std::string_view bytes) {
    for (std::size_t i = 0; i < scan.occurrences.size(); ++i) {
        const auto &occurrence = scan.occurrences[i];
        if (occurrence.span)
            check(occurrence.span->offset <= bytes.size() &&
                      occurrence.span->length <= bytes.size() - occurrence.span->offset,
                  "a span lies inside the file");
        else
            check(!occurrence.span_problem.empty(), "a missing span says why");
        check(occurrence.line >= 1 && occurrence.column >= 1, "positions are 1-based");
        if (i > 0) {
            const auto &previous = scan.occurrences[i - 1];
            check(previous.line < occurrence.line ||
                      (previous.line == occurrence.line && previous.column <= occurrence.column),
                  "occurrences are sorted by line and column");
        }
        check(occurrence.reference.has_value() == (occurrence.status == OccurrenceStatus::Valid),
              "a valid occurrence, and only one, carries a reference");
        check(occurrence.error.has_value() == (occurrence.status == OccurrenceStatus::Invalid),
              "an invalid occurrence, and only one, carries an error");
    }
}

// What `pin` does: every valid reference with a span gets a digest; what a rescan must then see.
void check_pin(const digestx::pinning::FileScan &scan, std::string_view path, std::string_view bytes) {
    static const auto digest = digestx::Digest::compute("digestx fuzz");
    std::vector<digestx::pinning::Edit> edits;
    std::vector<std::string> expected;
    for (const auto &occurrence : scan.occurrences) {
        if (occurrence.status != OccurrenceStatus::Valid || !occurrence.span) continue;
        auto pinned = digestx::pinning::pinned_text(occurrence.text, digest, digestx::pinning::PinMode::ReplaceDigest);
        if (!pinned) continue;
        auto edit = digestx::pinning::edit_for(occurrence, *pinned);
        check(edit.has_value(), "an occurrence with a span has an edit");
        edits.push_back(std::move(*edit));
        expected.push_back(std::move(*pinned));
    }
    if (edits.empty()) return;
    const auto rewritten = digestx::pinning::apply_edits(bytes, std::move(edits));
    if (!rewritten) return;
    const auto again = digestx::pinning::scan_file(path, *rewritten, scan.kind);
    check(again.has_value(), "a pinned file still scans");
    for (const auto &text : expected) {
        const bool found = std::any_of(again->occurrences.begin(), again->occurrences.end(),
                                       [&](const auto &occurrence) { return occurrence.text == text; });
        check(found, "a rescan of the pinned file finds each pinned reference");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    const auto choice = input.choose(paths.size() * kinds.size());
    const auto path = paths[choice % paths.size()];
    const auto kind = kinds[choice / paths.size()];
    const auto bytes = input.rest();
    (void)digestx::pinning::kind_from_name(path);
    (void)digestx::pinning::detect_kind(path, bytes);
    (void)digestx::pinning::json_role(bytes);
    const auto scan = digestx::pinning::scan_file(path, bytes, kind);
    if (!scan) return 0;
    if (kind) check(scan->kind == *kind, "a given kind is the kind scanned");
    check_scan(*scan, bytes);
    check_pin(*scan, path, bytes);
    return 0;
}

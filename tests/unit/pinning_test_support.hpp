#pragma once
/// @file
/// Shared helpers of the pinning unit tests: fixtures, scanning with the invariants every scan must
/// keep, and pinning every reference of a file with one digest.

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/pinning/rewrite.hpp"
#include "digestx/pinning/scan.hpp"
#include "support/process.hpp"

namespace digestx::test {

/// The digest the expected fixture outputs are pinned to: sha256("digestx pinning fixture").
inline Digest fixture_digest() {
    return *Digest::parse("sha256:5758bb6fd82e95e98ce082930aeb97ee5fb219bc486a66bbe259e28def43caac");
}

/// The digest already written in the fixtures: sha256("old").
inline const std::string old_digest = "sha256:cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4";

/// The bytes of tests/fixtures/pinning/NAME.
inline std::string pinning_fixture(const std::string &name) {
    return read_file(source_dir() + "/tests/fixtures/pinning/" + name);
}

/// Checks what must hold for every occurrence of every scan: a span lies inside the file and reads
/// exactly the occurrence's text; line and column are those of the span's first byte. A document
/// that does not parse is a Usage error placed inside its own lines.
inline void check_scan_invariants(std::string_view bytes, const pinning::FileScan &scan) {
    for (const auto &bad : scan.bad_documents) {
        INFO(bad.error.message);
        CHECK(bad.error.code == ErrorCode::Usage);
        CHECK(bad.first_line >= 1);
        CHECK(bad.first_line <= bad.line);
        CHECK(bad.line <= bad.last_line);
        CHECK(bad.column >= 1);
    }
    for (const auto &occurrence : scan.occurrences) {
        INFO("occurrence " << occurrence.text << " at " << occurrence.line << ":" << occurrence.column);
        CHECK(occurrence.line >= 1);
        CHECK(occurrence.column >= 1);
        CHECK(occurrence.reference.has_value() == (occurrence.status == pinning::OccurrenceStatus::Valid));
        CHECK(occurrence.error.has_value() == (occurrence.status == pinning::OccurrenceStatus::Invalid));
        CHECK(occurrence.reason.empty() == (occurrence.status != pinning::OccurrenceStatus::Dynamic));
        if (!occurrence.span) {
            CHECK_FALSE(occurrence.span_problem.empty());
            continue;
        }
        REQUIRE(occurrence.span->offset + occurrence.span->length <= bytes.size());
        CHECK(bytes.substr(occurrence.span->offset, occurrence.span->length) == occurrence.text);
        std::size_t line = 1;
        std::size_t line_start = 0;
        for (std::size_t i = 0; i < occurrence.span->offset; ++i) {
            if (bytes[i] == '\n') {
                ++line;
                line_start = i + 1;
            }
        }
        CHECK(occurrence.line == line);
        CHECK(occurrence.column == occurrence.span->offset - line_start + 1);
    }
}

/// Scans `bytes` named `path` (REQUIREs success) and checks the invariants.
inline pinning::FileScan scan_ok(std::string_view path, std::string_view bytes,
                                 std::optional<pinning::FileKind> kind = std::nullopt) {
    auto scan = pinning::scan_file(path, bytes, kind);
    if (!scan) FAIL_CHECK("scan failed: " << scan.error().message);
    REQUIRE(scan);
    check_scan_invariants(bytes, *scan);
    return *scan;
}

/// The occurrence whose text is `text`; FAILs when there is none.
inline const pinning::Occurrence &occurrence_of(const pinning::FileScan &scan, std::string_view text) {
    for (const auto &occurrence : scan.occurrences) {
        if (occurrence.text == text) return occurrence;
    }
    FAIL("no occurrence " << text << " in " << scan.file);
    throw std::logic_error("unreachable");
}

/// The file with every valid, rewritable reference pinned to `digest` as `pin` would write it.
inline std::string pin_everything(std::string_view bytes, const pinning::FileScan &scan, const Digest &digest,
                                  pinning::PinMode mode = pinning::PinMode::KeepDigest) {
    std::vector<pinning::Edit> edits;
    for (const auto &occurrence : scan.occurrences) {
        if (occurrence.status != pinning::OccurrenceStatus::Valid || !occurrence.span) continue;
        auto text = pinning::pinned_text(occurrence.text, digest, mode);
        REQUIRE(text);
        auto edit = pinning::edit_for(occurrence, *text);
        REQUIRE(edit);
        edits.push_back(*edit);
    }
    auto out = pinning::apply_edits(bytes, edits);
    if (!out) FAIL("apply_edits failed: " << out.error().message);
    return *out;
}

} // namespace digestx::test

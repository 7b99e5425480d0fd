// Rewriting: the pinned spelling of a reference, encoding per quoting style, and whole files pinned
// byte-for-byte as the expected fixtures say (only the intended spans change).
#include <catch2/catch.hpp>

#include "pinning_test_support.hpp"

using digestx::ErrorCode;
using digestx::pinning::apply_edits;
using digestx::pinning::Edit;
using digestx::pinning::encode_for_style;
using digestx::pinning::PinMode;
using digestx::pinning::pinned_text;
using digestx::pinning::Span;
using digestx::pinning::TextStyle;

namespace {

const std::string D = "sha256:5758bb6fd82e95e98ce082930aeb97ee5fb219bc486a66bbe259e28def43caac";

} // namespace

TEST_CASE("pinned_text keeps the reference as written and never drops the tag", "[pinning][rewrite]") {
    const auto digest = digestx::test::fixture_digest();
    const auto &old = digestx::test::old_digest;
    struct Case {
        std::string written;
        PinMode mode;
        std::string pinned;
    };
    std::vector<Case> cases = {
        {"alpine:3.12", PinMode::KeepDigest, "alpine:3.12@" + D},
        {"docker.io/library/alpine:3.12", PinMode::KeepDigest, "docker.io/library/alpine:3.12@" + D},
        {"library/alpine:3.12", PinMode::KeepDigest, "library/alpine:3.12@" + D},
        {"index.docker.io/alpine:3", PinMode::KeepDigest, "index.docker.io/alpine:3@" + D},
        {"alpine", PinMode::KeepDigest, "alpine:latest@" + D},
        {"ghcr.io/org/app:1.4", PinMode::KeepDigest, "ghcr.io/org/app:1.4@" + D},
        {"localhost:5000/app:dev", PinMode::KeepDigest, "localhost:5000/app:dev@" + D},
        {"[::1]:5000/app:dev", PinMode::KeepDigest, "[::1]:5000/app:dev@" + D},
        {"alpine:3.12@" + old, PinMode::KeepDigest, "alpine:3.12@" + old},
        {"alpine:3.12@" + old, PinMode::ReplaceDigest, "alpine:3.12@" + D},
        {"alpine@" + old, PinMode::KeepDigest, "alpine@" + old},
        {"alpine@" + old, PinMode::ReplaceDigest, "alpine@" + D},
        {"alpine:3.12", PinMode::ReplaceDigest, "alpine:3.12@" + D},
    };
    for (const auto &c : cases) {
        INFO(c.written);
        auto pinned = pinned_text(c.written, digest, c.mode);
        REQUIRE(pinned);
        CHECK(*pinned == c.pinned);
        // What was written still names the same repository and tag.
        auto before = digestx::parse_reference(c.written);
        auto after = digestx::parse_reference(*pinned);
        REQUIRE(after);
        CHECK(after->name() == before->name());
        if (!before->tag_is_default()) CHECK(after->tag() == before->tag());
    }
    for (std::string bad : {"", "Alpine:3", "oci:/tmp/layout", "docker-archive:/tmp/a.tar", "alpine:"}) {
        INFO(bad);
        auto pinned = pinned_text(bad, digest, PinMode::KeepDigest);
        REQUIRE_FALSE(pinned);
        CHECK(pinned.error().code == ErrorCode::Usage);
    }
}

TEST_CASE("encoding for each quoting style", "[pinning][rewrite]") {
    struct Case {
        std::string text;
        TextStyle style;
        std::optional<std::string> encoded; // nullopt: refused
    };
    std::vector<Case> cases = {
        {"alpine:3@" + D, TextStyle::YamlPlain, "alpine:3@" + D},
        {"[::1]:5000/a", TextStyle::YamlPlain, std::nullopt},
        {"a: b", TextStyle::YamlPlain, std::nullopt},
        {"a,b", TextStyle::YamlPlain, std::nullopt},
        {"*alias", TextStyle::YamlPlain, std::nullopt},
        {"ends:", TextStyle::YamlPlain, std::nullopt},
        {"[::1]:5000/a", TextStyle::YamlDoubleQuoted, "[::1]:5000/a"},
        {"say \"hi\" \\ now", TextStyle::YamlDoubleQuoted, "say \\\"hi\\\" \\\\ now"},
        {"tab\there", TextStyle::YamlDoubleQuoted, "tab\\x09here"},
        {"it's", TextStyle::YamlSingleQuoted, "it''s"},
        {"line\nbreak", TextStyle::YamlSingleQuoted, std::nullopt},
        {"alpine:3", TextStyle::DockerfileWord, "alpine:3"},
        {"$X", TextStyle::DockerfileWord, std::nullopt},
        {"a b", TextStyle::DockerfileWord, std::nullopt},
        {"a\"b", TextStyle::DockerfileWord, std::nullopt},
        {"a\\b", TextStyle::DockerfileWord, std::nullopt},
        {"alpine:3", TextStyle::Bare, "alpine:3"},
        {"a#b", TextStyle::Bare, std::nullopt},
        {"a b", TextStyle::Bare, std::nullopt},
        {"", TextStyle::YamlDoubleQuoted, std::nullopt},
    };
    for (const auto &c : cases) {
        INFO(c.text << " style " << static_cast<int>(c.style));
        auto encoded = encode_for_style(c.text, c.style);
        CHECK(encoded.has_value() == c.encoded.has_value());
        if (encoded && c.encoded) CHECK(*encoded == *c.encoded);
        if (!encoded) CHECK(encoded.error().code == ErrorCode::Usage);
    }
}

TEST_CASE("apply_edits changes exactly the spans, refusing anything unsafe", "[pinning][rewrite]") {
    const std::string original = "a: x1\nb: x22\nc: x333\n";
    auto edit = [](std::size_t offset, std::string old_text, std::string new_text) {
        return Edit{Span{offset, old_text.size()}, old_text, TextStyle::YamlPlain, std::move(new_text)};
    };
    auto two = apply_edits(original, {edit(16, "x333", "y"), edit(3, "x1", "yy")});
    REQUIRE(two);
    CHECK(*two == "a: yy\nb: x22\nc: y\n");
    auto none = apply_edits(original, {});
    REQUIRE(none);
    CHECK(*none == original);
    auto duplicate = apply_edits(original, {edit(3, "x1", "z"), edit(3, "x1", "z")});
    REQUIRE(duplicate);
    CHECK(*duplicate == "a: z\nb: x22\nc: x333\n");

    std::vector<std::pair<std::string, std::vector<Edit>>> refused = {
        {"overlap", {edit(3, "x1", "z"), edit(4, "1", "q")}},
        {"same span, two texts", {edit(3, "x1", "z"), edit(3, "x1", "w")}},
        {"stale", {edit(3, "x9", "z")}},
        {"past the end", {edit(20, "x333", "z")}},
        {"empty span", {Edit{Span{3, 0}, "", TextStyle::YamlPlain, "z"}}},
        {"not encodable", {edit(3, "x1", "a: b")}},
    };
    for (const auto &[name, edits] : refused) {
        INFO(name);
        auto out = apply_edits(original, edits);
        REQUIRE_FALSE(out);
        CHECK(out.error().code == ErrorCode::Usage);
    }
}

TEST_CASE("every fixture pinned equals its expected output byte for byte", "[pinning][rewrite]") {
    struct Case {
        std::string fixture;
        std::string path;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"Dockerfile.multistage", "Dockerfile.multistage", "Dockerfile.multistage.pinned"},
        {"compose.yaml", "compose.yaml", "compose.pinned.yaml"},
        {"kubernetes.yaml", "k8s/all.yaml", "kubernetes.pinned.yaml"},
        {"workflows/ci.yml", ".github/workflows/ci.yml", "workflows/ci.pinned.yml"},
        {"images.txt", "images.txt", "images.pinned.txt"},
        // The broken second document is written back byte for byte; the first and third are pinned.
        {"kubernetes-bad-document.yaml", "k8s/all.yaml", "kubernetes-bad-document.pinned.yaml"},
        {"kubernetes.json", "k8s/api.json", "kubernetes.pinned.json"},
        {"kubernetes-list.json", "k8s/list.json", "kubernetes-list.pinned.json"},
    };
    for (const auto &c : cases) {
        INFO(c.fixture);
        auto bytes = digestx::test::pinning_fixture(c.fixture);
        auto scan = digestx::test::scan_ok(c.path, bytes);
        auto pinned = digestx::test::pin_everything(bytes, scan, digestx::test::fixture_digest());
        CHECK(pinned == digestx::test::pinning_fixture(c.expected));

        // Rewriting each reference with its own text gives back the same bytes.
        std::vector<Edit> same;
        for (const auto &occurrence : scan.occurrences) {
            if (occurrence.span && occurrence.status == digestx::pinning::OccurrenceStatus::Valid) {
                same.push_back(*digestx::pinning::edit_for(occurrence, occurrence.text));
            }
        }
        auto identical = apply_edits(bytes, same);
        REQUIRE(identical);
        CHECK(*identical == bytes);

        // The pinned file scans to the same references, now all carrying a digest where rewritable.
        auto again = digestx::test::scan_ok(c.path, pinned);
        REQUIRE(again.occurrences.size() == scan.occurrences.size());
        for (std::size_t i = 0; i < scan.occurrences.size(); ++i) {
            const auto &before = scan.occurrences[i];
            const auto &after = again.occurrences[i];
            INFO(before.text << " -> " << after.text);
            CHECK(after.status == before.status);
            CHECK(after.context.path == before.context.path);
            if (before.status == digestx::pinning::OccurrenceStatus::Valid && before.span) {
                CHECK(after.reference->digest());
                CHECK(after.reference->name() == before.reference->name());
            }
        }
        // Pinning a pinned file changes nothing.
        CHECK(digestx::test::pin_everything(pinned, again, digestx::test::fixture_digest()) == pinned);
    }
}

TEST_CASE("update mode replaces written digests, and only those spans change", "[pinning][rewrite]") {
    auto bytes = digestx::test::pinning_fixture("kubernetes.yaml");
    auto scan = digestx::test::scan_ok("k8s.yaml", bytes);
    auto updated = digestx::test::pin_everything(bytes, scan, digestx::test::fixture_digest(), PinMode::ReplaceDigest);
    auto expected = digestx::test::pinning_fixture("kubernetes.pinned.yaml");
    auto at = expected.find("busybox@" + digestx::test::old_digest);
    REQUIRE(at != std::string::npos);
    expected.replace(at, 8 + digestx::test::old_digest.size(), "busybox@" + D);
    CHECK(updated == expected);
}

TEST_CASE("edits into quoted scalars keep the quotes and escape what needs it", "[pinning][rewrite]") {
    std::string yaml = "services:\n  a:\n    image: \"alpine:3\"   # keep\n  b:\n    image: 'busybox:1'\n";
    auto scan = digestx::test::scan_ok("compose.yaml", yaml);
    REQUIRE(scan.occurrences.size() == 2);
    auto first = digestx::pinning::edit_for(scan.occurrences[0], "we\"ird\\x");
    auto second = digestx::pinning::edit_for(scan.occurrences[1], "it's");
    REQUIRE(first);
    REQUIRE(second);
    auto out = apply_edits(yaml, {*first, *second});
    REQUIRE(out);
    CHECK(*out == "services:\n  a:\n    image: \"we\\\"ird\\\\x\"   # keep\n  b:\n    image: 'it''s'\n");
    auto again = digestx::pinning::scan_file("compose.yaml", *out);
    REQUIRE(again);
    REQUIRE(again->occurrences.size() == 2);
    CHECK(again->occurrences[0].text == "we\"ird\\x");
    CHECK(again->occurrences[1].text == "it's");
}

TEST_CASE("edit_for refuses an occurrence without a span and says why", "[pinning][rewrite]") {
    auto scan = digestx::test::scan_ok("Dockerfile", "ARG TAG=3\nFROM alpine:${TAG}\n");
    REQUIRE(scan.occurrences.size() == 1);
    auto edit = digestx::pinning::edit_for(scan.occurrences[0], "alpine:3@" + D);
    REQUIRE_FALSE(edit);
    CHECK(edit.error().code == ErrorCode::Usage);
    CHECK(edit.error().message.find("cannot rewrite \"alpine:3\" at Dockerfile:2:6: it is built from several") == 0);
}

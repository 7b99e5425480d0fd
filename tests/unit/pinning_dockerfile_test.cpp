// The Dockerfile scanner: FROM and COPY --from with ARG substitution, stages, scratch, platforms,
// continuations, comments, directives and heredocs, each case checked against the bytes it claims.
#include <catch2/catch.hpp>

#include "pinning_test_support.hpp"

using digestx::pinning::ContextKind;
using digestx::pinning::FileKind;
using digestx::pinning::OccurrenceStatus;
using digestx::test::scan_ok;

namespace {

struct Expect {
    std::string text;
    OccurrenceStatus status;
    bool rewritable;
};

struct Case {
    std::string name;
    std::string dockerfile;
    std::vector<Expect> expected; // in file order
};

void check_case(const Case &c) {
    INFO(c.name << "\n" << c.dockerfile);
    auto scan = scan_ok("Dockerfile", c.dockerfile, FileKind::Dockerfile);
    REQUIRE(scan.occurrences.size() == c.expected.size());
    for (std::size_t i = 0; i < c.expected.size(); ++i) {
        const auto &got = scan.occurrences[i];
        INFO("occurrence " << i << ": " << got.text << " (" << got.reason << got.span_problem << ")");
        CHECK(got.text == c.expected[i].text);
        CHECK(got.status == c.expected[i].status);
        CHECK(got.span.has_value() == c.expected[i].rewritable);
    }
}

} // namespace

TEST_CASE("Dockerfile FROM: stages, scratch and plain images", "[pinning][dockerfile]") {
    using S = OccurrenceStatus;
    std::vector<Case> cases = {
        {"one image", "FROM alpine:3.12\n", {{"alpine:3.12", S::Valid, true}}},
        {"scratch is no image", "FROM scratch\nCOPY a /a\n", {}},
        {"scratch in capitals", "FROM SCRATCH\n", {}},
        {"stage names are skipped", "FROM golang:1.22 AS build\nFROM build\n", {{"golang:1.22", S::Valid, true}}},
        {"stage names are case-insensitive",
         "FROM golang:1.22 as Build\nFROM BUILD AS x\n",
         {{"golang:1.22", S::Valid, true}}},
        {"a later stage name is still an image in FROM",
         "FROM later\nFROM alpine AS later\n",
         {{"later", S::Valid, true}, {"alpine", S::Valid, true}}},
        {"no trailing newline", "FROM busybox:1.36", {{"busybox:1.36", S::Valid, true}}},
        {"CRLF line ends", "FROM alpine:3\r\nRUN true\r\n", {{"alpine:3", S::Valid, true}}},
        {"keyword in lower case", "from alpine:3\n", {{"alpine:3", S::Valid, true}}},
        {"quoted image", "FROM \"alpine:3\"\n", {{"alpine:3", S::Valid, true}}},
        {"escape inside the image", "FROM alp\\ine:3\n", {{"alpine:3", S::Valid, false}}},
        {"invalid reference", "FROM Alpine:3\n", {{"Alpine:3", S::Invalid, true}}},
        {"digest without tag",
         "FROM alpine@" + digestx::test::old_digest + "\n",
         {{"alpine@" + digestx::test::old_digest, S::Valid, true}}},
        {"empty file", "", {}},
        {"only comments", "# FROM alpine\n   # FROM busybox\n", {}},
        {"comment before FROM", "# base image\nFROM alpine:3\n", {{"alpine:3", S::Valid, true}}},
        {"trailing words are ignored", "FROM alpine:3 # not a comment\n", {{"alpine:3", S::Valid, true}}},
        {"byte order mark",
         "\xEF\xBB\xBF"
         "FROM alpine:3\n",
         {{"alpine:3", S::Valid, true}}},
    };
    for (const auto &c : cases)
        check_case(c);
}

TEST_CASE("Dockerfile ARG defaults are substituted where static", "[pinning][dockerfile]") {
    using S = OccurrenceStatus;
    std::vector<Case> cases = {
        {"braced", "ARG BASE=alpine:3.12\nFROM ${BASE}\n", {{"alpine:3.12", S::Valid, true}}},
        {"bare", "ARG BASE=alpine:3.12\nFROM $BASE\n", {{"alpine:3.12", S::Valid, true}}},
        {"quoted default", "ARG BASE=\"alpine:3.12\"\nFROM $BASE\n", {{"alpine:3.12", S::Valid, true}}},
        {"single-quoted default", "ARG BASE='alpine:3.12'\nFROM $BASE\n", {{"alpine:3.12", S::Valid, true}}},
        {"several ARGs in one instruction", "ARG A=a:1 B=busybox:2\nFROM $B\n", {{"busybox:2", S::Valid, true}}},
        {"part of the word", "ARG TAG=3.12\nFROM alpine:${TAG}\n", {{"alpine:3.12", S::Valid, false}}},
        {"ARG built from an ARG", "ARG A=alpine\nARG B=${A}:3\nFROM $B\n", {{"alpine:3", S::Valid, false}}},
        {"ARG that is another ARG whole", "ARG A=alpine:3\nARG B=$A\nFROM $B\n", {{"alpine:3", S::Valid, true}}},
        {"no default", "ARG BASE\nFROM ${BASE}\n", {{"${BASE}", S::Dynamic, false}}},
        {"undeclared", "FROM ${NOPE}:1\n", {{"${NOPE}:1", S::Dynamic, false}}},
        {"builder platform ARG", "FROM img-$TARGETARCH\n", {{"img-$TARGETARCH", S::Dynamic, false}}},
        {"default word when unset", "ARG BASE\nFROM ${BASE:-busybox:1}\n", {{"busybox:1", S::Valid, true}}},
        {"default word ignored when set",
         "ARG BASE=alpine:3\nFROM ${BASE:-busybox:1}\n",
         {{"alpine:3", S::Valid, true}}},
        {"alternative word when set",
         "ARG DEBUG=1\nFROM ${DEBUG:+busybox:debug}\n",
         {{"busybox:debug", S::Valid, true}}},
        {"unsupported substitution", "ARG BASE=alpine:3\nFROM ${BASE%:3}\n", {{"${BASE%:3}", S::Dynamic, false}}},
        {"unclosed substitution", "FROM ${BASE\n", {{"${BASE", S::Dynamic, false}}},
        {"single quotes are literal", "FROM '$BASE'\n", {{"$BASE", S::Invalid, true}}},
        {"escaped dollar", "FROM \\$BASE\n", {{"$BASE", S::Invalid, false}}},
        {"stage ARGs do not reach FROM",
         "FROM alpine\nARG NEXT=busybox:1\nFROM $NEXT\n",
         {{"alpine", S::Valid, true}, {"$NEXT", S::Dynamic, false}}},
        {"one ARG used twice is reported once",
         "ARG BASE=alpine:3\nFROM $BASE AS a\nFROM ${BASE} AS b\n",
         {{"alpine:3", S::Valid, true}}},
        {"ARG resolving to a stage name",
         "FROM alpine AS base\nFROM busybox\nARG S=base\nCOPY --from=$S / /\n",
         {{"alpine", S::Valid, true}, {"busybox", S::Valid, true}}},
    };
    for (const auto &c : cases)
        check_case(c);
}

TEST_CASE("Dockerfile COPY --from names images but not stages", "[pinning][dockerfile]") {
    using S = OccurrenceStatus;
    std::vector<Case> cases = {
        {"image",
         "FROM alpine\nCOPY --from=busybox:1.36 /bin/sh /sh\n",
         {{"alpine", S::Valid, true}, {"busybox:1.36", S::Valid, true}}},
        {"earlier stage",
         "FROM alpine AS a\nFROM busybox\nCOPY --from=a / /\n",
         {{"alpine", S::Valid, true}, {"busybox", S::Valid, true}}},
        {"later stage",
         "FROM alpine\nCOPY --from=later / /\nFROM busybox AS later\n",
         {{"alpine", S::Valid, true}, {"busybox", S::Valid, true}}},
        {"stage index",
         "FROM alpine\nFROM busybox\nCOPY --from=0 / /\n",
         {{"alpine", S::Valid, true}, {"busybox", S::Valid, true}}},
        {"with other flags",
         "FROM alpine\nCOPY --chown=1:1 --from=nginx:1 --link / /\n",
         {{"alpine", S::Valid, true}, {"nginx:1", S::Valid, true}}},
        {"stage ARG",
         "FROM alpine\nARG V=1\nCOPY --from=tool:${V} / /\n",
         {{"alpine", S::Valid, true}, {"tool:1", S::Valid, false}}},
        {"global ARG needs redeclaring",
         "ARG G=tool:1\nFROM alpine\nCOPY --from=$G / /\n",
         {{"alpine", S::Valid, true}, {"$G", S::Dynamic, false}}},
        {"redeclared global ARG",
         "ARG G=tool:1\nFROM alpine\nARG G\nCOPY --from=$G / /\n",
         {{"tool:1", S::Valid, true}, {"alpine", S::Valid, true}}},
        {"COPY before any FROM is ignored", "COPY --from=tool:1 / /\n", {}},
        {"ADD has no --from", "FROM alpine\nADD --from=tool:1 / /\n", {{"alpine", S::Valid, true}}},
    };
    for (const auto &c : cases)
        check_case(c);
}

TEST_CASE("Dockerfile structure: continuations, directives, heredocs", "[pinning][dockerfile]") {
    using S = OccurrenceStatus;
    std::vector<Case> cases = {
        {"continuation", "FROM \\\n  alpine:3 \\\n  AS base\n", {{"alpine:3", S::Valid, true}}},
        {"continuation with trailing blanks", "FROM \\  \n alpine:3\n", {{"alpine:3", S::Valid, true}}},
        {"comment inside a continuation", "FROM \\\n# FROM hidden:1\n  alpine:3\n", {{"alpine:3", S::Valid, true}}},
        {"blank line inside a continuation", "FROM \\\n\n  alpine:3\n", {{"alpine:3", S::Valid, true}}},
        {"image split by a continuation", "FROM alp\\\nine:3\n", {{"alpine:3", S::Valid, false}}},
        {"backtick escape", "# escape=`\nFROM `\n  alpine:3\n", {{"alpine:3", S::Valid, true}}},
        {"backslash is literal under backtick escape",
         "# escape=`\nFROM alpine:3 \\\nRUN x\n",
         {{"alpine:3", S::Valid, true}}},
        {"syntax directive",
         "# syntax=docker/dockerfile:1\nFROM alpine\n",
         {{"docker/dockerfile:1", S::Valid, true}, {"alpine", S::Valid, true}}},
        {"syntax directive with blanks",
         "#  Syntax = docker/dockerfile:1.7  \nFROM alpine\n",
         {{"docker/dockerfile:1.7", S::Valid, true}, {"alpine", S::Valid, true}}},
        {"directive after a blank line is a comment",
         "\n# syntax=docker/dockerfile:1\nFROM alpine\n",
         {{"alpine", S::Valid, true}}},
        {"directive after a comment is a comment",
         "# hello\n# syntax=docker/dockerfile:1\nFROM alpine\n",
         {{"alpine", S::Valid, true}}},
        {"heredoc body is not parsed",
         "FROM a:1\nRUN <<EOF\nFROM b:1\nEOF\nFROM c:1\n",
         {{"a:1", S::Valid, true}, {"c:1", S::Valid, true}}},
        {"quoted heredoc with tabs",
         "FROM a:1\nRUN <<-'END' sh\n\tFROM b:1\n\tEND\nFROM c:1\n",
         {{"a:1", S::Valid, true}, {"c:1", S::Valid, true}}},
        {"two heredocs",
         "FROM a:1\nCOPY <<ONE <<TWO /dst/\nFROM b:1\nONE\nFROM c:1\nTWO\nFROM d:1\n",
         {{"a:1", S::Valid, true}, {"d:1", S::Valid, true}}},
        {"here-string is not a heredoc",
         "FROM a:1\nRUN cat <<<word\nFROM b:1\n",
         {{"a:1", S::Valid, true}, {"b:1", S::Valid, true}}},
    };
    for (const auto &c : cases)
        check_case(c);
}

TEST_CASE("Dockerfile FROM --platform is kept as written and substituted", "[pinning][dockerfile]") {
    struct PlatformCase {
        std::string dockerfile;
        std::string platform;
        std::optional<std::string> value;
    };
    std::vector<PlatformCase> cases = {
        {"FROM --platform=linux/arm64 alpine\n", "linux/arm64", "linux/arm64"},
        {"FROM --platform=$BUILDPLATFORM alpine\n", "$BUILDPLATFORM", std::nullopt},
        {"ARG P=linux/s390x\nFROM --platform=${P} alpine\n", "${P}", "linux/s390x"},
        {"ARG P\nFROM --platform=$P alpine\n", "$P", std::nullopt},
        {"FROM alpine\n", "", std::nullopt},
    };
    for (const auto &c : cases) {
        INFO(c.dockerfile);
        auto scan = scan_ok("Dockerfile", c.dockerfile, FileKind::Dockerfile);
        REQUIRE(scan.occurrences.size() == 1);
        CHECK(scan.occurrences[0].context.platform == c.platform);
        CHECK(scan.occurrences[0].context.platform_value == c.value);
    }
    auto unknown = scan_ok("Dockerfile", "FROM --pull=always alpine\n", FileKind::Dockerfile);
    REQUIRE(unknown.occurrences.size() == 1);
    CHECK(unknown.occurrences[0].text == "alpine");
    REQUIRE(unknown.warnings.size() == 1);
    CHECK(unknown.warnings[0].find("Dockerfile:1:6: unknown FROM flag") == 0);
}

TEST_CASE("the multi-stage Dockerfile fixture", "[pinning][dockerfile]") {
    auto bytes = digestx::test::pinning_fixture("Dockerfile.multistage");
    auto scan = scan_ok("Dockerfile.multistage", bytes);
    CHECK(scan.kind == FileKind::Dockerfile);
    struct Row {
        std::size_t line, column;
        std::string text;
        OccurrenceStatus status;
        bool rewritable;
        ContextKind kind;
        std::string name;
        std::size_t context_line;
        std::size_t other_uses;
    };
    using S = OccurrenceStatus;
    using K = ContextKind;
    std::vector<Row> rows = {
        {1, 10, "docker/dockerfile:1.7", S::Valid, true, K::DockerfileSyntax, "", 1, 0},
        {3, 10, "alpine:3.12", S::Valid, true, K::DockerfileFrom, "runtime", 16, 1},
        {6, 11, "node:20-alpine", S::Valid, true, K::DockerfileFrom, "web", 35, 0},
        {9, 32, "golang:1.22-alpine", S::Valid, false, K::DockerfileFrom, "build", 9, 0},
        {11, 13, "docker.io/library/busybox:1.36", S::Valid, true, K::DockerfileCopyFrom, "", 11, 0},
        {21, 5, "gcr.io/distroless/static-debian12:nonroot", S::Valid, true, K::DockerfileFrom, "final", 19, 0},
        {28, 6, "${REGISTRY}/app:1", S::Dynamic, false, K::DockerfileFrom, "dynamic", 28, 0},
        {37, 6, "ghcr.io/org/tool@" + digestx::test::old_digest, S::Valid, true, K::DockerfileFrom, "pinned", 37, 0},
    };
    REQUIRE(scan.occurrences.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto &got = scan.occurrences[i];
        const auto &want = rows[i];
        INFO("row " << i << ": " << want.text);
        CHECK(got.line == want.line);
        CHECK(got.column == want.column);
        CHECK(got.text == want.text);
        CHECK(got.status == want.status);
        CHECK(got.span.has_value() == want.rewritable);
        CHECK(got.context.kind == want.kind);
        CHECK(got.context.name == want.name);
        CHECK(got.context.line == want.context_line);
        CHECK(got.other_contexts.size() == want.other_uses);
    }
    const auto &base = digestx::test::occurrence_of(scan, "alpine:3.12");
    REQUIRE(base.other_contexts.size() == 1);
    CHECK(base.other_contexts[0].name == "again");
    CHECK(base.other_contexts[0].line == 26);
    CHECK(digestx::test::occurrence_of(scan, "docker.io/library/busybox:1.36").context.owner == "build");
    CHECK(digestx::test::occurrence_of(scan, "golang:1.22-alpine").context.platform == "$BUILDPLATFORM");
    CHECK(digestx::test::occurrence_of(scan, "node:20-alpine").context.platform_value == "linux/arm64");
    CHECK(digestx::test::occurrence_of(scan, "${REGISTRY}/app:1").reason.find("ARG REGISTRY has no default") == 0);
    CHECK(digestx::test::occurrence_of(scan, "ghcr.io/org/tool@" + digestx::test::old_digest).reference->digest());
    CHECK(scan.warnings.empty());
}

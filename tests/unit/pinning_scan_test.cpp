// File kinds by name and by content, plain lists, and a sweep showing that no input, however
// broken, makes a scanner throw or report a span that does not read its text.
#include <catch2/catch.hpp>

#include <random>

#include "pinning_test_support.hpp"

using digestx::pinning::detect_kind;
using digestx::pinning::FileKind;
using digestx::pinning::kind_from_name;
using digestx::pinning::OccurrenceStatus;

TEST_CASE("file kinds from names", "[pinning][scan]") {
    std::vector<std::pair<std::string, std::optional<FileKind>>> cases = {
        {"Dockerfile", FileKind::Dockerfile},
        {"build/Dockerfile", FileKind::Dockerfile},
        {"Dockerfile.prod", FileKind::Dockerfile},
        {"api.Dockerfile", FileKind::Dockerfile},
        {"dockerfile", FileKind::Dockerfile},
        {"Containerfile", FileKind::Dockerfile},
        {"Containerfile.ubi", FileKind::Dockerfile},
        {"compose.yaml", FileKind::Compose},
        {"compose.yml", FileKind::Compose},
        {"docker-compose.yml", FileKind::Compose},
        {"deploy/docker-compose.override.yaml", FileKind::Compose},
        {".github/workflows/ci.yml", FileKind::Workflow},
        {"repo/.github/workflows/release.yaml", FileKind::Workflow},
        {".github/workflows/nested/ci.yml", std::nullopt},
        {".github/ci.yml", std::nullopt},
        {"images.txt", FileKind::PlainList},
        {"values.yaml", std::nullopt},
        {"README.md", std::nullopt},
        {"Dockerfiles/readme", std::nullopt},
        {"mydockerfile", std::nullopt},
        {"compose.json", std::nullopt},
    };
    for (const auto &[path, kind] : cases) {
        INFO(path);
        CHECK(kind_from_name(path) == kind);
    }
}

TEST_CASE("file kinds from content when the name does not say", "[pinning][scan]") {
    std::vector<std::tuple<std::string, std::string, FileKind>> cases = {
        {"stack.yaml", "version: '3'\nservices:\n  a:\n    image: x\n", FileKind::Compose},
        {"pipeline.yml", "on: push\njobs:\n  a:\n    runs-on: x\n", FileKind::Workflow},
        {"app.yaml", "apiVersion: v1\nkind: Pod\n", FileKind::Kubernetes},
        {"values.yaml", "replicas: 3\n", FileKind::Kubernetes},
        {"broken.yaml", "a: [\n", FileKind::Kubernetes},
        {"build.docker", "# syntax=docker/dockerfile:1\nARG X=1\nFROM alpine\n", FileKind::Dockerfile},
        {"base-image", "FROM alpine:3\nRUN true\n", FileKind::Dockerfile},
        {"mirror-list", "alpine:3.12\nnginx:1.25\n", FileKind::PlainList},
        {"deploy.conf", "services:\n  a:\n    image: x\n", FileKind::Compose},
        {"empty", "", FileKind::PlainList},
    };
    for (const auto &[path, bytes, kind] : cases) {
        INFO(path << "\n" << bytes);
        CHECK(detect_kind(path, bytes) == kind);
    }
}

TEST_CASE("plain lists: one reference per line, comments, problems per line", "[pinning][scan]") {
    auto bytes = digestx::test::pinning_fixture("images.txt");
    auto scan = digestx::test::scan_ok("images.txt", bytes);
    CHECK(scan.kind == FileKind::PlainList);
    struct Row {
        std::size_t line, column;
        std::string text;
        OccurrenceStatus status;
    };
    std::vector<Row> rows = {
        {2, 1, "alpine:3.12", OccurrenceStatus::Valid},
        {3, 3, "nginx:1.25", OccurrenceStatus::Valid},
        {5, 1, "docker.io/library/redis:7@" + digestx::test::old_digest, OccurrenceStatus::Valid},
        {7, 1, "Uppercase/Name:1", OccurrenceStatus::Invalid},
        {8, 1, "${TEMPLATED_IMAGE}", OccurrenceStatus::Dynamic},
    };
    REQUIRE(scan.occurrences.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO(rows[i].text);
        CHECK(scan.occurrences[i].line == rows[i].line);
        CHECK(scan.occurrences[i].column == rows[i].column);
        CHECK(scan.occurrences[i].text == rows[i].text);
        CHECK(scan.occurrences[i].status == rows[i].status);
        CHECK(scan.occurrences[i].context.line == rows[i].line);
    }
    REQUIRE(scan.warnings.size() == 1);
    CHECK(scan.warnings[0] == "images.txt:6:1: more than one word on a line: \"two words\"; skipped");

    auto explicit_list = digestx::test::scan_ok("pins", "alpine#not-a-comment\r\n\tbusybox:1\t# c\r\n");
    REQUIRE(explicit_list.occurrences.size() == 2);
    CHECK(explicit_list.occurrences[0].text == "alpine#not-a-comment");
    CHECK(explicit_list.occurrences[1].text == "busybox:1");
    CHECK(explicit_list.occurrences[1].column == 2);
}

namespace {

// Scans `bytes` as every kind; a YAML error is fine, an exception or a broken span is not.
void scan_every_way(const std::string &bytes) {
    for (auto kind :
         {FileKind::Dockerfile, FileKind::Compose, FileKind::Kubernetes, FileKind::Workflow, FileKind::PlainList}) {
        auto scan = digestx::pinning::scan_file("input", bytes, kind);
        if (!scan) {
            CHECK(scan.error().code == digestx::ErrorCode::Usage);
            continue;
        }
        digestx::test::check_scan_invariants(bytes, *scan);
    }
    CHECK_NOTHROW(detect_kind("input", bytes));
}

} // namespace

TEST_CASE("no input makes a scanner throw: fixtures cut at every byte", "[pinning][scan][sweep]") {
    for (const char *name : {"Dockerfile.multistage", "compose.yaml", "kubernetes.yaml", "workflows/ci.yml",
                             "images.txt", "kubernetes-bad-document.yaml", "kubernetes.json", "kubernetes-list.json"}) {
        auto bytes = digestx::test::pinning_fixture(name);
        for (std::size_t cut = 0; cut <= bytes.size(); cut += 3) {
            INFO(name << " cut at " << cut);
            scan_every_way(bytes.substr(0, cut));
        }
    }
}

TEST_CASE("no input makes a scanner throw: random bytes and token soup", "[pinning][scan][sweep]") {
    std::mt19937 random(20240611);
    const std::vector<std::string> tokens = {
        "services:",
        "image:",
        "jobs:",
        "container:",
        "steps:",
        "- uses: docker://",
        "kind: List",
        "items:",
        "containers:",
        "spec:",
        "template:",
        "<<: ",
        "&a ",
        "*a",
        "!!str ",
        "'",
        "\"",
        "\\",
        "\\x",
        "\\u12",
        "{",
        "}",
        "[",
        "]",
        ",",
        ": ",
        "#",
        "\n",
        "\r\n",
        "  ",
        "\t",
        "---\n",
        "...",
        "|",
        ">-",
        "FROM ",
        "ARG ",
        "COPY --from=",
        "${",
        "$",
        "}",
        "AS ",
        "# escape=`\n",
        "# syntax=",
        "<<EOF\n",
        "EOF\n",
        "`",
        "alpine:3",
        "@sha256:",
        "\xEF\xBB\xBF",
        "\xC3\xA9",
        "\xFF",
        std::string(1, '\0'),
        "scratch",
        "%YAML 1.2\n",
    };
    for (int round = 0; round < 600; ++round) {
        std::string input;
        auto length = random() % 40;
        for (unsigned i = 0; i < length; ++i)
            input += tokens[random() % tokens.size()];
        INFO("token soup round " << round << ": " << input);
        scan_every_way(input);
    }
    for (int round = 0; round < 200; ++round) {
        std::string input(random() % 200, '\0');
        for (auto &c : input)
            c = static_cast<char>(random() % 256);
        INFO("random bytes round " << round);
        scan_every_way(input);
    }
    std::string deep(5000, '[');
    scan_every_way("services: " + deep);
    scan_every_way("a: &a [*a, *a]\nservices:\n  s:\n    <<: *a\n");
}

TEST_CASE("JSON files: Kubernetes objects and Lists are read, other JSON is not", "[pinning][scan][json]") {
    using digestx::pinning::json_role;
    using digestx::pinning::JsonRole;
    const std::vector<std::tuple<std::string, std::string, JsonRole>> cases = {
        {"a Deployment", digestx::test::pinning_fixture("kubernetes.json"), JsonRole::Kubernetes},
        {"a List", digestx::test::pinning_fixture("kubernetes-list.json"), JsonRole::Kubernetes},
        {"package.json", digestx::test::pinning_fixture("package.json"), JsonRole::Other},
        {"tsconfig.json, comments and trailing commas", digestx::test::pinning_fixture("tsconfig.json"),
         JsonRole::Other},
        {"composer.json", R"({"name": "org/app", "require": {"php": "^8.2"}, "type": "project"})", JsonRole::Other},
        {"renovate.json", R"({"extends": ["config:recommended"], "packageRules": [{"matchDatasources": ["docker"]}]})",
         JsonRole::Other},
        {"both words, neither at the top", R"({"data": {"apiVersion": "v1", "kind": "Pod"}})", JsonRole::Other},
        {"apiVersion without kind", R"({"apiVersion": "v1", "kinds": []})", JsonRole::Other},
        {"a JSON array", R"([{"apiVersion": "v1", "kind": "Pod"}])", JsonRole::Other},
        {"a broken manifest", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {\n", JsonRole::Malformed},
        {"YAML in a .json file, as kubectl reads it", "apiVersion: v1\nkind: Pod\n", JsonRole::Kubernetes},
        {"empty", "", JsonRole::Other},
    };
    for (const auto &[name, bytes, role] : cases) {
        INFO(name);
        CHECK(json_role(bytes) == role);
    }

    CHECK(detect_kind("deploy/api.json", "{}") == FileKind::Kubernetes);
    CHECK(kind_from_name("deploy/api.json") == std::nullopt);
    CHECK(digestx::pinning::is_json_name("a/b.json"));
    CHECK_FALSE(digestx::pinning::is_json_name("a/b.JSON"));

    // Named explicitly, a JSON file that is no Kubernetes object is refused with one line, rather
    // than read as a plain list of one invalid "reference" per line.
    auto package = digestx::pinning::scan_file("web/package.json", digestx::test::pinning_fixture("package.json"));
    REQUIRE_FALSE(package);
    CHECK(package.error().code == digestx::ErrorCode::Usage);
    CHECK(package.error().message == "\"web/package.json\" is not a Kubernetes object (no top-level \"apiVersion\" "
                                     "and \"kind\"): a .json file is read only as a Kubernetes manifest");
    auto broken = digestx::pinning::scan_file("pod.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {\n");
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::StartsWith("malformed JSON in \"pod.json\" at line "));

    auto deployment = digestx::test::scan_ok("deploy/api.json", digestx::test::pinning_fixture("kubernetes.json"));
    CHECK(deployment.kind == FileKind::Kubernetes);
    REQUIRE(deployment.occurrences.size() == 2);
    CHECK(deployment.occurrences[0].text == "ghcr.io/org/schema:3");
    CHECK(deployment.occurrences[0].line == 11);
    CHECK(deployment.occurrences[0].column == 40);
    CHECK(deployment.occurrences[0].context.owner == "Deployment/api");
    CHECK(deployment.occurrences[1].text == "ghcr.io/org/api:1.8");
    CHECK(deployment.occurrences[1].context.path == "spec.template.spec.containers[0].image");

    auto list = digestx::test::scan_ok("all.json", digestx::test::pinning_fixture("kubernetes-list.json"));
    REQUIRE(list.occurrences.size() == 2);
    CHECK(list.occurrences[0].context.owner == "Pod/cache");
    CHECK(list.occurrences[1].context.owner == "CronJob/backup");
    CHECK(list.occurrences[1].context.path == "items[1].spec.jobTemplate.spec.template.spec.containers[0].image");
}

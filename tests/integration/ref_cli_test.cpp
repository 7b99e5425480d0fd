// `digestx ref`, in-process and as the real binary: text, JSON, and refusals.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

using digestx::test::ProcessResult;
using digestx::test::run_digestx;
using digestx::test::run_in_process;

namespace {

const std::string digest = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";

using Runner = std::function<ProcessResult(const std::vector<std::string> &)>;

// Both ways of running a command must honour the same contract.
std::vector<std::pair<std::string, Runner>> runners() {
    return {{"in-process", [](const std::vector<std::string> &args) { return run_in_process(args); }},
            {"binary", [](const std::vector<std::string> &args) { return run_digestx(args); }}};
}

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

void check_refused(const ProcessResult &result) {
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("digestx: error: "));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.back() == '\n');
}

} // namespace

TEST_CASE("ref prints aligned text lines", "[cli][ref]") {
    for (const auto &[how, run] : runners()) {
        INFO(how);
        auto result = run({"ref", "alpine:3.12"});
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        std::vector<std::string> expected = {
            "input       alpine:3.12",
            "canonical   docker.io/library/alpine:3.12",
            "familiar    alpine:3.12",
            "registry    docker.io",
            "endpoint    registry-1.docker.io",
            "repository  library/alpine",
            "tag         3.12",
            "digest      -",
            "source      registry",
        };
        CHECK(lines_of(result.out) == expected);
    }
}

TEST_CASE("ref text says when latest was added and that a digest beats a tag", "[cli][ref]") {
    auto defaulted = run_in_process({"ref", "ghcr.io/org/app"});
    REQUIRE(defaulted.exit_code == 0);
    CHECK_THAT(defaulted.out, Catch::Contains("tag         latest (default: no tag or digest given)\n"));
    CHECK_THAT(defaulted.out, Catch::Contains("endpoint    ghcr.io\n"));
    CHECK(defaulted.out.find("note") == std::string::npos);

    auto both = run_in_process({"ref", "alpine:3.19@" + digest});
    REQUIRE(both.exit_code == 0);
    CHECK_THAT(both.out, Catch::Contains("tag         3.19\n"));
    CHECK_THAT(both.out, Catch::Contains("digest      " + digest + "\n"));
    CHECK_THAT(both.out, Catch::Contains("note        the digest is what will be fetched; tag \"3.19\" is ignored\n"));

    auto oci = run_in_process({"ref", "oci:./layout:v1"});
    REQUIRE(oci.exit_code == 0);
    CHECK_THAT(oci.out, Catch::Contains("registry    -\n"));
    CHECK_THAT(oci.out, Catch::Contains("source      oci ./layout\n"));
    CHECK_THAT(oci.out, Catch::Contains("canonical   oci:./layout:v1\n"));
}

TEST_CASE("ref -o json has exactly the documented keys", "[cli][ref][json]") {
    const std::set<std::string> keys = {"schemaVersion", "input",      "canonical", "familiar", "registry",
                                        "endpoint",      "repository", "tag",       "digest",   "source"};
    for (const auto &[how, run] : runners()) {
        INFO(how);
        // Global options are accepted before and after the command name.
        for (const auto &args :
             std::vector<std::vector<std::string>>{{"-o", "json", "ref", "alpine:3.19@" + digest},
                                                   {"ref", "alpine:3.19@" + digest, "-o", "json"},
                                                   {"ref", "--output=json", "alpine:3.19@" + digest}}) {
            auto result = run(args);
            REQUIRE(result.exit_code == 0);
            CHECK(result.err.empty());
            auto doc = nlohmann::json::parse(result.out);
            std::set<std::string> found;
            for (const auto &item : doc.items())
                found.insert(item.key());
            CHECK(found == keys);
            CHECK(doc["schemaVersion"] == 1);
            CHECK(doc["input"] == "alpine:3.19@" + digest);
            CHECK(doc["canonical"] == "docker.io/library/alpine:3.19@" + digest);
            CHECK(doc["familiar"] == "alpine:3.19@" + digest);
            CHECK(doc["registry"] == "docker.io");
            CHECK(doc["endpoint"] == "registry-1.docker.io");
            CHECK(doc["repository"] == "library/alpine");
            CHECK(doc["tag"] == "3.19");
            CHECK(doc["digest"] == digest);
            CHECK(doc["source"].is_null());
        }
    }
}

TEST_CASE("ref -o json uses null for absent parts and an object for sources", "[cli][ref][json]") {
    auto registry = run_in_process({"-o", "json", "ref", "[::1]:5000/app@" + digest});
    REQUIRE(registry.exit_code == 0);
    auto doc = nlohmann::json::parse(registry.out);
    CHECK(doc["registry"] == "[::1]:5000");
    CHECK(doc["endpoint"] == "[::1]:5000");
    CHECK(doc["repository"] == "app");
    CHECK(doc["tag"].is_null());
    CHECK(doc["digest"] == digest);

    auto oci = run_digestx({"ref", "-o", "json", "oci:/srv/my:layouts/app@" + digest});
    REQUIRE(oci.exit_code == 0);
    auto source = nlohmann::json::parse(oci.out);
    CHECK(source["canonical"] == "oci:/srv/my:layouts/app@" + digest);
    CHECK(source["registry"].is_null());
    CHECK(source["endpoint"].is_null());
    CHECK(source["repository"].is_null());
    CHECK(source["tag"].is_null());
    CHECK(source["digest"] == digest);
    CHECK(source["source"] == nlohmann::json({{"kind", "oci"}, {"path", "/srv/my:layouts/app"}}));

    auto archive = run_in_process({"ref", "-o", "json", "docker-archive:/tmp/img.tar"});
    REQUIRE(archive.exit_code == 0);
    auto tarball = nlohmann::json::parse(archive.out);
    CHECK(tarball["source"] == nlohmann::json({{"kind", "docker-archive"}, {"path", "/tmp/img.tar"}}));
    CHECK(tarball["tag"].is_null());
    CHECK(tarball["digest"].is_null());
}

TEST_CASE("ref refuses bad references: exit 2, one stderr line, nothing on stdout", "[cli][ref][fault]") {
    struct Case {
        std::vector<std::string> args;
        std::string fragment;
    };
    std::vector<Case> cases = {
        {{"ref", "docker.io/Library/Alpine:3"}, "repository name must be lowercase"},
        {{"ref", ""}, "reference is empty"},
        {{"ref", "alpine:"}, "':' at position 7 is not followed by a tag"},
        {{"ref", "alpine@"}, "'@' at position 7 is not followed by a digest"},
        {{"ref", "alpine:-x"}, "must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}"},
        {{"ref", "https://reg/app"}, "a URL is not a reference"},
        {{"ref", "reg.example.com/app/../other"}, "relative path component"},
        {{"ref", "alpine@md5:d41d8cd98f00b204e9800998ecf8427e"}, "unsupported digest algorithm \"md5\""},
        {{"ref", std::string(64, 'a')}, "refusing 64-hex repository name (looks like an image ID)"},
        {{"ref", "alpine\n::error::x"}, "control character \\n at position 7"},
        {{"ref", "alpine\x1b[2J"}, "control character \\x1b at position 7"},
        {{"-o", "json", "ref", "Alpine"}, "repository name must be lowercase"},
        {{"-o", "dot", "ref", "alpine"}, "ref prints text or json"},
        {{"ref"}, "REF"},
    };
    for (const auto &[how, run] : runners()) {
        for (const auto &c : cases) {
            INFO(how << " args: " << nlohmann::json(c.args).dump());
            auto result = run(c.args);
            check_refused(result);
            CHECK_THAT(result.err, Catch::Contains(c.fragment));
            // Terminal escapes from the input never reach stderr raw.
            CHECK(result.err.find('\x1b') == std::string::npos);
        }
    }
}

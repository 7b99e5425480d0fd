// `digestx inspect` in-process through cli::run: how the terminal, the locale and the flags shape
// the text, the options of the walk, and the driver's output contract for partial failures.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/cli/context.hpp"
#include "support/env_lookup.hpp"
#include "support/process.hpp"

namespace {

struct Run {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// cli::run with a chosen environment and terminal, from the repository's top directory.
Run run(std::vector<std::string> args, const std::map<std::string, std::string> &env, bool terminal) {
    auto previous = std::filesystem::current_path();
    std::filesystem::current_path(digestx::test::source_dir());
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in;
    digestx::cli::Context ctx{out, err, in, digestx::test::env_from(env), terminal, false};
    args.insert(args.begin(), {"digestx", "inspect"});
    Run result;
    result.exit_code = digestx::cli::run(args, ctx);
    std::filesystem::current_path(previous);
    result.out = out.str();
    result.err = err.str();
    return result;
}

const std::string example = "oci:examples/alpine-3.12:3.12";

} // namespace

TEST_CASE("on a terminal the locale decides between box drawing and ASCII, and a pipe gets ASCII",
          "[inspect][terminal]") {
    struct Case {
        std::map<std::string, std::string> env;
        bool unicode;
    };
    std::vector<Case> cases = {
        {{}, false},
        {{{"LANG", "en_US.UTF-8"}}, true},
        {{{"LANG", "de_DE.utf8"}}, true},
        {{{"LANG", "C.UTF-8"}}, true},
        {{{"LANG", "en_US.Utf-8"}}, true},
        {{{"LANG", "C"}}, false},
        {{{"LANG", "en_US.ISO-8859-1"}}, false},
        {{{"LC_CTYPE", "en_US.UTF-8"}, {"LANG", "C"}}, true},
        {{{"LC_ALL", "C"}, {"LANG", "en_US.UTF-8"}}, false},     // LC_ALL wins
        {{{"LC_ALL", ""}, {"LANG", "en_US.UTF-8"}}, true},       // an empty LC_ALL does not count
        {{{"LC_ALL", "POSIX"}, {"LC_CTYPE", "C.UTF-8"}}, false}, // LC_ALL before LC_CTYPE
    };
    for (const auto &c : cases) {
        std::string described;
        for (const auto &[key, value] : c.env)
            described += key + "=" + value + " ";
        INFO(described);
        Run result = run({example}, c.env, true);
        REQUIRE(result.exit_code == 0);
        CHECK((result.out.find("├─ ") != std::string::npos) == c.unicode);
        CHECK((result.out.find("|- ") != std::string::npos) == !c.unicode);
        Run piped = run({example}, c.env, false);
        CHECK(piped.out.find("├─ ") == std::string::npos);
        CHECK(piped.out.find("|- ") != std::string::npos);
    }
}

TEST_CASE("colour only on a terminal without NO_COLOR or --no-color", "[inspect][terminal]") {
    struct Case {
        bool terminal;
        std::map<std::string, std::string> env;
        std::vector<std::string> flags;
        std::string output;
        bool colour;
    };
    std::vector<Case> cases = {
        {true, {}, {}, "text", true},
        {false, {}, {}, "text", false},
        {true, {{"NO_COLOR", "1"}}, {}, "text", false},
        {true, {{"NO_COLOR", ""}}, {}, "text", true}, // no-color.org: only a non-empty value counts
        {true, {}, {"--no-color"}, "text", false},
        {true, {}, {}, "json", false},
        {true, {}, {}, "dot", false},
    };
    for (const auto &c : cases) {
        INFO("terminal " << c.terminal << ", flags " << c.flags.size() << ", env " << c.env.size() << ", -o "
                         << c.output);
        std::vector<std::string> args{example, "-o", c.output};
        args.insert(args.end(), c.flags.begin(), c.flags.end());
        Run result = run(args, c.env, c.terminal);
        REQUIRE(result.exit_code == 0);
        CHECK((result.out.find("\x1b[33m407b6b6a6e2d\x1b[0m") != std::string::npos) == c.colour);
        CHECK((result.out.find('\x1b') != std::string::npos) == c.colour);
    }
}

TEST_CASE("the options --no-config and --attestations shape the walk", "[inspect][options]") {
    Run lean = run({example, "--no-config", "-o", "json"}, {}, false);
    REQUIRE(lean.exit_code == 0);
    auto document = nlohmann::json::parse(lean.out);
    for (const auto &manifest : document["root"]["children"]) {
        INFO(manifest["title"]);
        CHECK(manifest["children"][0]["skipped"] == "configs not requested");
        CHECK(manifest["children"][0]["imageId"] == manifest["children"][0]["digest"]);
        CHECK(manifest["layers"][0]["diffId"] == nullptr);
    }
    CHECK(document["requests"]["bytesReceived"].get<int>() < 8000);

    Run text = run({example, "--no-config", "--explain"}, {}, false);
    CHECK_THAT(text.out, Catch::Contains("diff_id - (config not read)"));

    // Both spellings parse; the example has no attestations, so the tree is the same.
    Run with = run({example, "--attestations", "-o", "json"}, {}, false);
    Run without = run({example, "--no-attestations", "-o", "json"}, {}, false);
    CHECK(with.exit_code == 0);
    CHECK(without.exit_code == 0);
    CHECK(with.out == without.out);
    CHECK(run({example, "--no-such-flag"}, {}, false).exit_code == 2);
    CHECK(run({example, "--accept"}, {}, false).exit_code == 2);
    CHECK(run({example, "-o", "yaml"}, {}, false).exit_code == 2);
}

TEST_CASE("the reference object of inspect JSON has the keys of `digestx ref -o json`", "[inspect][json]") {
    auto ref = nlohmann::json::parse(digestx::test::run_in_process({"ref", "-o", "json", example}).out);
    auto inspected = nlohmann::json::parse(run({example, "-o", "json"}, {}, false).out)["reference"];
    ref.erase("schemaVersion");
    CHECK(ref == inspected);
}

TEST_CASE("a partial failure keeps stdout, a total failure leaves it empty", "[inspect][driver]") {
    // Same contract in-process as for the binary (see inspect_layout_test for the corrupted case).
    Run missing = run({"oci:examples/alpine-3.12:nope"}, {}, false);
    CHECK(missing.exit_code == 3);
    CHECK(missing.out.empty());
    CHECK(missing.err == "digestx: error: tag \"nope\" not found in layout \"examples/alpine-3.12\" (tags: 3.12)\n");

    Run fine = run({example}, {}, false);
    CHECK(fine.exit_code == 0);
    CHECK(fine.err.empty());
    CHECK_FALSE(fine.out.empty());
}

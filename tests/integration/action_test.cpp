// The composite action (action.yml): its check step run as the runner runs it (bash, inputs in the
// environment, $GITHUB_OUTPUT), against the digestx built by this tree. No network: the files
// name only unpinned references, which `check --require-pins` rejects without resolving them.
#include <catch2/catch.hpp>

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "ci_support.hpp"

using namespace digestx::test;

namespace {

// The `run` script of the step whose id is `id`.
std::string step_script(const std::string &id) {
    YAML::Node action = YAML::LoadFile(source_dir() + "/action.yml");
    REQUIRE(action["runs"]["using"].as<std::string>() == "composite");
    for (const auto &step : action["runs"]["steps"]) {
        if (step["id"] && step["id"].as<std::string>() == id) return step["run"].as<std::string>();
    }
    FAIL("action.yml has no step " << id);
    return {};
}

std::string binary_directory() {
    return std::filesystem::path(DIGESTX_BINARY).parent_path().string();
}

} // namespace

TEST_CASE("the action's check step passes every path and option through, and nothing else", "[cli][action]") {
    const std::string script = step_script("check");
    TempDir dir;
    std::string runner = write_at(dir.path(), "step.sh", script);
    std::string a = write_at(dir.path(), "a/images.txt", "alpine:3.12\n");
    std::string c = write_at(dir.path(), "c/images.txt", "debian:12\n");
    struct Case {
        std::string paths;
        std::string args;
        int exit_code;
        std::vector<std::string> errors;   // files with an ::error annotation
        std::vector<std::string> warnings; // files with a ::warning annotation
    };
    std::vector<Case> cases = {
        {a + " " + c, "--require-pins", 1, {a, c}, {}},
        {a + "\n" + c + "\n", "--require-pins", 1, {a, c}, {}},
        {"  " + a + "\t\n\n" + c, "", 0, {}, {a, c}},
        {a, "--require-pins\n--jobs 2", 1, {a}, {}},
        {dir.path() + "/a", "", 0, {}, {}}, // a directory: .txt lists are only read when named
    };
    for (const auto &item : cases) {
        INFO("paths " << item.paths << " args " << item.args);
        std::string output = dir.path() + "/github_output";
        std::filesystem::remove(output);
        auto result = run_process({"/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", runner}, {},
                                  {{"DIGESTX_PATHS", item.paths},
                                   {"DIGESTX_ARGS", item.args},
                                   {"GITHUB_OUTPUT", output},
                                   {"HOME", dir.path()},
                                   {"DOCKER_CONFIG", dir.path()},
                                   {"PATH", binary_directory() + ":/usr/bin:/bin"}});
        INFO(result.out << result.err);
        CHECK(result.exit_code == item.exit_code);
        CHECK(read_file(output) == "exit-code=" + std::to_string(item.exit_code) + "\n");
        for (const auto &file : item.errors)
            CHECK_THAT(result.out, Catch::Contains("::error file=" + file + ",line=1,col=1,"));
        for (const auto &file : item.warnings)
            CHECK_THAT(result.out, Catch::Contains("::warning file=" + file + ",line=1,col=1,"));
        CHECK(static_cast<std::size_t>(std::count(result.out.begin(), result.out.end(), '\n')) ==
              item.errors.size() + item.warnings.size() + 1);
    }

    // Inputs are data, never shell: a path that looks like a command substitution is just a
    // path that does not exist (exit 2), and nothing runs.
    std::string marker = dir.path() + "/injected";
    auto hostile = run_process({"/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", runner}, {},
                               {{"DIGESTX_PATHS", "$(touch " + marker + ")"},
                                {"DIGESTX_ARGS", "`touch " + marker + "`"},
                                {"GITHUB_OUTPUT", dir.path() + "/github_output"},
                                {"HOME", dir.path()},
                                {"DOCKER_CONFIG", dir.path()},
                                {"PATH", binary_directory() + ":/usr/bin:/bin"}});
    CHECK(hostile.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("annotations name files relative to the workspace, as GitHub needs to place them", "[cli][check][action]") {
    TempDir dir;
    std::string list = write_at(dir.path(), "deploy/images.txt", "alpine:3.12\n");
    struct Case {
        std::string path;
        std::string workspace;
        std::string annotated;
    };
    std::vector<Case> cases = {
        {list, dir.path(), "deploy/images.txt"},
        {list, dir.path() + "/", "deploy/images.txt"},
        {dir.path() + "/deploy/./x/../images.txt", dir.path(), "deploy/images.txt"},
        {dir.path() + "//deploy/images.txt", "", dir.path() + "/deploy/images.txt"},
        {dir.path() + "/./deploy/images.txt", "", dir.path() + "/deploy/images.txt"},
        {list, dir.path() + "/elsewhere", list},
        {list, "/", list.substr(1)},
    };
    std::filesystem::create_directories(dir.path() + "/deploy/x");
    for (const auto &item : cases) {
        INFO(item.path << " in " << item.workspace);
        auto result =
            run_digestx({"check", "--format", "github", item.path}, {}, {{"GITHUB_WORKSPACE", item.workspace}});
        CHECK(result.exit_code == 0);
        CHECK_THAT(result.out, Catch::StartsWith("::warning file=" + item.annotated + ",line=1,col=1,"));
        // The table and the JSON keep the path as it was given.
        auto text = run_digestx({"check", item.path}, {}, {{"GITHUB_WORKSPACE", item.workspace}});
        CHECK_THAT(text.out, Catch::Contains(item.path + ":1:1"));
    }
}

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "support/fixtures.hpp"
#include "support/help_text.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"

using namespace digestx::test;

namespace {

// Runs one example line as a user would type it in `directory`, with a HOME of its own and none
// of the caller's registry credentials. A redirection ("> FILE") is left out: the command is run.
ProcessResult run_example(const std::string &line, const std::string &directory) {
    std::vector<std::string> words = split_words(line.substr(0, line.find(" > ")));
    REQUIRE(words.size() >= 2);
    REQUIRE(words.front() == "digestx");
    std::vector<std::string> argv{
        "/bin/bash",
        "--norc",
        "-c",
        "unset DOCKER_CONFIG REGISTRY_AUTH_FILE XDG_RUNTIME_DIR XDG_CONFIG_HOME DOCKER_AUTH_CONFIG; "
        "export HOME=\"$1/home\"; cd \"$1\" && shift && exec \"$@\"",
        "example",
        directory,
        DIGESTX_BINARY};
    argv.insert(argv.end(), words.begin() + 1, words.end());
    return run_process(argv);
}

} // namespace

TEST_CASE("every command's --help ends with two or three examples that work as written",
          "[cli][binary][examples][bed]") {
    // The examples name the bundled layout (examples/) and a Dockerfile; this one's base image is
    // in the test registry, so that check and pin work without the internet.
    RegistryBed &bed = shared_bed(BedMode::Open);
    auto help = run_digestx({"--help"});
    REQUIRE(help.exit_code == 0);
    std::vector<std::vector<std::string>> invocations{{"--help"}};
    for (const std::string &command : help_commands(help.out))
        invocations.push_back({command, "--help"});
    for (const auto &invocation : invocations) {
        auto command_help = run_digestx(invocation);
        REQUIRE(command_help.exit_code == 0);
        std::vector<std::string> examples = help_examples(command_help.out);
        INFO(invocation.front() << " --help:\n" << command_help.out);
        CHECK(examples.size() >= 2);
        CHECK(examples.size() <= 3);
        TempDir dir;
        std::filesystem::create_directory(dir.path() + "/home");
        std::filesystem::create_directory_symlink(source_dir() + "/examples", dir.path() + "/examples");
        std::ofstream(dir.path() + "/Dockerfile") << "FROM " << bed.host() << "/library/alpine:3.12\n";
        for (const std::string &example : examples) {
            INFO(example);
            ProcessResult result = run_example(example, dir.path());
            INFO(result.err);
            // check's exit 1 is its answer (an unpinned reference under --require-pins), not a failure.
            bool is_check = invocation.front() == "check" || example.find("digestx check") == 0;
            CHECK((result.exit_code == 0 || (is_check && result.exit_code == 1)));
            CHECK(!result.out.empty());
            CHECK(result.err.find("error") == std::string::npos);
        }
    }
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <curl/curl.h>

#include "support/help_text.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"

using namespace digestx::test;

namespace {

std::set<std::string> lines_of(const std::string &text) {
    std::set<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) lines.insert(line);
    return lines;
}

std::set<std::string> as_set(const std::vector<std::string> &words) {
    return {words.begin(), words.end()};
}

// What bash offers for the command line `words` (the last word is the one being completed), with
// the script digestx generates sourced as bash-completion would source it.
class BashCompletion {
public:
    BashCompletion() {
        auto script = run_digestx({"completion", "bash"});
        REQUIRE(script.exit_code == 0);
        m_script = m_dir.path() + "/digestx";
        std::ofstream(m_script) << script.out;
    }

    std::set<std::string> offers(const std::vector<std::string> &words) const {
        std::string array;
        for (const std::string &word : words)
            array += " '" + word + "'";
        // Completion runs in an empty directory so that file names never join the offers.
        std::string program = "cd '" + m_dir.path() + "/empty' && source '" + m_script + "' && COMP_WORDS=(" + array +
                              ") && COMP_CWORD=" + std::to_string(words.size() - 1) +
                              " && _digestx && printf '%s\\n' \"${COMPREPLY[@]}\"";
        std::filesystem::create_directories(m_dir.path() + "/empty");
        auto result = run_process({"/bin/bash", "--norc", "-c", program});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return lines_of(result.out);
    }

private:
    TempDir m_dir;
    std::string m_script;
};

} // namespace

TEST_CASE("the version flag names digestx's version and the libcurl and TLS backend it runs with",
          "[cli][binary][ship]") {
    auto result = run_digestx({"--version"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    std::string curl_line = std::string("libcurl ") + curl->version + " (" + curl->ssl_version + ")";
    CHECK(result.out.find("\n" + curl_line + "\n") != std::string::npos);
    // The first line is "digestx VERSION": a release, or the project version and the commit.
    CHECK(std::regex_search(result.out, std::regex(R"(^digestx \d+\.\d+\.\d+\S*\n)")));
}

TEST_CASE("completion scripts: bash offers the commands and each command's options", "[cli][binary][completion]") {
    auto help = run_digestx({"--help"});
    REQUIRE(help.exit_code == 0);
    std::vector<std::string> commands = help_commands(help.out);
    REQUIRE(commands.size() >= 10);
    BashCompletion bash;

    SECTION("commands, also after global options and their values") {
        CHECK(bash.offers({"digestx", ""}) == as_set(commands));
        CHECK(bash.offers({"digestx", "ins"}) == std::set<std::string>{"inspect"});
        CHECK(bash.offers({"digestx", "--platform", "linux/arm64", "-v", "c"}) ==
              std::set<std::string>{"check", "completion", "config"});
    }
    SECTION("every option --help lists, for the app and for each command, and no other") {
        std::set<std::string> globals = as_set(help_options(help.out));
        CHECK(bash.offers({"digestx", "-"}) == globals);
        for (const std::string &command : commands) {
            INFO(command);
            auto command_help = run_digestx({command, "--help"});
            std::set<std::string> expected = as_set(help_options(command_help.out));
            expected.insert(globals.begin(), globals.end()); // global options come after the command too
            CHECK(bash.offers({"digestx", command, "-"}) == expected);
        }
    }
    SECTION("values from a closed set") {
        CHECK(bash.offers({"digestx", "-o", ""}) == std::set<std::string>{"text", "json", "dot"});
        CHECK(bash.offers({"digestx", "inspect", "--output", "j"}) == std::set<std::string>{"json"});
        CHECK(bash.offers({"digestx", "check", "--format", ""}) == std::set<std::string>{"text", "github"});
        CHECK(bash.offers({"digestx", "completion", ""}) == std::set<std::string>{"bash", "zsh", "fish"});
        CHECK(bash.offers({"digestx", "inspect", "--no-"}) ==
              std::set<std::string>{"--no-config", "--no-attestations", "--no-color", "--no-mirrors"});
    }
}

TEST_CASE("completion scripts: zsh and fish name every command and option", "[cli][binary][completion]") {
    auto help = run_digestx({"--help"});
    auto zsh = run_digestx({"completion", "zsh"});
    auto fish = run_digestx({"completion", "fish"});
    REQUIRE(zsh.exit_code == 0);
    REQUIRE(fish.exit_code == 0);
    CHECK_THAT(zsh.out, Catch::StartsWith("#compdef digestx\n"));
    for (const std::string &command : help_commands(help.out)) {
        INFO(command);
        CHECK_THAT(zsh.out, Catch::Contains("\n    '" + command + ":"));
        CHECK_THAT(zsh.out, Catch::Contains("\n    " + command + ")\n"));
        CHECK_THAT(fish.out, Catch::Contains("-n __fish_use_subcommand -a " + command + " -d "));
        auto command_help = run_digestx({command, "--help"});
        for (const std::string &option : help_options(command_help.out)) {
            INFO(option);
            CHECK_THAT(zsh.out, Catch::Contains("'" + option + "["));
            std::string fish_name = option.rfind("--", 0) == 0 ? " -l " + option.substr(2) : " -s " + option.substr(1);
            CHECK_THAT(fish.out,
                       Catch::Contains("'__fish_seen_subcommand_from " + command + "'") && Catch::Contains(fish_name));
        }
    }
    CHECK_THAT(fish.out, Catch::Contains("complete -c digestx -s o -l output -x -a 'text json dot'"));
}

TEST_CASE("completion of an unknown shell is a usage error", "[cli][binary][completion]") {
    auto result = run_digestx({"completion", "tcsh"});
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("digestx: error: "));
}

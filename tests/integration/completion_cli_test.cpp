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
#include "support/skip.hpp"

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

// zsh completes only inside its line editor, so the test drives a real interactive zsh through a
// pseudo-terminal (zsh/zpty, as zsh's own Test/comptest does): compinit loads the generated
// _digestx from fpath, the line is typed with a TAB, and a compadd wrapper prints every match the
// completion system adds before passing it on to the real builtin.
constexpr const char *zsh_driver = R"zsh(zmodload zsh/zpty
out=""
drain() {
  local chunk i
  for i in {1..50}; do
    while zpty -rt z chunk; do out+=$chunk; done
    [[ $out == *$1* ]] && return 0
    sleep 0.1
  done
  return 1
}
zpty z zsh -f -i
zpty -w z "PROMPT='> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; local -a hits; builtin compadd -A hits "$@"; (( $#hits )) && print -r -l -- "<match>"${^hits}"</match>"; builtin compadd "$@" }'
zpty -w z 'bindkey "^I" complete-word; echo "<set""up>"'
drain '<setup>' || exit 3
out=""
zpty -n -w z "$2"$'\t'
drain '</match>'
sleep 0.3
while zpty -rt z chunk; do out+=$chunk; done
zpty -d z
print -r -- "$out"
)zsh";

std::string shell_path(const std::string &name) {
    for (const char *dir : {"/usr/bin/", "/bin/"}) {
        if (std::filesystem::exists(std::string(dir) + name)) return std::string(dir) + name;
    }
    return {};
}

// What zsh offers for `line` (completed at its end) with the generated script.
std::set<std::string> zsh_offers(const std::string &zsh, const TempDir &dir, const std::string &line) {
    auto result = run_process({zsh, "-f", dir.path() + "/driver.zsh", dir.path(), line});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    std::set<std::string> offers;
    static const std::regex match("<match>([^<\r\n]*)</match>");
    for (auto it = std::sregex_iterator(result.out.begin(), result.out.end(), match); it != std::sregex_iterator();
         ++it)
        offers.insert((*it)[1]);
    return offers;
}

// What fish offers for `line`: `complete -C` asks fish's own completion engine, one candidate
// and its description per line.
std::set<std::string> fish_offers(const std::string &fish, const std::string &script, const std::string &line) {
    auto result = run_process({fish, "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, line});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    std::set<std::string> offers;
    for (const std::string &candidate : lines_of(result.out))
        offers.insert(candidate.substr(0, candidate.find('\t')));
    return offers;
}

} // namespace

TEST_CASE("completion scripts: a real zsh completes commands, options and values", "[cli][binary][completion]") {
    std::string zsh = shell_path("zsh");
    if (zsh.empty()) DIGESTX_SKIP("zsh is not installed (scripts/install-deps.sh installs it)");
    TempDir dir;
    auto script = run_digestx({"completion", "zsh"});
    REQUIRE(script.exit_code == 0);
    std::ofstream(dir.path() + "/_digestx") << script.out;
    std::ofstream(dir.path() + "/driver.zsh") << zsh_driver;
    CHECK(zsh_offers(zsh, dir, "digestx ins") == std::set<std::string>{"inspect"});
    CHECK(zsh_offers(zsh, dir, "digestx inspect --no-") ==
          std::set<std::string>{"--no-config", "--no-attestations", "--no-color", "--no-mirrors"});
    CHECK(zsh_offers(zsh, dir, "digestx -o ") == std::set<std::string>{"text", "json", "dot"});
}

TEST_CASE("completion scripts: a real fish completes commands, options and values", "[cli][binary][completion]") {
    std::string fish = shell_path("fish");
    if (fish.empty()) DIGESTX_SKIP("fish is not installed (scripts/install-deps.sh installs it)");
    TempDir dir;
    auto script = run_digestx({"completion", "fish"});
    REQUIRE(script.exit_code == 0);
    std::string path = dir.path() + "/digestx.fish";
    std::ofstream(path) << script.out;
    CHECK(fish_offers(fish, path, "digestx ins") == std::set<std::string>{"inspect"});
    CHECK(fish_offers(fish, path, "digestx co") == std::set<std::string>{"completion", "config"});
    CHECK(fish_offers(fish, path, "digestx inspect --no-") ==
          std::set<std::string>{"--no-config", "--no-attestations", "--no-color", "--no-mirrors"});
    CHECK(fish_offers(fish, path, "digestx inspect --ex") == std::set<std::string>{"--explain"});
    CHECK(fish_offers(fish, path, "digestx -o ") == std::set<std::string>{"text", "json", "dot"});
}

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

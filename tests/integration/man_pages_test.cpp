#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>

#include "support/help_text.hpp"
#include "support/process.hpp"

using namespace digestx::test;

namespace {

// The option spellings a man page documents: the **-x**, **--name** terms of its OPTIONS
// section (definition-list terms; the descriptions below them start with ":").
std::set<std::string> documented_options(const std::string &markdown) {
    std::set<std::string> names;
    std::size_t start = markdown.find("\n# OPTIONS\n");
    if (start == std::string::npos) return names;
    std::size_t end = markdown.find("\n# ", start + 1);
    std::string section = markdown.substr(start, end - start);
    std::istringstream in(section);
    std::string line;
    std::regex term(R"(\*\*(-{1,2}[a-z][a-z0-9-]*)\*\*)");
    while (std::getline(in, line)) {
        if (line.rfind("**-", 0) != 0) continue;
        for (std::sregex_iterator it(line.begin(), line.end(), term), last; it != last; ++it)
            names.insert((*it)[1]);
    }
    return names;
}

// A page as man(1) renders it for a reader, without overstrike bold and underline.
std::string rendered(const std::string &page) {
    auto result = run_process({"/usr/bin/man", "-l", page}, {},
                              {{"MANPAGER", "cat"}, {"MANWIDTH", "100"}, {"LC_ALL", "C.UTF-8"}});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return std::regex_replace(result.out, std::regex(".\b"), "");
}

} // namespace

TEST_CASE("each command's man page documents exactly the options of its --help", "[man][binary]") {
    auto help = run_digestx({"--help"});
    REQUIRE(help.exit_code == 0);
    std::vector<std::pair<std::string, std::vector<std::string>>> pages{{"digestx", {"--help"}}};
    for (const std::string &command : help_commands(help.out))
        pages.push_back({"digestx-" + command, {command, "--help"}});
    // The pages pandoc rendered at build time, beside the binary (cmake/DigestxInstall.cmake).
    std::string built = std::filesystem::path(DIGESTX_BINARY).parent_path().string() + "/man/";
    bool have_man = std::filesystem::exists("/usr/bin/man");
    for (const auto &[page, args] : pages) {
        INFO(page);
        std::string markdown = read_file(source_dir() + "/docs/man/" + page + ".1.md");
        auto page_help = run_digestx(args);
        std::vector<std::string> in_help = help_options(page_help.out);
        REQUIRE(!in_help.empty());
        CHECK(documented_options(markdown) == std::set<std::string>(in_help.begin(), in_help.end()));
        REQUIRE(std::filesystem::exists(built + page + ".1"));
        if (!have_man) continue;
        std::string text = rendered(built + page + ".1");
        CHECK_THAT(text, Catch::Contains("NAME") && Catch::Contains("OPTIONS"));
        for (const std::string &option : in_help) {
            INFO(option);
            CHECK(std::regex_search(text, std::regex("(^|[ ,])" + option + "([ ,\n]|$)")));
        }
    }
}

// The exit-code contract: one table in the code, every error code on a row of it, and README.md's
// table listing exactly the same codes.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <string>

#include "digestx/core/error.hpp"
#include "support/process.hpp"

using digestx::ErrorCode;
using digestx::exit_code;
using digestx::exit_code_table;

namespace {

std::set<int> table_codes() {
    std::set<int> codes;
    for (const auto &row : exit_code_table())
        codes.insert(row.code);
    return codes;
}

// The codes in the first column of README.md's "## Exit codes" table.
std::set<int> readme_codes() {
    std::istringstream readme(digestx::test::read_file(digestx::test::source_dir() + "/README.md"));
    std::set<int> codes;
    bool in_section = false;
    for (std::string line; std::getline(readme, line);) {
        if (line.starts_with("## ")) in_section = line == "## Exit codes";
        if (!in_section || !line.starts_with("| ")) continue;
        auto end = line.find(' ', 2);
        std::string cell = line.substr(2, end - 2);
        if (!cell.empty() && cell.find_first_not_of("0123456789") == std::string::npos) codes.insert(std::stoi(cell));
    }
    return codes;
}

} // namespace

TEST_CASE("every error code maps to a row of the exit-code table", "[error]") {
    auto codes = table_codes();
    std::set<std::string_view> names;
    for (ErrorCode code : digestx::all_error_codes) {
        INFO(digestx::error_code_name(code));
        CHECK(codes.count(exit_code(code)) == 1);
        CHECK(exit_code(code) != 0);
        CHECK(exit_code(code) != digestx::closed_pipe_exit_code);
        CHECK(names.insert(digestx::error_code_name(code)).second);
    }
    CHECK(codes.count(0) == 1);
    CHECK(codes.count(digestx::closed_pipe_exit_code) == 1);
}

TEST_CASE("the exit-code table is ascending, one row per code, each with a meaning", "[error]") {
    int previous = -1;
    for (const auto &row : exit_code_table()) {
        INFO(row.code);
        CHECK(row.code > previous);
        CHECK_FALSE(row.meaning.empty());
        previous = row.code;
    }
}

TEST_CASE("README.md lists exactly the exit codes of the table", "[error][docs]") {
    auto documented = readme_codes();
    REQUIRE_FALSE(documented.empty());
    CHECK(documented == table_codes());
}

TEST_CASE("--help prints every row of the exit-code table", "[error][cli]") {
    auto help = digestx::test::run_in_process({"--help"});
    REQUIRE(help.exit_code == 0);
    for (const auto &row : exit_code_table()) {
        INFO(row.code);
        CHECK_THAT(help.out,
                   Catch::Contains(std::to_string(row.code) + " ") && Catch::Contains(std::string(row.meaning)));
    }
}

// docs/fault-coverage.md against the fault catalogue (../shared/docs/fault-catalogue.md): every
// case and lettered sub-variant has a row, every row names a case of the catalogue, and every
// row's test file holds a TEST_CASE of that exact name, so the map cannot fall behind either.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/skip.hpp"

namespace {

// The cells of a Markdown table row, trimmed; `\|` inside a cell is a literal bar.
std::vector<std::string> cells(const std::string &line) {
    std::vector<std::string> result;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
            cell += '|';
            ++i;
        } else if (line[i] == '|') {
            auto first = cell.find_first_not_of(' ');
            auto last = cell.find_last_not_of(' ');
            result.push_back(first == std::string::npos ? std::string() : cell.substr(first, last - first + 1));
            cell.clear();
        } else {
            cell += line[i];
        }
    }
    return result;
}

// The catalogue's cases: rows whose first cell is a case number (A1 … F5). A case whose text
// lists lettered variants "(a) … (b) …" is those variants, "C10(a)", "C10(b)", ….
std::set<std::string> catalogue_cases(const std::string &text) {
    static const std::regex number("[A-F][0-9]+");
    static const std::regex variant(R"(\(([a-z])\))");
    std::set<std::string> cases;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("| ")) continue;
        auto row = cells(line);
        if (row.size() < 2 || !std::regex_match(row[0], number)) continue;
        std::set<std::string> letters;
        for (std::sregex_iterator it(row[1].begin(), row[1].end(), variant), end; it != end; ++it)
            letters.insert((*it)[1]);
        if (letters.empty()) cases.insert(row[0]);
        for (const auto &letter : letters)
            cases.insert(row[0] + "(" + letter + ")");
    }
    return cases;
}

struct MapRow {
    std::string test_case;
    std::string file;
    std::string name;
};

std::vector<MapRow> coverage_rows(const std::string &text) {
    static const std::regex number(R"([A-F][0-9]+(\([a-z]\))?)");
    std::vector<MapRow> rows;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("| ")) continue;
        auto row = cells(line);
        if (row.size() != 3 || !std::regex_match(row[0], number)) continue;
        rows.push_back({row[0], row[1], row[2]});
    }
    return rows;
}

} // namespace

TEST_CASE("every fault catalogue case maps to tests that exist", "[faults][coverage]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) DIGESTX_SKIP("../shared is absent: the fault catalogue cannot be compared with the map");
    auto cases = catalogue_cases(digestx::test::read_file(shared + "/docs/fault-catalogue.md"));
    // The catalogue counts 66 cases; C10's four variants stand for one of them.
    REQUIRE(cases.size() == 69);

    const std::string root = digestx::test::source_dir();
    auto rows = coverage_rows(digestx::test::read_file(root + "/docs/fault-coverage.md"));
    std::map<std::string, std::size_t> rows_per_case;
    std::map<std::string, std::string> sources;
    for (const auto &row : rows) {
        INFO(row.test_case << " -> " << row.file << ": " << row.name);
        CHECK(cases.count(row.test_case) == 1);
        ++rows_per_case[row.test_case];
        CHECK(row.file.starts_with("tests/"));
        REQUIRE(std::filesystem::is_regular_file(root + "/" + row.file));
        auto &source = sources[row.file];
        if (source.empty()) source = digestx::test::read_file(root + "/" + row.file);
        CHECK(source.find("TEST_CASE(\"" + row.name + "\"") != std::string::npos);
    }
    for (const auto &id : cases) {
        INFO("catalogue case " << id << " has no row in docs/fault-coverage.md");
        CHECK(rows_per_case[id] > 0);
    }
}

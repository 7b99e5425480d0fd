#pragma once
// Running the real binary as a golden or a reader expects it: a pinned locale (the tree's glyphs
// and the arrows depend on it), optionally from another directory so that paths in the output are
// relative, and the one run-dependent part of registry output (the bed's host:port) replaced.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/inspect_schema.hpp"
#include "support/process.hpp"

namespace digestx::test {

/// The environment every golden run uses: `lang` as the locale, no colour.
inline std::map<std::string, std::string> pinned_terminal(const std::string &lang = "C.UTF-8") {
    return {{"LANG", lang}, {"LC_ALL", ""}, {"LC_CTYPE", ""}, {"NO_COLOR", ""}};
}

/// `text` with every `from` replaced by `to`.
inline std::string replace_all(std::string text, const std::string &from, const std::string &to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// `digestx ARGS…` with the pinned terminal, run in `directory` ("" for the current one).
inline ProcessResult run_pinned(const std::vector<std::string> &args, const std::string &directory = "",
                                const std::string &lang = "C.UTF-8") {
    if (directory.empty()) return run_digestx(args, {}, pinned_terminal(lang));
    auto previous = std::filesystem::current_path();
    std::filesystem::current_path(directory);
    ProcessResult result = run_digestx(args, {}, pinned_terminal(lang));
    std::filesystem::current_path(previous);
    return result;
}

/// The JSON document of an `inspect -o json` run that exited 0, each way it breaks the
/// documented schema reported.
inline nlohmann::json schema_checked(const ProcessResult &result) {
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto document = nlohmann::json::parse(result.out);
    auto problems = check_inspect_schema(document);
    for (const auto &problem : problems)
        UNSCOPED_INFO(problem);
    CHECK(problems.empty());
    return document;
}

/// The first element of the JSON array `items` whose `key` is `value` (a finding by its code, a
/// child node by its digest); null when there is none.
inline const nlohmann::json *first_with(const nlohmann::json &items, const std::string &key, const std::string &value) {
    for (const auto &item : items)
        if (item.contains(key) && item[key] == value) return &item;
    return nullptr;
}

} // namespace digestx::test

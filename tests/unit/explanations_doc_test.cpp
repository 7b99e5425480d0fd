// docs/explanations.md is where every sentence digestx prints meets its primary source. These
// tests keep it from falling behind the code: every finding code used in src/ (and every one the
// golden beds show) has a section, every section names a code still in use, and every role has one.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "digestx/explain/explain.hpp"
#include "digestx/render/labels.hpp"
#include "support/process.hpp"

namespace {

namespace fs = std::filesystem;

std::string explanations_doc() {
    return digestx::test::read_file(digestx::test::source_dir() + "/docs/explanations.md");
}

// The `### \`name\`` headings of one `## ` section of the doc (backticks optional).
std::set<std::string> headings_under(const std::string &doc, const std::string &section) {
    std::set<std::string> names;
    std::istringstream lines(doc);
    std::string line;
    bool inside = false;
    static const std::regex heading(R"(^### `?([a-z0-9-]+)`?\s*$)");
    while (std::getline(lines, line)) {
        if (line.rfind("## ", 0) == 0) inside = line == "## " + section;
        std::smatch match;
        if (inside && std::regex_match(line, match, heading)) names.insert(match[1]);
    }
    return names;
}

// Every `FindingLevel::X, "code"` and `DocumentNote{"code"` in the sources: the way each Finding is built, whether with
// braces, Finding{...} or push_back({...}), and whatever clang-format does to the line breaks.
std::set<std::string> finding_codes_in_sources() {
    std::set<std::string> codes;
    static const std::regex finding(R"re(FindingLevel::(Info|Warning|Error)\s*,\s*"([a-z0-9-]+)")re");
    // The model's notes become warning findings in the resolver; their codes are written where
    // the note is made.
    static const std::regex note(R"re(()DocumentNote\{\s*"([a-z0-9-]+)")re");
    for (const char *dir : {"src", "include"}) {
        for (const auto &entry : fs::recursive_directory_iterator(fs::path(digestx::test::source_dir()) / dir)) {
            if (!entry.is_regular_file()) continue;
            std::string extension = entry.path().extension().string();
            if (extension != ".cpp" && extension != ".hpp") continue;
            std::string text = digestx::test::read_file(entry.path().string());
            for (const std::regex *pattern : {&finding, &note}) {
                for (auto it = std::sregex_iterator(text.begin(), text.end(), *pattern); it != std::sregex_iterator();
                     ++it)
                    codes.insert((*it)[2]);
            }
        }
    }
    return codes;
}

std::set<std::string> finding_codes_in_goldens() {
    std::set<std::string> codes;
    fs::path golden = fs::path(digestx::test::source_dir()) / "tests" / "golden";
    for (const auto &entry : fs::recursive_directory_iterator(golden)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        auto document = nlohmann::json::parse(digestx::test::read_file(entry.path().string()));
        if (!document.contains("findings")) continue;
        for (const auto &finding : document["findings"])
            codes.insert(finding["code"].get<std::string>());
    }
    return codes;
}

} // namespace

TEST_CASE("docs/explanations.md has a section for every finding code the sources use", "[docs][explain]") {
    std::set<std::string> documented = headings_under(explanations_doc(), "Findings");
    std::set<std::string> used = finding_codes_in_sources();
    // A scanner that finds nothing would pass everything: the codes of today are a floor.
    for (const char *known :
         {"header-digest-mismatch", "platform-mismatch", "referrers", "referrers-unavailable", "accept-unknown",
          "schema1-stored", "schema1-conversion", "served-elsewhere", "legacy-config-type"}) {
        INFO(known);
        CHECK(used.count(known) == 1);
    }
    for (const auto &code : used) {
        INFO("finding code " << code << " is used in src/ but has no \"### `" << code
                             << "`\" section under \"## Findings\" in docs/explanations.md");
        CHECK(documented.count(code) == 1);
    }
    for (const auto &code : documented) {
        INFO("docs/explanations.md documents finding code " << code << ", which no source uses");
        CHECK(used.count(code) == 1);
    }
}

TEST_CASE("docs/explanations.md documents every finding code the golden outputs show", "[docs][explain]") {
    std::set<std::string> documented = headings_under(explanations_doc(), "Findings");
    std::set<std::string> shown = finding_codes_in_goldens();
    CHECK_FALSE(shown.empty());
    for (const auto &code : shown) {
        INFO("finding code " << code << " appears in tests/golden but not in docs/explanations.md");
        CHECK(documented.count(code) == 1);
    }
}

TEST_CASE("docs/explanations.md has a section for every role", "[docs][explain]") {
    using digestx::Role;
    std::set<std::string> documented = headings_under(explanations_doc(), "Roles");
    for (Role role :
         {Role::IndexDigest, Role::SingleManifest, Role::PlatformManifest, Role::NestedIndex, Role::Attestation,
          Role::Artifact, Role::Referrer, Role::Schema1, Role::ImageConfig, Role::ArtifactConfig, Role::NotRead}) {
        std::string name(digestx::role_name(role));
        INFO("role " << name);
        CHECK(documented.count(name) == 1);
    }
    CHECK(documented.size() == 11);
}

TEST_CASE("docs/explanations.md gives every role's short form of the table as the code prints it", "[docs][explain]") {
    using digestx::Role;
    const std::string doc = explanations_doc();
    for (Role role :
         {Role::IndexDigest, Role::SingleManifest, Role::PlatformManifest, Role::NestedIndex, Role::Attestation,
          Role::Artifact, Role::Referrer, Role::Schema1, Role::ImageConfig, Role::ArtifactConfig}) {
        std::string name(digestx::role_name(role));
        INFO("role " << name);
        auto begin = doc.find("### `" + name + "`\n");
        REQUIRE(begin != std::string::npos);
        auto end = doc.find("\n##", begin + 1);
        std::string section = doc.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        // The doc escapes backticks inside block quotes; the code prints them bare.
        std::string quoted = "In the table:\n\n> " + std::string(digestx::render::role_gloss(role)) + "\n";
        for (auto at = quoted.find('`'); at != std::string::npos; at = quoted.find('`', at + 2))
            quoted.insert(at, "\\");
        CHECK_THAT(section, Catch::Contains(quoted));
    }
}

// The unified diff of `pin --dry-run`: goldens made with GNU diff, the hunk rules case by case, and
// random edits whose diff GNU patch must apply back exactly.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <unistd.h>

#include "digestx/pinning/diff.hpp"
#include "pinning_test_support.hpp"

using digestx::pinning::unified_diff;

TEST_CASE("unified diff goldens of pinned fixtures", "[pinning][diff]") {
    for (std::string name : {"Dockerfile.multistage", "compose.yaml"}) {
        INFO(name);
        auto before = digestx::test::pinning_fixture(name);
        auto after = digestx::test::pinning_fixture(name == "compose.yaml" ? "compose.pinned.yaml"
                                                                           : "Dockerfile.multistage.pinned");
        auto golden =
            digestx::test::pinning_fixture(name == "compose.yaml" ? "compose.diff" : "Dockerfile.multistage.diff");
        CHECK(unified_diff(name, before, after) == golden);
    }
}

TEST_CASE("unified diff hunks, ranges and missing final newlines", "[pinning][diff]") {
    struct Case {
        std::string name;
        std::string before;
        std::string after;
        std::string diff; // without the two header lines
    };
    std::vector<Case> cases = {
        {"equal", "a\nb\n", "a\nb\n", ""},
        {"one line changed", "a\n", "b\n", "@@ -1 +1 @@\n-a\n+b\n"},
        {"middle line with context", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
         "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"},
        {"insert at the start", "a\nb\n", "new\na\nb\n", "@@ -1,2 +1,3 @@\n+new\n a\n b\n"},
        {"delete everything", "a\nb\n", "", "@@ -1,2 +0,0 @@\n-a\n-b\n"},
        {"from nothing", "", "a\n", "@@ -0,0 +1 @@\n+a\n"},
        {"append", "a\n", "a\nb\n", "@@ -1 +1,2 @@\n a\n+b\n"},
        {"newline added at the end", "a\nb", "a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
        {"newline removed at the end", "a\n", "a", "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"},
        {"changed last line without newline", "a\nb", "a\nc",
         "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
        {"CR stays part of the line", "a\r\nb\r\n", "a\r\nc\r\n", "@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n"},
        {"changes 6 lines apart share a hunk", "x\n1\n2\n3\n4\n5\n6\ny\n", "X\n1\n2\n3\n4\n5\n6\nY\n",
         "@@ -1,8 +1,8 @@\n-x\n+X\n 1\n 2\n 3\n 4\n 5\n 6\n-y\n+Y\n"},
        {"changes 7 lines apart get two hunks", "x\n1\n2\n3\n4\n5\n6\n7\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\nY\n",
         "@@ -1,4 +1,4 @@\n-x\n+X\n 1\n 2\n 3\n@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-y\n+Y\n"},
        {"repeated lines", "a\na\na\n", "a\na\n", "@@ -1,3 +1,2 @@\n a\n a\n-a\n"},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        auto diff = unified_diff("f", c.before, c.after);
        if (c.diff.empty()) {
            CHECK(diff.empty());
        } else {
            CHECK(diff == "--- a/f\n+++ b/f\n" + c.diff);
        }
    }
    CHECK(unified_diff("f", "1\n2\n3\n", "1\nX\n3\n", 0) == "--- a/f\n+++ b/f\n@@ -2 +2 @@\n-2\n+X\n");
    CHECK(unified_diff("f", "a\n", "new\na\n", 0) == "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+new\n");
    CHECK(unified_diff("f", "a\nb\n", "a\n", 0) == "--- a/f\n+++ b/f\n@@ -2 +1,0 @@\n-b\n");
}

namespace {

std::string write_temp(const std::string &bytes) {
    char name[] = "/tmp/digestx-diff-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(name, std::ios::binary) << bytes;
    return name;
}

} // namespace

TEST_CASE("GNU patch applies every generated diff back exactly", "[pinning][diff]") {
    std::mt19937 random(7);
    const std::vector<std::string> pool = {"a\n", "b\n", "c\n", "image: x\n", "\n", "  k: v\n", "d"};
    for (int round = 0; round < 40; ++round) {
        auto make = [&](std::size_t lines) {
            std::string text;
            for (std::size_t i = 0; i < lines; ++i) {
                auto line = pool[random() % pool.size()];
                if (line == "d" && i + 1 < lines) line = "d\n";
                text += line;
            }
            return text;
        };
        std::string before = make(random() % 30);
        std::string after;
        // Mostly small edits of `before`, sometimes an unrelated text.
        if (random() % 4 == 0) {
            after = make(random() % 30);
        } else {
            after = before;
            for (int e = 0; e < 3 && !after.empty(); ++e) {
                auto at = random() % after.size();
                after.insert(at, pool[random() % (pool.size() - 1)]);
            }
        }
        INFO("round " << round << "\nbefore:\n" << before << "\nafter:\n" << after);
        auto diff = unified_diff("file", before, after);
        if (before == after) {
            CHECK(diff.empty());
            continue;
        }
        auto original = write_temp(before);
        auto output = original + ".out";
        auto result = digestx::test::run_process({"/usr/bin/patch", "-s", "-f", "-o", output, original}, diff);
        INFO("diff:\n" << diff << "\npatch said: " << result.out << result.err);
        CHECK(result.exit_code == 0);
        CHECK(digestx::test::read_file(output) == after);
        std::remove(original.c_str());
        std::remove(output.c_str());
    }
}

TEST_CASE("a diff of two large unrelated files stays correct and bounded", "[pinning][diff]") {
    std::string before;
    std::string after;
    for (int i = 0; i < 3000; ++i) {
        before += "old " + std::to_string(i) + "\n";
        after += "new " + std::to_string(i) + "\n";
    }
    auto diff = unified_diff("big", before, after);
    CHECK(diff.find("@@ -1,3000 +1,3000 @@\n") != std::string::npos);
    auto original = write_temp(before);
    auto output = original + ".out";
    auto result = digestx::test::run_process({"/usr/bin/patch", "-s", "-f", "-o", output, original}, diff);
    CHECK(result.exit_code == 0);
    CHECK(digestx::test::read_file(output) == after);
    std::remove(original.c_str());
    std::remove(output.c_str());
}

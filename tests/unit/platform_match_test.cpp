#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/platform.hpp"
#include "unit/platform_test_support.hpp"

using digestx::ErrorCode;
using digestx::MatchMode;
using digestx::Platform;
using digestx::PlatformMatcher;
using digestx::test::kLinuxAmd64;
using digestx::test::raw;

namespace {

std::string show(const std::optional<std::size_t> &index) {
    return index ? std::to_string(*index) : std::string("none");
}

} // namespace

TEST_CASE("Only accepts compatible fallbacks and OnlyStrict only the platform", "[platform]") {
    struct Case {
        std::string wanted, candidate;
        bool compatible, strict;
    };
    std::vector<Case> cases = {
        {"linux/amd64", "linux/amd64", true, true},
        {"linux/amd64", "linux/x86_64", true, true},
        {"linux/amd64", "linux/amd64/v1", true, true},
        {"linux/amd64", "linux/386", true, false},
        {"linux/amd64", "linux/i386", true, false},
        {"linux/amd64", "linux/amd64/v2", false, false},
        {"linux/amd64", "linux/arm64", false, false},
        {"linux/amd64", "windows/amd64", false, false},
        {"linux/amd64", "Linux/AMD64", true, true},
        {"linux/amd64/v3", "linux/amd64/v3", true, true},
        {"linux/amd64/v3", "linux/amd64/v2", true, false},
        {"linux/amd64/v3", "linux/amd64", true, false},
        {"linux/amd64/v3", "linux/386", true, false},
        {"linux/amd64/v3", "linux/amd64/v4", false, false},
        {"linux/386", "linux/amd64", false, false},
        {"linux/386", "linux/386", true, true},
        {"linux/arm64", "linux/arm64", true, true},
        {"linux/arm64", "linux/arm64/v8", true, true},
        {"linux/arm64", "linux/aarch64", true, true},
        {"linux/arm64/v8", "linux/arm64", true, true},
        {"linux/arm64", "linux/arm64/v8.1", false, false},
        {"linux/arm64", "linux/arm", true, false},
        {"linux/arm64", "linux/arm/v7", true, false},
        {"linux/arm64", "linux/arm/v8", true, false},
        {"linux/arm64", "linux/arm/v5", true, false},
        {"linux/arm64", "linux/arm/v4", false, false},
        {"linux/arm64", "linux/amd64", false, false},
        {"linux/arm64/v8.2", "linux/arm64/v8.1", true, false},
        {"linux/arm64/v8.2", "linux/arm64", true, false},
        {"linux/arm64/v8.2", "linux/arm64/v8.3", false, false},
        {"linux/arm64/v8.2", "linux/arm/v7", true, false},
        {"linux/arm64/v9.2", "linux/arm64/v8.7", true, false},
        {"linux/arm64/v9.2", "linux/arm64/v8.8", false, false},
        {"linux/arm64/v9.2", "linux/arm64/v9.1", true, false},
        {"linux/arm64/v9.5", "linux/arm64/v8.9", true, false},
        {"linux/arm", "linux/arm/v7", true, true},
        {"linux/arm", "linux/arm", true, true},
        {"linux/arm", "linux/armhf", true, true},
        {"linux/arm", "linux/arm/v6", true, false},
        {"linux/arm", "linux/armel", true, false},
        {"linux/arm", "linux/arm/v8", false, false},
        {"linux/arm", "linux/arm64", false, false},
        {"linux/arm/v6", "linux/arm", false, false},
        {"linux/arm/v6", "linux/arm/v5", true, false},
        {"linux/arm/v5", "linux/arm/v4", false, false},
        {"linux/arm/v8", "linux/arm/v7", true, false},
        {"linux/ppc64le", "linux/ppc64le", true, true},
        {"linux/ppc64le", "linux/ppc64", false, false},
        {"linux/s390x", "linux/s390x", true, true},
        {"windows/amd64", "windows/amd64:10.0.17763", true, true},
        {"windows/amd64", "windows/386", true, false},
        {"windows/amd64", "linux/amd64", false, false},
        {"darwin/arm64", "macos/arm64", true, true},
        {"linux/riscv64", "linux/riscv64/rva20u64", false, false},
        {"windows/amd64:10.0.17763", "windows/amd64:10.0.17763.3650", true, true},
        {"windows/amd64:10.0.17763", "windows/amd64:10.0.20348.1249", false, false},
        {"windows/amd64:10.0.20348", "windows/amd64:10.0.17763.3650", false, false},
        {"windows/amd64:10.0.26100", "windows/amd64:10.0.20348.1249", true, true},
        {"windows/amd64:10.0.17763", "windows/amd64", true, true},
        // containerd/platforms rc.5: hosts past ltsc2025 (26100) keep the ltsc2022 floor (rc.4 had
        // raised it to 26100); an image newer than the host never runs; the revision is ignored.
        {"windows/amd64:10.0.26200", "windows/amd64:10.0.20348.1249", true, true},
        {"windows/amd64:10.0.26200", "windows/amd64:10.0.26100.2894", true, true},
        {"windows/amd64:10.0.26100", "windows/amd64:10.0.26200.1", false, false},
        {"windows/amd64:10.0.20348.9", "windows/amd64:10.0.20348.1", true, true},
        // An unparsable image os.version reads as 0.0.0, whose major differs from the host's.
        {"windows/amd64:10.0.20348", "windows/amd64:latest", false, false},
        // os.version is Windows' business: containerd does not compare it for Linux.
        {"linux/amd64:6.1", "linux/amd64:5.15", true, true},
    };
    for (const auto &c : cases) {
        INFO("wanted " << c.wanted << ", candidate " << c.candidate);
        auto wanted = digestx::parse_platform(c.wanted, kLinuxAmd64);
        REQUIRE(wanted);
        Platform candidate = raw(c.candidate);
        CHECK(PlatformMatcher::only(*wanted).matches(candidate) == c.compatible);
        CHECK(PlatformMatcher::only_strict(*wanted).matches(candidate) == c.strict);
        CHECK(PlatformMatcher::for_mode(*wanted, MatchMode::Compatible).matches(candidate) == c.compatible);
        CHECK(PlatformMatcher::for_mode(*wanted, MatchMode::Strict).matches(candidate) == c.strict);
    }
}

TEST_CASE("a CPU level runs every lower level of its architecture", "[platform]") {
    // amd64/vN runs vM for M <= N (v1 is written as plain amd64); arm/vN runs arm/vM for 5 <= M <= N.
    for (int wanted = 1; wanted <= 4; ++wanted) {
        auto matcher = PlatformMatcher::only(raw("linux/amd64/v" + std::to_string(wanted)));
        auto strict = PlatformMatcher::only_strict(raw("linux/amd64/v" + std::to_string(wanted)));
        for (int candidate = 1; candidate <= 4; ++candidate) {
            INFO("amd64/v" << wanted << " vs amd64/v" << candidate);
            CHECK(matcher.matches(raw("linux/amd64/v" + std::to_string(candidate))) == (candidate <= wanted));
            CHECK(strict.matches(raw("linux/amd64/v" + std::to_string(candidate))) == (candidate == wanted));
        }
    }
    for (int wanted = 4; wanted <= 8; ++wanted) {
        auto matcher = PlatformMatcher::only(raw("linux/arm/v" + std::to_string(wanted)));
        for (int candidate = 3; candidate <= 9; ++candidate) {
            INFO("arm/v" << wanted << " vs arm/v" << candidate);
            bool runs = candidate == wanted || (candidate >= 5 && candidate < wanted);
            CHECK(matcher.matches(raw("linux/arm/v" + std::to_string(candidate))) == runs);
        }
    }
}

// Found by fuzz/platform.cpp (corpus file fuzz/corpus/platform/regression-huge-variant): the
// fallback list of arm/v432008 counted down through 432,000 variants and took seconds.
TEST_CASE("a variant beyond any CPU falls back from the highest real level", "[platform]") {
    auto arm = PlatformMatcher::only(raw("linux/arm/v432008"));
    REQUIRE(arm.preferences().size() == 5);
    CHECK(arm.preferences()[1] == raw("linux/arm/v8"));
    CHECK(arm.preferences()[4] == raw("linux/arm/v5"));
    CHECK(arm.matches(raw("linux/arm/v432008")));
    CHECK(arm.matches(raw("linux/arm/v7")));
    CHECK_FALSE(arm.matches(raw("linux/arm/v9")));
    auto amd64 = PlatformMatcher::only(raw("linux/amd64/v999999"));
    REQUIRE(amd64.preferences().size() == 6);
    CHECK(amd64.preferences()[1] == raw("linux/amd64/v4"));
    CHECK(amd64.matches(raw("linux/386")));
}

TEST_CASE("Only lists its fallbacks in containerd's preference order", "[platform]") {
    auto formatted = [](const PlatformMatcher &matcher) {
        std::vector<std::string> out;
        for (const auto &platform : matcher.preferences())
            out.push_back(digestx::format_platform(platform));
        return out;
    };
    using List = std::vector<std::string>;
    CHECK(formatted(PlatformMatcher::only(raw("linux/amd64"))) == List{"linux/amd64", "linux/386"});
    CHECK(formatted(PlatformMatcher::only(raw("linux/amd64/v3"))) ==
          List{"linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"});
    CHECK(formatted(PlatformMatcher::only(raw("linux/arm"))) == List{"linux/arm/v7", "linux/arm/v6", "linux/arm/v5"});
    CHECK(formatted(PlatformMatcher::only(raw("linux/arm64/v8"))) ==
          List{"linux/arm64", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"});
    CHECK(formatted(PlatformMatcher::only(raw("linux/arm64/v8.2"))) ==
          List{"linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6",
               "linux/arm/v5"});
    CHECK(formatted(PlatformMatcher::only(raw("linux/arm64/v9.1"))) ==
          List{"linux/arm64/v9.1", "linux/arm64/v9", "linux/arm64/v8.6", "linux/arm64/v8.5", "linux/arm64/v8.4",
               "linux/arm64/v8.3", "linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8",
               "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"});
    CHECK(formatted(PlatformMatcher::only(raw("linux/s390x"))) == List{"linux/s390x"});
    CHECK(formatted(PlatformMatcher::only_strict(raw("linux/aarch64/v8"))) == List{"linux/arm64"});
}

TEST_CASE("matchers order candidates by preference, os.features breaking ties", "[platform]") {
    struct Case {
        std::string name;
        PlatformMatcher matcher;
        std::vector<Platform> candidates, expected;
    };
    std::vector<Case> cases = {
        {"amd64/v3 prefers its own level, then lower levels, then 386",
         PlatformMatcher::only(raw("linux/amd64/v3")),
         {raw("linux/386"), raw("linux/amd64"), raw("linux/arm64"), raw("linux/amd64/v2"), raw("linux/amd64/v3")},
         {raw("linux/amd64/v3"), raw("linux/amd64/v2"), raw("linux/amd64"), raw("linux/386"), raw("linux/arm64")}},
        {"arm64 prefers arm64 over any 32-bit arm",
         PlatformMatcher::only(raw("linux/arm64")),
         {raw("linux/arm/v5"), raw("linux/arm/v7"), raw("linux/arm64/v8"), raw("linux/arm/v6")},
         {raw("linux/arm64/v8"), raw("linux/arm/v7"), raw("linux/arm/v6"), raw("linux/arm/v5")}},
        {"more matching os.features rank first",
         PlatformMatcher::only(raw("linux/amd64", {"a", "b"})),
         {raw("linux/amd64"), raw("linux/amd64", {"a"}), raw("linux/amd64", {"b", "a"})},
         {raw("linux/amd64", {"b", "a"}), raw("linux/amd64", {"a"}), raw("linux/amd64")}},
        {"an entry lacking only a feature ranks before other architectures",
         PlatformMatcher::only_strict(raw("linux/amd64")),
         {raw("linux/arm64"), raw("linux/amd64", {"x"}), raw("linux/amd64")},
         {raw("linux/amd64"), raw("linux/amd64", {"x"}), raw("linux/arm64")}},
        {"OnlyOS prefers the exact platform, then keeps the given order",
         PlatformMatcher::only_os(raw("linux/arm64")),
         {raw("windows/arm64"), raw("linux/amd64"), raw("linux/arm64"), raw("linux/arm/v7")},
         {raw("linux/arm64"), raw("linux/amd64"), raw("linux/arm/v7"), raw("windows/arm64")}},
        {"a Windows host prefers the newest revision of its build",
         PlatformMatcher::windows_host(raw("windows/amd64:10.0.17763.100")),
         {raw("windows/amd64:10.0.17763.5"), raw("windows/amd64:10.0.20348.9"), raw("windows/amd64:10.0.17763.7"),
          raw("windows/amd64")},
         {raw("windows/amd64:10.0.17763.7"), raw("windows/amd64:10.0.17763.5"), raw("windows/amd64"),
          raw("windows/amd64:10.0.20348.9")}},
    };
    for (auto &c : cases) {
        INFO(c.name);
        auto sorted = c.candidates;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [&](const Platform &a, const Platform &b) { return c.matcher.less(a, b); });
        CHECK(sorted == c.expected);
        for (const auto &candidate : c.candidates)
            CHECK_FALSE(c.matcher.less(candidate, candidate));
    }
}

TEST_CASE("OnlyOS matches any architecture of the OS", "[platform]") {
    auto matcher = PlatformMatcher::only_os(raw("linux/amd64", {"gpu"}));
    CHECK(matcher.matches(raw("linux/arm64")));
    CHECK(matcher.matches(raw("Linux/s390x")));
    CHECK(matcher.matches(raw("linux/amd64", {"gpu"})));
    CHECK_FALSE(matcher.matches(raw("linux/amd64", {"gpu", "simd"})));
    CHECK_FALSE(matcher.matches(raw("windows/amd64")));
    auto windows = PlatformMatcher::only_os(raw("windows/amd64:10.0.17763"));
    CHECK(windows.matches(raw("windows/arm64:10.0.17763.1")));
    CHECK_FALSE(windows.matches(raw("windows/amd64:10.0.20348.1")));
}

TEST_CASE("choose_platform picks the entry docker pull would", "[platform]") {
    using Entries = std::vector<std::optional<Platform>>;
    struct Case {
        std::string name;
        Entries entries;
        std::string wanted;
        std::optional<std::size_t> compatible, strict;
    };
    const std::optional<Platform> none;
    const std::optional<std::size_t> no_entry;
    auto p = [](std::string_view text, std::vector<std::string> features = {}) {
        return std::optional<Platform>(raw(text, std::move(features)));
    };
    std::vector<Case> cases = {
        {"exact", {p("linux/amd64"), p("linux/arm64")}, "linux/arm64", 1, 1},
        {"arm64 entry written with v8", {p("linux/amd64"), p("linux/arm64/v8")}, "linux/arm64", 1, 1},
        {"arm64/v8 wanted, entry without variant", {p("linux/amd64"), p("linux/arm64")}, "linux/arm64/v8", 1, 1},
        {"aarch64 wanted", {p("linux/amd64"), p("linux/arm64/v8")}, "aarch64", 1, 1},
        {"equal entries: the first wins", {p("linux/arm64"), p("linux/arm64/v8")}, "linux/arm64", 0, 0},
        {"arm without variant is arm/v7", {p("linux/arm/v6"), p("linux/arm")}, "linux/arm/v7", 1, 1},
        {"arm wanted, variant-less entry", {p("linux/arm/v6"), p("linux/arm")}, "linux/arm", 1, 1},
        {"arm/v7 and variant-less arm are equal", {p("linux/arm"), p("linux/arm/v7")}, "linux/arm/v7", 0, 0},
        {"highest arm variant below the wanted one",
         {p("linux/arm/v5"), p("linux/arm/v6")},
         "linux/arm/v7",
         1,
         no_entry},
        {"arm/v8 falls back to v7", {p("linux/arm/v6"), p("linux/arm/v7")}, "linux/arm/v8", 1, no_entry},
        {"arm/v6 does not run v7", {p("linux/arm/v7"), p("linux/arm")}, "linux/arm/v6", no_entry, no_entry},
        {"arm64 falls back to 32-bit arm",
         {p("linux/amd64"), p("linux/arm/v6"), p("linux/arm/v7")},
         "linux/arm64",
         2,
         no_entry},
        {"arm64 prefers itself to arm", {p("linux/arm/v7"), p("linux/arm64")}, "linux/arm64", 1, 1},
        {"armhf wanted", {p("linux/amd64"), p("linux/arm/v7")}, "linux/armhf", 1, 1},
        {"armel wanted", {p("linux/arm/v7"), p("linux/arm/v6")}, "linux/armel", 1, 1},
        {"x86_64 wanted", {p("linux/arm64"), p("linux/amd64")}, "linux/x86_64", 1, 1},
        {"amd64 falls back to 386", {p("linux/arm64"), p("linux/386")}, "linux/amd64", 1, no_entry},
        {"amd64 prefers itself to 386", {p("linux/386"), p("linux/amd64")}, "linux/amd64", 1, 1},
        {"amd64 does not run v3", {p("linux/amd64/v3")}, "linux/amd64", no_entry, no_entry},
        {"amd64/v4 picks v3 over v1", {p("linux/amd64"), p("linux/amd64/v3")}, "linux/amd64/v4", 1, no_entry},
        {"amd64/v2 picks v1", {p("linux/amd64"), p("linux/amd64/v3")}, "linux/amd64/v2", 0, no_entry},
        {"amd64/v3 exact", {p("linux/amd64"), p("linux/amd64/v3")}, "linux/amd64/v3", 1, 1},
        {"amd64/v1 is amd64", {p("linux/amd64/v2"), p("linux/amd64/v1")}, "linux/amd64/v1", 1, 1},
        {"entry spelled differently", {p("Linux/x86_64")}, "linux/amd64", 0, 0},
        {"attestations are never chosen",
         {p("unknown/unknown"), p("linux/amd64"), p("unknown/unknown")},
         "linux/amd64",
         1,
         1},
        {"not even when asked for", {p("unknown/unknown")}, "unknown/unknown", no_entry, no_entry},
        {"entries without a platform are skipped", {none, p("linux/amd64")}, "linux/amd64", 1, 1},
        {"only entries without a platform", {none, none}, "linux/amd64", no_entry, no_entry},
        {"empty index", {}, "linux/amd64", no_entry, no_entry},
        {"other OS", {p("windows/amd64:10.0.17763.1"), p("linux/arm64")}, "linux/amd64", no_entry, no_entry},
        {"unknown architecture", {p("linux/amd64"), p("linux/arm64")}, "linux/s390x", no_entry, no_entry},
        {"windows without version: first entry",
         {p("linux/amd64"), p("windows/amd64:10.0.17763.1"), p("windows/amd64:10.0.20348.1")},
         "windows/amd64",
         1,
         1},
        {"windows ltsc2022",
         {p("windows/amd64:10.0.17763.1"), p("windows/amd64:10.0.20348.1")},
         "windows/amd64:10.0.20348",
         1,
         1},
        {"windows ltsc2019",
         {p("windows/amd64:10.0.20348.1"), p("windows/amd64:10.0.17763.1")},
         "windows/amd64:10.0.17763",
         1,
         1},
        {"windows 2025 runs 2022 images",
         {p("windows/amd64:10.0.17763.1"), p("windows/amd64:10.0.20348.1")},
         "windows/amd64:10.0.26100",
         1,
         1},
        {"windows 2016 runs neither",
         {p("windows/amd64:10.0.17763.1"), p("windows/amd64:10.0.20348.1")},
         "windows/amd64:10.0.14393",
         no_entry,
         no_entry},
        {"feature required by the entry", {p("linux/amd64", {"sse4"})}, "linux/amd64", no_entry, no_entry},
        {"feature offered by the wanted platform", {p("linux/amd64", {"sse4"})}, "linux(+sse4)/amd64", 0, 0},
        {"more features win", {p("linux/amd64"), p("linux/amd64", {"gpu"})}, "linux(+gpu)/amd64", 1, 1},
        {"arm64/v8.2 exact", {p("linux/arm64"), p("linux/arm64/v8.2")}, "linux/arm64/v8.2", 1, 1},
        {"arm64/v8.2 runs v8", {p("linux/arm64/v8.3"), p("linux/arm64")}, "linux/arm64/v8.2", 1, no_entry},
        {"arm64 does not run v8.2", {p("linux/arm64/v8.2")}, "linux/arm64", no_entry, no_entry},
        {"seven platforms",
         {p("linux/amd64"), p("linux/arm/v5"), p("linux/arm/v6"), p("linux/arm64/v8"), p("linux/386"),
          p("linux/ppc64le"), p("linux/s390x")},
         "linux/arm/v7",
         2,
         no_entry},
    };
    for (const auto &c : cases) {
        INFO(c.name << ": wanted " << c.wanted);
        auto wanted = digestx::parse_platform(c.wanted, kLinuxAmd64);
        REQUIRE(wanted);
        auto compatible = digestx::choose_platform(c.entries, *wanted, MatchMode::Compatible);
        auto strict = digestx::choose_platform(c.entries, *wanted, MatchMode::Strict);
        CHECK(show(compatible) == show(c.compatible));
        CHECK(show(strict) == show(c.strict));
    }
}

TEST_CASE("the no-match error lists the available platforms", "[platform]") {
    using Entries = std::vector<std::optional<Platform>>;
    Entries entries = {raw("linux/amd64"), raw("linux/arm/v7"), raw("unknown/unknown"),
                       std::nullopt,       raw("linux/amd64"),  raw("windows/amd64:10.0.17763.3650")};
    CHECK(digestx::available_platforms(entries) ==
          std::vector<std::string>{"linux/amd64", "linux/arm/v7", "windows/amd64:10.0.17763.3650"});

    auto error =
        digestx::no_platform_match(raw("linux/arm64"), "sha256:abc", {raw("linux/amd64"), raw("linux/arm/v7")});
    CHECK(error.code == ErrorCode::NotFound);
    CHECK(error.message == "no manifest for linux/arm64 in index sha256:abc (available: linux/amd64, linux/arm/v7)");

    struct Case {
        Entries entries;
        std::string message;
    };
    std::vector<Case> cases = {
        {{}, "no manifest for linux/arm64 in index sha256:abc (the index lists no manifests)"},
        {{raw("unknown/unknown"), std::nullopt}, "no manifest for linux/arm64 in index sha256:abc (available: none)"},
        {{raw("linux/\x1b]8;;x\x07"
              "amd64")},
         "no manifest for linux/arm64 in index sha256:abc (available: linux/\\x1b]8;;x\\x07amd64)"},
    };
    for (const auto &c : cases) {
        INFO("expected: " << c.message);
        CHECK(digestx::no_platform_match(raw("linux/arm64"), "sha256:abc", c.entries).message == c.message);
    }
    CHECK(digestx::no_platform_match(raw("windows/amd64:10.0.14393"), "example.com/app:1", {raw("linux/amd64")})
              .message ==
          "no manifest for windows/amd64:10.0.14393 in index example.com/app:1 (available: linux/amd64)");
}

TEST_CASE("Windows host and image os.version compatibility", "[platform]") {
    struct Case {
        std::string host, image;
        bool runs;
    };
    std::vector<Case> cases = {
        {"10.0.17763", "10.0.17763", true},
        {"10.0.17763.3650", "10.0.17763.1", true},
        {"10.0.17763", "10.0.17763.4499", true},
        {"10.0.17763", "10.0.20348", false},
        {"10.0.17763", "10.0.17134", false},
        {"10.0.14393", "10.0.14393.100", true},
        {"10.0.14393", "10.0.17763", false},
        {"10.0.20348", "10.0.20348.1249", true},
        {"10.0.20348", "10.0.17763", false},
        {"10.0.20348", "10.0.22621", false},
        {"10.0.20348", "10.0.26100", false},
        {"10.0.22621", "10.0.20348", true},
        {"10.0.22621", "10.0.22621", true},
        {"10.0.25398", "10.0.20348", true},
        {"10.0.26100.2894", "10.0.20348.3091", true},
        {"10.0.26100", "10.0.22621", true},
        {"10.0.26100", "10.0.17763", false},
        {"10.0.26100", "10.1.26100", false},
        {"6.3.9600", "10.0.17763", false},
        {"10.0.17763", "", true},
        {"", "10.0.17763", true},
        {"10.0", "10.0.17763", true},
        {"junk", "10.0.17763", true},
        {"10.0.99999", "10.0.17763", true},
        {"10.0.17763", "junk", false},
        {"10.0.17763", "10.0", false},
    };
    for (const auto &c : cases) {
        INFO("host " << c.host << ", image " << c.image);
        CHECK(digestx::windows_host_runs(c.host, c.image) == c.runs);
    }
}

TEST_CASE("a Windows matcher ignores the candidate's win32k os.feature, other features must be wanted", "[platform]") {
    // containerd/platforms rc.4+ windowsStripFeaturesMatcher: real Windows images declare
    // os.features ["win32k"], which no matcher asks for; before rc.3 features were not compared at all.
    auto with = [](std::string_view text, std::vector<std::string> features) {
        Platform platform = raw(text);
        platform.os_features = std::move(features);
        return platform;
    };
    struct Case {
        Platform wanted;
        Platform candidate;
        bool matches;
    };
    const std::vector<Case> cases = {
        {raw("windows/amd64"), with("windows/amd64:10.0.20348.2", {"win32k"}), true},
        {raw("windows/amd64:10.0.20348"), with("windows/amd64:10.0.20348.2", {"win32k"}), true},
        {raw("windows/amd64"), with("windows/amd64", {"win32k", "gpu"}), false},
        {with("windows/amd64", {"gpu"}), with("windows/amd64", {"win32k", "gpu"}), true},
        // Only a Windows matcher strips it: Linux never had the feature to ignore.
        {raw("linux/amd64"), with("linux/amd64", {"win32k"}), false},
    };
    for (const auto &c : cases) {
        INFO(format_platform_all(c.wanted) << " vs " << format_platform_all(c.candidate));
        CHECK(PlatformMatcher::only(c.wanted).matches(c.candidate) == c.matches);
        CHECK(PlatformMatcher::only_strict(c.wanted).matches(c.candidate) == c.matches);
    }
    // The feature count still breaks ties as containerd's Less does (the raw list, win32k counted).
    auto matcher = PlatformMatcher::only(raw("windows/amd64"));
    CHECK(matcher.less(with("windows/amd64", {"win32k"}), raw("windows/amd64")));
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/platform.hpp"
#include "unit/platform_test_support.hpp"

using digestx::ErrorCode;
using digestx::Platform;
using digestx::test::kLinuxAmd64;
using digestx::test::raw;

TEST_CASE("parse accepts containerd's specifiers and normalises them", "[platform]") {
    struct Case {
        std::string input;
        Platform expected;
    };
    std::vector<Case> cases = {
        {"linux/amd64", raw("linux/amd64")},
        {"linux/arm64", raw("linux/arm64")},
        {"linux/aarch64", raw("linux/arm64")},
        {"linux/AArch64", raw("linux/arm64")},
        {"linux/arm64/v8", raw("linux/arm64/v8")},
        {"linux/arm64/8", raw("linux/arm64/v8")},
        {"linux/aarch64/v8", raw("linux/arm64/v8")},
        {"linux/arm64/v8.0", raw("linux/arm64/v8")},
        {"linux/arm64/v8.2", raw("linux/arm64/v8.2")},
        {"linux/arm64/v9", raw("linux/arm64/v9")},
        {"linux/arm64/9.0", raw("linux/arm64/v9")},
        {"linux/arm", raw("linux/arm")},
        {"linux/armhf", raw("linux/arm")},
        {"linux/armel", raw("linux/arm/v6")},
        {"linux/arm/v7", raw("linux/arm/v7")},
        {"linux/arm/7", raw("linux/arm/v7")},
        {"linux/arm/v6", raw("linux/arm/v6")},
        {"linux/arm/6", raw("linux/arm/v6")},
        {"linux/arm/v5", raw("linux/arm/v5")},
        {"linux/arm/8", raw("linux/arm/v8")},
        {"linux/armhf/v6", raw("linux/arm/v7")},
        {"linux/x86_64", raw("linux/amd64")},
        {"linux/x86-64", raw("linux/amd64")},
        {"linux/AMD64", raw("linux/amd64")},
        {"linux/amd64/v1", raw("linux/amd64")},
        {"linux/amd64/v2", raw("linux/amd64/v2")},
        {"linux/amd64/v3", raw("linux/amd64/v3")},
        {"linux/amd64/V4", raw("linux/amd64/v4")},
        {"linux/i386", raw("linux/386")},
        {"linux/386", raw("linux/386")},
        {"linux/ppc64le", raw("linux/ppc64le")},
        {"linux/s390x", raw("linux/s390x")},
        {"linux/riscv64", raw("linux/riscv64")},
        {"linux/mips64le", raw("linux/mips64le")},
        {"linux/loong64", raw("linux/loong64")},
        {"linux/some_new.arch", raw("linux/some_new.arch")},
        {"Linux/x86_64", raw("linux/amd64")},
        {"LINUX/ARM64/V8", raw("linux/arm64/v8")},
        {"macos/arm64", raw("darwin/arm64")},
        {"MacOS/amd64", raw("darwin/amd64")},
        {"freebsd/amd64", raw("freebsd/amd64")},
        {"windows/amd64", raw("windows/amd64")},
        {"windows/arm64", raw("windows/arm64")},
        {"windows/amd64:10.0.17763", raw("windows/amd64:10.0.17763")},
        {"windows/amd64:10.0.17763.3650", raw("windows/amd64:10.0.17763.3650")},
        {"Windows/AMD64:10.0.20348.1249", raw("windows/amd64:10.0.20348.1249")},
        {"windows(10.0.17763)/amd64", raw("windows/amd64:10.0.17763")},
        {"windows(10.0.17763+win32k)/amd64", raw("windows/amd64:10.0.17763", {"win32k"})},
        {"windows(10.0.17763%2Bbuild.42)/amd64", raw("windows/amd64:10.0.17763+build.42")},
        {"windows/amd64:10.0.17763+build.42", raw("windows/amd64:10.0.17763+build.42")},
        {"windows()/amd64", raw("windows/amd64")},
        {"linux(+gpu+simd)/amd64", raw("linux/amd64", {"gpu", "simd"})},
        {"linux(+b+a)/arm64/v8", raw("linux/arm64/v8", {"b", "a"})},
        {"linux/amd64:6.1", raw("linux/amd64:6.1")},
        {"unknown/unknown", raw("unknown/unknown")},
        // One word: an OS takes the host's architecture, an architecture takes the host's OS.
        {"linux", raw("linux/amd64")},
        {"windows", raw("windows/amd64")},
        {"macOS", raw("darwin/amd64")},
        {"freebsd", raw("freebsd/amd64")},
        {"windows(10.0.20348)", raw("windows/amd64:10.0.20348")},
        {"arm64", raw("linux/arm64")},
        {"aarch64", raw("linux/arm64")},
        {"Aarch64", raw("linux/arm64")},
        {"amd64", raw("linux/amd64")},
        {"x86_64", raw("linux/amd64")},
        {"x86-64", raw("linux/amd64")},
        {"i386", raw("linux/386")},
        {"386", raw("linux/386")},
        {"arm", raw("linux/arm")},
        {"armhf", raw("linux/arm")},
        {"armel", raw("linux/arm/v6")},
        {"s390x", raw("linux/s390x")},
        {"ppc64le", raw("linux/ppc64le")},
        {"riscv64", raw("linux/riscv64")},
        {"wasm", raw("linux/wasm")},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parsed = digestx::parse_platform(c.input, kLinuxAmd64);
        REQUIRE(parsed);
        CHECK(*parsed == c.expected);
    }
}

TEST_CASE("parse fills a one-word platform from the injected host", "[platform]") {
    struct Case {
        std::string input;
        Platform host;
        Platform expected;
    };
    std::vector<Case> cases = {
        {"linux", raw("linux/arm64"), raw("linux/arm64")},
        {"linux", raw("linux/arm/v6"), raw("linux/arm/v6")},
        {"linux", raw("linux/arm/v5"), raw("linux/arm/v5")},
        // containerd leaves the variant unwritten for v7, the common arm, and for other arches.
        {"linux", raw("linux/arm/v7"), raw("linux/arm")},
        {"linux", raw("linux/amd64/v3"), raw("linux/amd64")},
        {"windows", raw("linux/arm/v6"), raw("windows/arm/v6")},
        {"arm64", raw("darwin/arm64"), raw("darwin/arm64")},
        {"amd64", raw("windows/amd64"), raw("windows/amd64")},
        {"armel", raw("freebsd/amd64"), raw("freebsd/arm/v6")},
        {"linux/amd64", raw("darwin/arm64"), raw("linux/amd64")},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input << " on host " << digestx::display_platform(c.host));
        auto parsed = digestx::parse_platform(c.input, c.host);
        REQUIRE(parsed);
        CHECK(*parsed == c.expected);
    }
}

TEST_CASE("parse rejects unparsable platforms as usage errors", "[platform]") {
    struct Case {
        std::string input;
        std::string message_part;
    };
    std::vector<Case> cases = {
        {"", "platform is empty"},
        {"/", "empty part"},
        {"/linux/arm", "the os part"},
        {"linux/", "empty part"},
        {"linux//amd64", "empty part"},
        {"linux/arm/", "empty part"},
        {"linux/arm/v7/", "too many"},
        {"linux/arm/foo/bar", "too many"},
        {"a/b/c/d/e", "too many"},
        {"linux /arm", "the os part"},
        {" linux/amd64", "the os part"},
        {"linux/amd64 ", "may only hold"},
        {"linux/&arm", "may only hold"},
        {"linux/arm$", "may only hold"},
        {"linux/arm/v7!", "may only hold"},
        {"linux/amd64\n", "may only hold"},
        {"linux/\xef\xbd\x81md64", "may only hold"},
        {"*", "wildcards"},
        {"linux/*", "wildcards"},
        {"*/arm64", "wildcards"},
        {"foo", "unknown operating system or architecture \"foo\""},
        {"x86", "unknown operating system or architecture"},
        {"aarch", "unknown operating system or architecture"},
        {"amd64(10.0)", "unknown operating system or architecture"},
        {"linux(", "the os part"},
        {"linux(10.0", "the os part"},
        {"linux()x/amd64", "the os part"},
        {"(10.0)/amd64", "the os part"},
        {"linux(a b)/amd64", "os options"},
        {"linux(+)/amd64", "os options"},
        {"linux(1.0+)/amd64", "os options"},
        {"linux(1.0++x)/amd64", "os options"},
        {"linux(1:0)/amd64", "os.version after ':'"},
        {"linux(%zz)/amd64", "bad %-escape"},
        {"linux(%4)/amd64", "bad %-escape"},
        {"linux(1%)/amd64", "bad %-escape"},
        {"windows/amd64:", "os.version after ':'"},
        {"windows/amd64:10.0 1", "os.version after ':'"},
        {"windows/amd64:10.0:1", "os.version after ':'"},
        {"windows/amd64:10.0/1", "os.version after ':'"},
        {"windows(10.0.1)/amd64:10.0.1", "given twice"},
        {":10.0", "the os part"},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parsed = digestx::parse_platform(c.input, kLinuxAmd64);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::Usage);
        CHECK_THAT(parsed.error().message, Catch::Contains(c.message_part));
        CHECK(parsed.error().message.find('\n') == std::string::npos);
    }
}

TEST_CASE("parse error messages escape what the user typed", "[platform]") {
    auto parsed = digestx::parse_platform("linux/\x1b[31mamd64", kLinuxAmd64);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message.find('\x1b') == std::string::npos);
    CHECK_THAT(parsed.error().message, Catch::Contains("\\x1b[31mamd64"));
}

TEST_CASE("normalize_arch follows containerd's table", "[platform]") {
    struct Case {
        std::string architecture, variant, expected_architecture, expected_variant;
    };
    std::vector<Case> cases = {
        {"amd64", "", "amd64", ""},
        {"amd64", "v1", "amd64", ""},
        {"amd64", "V1", "amd64", ""},
        {"amd64", "v2", "amd64", "v2"},
        {"amd64", "v3", "amd64", "v3"},
        {"amd64", "v4", "amd64", "v4"},
        {"x86_64", "", "amd64", ""},
        {"x86_64", "v3", "amd64", "v3"},
        {"X86_64", "", "amd64", ""},
        {"x86-64", "v1", "amd64", ""},
        {"i386", "", "386", ""},
        {"i386", "v1", "386", ""},
        {"386", "", "386", ""},
        {"aarch64", "", "arm64", ""},
        {"aarch64", "v8", "arm64", ""},
        {"arm64", "", "arm64", ""},
        {"arm64", "v8", "arm64", ""},
        {"arm64", "8", "arm64", ""},
        {"arm64", "V8", "arm64", ""},
        {"arm64", "v8.0", "arm64", ""},
        {"arm64", "8.0", "arm64", ""},
        {"arm64", "v8.1", "arm64", "v8.1"},
        {"arm64", "8.2", "arm64", "v8.2"},
        {"arm64", "v9", "arm64", "v9"},
        {"arm64", "9", "arm64", "v9"},
        {"arm64", "v9.0", "arm64", "v9"},
        {"arm64", "v9.3", "arm64", "v9.3"},
        {"arm64", "custom", "arm64", "custom"},
        {"armhf", "", "arm", "v7"},
        {"armhf", "v6", "arm", "v7"},
        {"armel", "", "arm", "v6"},
        {"armel", "v7", "arm", "v6"},
        {"arm", "", "arm", "v7"},
        {"arm", "7", "arm", "v7"},
        {"arm", "v7", "arm", "v7"},
        {"arm", "6", "arm", "v6"},
        {"arm", "v6", "arm", "v6"},
        {"arm", "5", "arm", "v5"},
        {"arm", "8", "arm", "v8"},
        {"arm", "v4", "arm", "v4"},
        {"ARM", "", "arm", "v7"},
        {"ppc64le", "", "ppc64le", ""},
        {"s390x", "", "s390x", ""},
        {"riscv64", "", "riscv64", ""},
        {"mips64le", "", "mips64le", ""},
        {"", "", "", ""},
    };
    for (const auto &c : cases) {
        INFO("normalize_arch(" << c.architecture << ", " << c.variant << ")");
        auto normalized = digestx::normalize_arch(c.architecture, c.variant);
        CHECK(normalized.first == c.expected_architecture);
        CHECK(normalized.second == c.expected_variant);
    }
}

TEST_CASE("normalize_os lowercases and maps macos to darwin", "[platform]") {
    std::vector<std::pair<std::string, std::string>> cases = {
        {"linux", "linux"},  {"Linux", "linux"},   {"LINUX", "linux"},     {"macos", "darwin"},
        {"MacOS", "darwin"}, {"darwin", "darwin"}, {"Windows", "windows"}, {"", ""},
    };
    for (const auto &[input, expected] : cases) {
        INFO("os: " << input);
        CHECK(digestx::normalize_os(input) == expected);
    }
}

TEST_CASE("normalize sorts os.features and equivalent compares canonical forms", "[platform]") {
    Platform messy = raw("Linux/AArch64/V8:6.1", {"b", "", "a", "b"});
    Platform clean = digestx::normalize(messy);
    CHECK(clean == raw("linux/arm64:6.1", {"a", "b"}));
    CHECK(digestx::normalize(clean) == clean);

    struct Case {
        Platform a, b;
        bool equivalent;
    };
    std::vector<Case> cases = {
        {raw("linux/arm64"), raw("linux/arm64/v8"), true},
        {raw("linux/aarch64"), raw("linux/arm64"), true},
        {raw("linux/arm"), raw("linux/arm/v7"), true},
        {raw("linux/armhf"), raw("linux/arm/v7"), true},
        {raw("linux/armel"), raw("linux/arm/v6"), true},
        {raw("linux/amd64"), raw("linux/amd64/v1"), true},
        {raw("linux/x86_64"), raw("linux/amd64"), true},
        {raw("linux/i386"), raw("linux/386"), true},
        {raw("macos/arm64"), raw("darwin/arm64/v8"), true},
        {raw("LINUX/AMD64"), raw("linux/amd64"), true},
        {raw("linux/amd64", {"b", "a"}), raw("linux/amd64", {"a", "b"}), true},
        {raw("linux/amd64"), raw("linux/amd64/v2"), false},
        {raw("linux/arm64"), raw("linux/arm64/v8.2"), false},
        {raw("linux/arm"), raw("linux/arm/v6"), false},
        {raw("linux/amd64"), raw("windows/amd64"), false},
        {raw("linux/amd64"), raw("linux/386"), false},
        {raw("linux/arm64"), raw("linux/arm/v8"), false},
        {raw("windows/amd64:10.0.17763"), raw("windows/amd64:10.0.20348"), false},
        {raw("linux/amd64", {"gpu"}), raw("linux/amd64"), false},
    };
    for (const auto &c : cases) {
        INFO(digestx::format_platform_all(c.a) << " vs " << digestx::format_platform_all(c.b));
        CHECK(digestx::equivalent(c.a, c.b) == c.equivalent);
        CHECK(digestx::equivalent(c.b, c.a) == c.equivalent);
    }
}

TEST_CASE("platforms format as containerd does and display with :os.version", "[platform]") {
    struct Case {
        Platform platform;
        std::string format, format_all, display;
    };
    std::vector<Case> cases = {
        {raw("linux/amd64"), "linux/amd64", "linux/amd64", "linux/amd64"},
        {raw("linux/arm/v7"), "linux/arm/v7", "linux/arm/v7", "linux/arm/v7"},
        {raw("linux/arm64/v8"), "linux/arm64/v8", "linux/arm64/v8", "linux/arm64/v8"},
        {raw("linux/amd64/v3"), "linux/amd64/v3", "linux/amd64/v3", "linux/amd64/v3"},
        {raw("windows/amd64:10.0.17763"), "windows/amd64", "windows(10.0.17763)/amd64", "windows/amd64:10.0.17763"},
        {raw("windows/amd64:10.0.17763.3650", {"win32k"}), "windows/amd64", "windows(10.0.17763.3650+win32k)/amd64",
         "windows/amd64:10.0.17763.3650"},
        {raw("windows/amd64:10.0+build"), "windows/amd64", "windows(10.0%2Bbuild)/amd64", "windows/amd64:10.0+build"},
        {raw("linux/amd64", {"simd", "gpu"}), "linux/amd64", "linux(+gpu+simd)/amd64", "linux/amd64"},
        {raw("linux/amd64", {"a(b)/c%"}), "linux/amd64", "linux(+a%28b%29%2Fc%25)/amd64", "linux/amd64"},
        {raw("linux"), "linux", "linux", "linux"},
        {raw("unknown/unknown"), "unknown/unknown", "unknown/unknown", "unknown/unknown"},
        {raw("/amd64"), "unknown", "unknown", "unknown"},
        {raw(""), "unknown", "unknown", "unknown"},
    };
    for (const auto &c : cases) {
        INFO("platform: " << c.format_all);
        CHECK(digestx::format_platform(c.platform) == c.format);
        CHECK(digestx::format_platform_all(c.platform) == c.format_all);
        CHECK(digestx::display_platform(c.platform) == c.display);
    }
}

TEST_CASE("displayed and FormatAll'd platforms parse back to themselves", "[platform]") {
    std::vector<Platform> platforms = {
        raw("linux/amd64"),
        raw("linux/amd64/v2"),
        raw("linux/arm64"),
        raw("linux/arm64/v8"),
        raw("linux/arm64/v8.2"),
        raw("linux/arm/v7"),
        raw("linux/arm/v6"),
        raw("linux/arm"),
        raw("linux/386"),
        raw("linux/s390x"),
        raw("windows/amd64:10.0.17763"),
        raw("windows/arm64:10.0.26100.2894"),
        raw("darwin/arm64"),
        raw("freebsd/riscv64"),
        raw("linux/amd64:5.15+rt"),
    };
    for (const auto &platform : platforms) {
        INFO("platform: " << digestx::format_platform_all(platform));
        auto displayed = digestx::parse_platform(digestx::display_platform(platform), kLinuxAmd64);
        REQUIRE(displayed);
        CHECK(*displayed == platform);
        auto all = digestx::parse_platform(digestx::format_platform_all(platform), kLinuxAmd64);
        REQUIRE(all);
        CHECK(*all == platform);
    }
    Platform featured = raw("windows/amd64:10.0+x", {"win32k", "a+b"});
    auto reparsed = digestx::parse_platform(digestx::format_platform_all(featured), kLinuxAmd64);
    REQUIRE(reparsed);
    CHECK(digestx::normalize(*reparsed) == digestx::normalize(featured));
}

// Found by fuzz/platform.cpp (corpus file fuzz/corpus/platform/regression-os-option-escape):
// containerd escapes only `%+()/`, so a decoded `$` came out bare and did not parse back.
TEST_CASE("FormatAll escapes every byte its parser does not take bare", "[platform]") {
    auto parsed = digestx::parse_platform("windows(50%24donm)/amd64", kLinuxAmd64);
    REQUIRE(parsed);
    CHECK(parsed->os_version == "50$donm");
    CHECK(digestx::format_platform_all(*parsed) == "windows(50%24donm)/amd64");
    Platform odd = raw("linux/amd64:a b\x01", {"f\x7f", "\xc3\xa9"});
    CHECK(digestx::format_platform_all(odd) == "linux(a%20b%01+f%7F+%C3%A9)/amd64");
    for (const auto &platform : {*parsed, odd}) {
        auto again = digestx::parse_platform(digestx::format_platform_all(platform), kLinuxAmd64);
        REQUIRE(again);
        CHECK(digestx::normalize(*again) == digestx::normalize(platform));
    }
}

TEST_CASE("unknown/unknown is recognised in any case", "[platform]") {
    CHECK(digestx::is_unknown_platform(raw("unknown/unknown")));
    CHECK(digestx::is_unknown_platform(raw("Unknown/UNKNOWN")));
    CHECK_FALSE(digestx::is_unknown_platform(raw("unknown/amd64")));
    CHECK_FALSE(digestx::is_unknown_platform(raw("linux/unknown")));
    CHECK_FALSE(digestx::is_unknown_platform(raw("linux/amd64")));
}

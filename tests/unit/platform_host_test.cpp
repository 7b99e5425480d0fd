#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "digestx/io/host_platform.hpp"
#include "digestx/core/platform.hpp"
#include "unit/platform_test_support.hpp"

using digestx::HostFacts;
using digestx::MatchMode;
using digestx::Platform;
using digestx::test::kLinuxAmd64;
using digestx::test::raw;

TEST_CASE("the ARM variant is read from the uname machine name", "[platform][host]") {
    std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
        {"aarch64", "8"},      {"AArch64", "8"},         {"armv8l", "8"},         {"armv7l", "7"},
        {"armv7", "7"},        {"armv6l", "6"},          {"armv5tel", "5"},       {"armv4t", "4"},
        {"armv3", "3"},        {"armv9", "unknown"},     {"armv2", "unknown"},    {"armv", std::nullopt},
        {"arm", std::nullopt}, {"x86_64", std::nullopt}, {"arm64", std::nullopt}, {"", std::nullopt},
    };
    for (const auto &[machine, expected] : cases) {
        INFO("machine: " << machine);
        CHECK(digestx::cpu_variant_from_machine(machine) == expected);
    }
}

TEST_CASE("cpuinfo fields and the x86-64 level", "[platform][host]") {
    std::string cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
                          "flags\t\t: fpu sse2 pni ssse3\n\nprocessor\t: 1\nflags\t\t: other\n";
    CHECK(digestx::cpuinfo_value(cpuinfo, "flags") == "fpu sse2 pni ssse3");
    CHECK(digestx::cpuinfo_value(cpuinfo, "FLAGS") == "fpu sse2 pni ssse3");
    CHECK(digestx::cpuinfo_value(cpuinfo, "vendor_id") == "GenuineIntel");
    CHECK(digestx::cpuinfo_value(cpuinfo, "model name") == "Intel(R) Xeon(R) CPU @ 2.20GHz");
    CHECK(digestx::cpuinfo_value(cpuinfo, "CPU architecture").empty());
    CHECK(digestx::cpuinfo_value("", "flags").empty());
    CHECK(digestx::cpuinfo_value("CPU architecture: 8", "cpu architecture") == "8");

    std::string v2 = "fpu cx8 cmov sse2 cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3";
    std::string v3 = v2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave";
    std::string v4 = v3 + " avx512f avx512bw avx512cd avx512dq avx512vl";
    std::vector<std::pair<std::string, std::string>> cases = {
        {"", "v1"},
        {"fpu cx8 cmov sse2", "v1"},
        {"fpu cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3", "v1"},
        {v2, "v2"},
        {v2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe", "v2"},
        {v3, "v3"},
        {v3 + " avx512f avx512bw avx512cd avx512dq", "v3"},
        {v4, "v4"},
        {"avx512f avx512bw avx512cd avx512dq avx512vl avx avx2", "v1"},
        {v4 + "  ", "v4"},
    };
    for (const auto &[flags, level] : cases) {
        INFO("flags: " << flags);
        CHECK(digestx::amd64_level_from_flags(flags) == level);
    }
}

TEST_CASE("the host platform follows uname and cpuinfo", "[platform][host]") {
    std::string v3_flags = "flags : fpu cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3 avx avx2 bmi1 bmi2 f16c fma abm "
                           "movbe xsave\n";
    struct Case {
        HostFacts facts;
        Platform expected;
    };
    std::vector<Case> cases = {
        {{"Linux", "x86_64", ""}, raw("linux/amd64")},
        {{"Linux", "x86_64", "flags : fpu sse2\n"}, raw("linux/amd64")},
        {{"Linux", "x86_64", v3_flags}, raw("linux/amd64/v3")},
        {{"Linux", "aarch64", "CPU architecture: 8\n"}, raw("linux/arm64")},
        {{"Linux", "aarch64", ""}, raw("linux/arm64")},
        {{"Linux", "armv7l", "CPU architecture: 7\n"}, raw("linux/arm/v7")},
        {{"Linux", "armv7l", ""}, raw("linux/arm/v7")},
        {{"Linux", "armv8l", "CPU architecture: 8\n"}, raw("linux/arm/v8")},
        {{"Linux", "armv6l", "model name : ARMv6-compatible processor rev 7 (v6l)\nCPU architecture: 7\n"},
         raw("linux/arm/v6")},
        {{"Linux", "armv5tel", "CPU architecture: 5TEJ\n"}, raw("linux/arm/v5")},
        {{"Linux", "armv7l", "CPU architecture: ?(12)\n"}, raw("linux/arm/v7")},
        {{"Linux", "armv9", ""}, raw("linux/arm/v7")},
        {{"Linux", "i686", ""}, raw("linux/386")},
        {{"Linux", "ppc64le", ""}, raw("linux/ppc64le")},
        {{"Linux", "s390x", ""}, raw("linux/s390x")},
        {{"Linux", "riscv64", ""}, raw("linux/riscv64")},
        {{"Linux", "loongarch64", ""}, raw("linux/loong64")},
        {{"Darwin", "arm64", ""}, raw("darwin/arm64")},
        {{"Darwin", "x86_64", ""}, raw("darwin/amd64")},
        {{"FreeBSD", "amd64", ""}, raw("freebsd/amd64")},
    };
    for (const auto &c : cases) {
        INFO(c.facts.system << " " << c.facts.machine << " with cpuinfo \"" << c.facts.cpuinfo << "\"");
        CHECK(digestx::host_platform_from(c.facts) == c.expected);
    }
}

TEST_CASE("the detected host platform is normalised and drives one-word parsing", "[platform][host]") {
    const Platform &host = digestx::host_platform();
    INFO("detected host: " << digestx::display_platform(host));
    CHECK_FALSE(host.os.empty());
    CHECK_FALSE(host.architecture.empty());
    CHECK(digestx::normalize(host) == host);
    CHECK(&digestx::host_platform() == &host);
    auto facts = digestx::read_host_facts();
    CHECK(digestx::host_platform_from(facts) == host);
    auto parsed = digestx::parse_platform(host.os);
    REQUIRE(parsed);
    CHECK(parsed->architecture == host.architecture);
    // Without --platform digestx wants the host, and the host must accept its own platform.
    CHECK(digestx::choose_platform({host}, host, MatchMode::Compatible) == std::optional<std::size_t>(0));
}

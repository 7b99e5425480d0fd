/// @file
/// Fuzz target: platforms as `--platform` takes them and as a host describes itself.
/// Invariants: normalisation is idempotent; FormatAll round-trips through the parser (as
/// format_platform_all promises); a platform matches itself under every matcher; the choice
/// among index entries is an entry that matches.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/platform.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;

namespace {

const digestx::Platform &host() {
    static const digestx::Platform platform{"linux", "amd64", "", "", {}};
    return platform;
}

// containerd platforms.go: osRe takes `[A-Za-z0-9_-]+` for the OS, specifierRe `[A-Za-z0-9_.-]+`
// for the other parts (an empty variant is left out).
bool specifier_parts(const digestx::Platform &platform) {
    const auto component = [](std::string_view text, bool dot) {
        return std::all_of(text.begin(), text.end(), [dot](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                   (dot && c == '.');
        });
    };
    return component(platform.os, false) && !platform.architecture.empty() && component(platform.architecture, true) &&
           component(platform.variant, true);
}

void check_platform(const digestx::Platform &platform) {
    const auto normal = digestx::normalize(platform);
    check(digestx::normalize(normal) == normal, "normalize() is idempotent");
    check(digestx::equivalent(platform, normal), "a platform is equivalent to its normal form");
    (void)digestx::display_platform(platform);
    (void)digestx::format_platform(platform);
    (void)digestx::is_unknown_platform(platform);
    // containerd's Format writes os, architecture and variant unescaped, so only a platform whose
    // parts are specifier components (what parse_platform returns; real uname values) can read back.
    if (!platform.os.empty() && specifier_parts(platform)) {
        const auto again = digestx::parse_platform(digestx::format_platform_all(normal), host());
        check(again.has_value(), "format_platform_all() parses");
        check(digestx::normalize(*again) == normal, "format_platform_all() round-trips through parse_platform()");
    }
    check(digestx::PlatformMatcher::only_strict(platform).matches(platform), "OnlyStrict(p) matches p");
    const auto only = digestx::PlatformMatcher::only(platform);
    check(only.matches(platform), "Only(p) matches p");
    check(!only.less(platform, platform), "less() is irreflexive");
    (void)digestx::PlatformMatcher::only_os(platform).matches(normal);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    switch (input.choose(3)) {
    case 0: {
        // A --platform value, then index entries to choose from, one per line.
        const auto wanted = digestx::parse_platform(input.line(), host());
        if (wanted) check_platform(*wanted);
        std::vector<std::optional<digestx::Platform>> entries;
        while (!input.rest().empty()) {
            auto entry = digestx::parse_platform(input.line(), host());
            if (entry)
                entries.push_back(*entry);
            else
                entries.emplace_back(std::nullopt);
        }
        (void)digestx::available_platforms(entries);
        if (!wanted) break;
        for (const auto mode : {digestx::MatchMode::Compatible, digestx::MatchMode::Strict}) {
            const auto chosen = digestx::choose_platform(entries, *wanted, mode);
            if (!chosen) continue;
            check(*chosen < entries.size() && entries[*chosen].has_value(), "the choice is an entry with a platform");
            check(digestx::PlatformMatcher::for_mode(*wanted, mode).matches(*entries[*chosen]),
                  "the chosen entry matches");
        }
        (void)digestx::no_platform_match(*wanted, "fuzz", entries);
        break;
    }
    case 1: {
        // A host's facts: uname sysname and machine on one line each, then /proc/cpuinfo.
        digestx::HostFacts facts;
        facts.system = std::string(input.line());
        facts.machine = std::string(input.line());
        facts.cpuinfo = std::string(input.rest());
        (void)digestx::cpu_variant_from_machine(facts.machine);
        (void)digestx::amd64_level_from_flags(digestx::cpuinfo_value(facts.cpuinfo, "flags"));
        check_platform(digestx::host_platform_from(facts));
        break;
    }
    default: {
        // Windows os.version compatibility: host then image.
        const auto host_version = input.line();
        const auto image_version = input.line();
        (void)digestx::windows_host_runs(host_version, image_version);
        check(digestx::windows_host_runs(host_version, ""), "an image without os.version runs on every host");
        break;
    }
    }
    return 0;
}

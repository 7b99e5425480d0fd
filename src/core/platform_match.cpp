// Matching and ordering of platforms as containerd/platforms does (compare.go, platforms.go,
// platform_windows_compat.go), and the choice of one index entry built on it.

#include "digestx/core/platform.hpp"

#include <algorithm>

#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// Go's strconv.Atoi for the small unsigned numbers that variants hold.
std::optional<int> small_number(std::string_view text) {
    if (text.empty() || text.size() > 6) return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<int> variant_number(std::string_view variant) {
    if (variant.starts_with('v')) variant.remove_prefix(1);
    return small_number(variant);
}

struct WindowsVersion {
    unsigned major = 0;
    unsigned minor = 0;
    unsigned build = 0;
    [[nodiscard]] bool empty() const { return major == 0 && minor == 0 && build == 0; }
};

std::optional<unsigned> bounded(std::string_view text, unsigned maximum) {
    auto value = small_number(text);
    if (!value || static_cast<unsigned>(*value) > maximum) return std::nullopt;
    return static_cast<unsigned>(*value);
}

// major.minor.build[.revision]; anything else reads as the empty (unknown) version.
WindowsVersion parse_windows_version(std::string_view text) {
    if (std::count(text.begin(), text.end(), '.') < 2) return {};
    auto first = text.find('.');
    auto second = text.find('.', first + 1);
    auto third = text.find('.', second + 1);
    auto major = bounded(text.substr(0, first), 255);
    auto minor = bounded(text.substr(first + 1, second - first - 1), 255);
    auto build =
        bounded(text.substr(second + 1, third == std::string_view::npos ? text.npos : third - second - 1), 65535);
    if (!major || !minor || !build) return {};
    return {*major, *minor, *build};
}

// Windows Server 2022 (ltsc2022) is the first release with a stable container ABI: hosts from it
// on run images of any build from 20348 up to their own.
// https://learn.microsoft.com/en-us/virtualization/windowscontainers/deploy-containers/version-compatibility
// containerd/platforms v1.0.0-rc.5 (platform_windows_compat.go, containerd#14001 "Fix WS2022
// compat on hosts past the latest LTSC") keeps that floor for every host from 20348 on, 26100
// (ltsc2025) and newer included. rc.4 had raised the floor to 26100 for hosts past 26100, which
// refused ltsc2022 images on Windows 11 25H2 (moby#53397); rc.5 reverted it, and so do we.
constexpr unsigned kWindowsServer2022Build = 20348;

bool windows_compatible(const WindowsVersion &host, const WindowsVersion &image) {
    if (host.major != image.major || host.minor != image.minor) return false;
    if (host.build < kWindowsServer2022Build) return host.build == image.build;
    return image.build >= kWindowsServer2022Build && image.build <= host.build;
}

bool os_version_ok(const Platform &wanted, const Platform &candidate) {
    if (wanted.os != "windows") return true;
    return windows_host_runs(wanted.os_version, candidate.os_version);
}

bool features_ok(const Platform &wanted, const Platform &normalized_candidate) {
    const auto &have = wanted.os_features;
    const auto &need = normalized_candidate.os_features;
    return std::includes(have.begin(), have.end(), need.begin(), need.end());
}

// containerd's matcher.Match without the os.features check.
bool same_target(const Platform &wanted, const Platform &normalized_candidate, const Platform &candidate) {
    return wanted.os == normalized_candidate.os && wanted.architecture == normalized_candidate.architecture &&
           wanted.variant == normalized_candidate.variant && os_version_ok(wanted, candidate);
}

Platform with_target(const Platform &base, std::string architecture, std::string variant) {
    Platform out = base;
    out.architecture = std::move(architecture);
    out.variant = std::move(variant);
    return out;
}

void append_arm_vector(std::vector<Platform> &vector, const Platform &arm) {
    vector.push_back(arm);
    auto version = variant_number(arm.variant);
    if (!version || *version <= 5) return;
    // containerd counts down from any N; 32-bit ARM ends at v8, so a larger variant (the
    // fuzzer's arm/v432008) falls back from v8 rather than through a list of CPUs that never were.
    for (int v = std::min(*version - 1, 8); v >= 5; --v)
        vector.push_back(with_target(arm, "arm", "v" + std::to_string(v)));
}

// arm64/v9.x also runs v9.(x-1) … v9 and v8.(x+5) … v8: v9.0 branched from v8.5 and the v8 line
// ends at v8.9. Only one-digit minors are read, as containerd does.
void append_arm64_vector(std::vector<Platform> &vector, const Platform &platform) {
    vector.push_back(platform);
    std::string variant = platform.variant.empty() ? "v8" : platform.variant;
    auto dot = variant.find('.');
    auto major = variant_number(std::string_view(variant).substr(0, dot));
    if (major && *major >= 8) {
        int minor = 0;
        if (variant.size() == 4 && dot != std::string::npos) minor = small_number(variant.substr(dot + 1)).value_or(0);
        auto add = [&](int major_number, int minor_number) {
            std::string name = "v" + std::to_string(major_number);
            if (minor_number != 0) name += "." + std::to_string(minor_number);
            vector.push_back(with_target(platform, "arm64", name));
        };
        int current_major = *major;
        if (current_major == 9) {
            for (int m = minor - 1; m >= 0; --m)
                add(9, m);
            minor = std::min(minor + 5, 9);
            current_major = 8;
            add(8, minor);
        }
        for (int m = minor - 1; m >= 0; --m)
            add(current_major, m);
    }
    // Every arm64 CPU also runs 32-bit arm code up to arm/v8.
    if (variant.starts_with("v8.") || variant.starts_with("v9.")) variant = "v8";
    append_arm_vector(vector, with_target(platform, "arm", variant));
}

// containerd's platformVector: the platform, then what it can also run, most preferred first.
std::vector<Platform> platform_vector(const Platform &platform) {
    std::vector<Platform> vector;
    if (platform.architecture == "amd64") {
        vector.push_back(platform);
        auto level = variant_number(platform.variant);
        // The x86-64 levels end at v4 (GOAMD64); a larger variant falls back from there, as above.
        for (int v = std::min(level.value_or(1) - 1, 4); v >= 1; --v) {
            vector.push_back(with_target(platform, "amd64", "v" + std::to_string(v)));
        }
        vector.push_back(with_target(platform, "386", ""));
    } else if (platform.architecture == "arm") {
        append_arm_vector(vector, platform);
    } else if (platform.architecture == "arm64") {
        append_arm64_vector(vector, platform);
    } else {
        vector.push_back(platform);
    }
    for (auto &entry : vector)
        entry = normalize(std::move(entry));
    return vector;
}

} // namespace

bool windows_host_runs(std::string_view host_version, std::string_view image_version) {
    WindowsVersion host = parse_windows_version(host_version);
    if (host.empty() || image_version.empty()) return true;
    return windows_compatible(host, parse_windows_version(image_version));
}

PlatformMatcher::PlatformMatcher(Kind kind, std::vector<Platform> preferences)
    : m_kind(kind), m_preferences(std::move(preferences)) {}

PlatformMatcher PlatformMatcher::only(const Platform &wanted) {
    return {Kind::Ordered, platform_vector(normalize(wanted))};
}

PlatformMatcher PlatformMatcher::only_strict(const Platform &wanted) {
    return {Kind::Ordered, {normalize(wanted)}};
}

PlatformMatcher PlatformMatcher::only_os(const Platform &wanted) {
    return {Kind::OperatingSystem, {normalize(wanted)}};
}

PlatformMatcher PlatformMatcher::windows_host(const Platform &host) {
    return {Kind::WindowsHost, {normalize(host)}};
}

PlatformMatcher PlatformMatcher::for_mode(const Platform &wanted, MatchMode mode) {
    return mode == MatchMode::Strict ? only_strict(wanted) : only(wanted);
}

namespace {

// containerd/platforms v1.0.0-rc.4 (platforms.go NewMatcher, platform_windows_compat.go
// windowsStripFeaturesMatcher): os.features are matched since rc.3, but a Windows matcher ignores
// the candidate's "win32k", because Windows images carry it and matchers never did (containerd
// ignored os.features entirely before rc.3). Only the candidate's first "win32k" is dropped.
Platform without_win32k(const Platform &wanted, Platform candidate) {
    if (wanted.os != "windows") return candidate;
    auto found = std::find(candidate.os_features.begin(), candidate.os_features.end(), "win32k");
    if (found != candidate.os_features.end()) candidate.os_features.erase(found);
    return candidate;
}

} // namespace

PlatformMatcher::Rank PlatformMatcher::rank(const Platform &candidate) const {
    std::size_t features = normalize(candidate).os_features.size();
    Platform normalized = normalize(without_win32k(m_preferences.front(), candidate));
    if (m_kind == Kind::OperatingSystem) {
        const Platform &wanted = m_preferences.front();
        if (same_target(wanted, normalized, candidate) && features_ok(wanted, normalized)) return {0, 0, features};
        bool os_fits =
            wanted.os == normalized.os && os_version_ok(wanted, candidate) && features_ok(wanted, normalized);
        return {os_fits ? 1 : 2, 0, 0};
    }
    for (std::size_t i = 0; i < m_preferences.size(); ++i) {
        const Platform &wanted = m_preferences[i];
        if (same_target(wanted, normalized, candidate) && features_ok(wanted, normalized)) return {0, i, features};
    }
    // containerd compares two non-matching platforms again without their os.features, so an
    // entry that only lacks a feature still ranks before one for another architecture.
    for (std::size_t i = 0; i < m_preferences.size(); ++i) {
        if (same_target(m_preferences[i], normalized, candidate)) return {1, i, 0};
    }
    return {2, 0, 0};
}

bool PlatformMatcher::matches(const Platform &candidate) const {
    int tier = rank(candidate).tier;
    return m_kind == Kind::OperatingSystem ? tier <= 1 : tier == 0;
}

bool PlatformMatcher::less(const Platform &a, const Platform &b) const {
    if (m_kind == Kind::WindowsHost) {
        bool a_matches = matches(a);
        bool b_matches = matches(b);
        // containerd's windowsMatchComparer: the newest os.version (as text) of the host's build.
        if (a_matches && b_matches) return a.os_version > b.os_version;
        return a_matches && !b_matches;
    }
    Rank ra = rank(a);
    Rank rb = rank(b);
    if (ra.tier != rb.tier) return ra.tier < rb.tier;
    if (ra.position != rb.position) return ra.position < rb.position;
    return ra.features > rb.features;
}

std::optional<std::size_t> choose_platform(const std::vector<std::optional<Platform>> &entries, const Platform &wanted,
                                           MatchMode mode) {
    PlatformMatcher matcher = PlatformMatcher::for_mode(wanted, mode);
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto &entry = entries[i];
        if (!entry || is_unknown_platform(*entry) || !matcher.matches(*entry)) continue;
        // Strictly better only: among equals the first listed entry stays chosen (moby does the same).
        if (!best || matcher.less(*entry, *entries[*best])) best = i;
    }
    return best;
}

std::vector<std::string> available_platforms(const std::vector<std::optional<Platform>> &entries) {
    std::vector<std::string> out;
    for (const auto &entry : entries) {
        if (!entry || is_unknown_platform(*entry)) continue;
        std::string text = sanitize(display_platform(*entry), 100);
        if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
    }
    return out;
}

Error no_platform_match(const Platform &wanted, std::string_view index,
                        const std::vector<std::optional<Platform>> &entries) {
    std::string message = "no manifest for " + sanitize(display_platform(wanted), 100) + " in index " + sanitize(index);
    if (entries.empty()) {
        message += " (the index lists no manifests)";
    } else {
        auto available = available_platforms(entries);
        std::string list;
        for (const auto &name : available)
            list += (list.empty() ? "" : ", ") + name;
        message += " (available: " + (list.empty() ? std::string("none") : list) + ")";
    }
    return Error::of(ErrorCode::NotFound, std::move(message));
}

} // namespace digestx

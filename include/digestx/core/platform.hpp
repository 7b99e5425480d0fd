#pragma once
/// @file
/// Platforms (os, architecture, variant, os.version, os.features) treated the way
/// containerd/platforms treats them, since that is what `docker pull --platform X` runs: parsing
/// user input, normalisation, formatting, matching with compatible fallbacks, ordering, the choice
/// of one index entry, and the platform of the machine digestx runs on.
///
/// Text forms (all accepted by parse_platform()):
/// - `os[/arch[/variant]]` with containerd's normalisation (`linux/aarch64` → `linux/arm64`);
/// - containerd's `os(os.version+feature+…)/arch[/variant]`, percent-encoded as FormatAll writes it;
/// - digestx's `os/arch[/variant]:os.version` (`windows/amd64:10.0.17763`), the form
///   display_platform() prints;
/// - a bare operating system or architecture (`linux`, `arm64`); the missing half is the host's.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "digestx/core/error.hpp"

namespace digestx {

/// An OCI platform object (image-spec "platform" of an index entry or an image config).
struct Platform {
    std::string os;                       ///< operating system, GOOS spelling ("linux", "windows")
    std::string architecture;             ///< CPU architecture, GOARCH spelling ("amd64", "arm64")
    std::string variant;                  ///< CPU variant ("v7", "v8.2", "v3"); empty when unset
    std::string os_version;               ///< `os.version` ("10.0.17763.3650"); empty when unset
    std::vector<std::string> os_features; ///< `os.features` ("win32k"); empty when unset

    /// Field-by-field equality without normalisation; equivalent() compares normalised forms.
    friend bool operator==(const Platform &, const Platform &) = default;
};

/// Canonical architecture and variant, as containerd's normalizeArch: lowercase; i386 → 386;
/// x86_64, x86-64 → amd64 (v1 dropped); aarch64 → arm64 (v8 and v8.0 dropped, 9 → v9);
/// armhf → arm/v7; armel → arm/v6; arm → arm/v7 unless a variant is given (5/6/7/8 get a "v").
std::pair<std::string, std::string> normalize_arch(std::string_view architecture, std::string_view variant);

/// Canonical operating system: lowercase, macos → darwin. An empty OS stays empty (containerd
/// substitutes the host OS; digestx does not guess what an index entry without an OS means).
std::string normalize_os(std::string_view os);

/// The canonical form of a platform: normalize_os, normalize_arch, os.features sorted, without
/// duplicates or empty strings. os.version is kept as written.
Platform normalize(Platform platform);

/// True when both platforms have the same canonical form (arm64 ≡ arm64/v8, arm ≡ arm/v7).
bool equivalent(const Platform &a, const Platform &b);

/// True for `unknown/unknown`, the platform buildx gives attestation manifests in an index.
bool is_unknown_platform(const Platform &platform);

/// Parses a platform as containerd's platforms.Parse does, plus the `:os.version` suffix; `host`
/// fills in what a single-word input leaves out (its OS for `arm64`, its architecture for
/// `linux`). Like containerd, a two-part `os/arm` means arm/v7 and keeps the variant empty, and a
/// three-part `os/arm64/v8` keeps `v8` (normalize() drops it). Unparsable input is ErrorCode::Usage.
Result<Platform> parse_platform(std::string_view text, const Platform &host);

/// containerd's Format: `os/arch[/variant]`, "unknown" when the OS is empty.
std::string format_platform(const Platform &platform);

/// containerd's FormatAll: `os(os.version+feature…)/arch[/variant]`, os.version and features
/// percent-encoded where they hold `%+()/`, features sorted. Round-trips through parse_platform().
std::string format_platform_all(const Platform &platform);

/// The form digestx prints: `linux/arm/v7`, `windows/amd64:10.0.17763.3650`, "unknown" without
/// an OS. os.features are left out (they are rare and do not fit on one line with the rest).
std::string display_platform(const Platform &platform);

/// Windows' container compatibility rule between a host os.version and an image's os.version
/// (containerd's checkWindowsHostAndContainerCompat): same major.minor; before Windows Server 2022
/// (build 20348) the build must be equal; from it on any build from 20348 up to the host's runs.
/// A host version that is not major.minor.build[.revision] accepts every image, and an image
/// without os.version runs on every host.
bool windows_host_runs(std::string_view host_version, std::string_view image_version);

/// How closely an index entry must match the wanted platform.
enum class MatchMode {
    Compatible, ///< containerd's Only: the platform or what it can run (amd64/v3 → v2, v1, 386)
    Strict,     ///< containerd's OnlyStrict: the platform itself (still arm64 ≡ arm64/v8)
};

/// Decides which platforms a wanted platform accepts and in which order it prefers them; the
/// matchers of containerd/platforms (Only, OnlyStrict, OnlyOS and a Windows host's Default()).
class PlatformMatcher {
public:
    /// containerd's Only(p): p, then its compatible fallbacks in preference order: amd64/vN then
    /// vN-1 … v1 then 386; arm/vN then down to v5; arm64/v9.x then v9.x-1 … v9, v8.(x+5, at most
    /// 9) … v8, then arm/v8 … v5; arm64/v8.x down to v8 then arm/v8 … v5.
    static PlatformMatcher only(const Platform &wanted);
    /// containerd's OnlyStrict(p): p itself (after normalisation).
    static PlatformMatcher only_strict(const Platform &wanted);
    /// containerd's OnlyOS(p): any architecture of p's OS (os.version and os.features must still
    /// fit); prefers an exact OnlyStrict match, then the rest in their given order.
    static PlatformMatcher only_os(const Platform &wanted);
    /// containerd's Default() on a Windows host: matches like only_strict(host) and prefers the
    /// highest os.version (so the newest revision of the host's build wins).
    static PlatformMatcher windows_host(const Platform &host);
    /// only() for MatchMode::Compatible, only_strict() for MatchMode::Strict.
    static PlatformMatcher for_mode(const Platform &wanted, MatchMode mode);

    /// True when `candidate` is acceptable.
    [[nodiscard]] bool matches(const Platform &candidate) const;
    /// True when `a` is preferred over `b` (a strict weak order: sort with std::stable_sort, or
    /// keep the first among equals, as the image-spec says of index entries).
    [[nodiscard]] bool less(const Platform &a, const Platform &b) const;
    /// The normalised platforms accepted, most preferred first (one entry unless only()).
    [[nodiscard]] const std::vector<Platform> &preferences() const noexcept { return m_preferences; }

private:
    enum class Kind { Ordered, OperatingSystem, WindowsHost };
    struct Rank {
        int tier = 0;             // 0 matches, 1 matches once os.features are ignored, 2 neither
        std::size_t position = 0; // index in m_preferences of the first platform that matched
        std::size_t features = 0; // os.features of the candidate; more is better among equals
    };
    PlatformMatcher(Kind kind, std::vector<Platform> preferences);
    [[nodiscard]] Rank rank(const Platform &candidate) const;

    Kind m_kind;
    std::vector<Platform> m_preferences;
};

/// Index of the entry `docker pull --platform wanted` would use: the most preferred match under
/// PlatformMatcher::for_mode(wanted, mode), the first listed among equally good ones
/// (image-spec: "the first matching entry SHOULD be used"). Entries without a platform and
/// `unknown/unknown` entries (attestations) are never chosen. nullopt when nothing matches.
/// Without a --platform, pass host_platform() and MatchMode::Compatible: moby prefers what
/// platforms.Only(host) accepts whichever mode was asked for. (moby would then still take the
/// first entry when none suits the host; digestx reports no match instead.)
std::optional<std::size_t> choose_platform(const std::vector<std::optional<Platform>> &entries, const Platform &wanted,
                                           MatchMode mode);

/// The platforms an index offers, for an error message: display_platform() of each entry that has
/// a platform and is not `unknown/unknown`, sanitized, duplicates removed, in index order.
std::vector<std::string> available_platforms(const std::vector<std::optional<Platform>> &entries);

/// The NotFound error for an index without a match (fault catalogue B13):
/// `no manifest for linux/arm64 in index sha256:… (available: linux/amd64, linux/arm/v7)`.
/// `index` names the index (its digest or reference) and is sanitized.
Error no_platform_match(const Platform &wanted, std::string_view index,
                        const std::vector<std::optional<Platform>> &entries);

/// What the machine tells about itself, the input of host detection (injected by tests).
struct HostFacts {
    std::string system;  ///< uname sysname ("Linux", "Darwin")
    std::string machine; ///< uname machine ("x86_64", "aarch64", "armv7l")
    std::string cpuinfo; ///< contents of /proc/cpuinfo; empty where there is none
};

/// The ARM version number in a uname machine name, as containerd's getCPUVariantFromArch:
/// "aarch64" → "8", "armv7l" → "7", "armv9" → "unknown"; nullopt when the name is not ARM.
std::optional<std::string> cpu_variant_from_machine(std::string_view machine);

/// The value of the first `name : value` line of /proc/cpuinfo text (name compared without
/// case), or "" when there is none.
std::string cpuinfo_value(std::string_view cpuinfo, std::string_view name);

/// The x86-64 micro-architecture level ("v1" … "v4") that the cpuinfo `flags` line supports,
/// with the flag sets of the Go toolchain's GOAMD64 levels.
std::string amd64_level_from_flags(std::string_view flags);

/// The normalised host platform from its facts, as the docker engine's default pull platform:
/// OS from sysname, architecture from machine, variant from the ARM "CPU architecture" (or the
/// machine name) as containerd's DefaultSpec, and on amd64 the x86-64 micro-architecture level,
/// which containerd's DefaultSpec leaves empty but moby adds: `maximumSpec()` in
/// daemon/internal/distribution/pull_v2.go (classic store, moby#43434, Docker 23+) and
/// `hostPlatformSpec()` in daemon/containerd/platform_matchers.go (containerd store, moby#52773,
/// Docker 29.6+) both set `Variant = archvariant.AMD64Variant()` (tonistiigi/go-archvariant, from
/// CPUID; here from the cpuinfo flags, the same feature sets). v1 and arm64/v8 normalise away.
Platform host_platform_from(const HostFacts &facts);

} // namespace digestx

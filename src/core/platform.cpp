// Normalisation and formatting of platforms, following containerd/platforms (database.go,
// platforms.go) so that digestx names a platform the way docker does.

#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace digestx {
namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// arm64 variants are Arm architecture versions: "8", "v8" and "v8.0" all mean the baseline that
// the OCI image-spec leaves unwritten; "9.0" is "v9". Non-numeric variants are left alone.
std::string normalize_arm64_variant(const std::string &variant) {
    std::string_view rest(variant);
    if (rest.starts_with('v')) rest.remove_prefix(1);
    auto dot = rest.find('.');
    std::string_view major = rest.substr(0, dot);
    std::string_view minor = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    bool has_minor = dot != std::string_view::npos;
    if (variant.empty() || !all_digits(major) || (has_minor && !all_digits(minor))) return variant;
    if (minor == "0") has_minor = false;
    if (major == "8" && !has_minor) return "";
    std::string out = "v" + std::string(major);
    if (has_minor) out += "." + std::string(minor);
    return out;
}

// FormatAll's escaping. containerd's osOptionReplacer (containerd/platforms platforms.go) escapes
// only `%+()/`, yet its Parse (osRe) takes nothing but `[A-Za-z0-9_.%-]` there and decodes any
// %XX (url.PathUnescape): an os.version such as `10$1` parses from `10%241` and formats as `10$1`,
// which neither parser reads back. Every byte outside the unescaped set is written as %XX, so
// the result round-trips here and still parses the same in containerd.
std::string encode_os_option(std::string_view value) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                           c == '.' || c == '-';
        if (plain) {
            out += c;
            continue;
        }
        out += '%';
        out += hex[byte >> 4U];
        out += hex[byte & 0x0FU];
    }
    return out;
}

// path.Join of the non-empty parts, as containerd formats.
std::string join_parts(const std::string &os, const Platform &platform) {
    std::string out = os;
    for (const std::string *part : {&platform.architecture, &platform.variant}) {
        if (part->empty()) continue;
        if (!out.empty()) out += '/';
        out += *part;
    }
    return out;
}

} // namespace

std::pair<std::string, std::string> normalize_arch(std::string_view architecture, std::string_view variant) {
    std::string arch = ascii_lowercase(architecture);
    std::string var = ascii_lowercase(variant);
    if (arch == "i386") return {"386", ""};
    if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") return {"amd64", var == "v1" ? "" : var};
    if (arch == "aarch64" || arch == "arm64") return {"arm64", normalize_arm64_variant(var)};
    if (arch == "armhf") return {"arm", "v7"};
    if (arch == "armel") return {"arm", "v6"};
    if (arch == "arm") {
        if (var.empty() || var == "7") return {"arm", "v7"};
        if (var == "5" || var == "6" || var == "8") return {"arm", "v" + var};
    }
    return {arch, var};
}

std::string normalize_os(std::string_view os) {
    std::string out = ascii_lowercase(os);
    if (out == "macos") return "darwin";
    return out;
}

Platform normalize(Platform platform) {
    platform.os = normalize_os(platform.os);
    std::tie(platform.architecture, platform.variant) = normalize_arch(platform.architecture, platform.variant);
    auto &features = platform.os_features;
    features.erase(std::remove(features.begin(), features.end(), std::string()), features.end());
    std::sort(features.begin(), features.end());
    features.erase(std::unique(features.begin(), features.end()), features.end());
    return platform;
}

bool equivalent(const Platform &a, const Platform &b) {
    return normalize(a) == normalize(b);
}

bool is_unknown_platform(const Platform &platform) {
    return normalize_os(platform.os) == "unknown" && ascii_lowercase(platform.architecture) == "unknown";
}

std::string format_platform(const Platform &platform) {
    if (platform.os.empty()) return "unknown";
    return join_parts(platform.os, platform);
}

std::string format_platform_all(const Platform &platform) {
    if (platform.os.empty()) return "unknown";
    std::string options = encode_os_option(platform.os_version);
    std::vector<std::string> features = platform.os_features;
    std::sort(features.begin(), features.end());
    for (const auto &feature : features) {
        // An empty feature could not be parsed back ("++" is not a feature list), so it is
        // dropped, as containerd's FormatAll does.
        if (!feature.empty()) options += "+" + encode_os_option(feature);
    }
    if (options.empty()) return join_parts(platform.os, platform);
    return join_parts(platform.os + "(" + options + ")", platform);
}

std::string display_platform(const Platform &platform) {
    std::string out = format_platform(platform);
    if (!platform.os.empty() && !platform.os_version.empty()) out += ":" + platform.os_version;
    return out;
}

} // namespace digestx

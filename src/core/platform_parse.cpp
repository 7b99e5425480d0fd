// Parsing of --platform values with containerd's platforms.Parse grammar and defaults, plus the
// `:os.version` suffix digestx prints (fault catalogue A10).

#include "digestx/core/platform.hpp"

#include <algorithm>
#include <array>

#include "digestx/core/text.hpp"

namespace digestx {
namespace {

constexpr std::string_view kSyntax = "expected os[/arch[/variant]][:os.version], e.g. linux/arm64";

// containerd database.go: the GOOS and GOARCH values a one-word specifier may name.
constexpr std::array<std::string_view, 17> kKnownOs = {
    "aix",   "android", "darwin", "dragonfly", "freebsd", "hurd",    "illumos", "ios", "js",
    "linux", "nacl",    "netbsd", "openbsd",   "plan9",   "solaris", "windows", "zos"};
constexpr std::array<std::string_view, 24> kKnownArch = {
    "386",     "amd64",   "amd64p32", "arm",    "armbe",  "arm64",    "arm64be",   "ppc64",
    "ppc64le", "loong64", "mips",     "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
    "ppc",     "riscv",   "riscv64",  "s390",   "s390x",  "sparc",    "sparc64",   "wasm"};

bool contains(auto const &list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_name_char(char c) {
    return is_alnum(c) || c == '_' || c == '-';
}
bool is_component_char(char c) {
    return is_name_char(c) || c == '.';
}
bool is_option_char(char c) {
    return is_component_char(c) || c == '%';
}
bool is_suffix_version_char(char c) {
    return is_component_char(c) || c == '+';
}

template <class Predicate> bool all_of(std::string_view text, Predicate predicate) {
    return std::all_of(text.begin(), text.end(), predicate);
}

tl::unexpected<Error> invalid(std::string_view text, const std::string &why) {
    return fail(ErrorCode::Usage, "invalid platform " + quoted(text) + ": " + why);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Go's url.PathUnescape, which containerd applies to os.version and os.features: "%XX" only.
std::optional<std::string> percent_decode(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '%') {
            out += value[i];
            continue;
        }
        if (i + 2 >= value.size()) return std::nullopt;
        int high = hex_value(value[i + 1]);
        int low = hex_value(value[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

struct OsComponent {
    std::string name;
    std::string version;
    std::vector<std::string> features;
};

// `<os>[(<os.version>[+<feature>]*)]`, the first component of containerd's syntax.
Result<OsComponent> parse_os_component(std::string_view part, std::string_view text) {
    auto name_end = std::find_if_not(part.begin(), part.end(), is_name_char) - part.begin();
    std::string_view name = part.substr(0, static_cast<std::size_t>(name_end));
    std::string_view options = part.substr(static_cast<std::size_t>(name_end));
    bool options_ok = options.empty() || (options.size() >= 2 && options.front() == '(' && options.back() == ')');
    if (name.empty() || !options_ok) {
        return invalid(text, "the os part " + quoted(part) +
                                 " must be letters, digits, '_' or '-', optionally followed by (os.version+feature)");
    }
    OsComponent out{std::string(name), {}, {}};
    if (options.empty()) return out;
    std::string_view inner = options.substr(1, options.size() - 2);
    std::size_t start = 0;
    for (bool first = true;; first = false) {
        std::size_t plus = inner.find('+', start);
        std::string_view piece = inner.substr(start, plus == std::string_view::npos ? inner.npos : plus - start);
        if ((!first && piece.empty()) || !all_of(piece, is_option_char)) {
            return invalid(text, "os options " + quoted(options) +
                                     " may only hold letters, digits, '_', '.', '-' and %-escapes, joined by '+'");
        }
        auto decoded = percent_decode(piece);
        if (!decoded) return invalid(text, "bad %-escape in " + quoted(piece));
        if (first) {
            out.version = std::move(*decoded);
        } else {
            out.features.push_back(std::move(*decoded));
        }
        if (plus == std::string_view::npos) break;
        start = plus + 1;
    }
    return out;
}

std::vector<std::string_view> split_slashes(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t slash = text.find('/', start);
        parts.push_back(text.substr(start, slash == std::string_view::npos ? text.npos : slash - start));
        if (slash == std::string_view::npos) return parts;
        start = slash + 1;
    }
}

// One word: a known OS takes the host's architecture, anything else must be an architecture and
// takes the host's OS. containerd only carries the host variant over on 32-bit arm hosts.
Result<Platform> complete_single_word(Platform platform, std::string_view word, std::string_view text,
                                      const Platform &host) {
    if (contains(kKnownOs, platform.os)) {
        platform.architecture = host.architecture;
        if (host.architecture == "arm" && host.variant != "v7") platform.variant = host.variant;
        return platform;
    }
    std::tie(platform.architecture, platform.variant) = normalize_arch(word, "");
    if (platform.architecture == "arm" && platform.variant == "v7") platform.variant.clear();
    if (!contains(kKnownArch, platform.architecture)) {
        return fail(ErrorCode::Usage, "unknown operating system or architecture " + quoted(word) + " in platform " +
                                          quoted(text) + ": " + std::string(kSyntax));
    }
    platform.os = host.os;
    return platform;
}

} // namespace

Result<Platform> parse_platform(std::string_view text, const Platform &host) {
    if (text.empty()) return fail(ErrorCode::Usage, "platform is empty: " + std::string(kSyntax));
    if (text.find('*') != std::string_view::npos) return invalid(text, "wildcards are not supported");

    std::string_view spec = text;
    std::string_view suffix_version;
    if (auto colon = text.find(':'); colon != std::string_view::npos) {
        spec = text.substr(0, colon);
        suffix_version = text.substr(colon + 1);
        if (suffix_version.empty() || !all_of(suffix_version, is_suffix_version_char)) {
            return invalid(text, "the os.version after ':' may only hold letters, digits, '.', '_', '+' and '-'");
        }
    }
    auto parts = split_slashes(spec);
    if (parts.size() > 3) return invalid(text, "too many '/' parts: " + std::string(kSyntax));
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (parts[i].empty()) return invalid(text, "empty part between '/': " + std::string(kSyntax));
        if (!all_of(parts[i], is_component_char)) {
            return invalid(text, "the part " + quoted(parts[i]) + " may only hold letters, digits, '_', '.' and '-'");
        }
    }
    auto os = parse_os_component(parts[0], text);
    if (!os) return fail(std::move(os.error()));

    Platform platform;
    platform.os = normalize_os(os->name);
    platform.os_version = std::move(os->version);
    platform.os_features = std::move(os->features);
    if (!suffix_version.empty()) {
        if (!platform.os_version.empty()) return invalid(text, "os.version is given twice");
        platform.os_version = std::string(suffix_version);
    }

    if (parts.size() == 1) return complete_single_word(std::move(platform), parts[0], text, host);
    if (parts.size() == 2) {
        // containerd: a plain "os/arm" is arm/v7 but keeps the variant unwritten.
        std::tie(platform.architecture, platform.variant) = normalize_arch(parts[1], "");
        if (platform.architecture == "arm" && platform.variant == "v7") platform.variant.clear();
        return platform;
    }
    std::tie(platform.architecture, platform.variant) = normalize_arch(parts[1], parts[2]);
    // containerd keeps an explicit arm64 v8 in Parse (its normalizeArch had dropped it).
    if (platform.architecture == "arm64" && platform.variant.empty()) platform.variant = "v8";
    return platform;
}

} // namespace digestx

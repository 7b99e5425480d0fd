// The distribution/reference grammar (regexp.go, reference.go @0965666a) without regular
// expressions: each part of a reference is checked by a small scanner that can say which character
// broke it and where. The split into parts is deterministic because the separators cannot occur
// inside the parts that follow them (a digest has no '@', a tag has no ':' or '/', a path has no ':'),
// so checking the parts one by one accepts exactly what the anchored regexps accept.
#include "reference_grammar.hpp"

#include <algorithm>

#include "digestx/core/reference.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace reference_detail {
namespace {

constexpr std::string_view format_prefix = "invalid reference format: ";

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c);
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_word(char c) {
    return is_alnum(c) || c == '_';
}
bool is_path_separator(char c) {
    return c == '.' || c == '_' || c == '-';
}

Fault format_fault(const std::string &what) {
    return Fault{std::string(format_prefix) + what};
}

// "'$' at position 9 is not allowed in a repository name", with a hint for the usual URL debris.
std::string not_allowed(std::string_view text, std::size_t index, std::size_t base, std::string_view where) {
    std::string reason = describe_char(text, index) + " at " + position(base + index) + " is not allowed in ";
    reason += where;
    char c = text[index];
    if (c == '%') reason += " (percent-encoding is never decoded)";
    if (c == '?' || c == '#') reason += " (a reference has no query or fragment)";
    if (c == '[') reason += " (a registry needs a repository after it: [::1]:5000/app)";
    return reason;
}

std::optional<Fault> check_ipv6(std::string_view text, std::size_t base, std::size_t &end) {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
        return format_fault("'[' at " + position(base) + " opens an IPv6 address that is never closed");
    }
    if (close == 1) return format_fault("empty IPv6 address at " + position(base));
    for (std::size_t i = 1; i < close; ++i) {
        char c = text[i];
        if (is_hex(c) || c == ':') continue;
        if (c == '%') return format_fault("IPv6 zone identifiers are not allowed ('%' at " + position(base + i) + ")");
        if (c == '.') {
            return format_fault("IPv6 addresses with an embedded IPv4 part are not allowed ('.' at " +
                                position(base + i) + ")");
        }
        return format_fault(not_allowed(text, i, base, "an IPv6 address"));
    }
    end = close + 1;
    return std::nullopt;
}

// domainName: components of [a-zA-Z0-9] with inner '-', joined by '.'.
std::optional<Fault> check_host_name(std::string_view text, std::size_t base, std::size_t &end) {
    std::size_t i = 0;
    while (true) {
        if (i == text.size() || !is_alnum(text[i])) {
            if (i < text.size() && text[i] == '-') {
                return format_fault("registry host component must not start with '-' (" + position(base + i) + ")");
            }
            if (i == text.size() || text[i] == '.' || text[i] == ':') {
                return format_fault("empty registry host component at " + position(base + i));
            }
            return format_fault(not_allowed(text, i, base, "a registry host"));
        }
        while (i < text.size() && (is_alnum(text[i]) || text[i] == '-'))
            ++i;
        if (text[i - 1] == '-') {
            return format_fault("registry host component must not end with '-' (" + position(base + i - 1) + ")");
        }
        if (i < text.size() && text[i] == '.') {
            ++i;
            continue;
        }
        end = i;
        return std::nullopt;
    }
}

// One pathComponent starting at text[i]: [a-z0-9]+ (([._]|__|-+)[a-z0-9]+)*; leaves i at its end.
std::optional<Fault> check_path_component(std::string_view text, std::size_t &i, std::size_t base) {
    std::size_t end = std::min(text.find('/', i), text.size());
    std::string_view component = text.substr(i, end - i);
    if (component == "." || component == "..") {
        return format_fault("relative path component " + quoted(component) + " at " + position(base + i) +
                            " is not allowed");
    }
    if (!is_lower_alnum(text[i])) {
        if (!is_path_separator(text[i])) return format_fault(not_allowed(text, i, base, "a repository name"));
        return format_fault("path component " + quoted(component, 60) + " at " + position(base + i) +
                            " must start with a lowercase letter or digit");
    }
    while (true) {
        while (i < end && is_lower_alnum(text[i]))
            ++i;
        if (i == end) return std::nullopt;
        std::size_t separator = i;
        if (text[i] == '.') {
            ++i;
        } else if (text[i] == '_') {
            i += (i + 1 < end && text[i + 1] == '_') ? 2 : 1;
        } else if (text[i] == '-') {
            while (i < end && text[i] == '-')
                ++i;
        } else {
            return format_fault(not_allowed(text, i, base, "a repository name"));
        }
        if (i < end && is_lower_alnum(text[i])) continue;
        if (i == end) {
            return format_fault("path component " + quoted(component, 60) +
                                " must end with a lowercase letter or digit (" + position(base + separator) + ")");
        }
        if (!is_path_separator(text[i])) return format_fault(not_allowed(text, i, base, "a repository name"));
        std::size_t run = i;
        while (run < end && is_path_separator(text[run]))
            ++run;
        return format_fault("invalid separator " + quoted(text.substr(separator, run - separator)) + " at " +
                            position(base + separator) + " (between lowercase letters and digits only '.', '_', " +
                            "'__' or dashes)");
    }
}

bool is_algorithm(std::string_view algorithm) {
    // [A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*
    bool expect_alpha = true;
    for (char c : algorithm) {
        if (expect_alpha) {
            if (!is_alpha(c)) return false;
            expect_alpha = false;
        } else if (c == '-' || c == '_' || c == '+' || c == '.') {
            expect_alpha = true;
        } else if (!is_alnum(c)) {
            return false;
        }
    }
    return !expect_alpha;
}

Fault unsupported_algorithm(std::string_view algorithm, std::size_t base) {
    return Fault{"digest at " + position(base) + ": unsupported digest algorithm " + quoted(algorithm, 40) +
                 " (supported: sha256, sha512)"};
}

bool names_host(std::string_view component) {
    return component == "localhost" || component.find_first_of(".:[") != std::string_view::npos ||
           std::any_of(component.begin(), component.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

} // namespace

// name = [domain/]path. The regexp tries the optional domain group first, so the first component
// is the domain whenever it is one and the rest is a path; otherwise the whole name is the path.
std::optional<Fault> split_name(std::string_view name, std::size_t base, ReferenceParts &parts) {
    auto slash = name.find('/');
    if (slash == std::string_view::npos) {
        if (auto fault = check_path(name, base)) return fault;
        parts.domain.clear();
        parts.path = name;
        return std::nullopt;
    }
    std::string_view first = name.substr(0, slash);
    auto domain_fault = check_domain(first, base);
    auto rest_fault = check_path(name.substr(slash + 1), base + slash + 1);
    if (!domain_fault && !rest_fault) {
        parts.domain = first;
        parts.path = name.substr(slash + 1);
        return std::nullopt;
    }
    auto first_fault = check_path(first, base);
    if (!rest_fault && !first_fault) {
        parts.domain.clear();
        parts.path = name;
        return std::nullopt;
    }
    if (domain_fault && first_fault) return names_host(first) ? domain_fault : first_fault;
    return rest_fault;
}

// The anchored reference regexp, digest by pattern only; offsets are those of `text`.
std::optional<Fault> match_parts(std::string_view text, ReferenceParts &parts) {
    if (auto fault = check_not_url(text)) return fault;
    Split split = split_reference(text);
    if (auto fault = split_name(split.name, split.name_offset, parts)) return fault;
    if (split.tag) {
        if (auto fault = check_tag(*split.tag, split.tag_offset)) return fault;
        parts.tag = std::string(*split.tag);
    }
    if (split.digest) {
        if (auto fault = check_digest_pattern(*split.digest, split.digest_offset)) return fault;
        parts.digest = std::string(*split.digest);
    }
    return std::nullopt;
}

std::string position(std::size_t offset) {
    return "position " + std::to_string(offset + 1);
}

std::string describe_char(std::string_view text, std::size_t index) {
    auto c = static_cast<unsigned char>(text[index]);
    if (c == ' ') return "a space";
    if (c < 0x20 || c == 0x7F) return "control character " + sanitize(text.substr(index, 1));
    if (c >= 0x80) {
        std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return "non-ASCII character " + quoted(text.substr(index, length));
    }
    if (c >= 'A' && c <= 'Z') return std::string("uppercase '") + static_cast<char>(c) + "'";
    return std::string("'") + static_cast<char>(c) + "'";
}

Split split_reference(std::string_view text, std::size_t base) {
    Split split;
    std::string_view left = text;
    if (auto at = text.find('@'); at != std::string_view::npos) {
        split.digest = text.substr(at + 1);
        split.digest_offset = base + at + 1;
        left = text.substr(0, at);
    }
    auto colon = left.rfind(':');
    auto slash = left.rfind('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        split.tag = left.substr(colon + 1);
        split.tag_offset = base + colon + 1;
        left = left.substr(0, colon);
    }
    split.name = left;
    split.name_offset = base;
    return split;
}

std::optional<Fault> check_not_url(std::string_view text) {
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    return format_fault("a URL is not a reference; remove " + quoted(text.substr(0, scheme_end + 3), 40) + " (" +
                        position(scheme_end) + ")");
}

std::optional<Fault> check_domain(std::string_view text, std::size_t base) {
    if (text.empty()) return format_fault("registry host is empty at " + position(base));
    std::size_t end = 0;
    auto fault = text[0] == '[' ? check_ipv6(text, base, end) : check_host_name(text, base, end);
    if (fault) return fault;
    if (end == text.size()) return std::nullopt;
    if (text[end] != ':') return format_fault(not_allowed(text, end, base, "a registry host"));
    if (end + 1 == text.size()) return format_fault("port after ':' at " + position(base + end) + " is empty");
    for (std::size_t i = end + 1; i < text.size(); ++i) {
        if (!is_digit(text[i])) {
            return format_fault("registry port must be digits, not " + describe_char(text, i) + " at " +
                                position(base + i));
        }
    }
    return std::nullopt;
}

std::optional<Fault> check_path(std::string_view text, std::size_t base) {
    if (text.empty()) return format_fault("repository name is empty at " + position(base));
    std::size_t i = 0;
    while (true) {
        if (text[i] == '/') return format_fault("empty path component at " + position(base + i));
        if (auto fault = check_path_component(text, i, base)) return fault;
        if (i == text.size()) return std::nullopt;
        ++i;
        if (i == text.size()) return format_fault("trailing '/' at " + position(base + i - 1));
    }
}

std::optional<Fault> check_tag(std::string_view text, std::size_t base) {
    if (text.empty()) return format_fault("':' at " + position(base - 1) + " is not followed by a tag");
    if (text.size() > tag_max) {
        return Fault{"invalid tag: " + std::to_string(text.size()) + " characters, at most " + std::to_string(tag_max) +
                     " (" + std::string(tag_rule) + ")"};
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (is_word(c) || (i > 0 && (c == '.' || c == '-'))) continue;
        std::string what = i == 0 && (c == '.' || c == '-')
                               ? describe_char(text, i) + " at " + position(base) + " cannot start a tag"
                               : not_allowed(text, i, base, "a tag");
        return Fault{"invalid tag " + quoted(text, 60) + ": " + what + "; " + std::string(tag_rule)};
    }
    return std::nullopt;
}

std::optional<Fault> check_digest_pattern(std::string_view text, std::size_t base) {
    if (text.empty()) return format_fault("'@' at " + position(base - 1) + " is not followed by a digest");
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return Fault{"digest at " + position(base) + ": invalid digest format " + quoted(text, 80) +
                     ", expected algorithm:hex"};
    }
    std::string_view algorithm = text.substr(0, colon);
    std::string_view encoded = text.substr(colon + 1);
    if (!is_algorithm(algorithm)) {
        return Fault{"digest at " + position(base) + ": invalid digest algorithm " + quoted(algorithm, 40)};
    }
    if (encoded.size() >= 32 && std::all_of(encoded.begin(), encoded.end(), is_hex)) return std::nullopt;
    if (algorithm != "sha256" && algorithm != "sha512") return unsupported_algorithm(algorithm, base);
    auto parsed = Digest::parse(text);
    return Fault{"digest at " + position(base) + ": " + (parsed ? "invalid digest format" : parsed.error().message)};
}

std::optional<Fault> parse_digest(std::string_view text, std::size_t base, std::optional<Digest> &out) {
    auto parsed = Digest::parse(text);
    if (parsed) {
        out = *parsed;
        return std::nullopt;
    }
    std::string_view algorithm = text.substr(0, text.find(':'));
    if (algorithm != "sha256" && algorithm != "sha512") return unsupported_algorithm(algorithm, base);
    return Fault{"digest at " + position(base) + ": " + parsed.error().message};
}

std::optional<Fault> check_path_length(std::string_view path) {
    if (path.size() <= repository_name_max) return std::nullopt;
    return Fault{"repository name must not be more than " + std::to_string(repository_name_max) + " characters (" +
                 quoted(path, 40) + " has " + std::to_string(path.size()) + ")"};
}

std::optional<std::size_t> first_uppercase(std::string_view text, std::size_t base) {
    auto it = std::find_if(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (it == text.end()) return std::nullopt;
    return base + static_cast<std::size_t>(it - text.begin());
}

Error reference_error(std::string_view input, const Fault &fault) {
    return Error::of(ErrorCode::Usage, "invalid reference " + quoted(input, 120) + ": " + fault.reason);
}

} // namespace reference_detail
} // namespace digestx

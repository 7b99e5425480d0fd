// From a yaml-cpp Mark back to the bytes of a scalar. The value yaml-cpp decoded is the judge: the
// bytes found at the Mark are accepted only when decoding them (YAML 1.2 §7.3 quoting and escapes)
// gives that value again, so a rewrite can never land beside the reference it meant.
#include <cstdint>

#include "yaml_support.hpp"

namespace digestx::pinning::detail {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Skips the node properties (`&anchor`, `!tag`), blanks, line breaks and comments before a value.
std::size_t skip_properties(std::string_view bytes, std::size_t i) {
    while (i < bytes.size()) {
        char c = bytes[i];
        if (is_space(c)) {
            ++i;
        } else if (c == '#' && (i == 0 || is_space(bytes[i - 1]))) {
            while (i < bytes.size() && bytes[i] != '\n')
                ++i;
        } else if (c == '&' || c == '!') {
            while (i < bytes.size() && !is_space(bytes[i]))
                ++i;
        } else {
            break;
        }
    }
    return i;
}

void append_utf8(std::uint32_t code, std::vector<std::size_t> &offsets, std::string &decoded) {
    auto put = [&](std::uint32_t byte) {
        decoded.push_back(static_cast<char>(byte));
        offsets.push_back(escaped_byte);
    };
    if (code < 0x80) {
        put(code);
    } else if (code < 0x800) {
        put(0xC0 | (code >> 6));
        put(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        put(0xE0 | (code >> 12));
        put(0x80 | ((code >> 6) & 0x3F));
        put(0x80 | (code & 0x3F));
    } else {
        put(0xF0 | (code >> 18));
        put(0x80 | ((code >> 12) & 0x3F));
        put(0x80 | ((code >> 6) & 0x3F));
        put(0x80 | (code & 0x3F));
    }
}

std::optional<std::uint32_t> hex_value(std::string_view digits) {
    std::uint32_t value = 0;
    for (char c : digits) {
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0) return std::nullopt;
        value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return value;
}

// One escape after `\` at bytes[i]; returns the bytes consumed (0 when it is not one we decode).
std::size_t decode_escape(std::string_view bytes, std::size_t i, std::vector<std::size_t> &offsets,
                          std::string &decoded) {
    static constexpr std::string_view simple_from = "0abtnvfre \"/\\\t";
    static constexpr std::string_view simple_to = std::string_view("\0\a\b\t\n\v\f\r\x1b \"/\\\t", 14);
    if (i >= bytes.size()) return 0;
    char c = bytes[i];
    if (auto at = simple_from.find(c); at != std::string_view::npos) {
        append_utf8(static_cast<unsigned char>(simple_to[at]), offsets, decoded);
        return 1;
    }
    std::size_t width = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    std::optional<std::uint32_t> code;
    if (width > 0 && i + width < bytes.size())
        code = hex_value(bytes.substr(i + 1, width));
    else if (c == 'N')
        code = 0x85;
    else if (c == '_')
        code = 0xA0;
    else if (c == 'L')
        code = 0x2028;
    else if (c == 'P')
        code = 0x2029;
    if (!code || *code > 0x10FFFF) return 0;
    append_utf8(*code, offsets, decoded);
    return width + 1;
}

const char *const folded = "a quoted scalar that continues on another line is not rewritten";

std::string read_single(std::string_view bytes, std::size_t i, LocatedScalar &out) {
    std::string decoded;
    for (++i; i < bytes.size(); ++i) {
        char c = bytes[i];
        if (c == '\n' || c == '\r') {
            out.problem = folded;
            return decoded;
        }
        if (c == '\'') {
            if (i + 1 >= bytes.size() || bytes[i + 1] != '\'') return decoded;
            ++i;
        }
        decoded.push_back(c);
        out.offsets.push_back(i);
    }
    out.problem = "the single-quoted scalar is not closed";
    return decoded;
}

std::string read_double(std::string_view bytes, std::size_t i, LocatedScalar &out) {
    std::string decoded;
    for (++i; i < bytes.size(); ++i) {
        char c = bytes[i];
        if (c == '\n' || c == '\r') {
            out.problem = folded;
            return decoded;
        }
        if (c == '"') return decoded;
        if (c == '\\') {
            auto used = decode_escape(bytes, i + 1, out.offsets, decoded);
            if (used == 0) {
                out.problem = "the double-quoted scalar has an escape that is not rewritten";
                return decoded;
            }
            i += used;
            continue;
        }
        decoded.push_back(c);
        out.offsets.push_back(i);
    }
    out.problem = "the double-quoted scalar is not closed";
    return decoded;
}

} // namespace

std::size_t mark_offset(std::size_t origin, const YAML::Node &node) {
    auto mark = node.Mark();
    if (mark.pos < 0) return origin;
    return origin + static_cast<std::size_t>(mark.pos);
}

LocatedScalar locate_scalar(std::string_view bytes, std::size_t offset, std::string_view value) {
    LocatedScalar out;
    auto i = skip_properties(bytes, offset);
    out.start = std::min(i, bytes.size());
    if (i >= bytes.size()) {
        out.problem = "the scalar's bytes were not found";
        return out;
    }
    std::string decoded;
    char c = bytes[i];
    if (c == '|' || c == '>') {
        out.problem = "a block scalar (| or >) is not rewritten";
        return out;
    }
    if (c == '\'') {
        out.style = TextStyle::YamlSingleQuoted;
        decoded = read_single(bytes, i, out);
    } else if (c == '"') {
        out.style = TextStyle::YamlDoubleQuoted;
        decoded = read_double(bytes, i, out);
    } else {
        // A plain scalar ends at a line break, at ` #`, or (in flow collections) at `,]}`; a value
        // folded over several lines has a space where the file has a line break, so it cannot match.
        auto end = i + value.size();
        bool ends = end == bytes.size() ||
                    (end < bytes.size() && std::string_view(" \t\r\n,]}").find(bytes[end]) != std::string_view::npos);
        if (value.empty() || bytes.substr(i, value.size()) != value || !ends) {
            out.problem = "a plain scalar that continues on another line is not rewritten";
            return out;
        }
        for (auto k = i; k < end; ++k)
            out.offsets.push_back(k);
        return out;
    }
    if (out.problem.empty() && decoded != value) out.problem = "the scalar's bytes do not decode to its value";
    return out;
}

} // namespace digestx::pinning::detail

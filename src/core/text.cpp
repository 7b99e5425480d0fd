#include "digestx/core/text.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

namespace digestx {
namespace {

void append_byte_escape(std::string &out, unsigned char byte) {
    std::array<char, 8> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "\\x%02x", byte);
    out += buffer.data();
}

// Unicode "Cf" characters that change how surrounding text is displayed.
bool is_format_character(std::uint32_t code_point) {
    return code_point == 0x00AD || (code_point >= 0x200B && code_point <= 0x200F) ||
           (code_point >= 0x202A && code_point <= 0x202E) || (code_point >= 0x2060 && code_point <= 0x2069) ||
           code_point == 0xFEFF || code_point == 0x061C || (code_point >= 0xFFF9 && code_point <= 0xFFFB);
}

// Decodes one UTF-8 sequence at `pos`; returns its length, or 0 when it is not valid UTF-8.
std::size_t decode_utf8(std::string_view text, std::size_t pos, std::uint32_t &code_point) {
    auto byte = static_cast<unsigned char>(text[pos]);
    std::size_t length = 0;
    std::uint32_t minimum = 0;
    if (byte < 0x80) {
        code_point = byte;
        return 1;
    }
    if ((byte & 0xE0U) == 0xC0U) {
        length = 2;
        code_point = byte & 0x1FU;
        minimum = 0x80;
    } else if ((byte & 0xF0U) == 0xE0U) {
        length = 3;
        code_point = byte & 0x0FU;
        minimum = 0x800;
    } else if ((byte & 0xF8U) == 0xF0U) {
        length = 4;
        code_point = byte & 0x07U;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (pos + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        auto next = static_cast<unsigned char>(text[pos + i]);
        if ((next & 0xC0U) != 0x80U) return 0;
        code_point = (code_point << 6U) | (next & 0x3FU);
    }
    if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
    return length;
}

} // namespace

std::string sanitize(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (out.size() >= max_bytes) {
            out += "…";
            break;
        }
        std::uint32_t code_point = 0;
        std::size_t length = decode_utf8(text, pos, code_point);
        if (length == 0) {
            append_byte_escape(out, static_cast<unsigned char>(text[pos]));
            ++pos;
            continue;
        }
        if (code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point < 0xA0)) {
            if (code_point == '\n') {
                out += "\\n";
            } else if (code_point == '\r') {
                out += "\\r";
            } else if (code_point == '\t') {
                out += "\\t";
            } else {
                std::array<char, 12> buffer{};
                std::snprintf(buffer.data(), buffer.size(), code_point < 0x80 ? "\\x%02x" : "\\u{%04x}", code_point);
                out += buffer.data();
            }
        } else if (is_format_character(code_point)) {
            std::array<char, 12> buffer{};
            std::snprintf(buffer.data(), buffer.size(), "\\u{%04x}", code_point);
            out += buffer.data();
        } else {
            out.append(text.substr(pos, length));
        }
        pos += length;
    }
    return out;
}

std::string quoted(std::string_view text, std::size_t max_bytes) {
    std::string out = "\"";
    out += sanitize(text, max_bytes);
    out += '"';
    return out;
}

std::string ascii_lowercase(std::string_view text) {
    std::string out(text);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string human_size(unsigned long long bytes) {
    if (bytes < 1000ULL) return std::to_string(bytes) + " B";
    static constexpr std::array<const char *, 5> units{"kB", "MB", "GB", "TB", "PB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    value /= 1000.0;
    while (value >= 1000.0 && unit + 1 < units.size()) {
        value /= 1000.0;
        ++unit;
    }
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.2f %s", value, units[unit]);
    return buffer.data();
}

} // namespace digestx

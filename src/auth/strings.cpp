#include "strings.hpp"

#include <array>

namespace digestx::auth::detail {

std::string percent_encode(std::string_view text) {
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4U];
            out += hex[byte & 0x0FU];
        }
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U) |
                 (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
                 static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
        out += alphabet[(n >> 18U) & 63U];
        out += alphabet[(n >> 12U) & 63U];
        out += alphabet[(n >> 6U) & 63U];
        out += alphabet[n & 63U];
    }
    std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U;
        if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
        out += alphabet[(n >> 18U) & 63U];
        out += alphabet[(n >> 12U) & 63U];
        out += rest == 2 ? alphabet[(n >> 6U) & 63U] : '=';
        out += '=';
    }
    return out;
}

} // namespace digestx::auth::detail

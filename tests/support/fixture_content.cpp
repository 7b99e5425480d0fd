#include "support/fixture_content.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "support/jose.hpp"

namespace digestx::test::fixture_content {
namespace {

// Writes `value` as zero-padded octal into a tar header field of `width` bytes (NUL-terminated).
void octal_field(char *field, std::size_t width, std::uint64_t value) {
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

std::uint32_t crc32(std::string_view data) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> entries{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) != 0 ? 0xedb88320U ^ (c >> 1) : c >> 1;
            entries[n] = c;
        }
        return entries;
    }();
    std::uint32_t crc = 0xffffffffU;
    for (unsigned char byte : data)
        crc = table[(crc ^ byte) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffU;
}

void little_endian(std::string &out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

} // namespace

std::string tar_one_file(const std::string &path, const std::string &content) {
    char header[512] = {0};
    std::memcpy(header, path.data(), std::min<std::size_t>(path.size(), 99));
    octal_field(header + 100, 8, 0644);
    octal_field(header + 108, 8, 0);
    octal_field(header + 116, 8, 0);
    octal_field(header + 124, 12, content.size());
    octal_field(header + 136, 12, static_cast<std::uint64_t>(created_epoch));
    header[156] = '0';
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    std::memcpy(header + 265, "root", 4);
    std::memcpy(header + 297, "root", 4);
    // The checksum is computed with its own field read as eight spaces.
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char byte : header)
        sum += byte;
    std::snprintf(header + 148, 8, "%06o", sum);
    header[155] = ' ';
    std::string archive(header, sizeof header);
    archive += content;
    archive.append((512 - content.size() % 512) % 512, '\0');
    archive.append(1024, '\0');
    return archive;
}

std::string gzip_stored(std::string_view data) {
    std::string out = {'\x1f', '\x8b', '\x08', '\0', '\0', '\0', '\0', '\0', '\0', '\xff'};
    std::size_t offset = 0;
    do {
        std::size_t length = std::min<std::size_t>(data.size() - offset, 65535);
        bool last = offset + length == data.size();
        out.push_back(last ? '\x01' : '\x00'); // BFINAL, BTYPE=00 (stored)
        little_endian(out, static_cast<std::uint32_t>(length), 2);
        little_endian(out, static_cast<std::uint32_t>(~length & 0xffff), 2);
        out.append(data.substr(offset, length));
        offset += length;
    } while (offset < data.size());
    little_endian(out, crc32(data), 4);
    little_endian(out, static_cast<std::uint32_t>(data.size()), 4);
    return out;
}

Platform Platform::parse(const std::string &text) {
    Platform platform;
    std::stringstream parts(text);
    std::getline(parts, platform.os, '/');
    std::getline(parts, platform.architecture, '/');
    std::getline(parts, platform.variant, '/');
    return platform;
}

std::string Platform::str() const {
    return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

Json Platform::json() const {
    Json value;
    value["architecture"] = architecture;
    value["os"] = os;
    if (!variant.empty()) value["variant"] = variant;
    return value;
}

Json oci_descriptor(std::string_view media_type, const std::string &bytes) {
    Json value;
    value["mediaType"] = media_type;
    value["digest"] = sha256_digest(bytes);
    value["size"] = bytes.size();
    return value;
}

Json docker_descriptor(std::string_view media_type, const std::string &bytes) {
    Json value;
    value["mediaType"] = media_type;
    value["size"] = bytes.size();
    value["digest"] = sha256_digest(bytes);
    return value;
}

} // namespace digestx::test::fixture_content

#include "support/tar_writer.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace digestx::test {
namespace {

constexpr std::size_t block = 512;

std::string octal(std::uint64_t value, std::size_t width) {
    std::string digits(width - 1, '0');
    for (std::size_t i = width - 1; i-- > 0;) {
        digits[i] = static_cast<char>('0' + (value & 7U));
        value >>= 3U;
    }
    return digits + '\0';
}

void put(std::string &header, std::size_t offset, const std::string &value, std::size_t width) {
    header.replace(offset, std::min(value.size(), width), value.substr(0, width));
}

std::uint64_t padding(std::uint64_t size) {
    return (block - size % block) % block;
}

} // namespace

std::string tar_header(const TarEntry &entry) {
    std::string header(block, '\0');
    std::string name = entry.name;
    std::string prefix;
    if (name.size() > 100) {
        auto slash = name.rfind('/', name.size() - 1);
        if (slash != std::string::npos && slash <= 155 && name.size() - slash - 1 <= 100) {
            prefix = name.substr(0, slash);
            name = name.substr(slash + 1);
        }
    }
    put(header, 0, name, 100);
    put(header, 100, octal(0644, 8), 8);
    put(header, 108, octal(0, 8), 8);
    put(header, 116, octal(0, 8), 8);
    std::uint64_t size = entry.hole != 0 ? entry.hole : entry.body.size();
    put(header, 124, entry.size_field.value_or(octal(size, 12)), 12);
    put(header, 136, octal(0, 12), 12);
    header[156] = entry.type;
    put(header, 157, entry.link, 100);
    put(header, 257, std::string("ustar\0", 6), 6);
    put(header, 263, "00", 2);
    put(header, 345, prefix, 155);
    unsigned sum = 0;
    for (std::size_t i = 0; i < block; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
    if (entry.bad_checksum) sum += 1;
    put(header, 148, octal(sum, 7) + ' ', 8);
    return header;
}

TarWriter &TarWriter::file(const std::string &name, const std::string &body) {
    return entry(TarEntry{name, '0', body, 0, {}, {}, false});
}

TarWriter &TarWriter::large_file(const std::string &name, std::uint64_t size) {
    return entry(TarEntry{name, '0', {}, size, {}, {}, false});
}

TarWriter &TarWriter::symlink(const std::string &name, const std::string &target) {
    return entry(TarEntry{name, '2', {}, 0, target, {}, false});
}

TarWriter &TarWriter::hardlink(const std::string &name, const std::string &target) {
    return entry(TarEntry{name, '1', {}, 0, target, {}, false});
}

TarWriter &TarWriter::directory(const std::string &name) {
    return entry(TarEntry{name, '5', {}, 0, {}, {}, false});
}

// POSIX pax: each record is "%d %s=%s\n" with the length counting itself.
TarWriter &TarWriter::pax(const std::map<std::string, std::string> &records) {
    std::string body;
    for (const auto &[key, value] : records) {
        std::string rest = " " + key + "=" + value + "\n";
        std::size_t length = rest.size() + 1;
        while (std::to_string(length).size() + rest.size() != length)
            ++length;
        body += std::to_string(length) + rest;
    }
    return entry(TarEntry{"PaxHeaders/next", 'x', body, 0, {}, {}, false});
}

TarWriter &TarWriter::gnu_long_name(const std::string &name) {
    return entry(TarEntry{"././@LongLink", 'L', name + '\0', 0, {}, {}, false});
}

TarWriter &TarWriter::entry(TarEntry entry) {
    m_entries.push_back(std::move(entry));
    return *this;
}

std::string TarWriter::bytes(bool end_marker) const {
    std::string out;
    for (const auto &entry : m_entries) {
        out += tar_header(entry);
        std::uint64_t size = entry.hole != 0 ? entry.hole : entry.body.size();
        out += entry.hole != 0 ? std::string(entry.hole, '\0') : entry.body;
        out += std::string(padding(size), '\0');
    }
    if (end_marker) out += std::string(2 * block, '\0');
    return out;
}

void TarWriter::write(const std::string &path, bool end_marker) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::uint64_t position = 0;
    auto emit = [&](const std::string &text) {
        out.seekp(static_cast<std::streamoff>(position));
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        position += text.size();
    };
    for (const auto &entry : m_entries) {
        emit(tar_header(entry));
        std::uint64_t size = entry.hole != 0 ? entry.hole : entry.body.size();
        if (entry.hole != 0) {
            position += entry.hole; // seeking past the end and writing later leaves a hole
        } else {
            emit(entry.body);
        }
        position += padding(size);
    }
    emit(end_marker ? std::string(2 * block, '\0') : std::string());
    out.close();
    if (!out) throw std::runtime_error("cannot write test archive " + path);
    // A trailing hole needs the file extended to its full length; resize_file leaves it sparse.
    std::filesystem::resize_file(path, position);
}

} // namespace digestx::test

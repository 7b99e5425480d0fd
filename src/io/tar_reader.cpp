// The tar format as POSIX.1-2001 pax (IEEE Std 1003.1, "pax - Interchange Format") defines it,
// with the GNU extensions Go's archive/tar reads (reader.go: long names `L`/`K`, base-256 numbers),
// since docker save and containers/image write their archives with archive/tar.
#include "digestx/io/tar_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include "digestx/core/text.hpp"

namespace digestx::io {
namespace {

constexpr std::size_t block = 512;
constexpr std::uint64_t max_int64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

tl::unexpected<Error> corrupt(std::string message) {
    return fail(ErrorCode::Integrity, "corrupt archive: " + std::move(message));
}

std::string at_offset(std::uint64_t offset) {
    return "header at byte " + std::to_string(offset);
}

// A NUL-terminated header field.
std::string_view field(std::string_view header, std::size_t offset, std::size_t length) {
    std::string_view raw = header.substr(offset, length);
    return raw.substr(0, std::min(raw.find('\0'), raw.size()));
}

// reader.go parseNumeric: base-256 when the high bit of the first byte is set (GNU, for values
// octal cannot hold), else octal with spaces and NULs trimmed. Negative base-256 values and
// anything beyond int64 are refused: no size or offset is ever negative.
std::optional<std::uint64_t> parse_numeric(std::string_view raw) {
    if (!raw.empty() && (static_cast<unsigned char>(raw[0]) & 0x80U) != 0) {
        if ((static_cast<unsigned char>(raw[0]) & 0x40U) != 0) return std::nullopt; // negative
        std::uint64_t value = static_cast<unsigned char>(raw[0]) & 0x7FU;
        for (std::size_t i = 1; i < raw.size(); ++i) {
            if (value > (max_int64 >> 8U)) return std::nullopt;
            value = (value << 8U) | static_cast<unsigned char>(raw[i]);
        }
        return value;
    }
    std::size_t begin = 0;
    std::size_t end = raw.size();
    while (begin < end && (raw[begin] == ' ' || raw[begin] == '\0'))
        ++begin;
    while (end > begin && (raw[end - 1] == ' ' || raw[end - 1] == '\0'))
        --end;
    std::uint64_t value = 0;
    for (std::size_t i = begin; i < end; ++i) {
        if (raw[i] < '0' || raw[i] > '7') return std::nullopt;
        if (value > (max_int64 >> 3U)) return std::nullopt;
        value = (value << 3U) | static_cast<std::uint64_t>(raw[i] - '0');
    }
    return value;
}

// POSIX: the checksum is the sum of the header's bytes with the checksum field taken as spaces.
// Historical writers summed signed chars; archive/tar accepts either sum, and so does this.
bool checksum_ok(std::string_view header) {
    auto stored = parse_numeric(header.substr(148, 8));
    if (!stored) return false;
    std::uint64_t unsigned_sum = 0;
    std::int64_t signed_sum = 0;
    for (std::size_t i = 0; i < block; ++i) {
        char c = (i >= 148 && i < 156) ? ' ' : header[i];
        unsigned_sum += static_cast<unsigned char>(c);
        signed_sum += static_cast<signed char>(c);
    }
    return *stored == unsigned_sum || static_cast<std::int64_t>(*stored) == signed_sum;
}

bool is_zero_block(std::string_view header) {
    return header.find_first_not_of('\0') == std::string_view::npos;
}

std::uint64_t padded(std::uint64_t size) {
    return (size + block - 1) / block * block;
}

// The records of a pax extended header: "%d %s=%s\n", the length counting the whole record.
struct PaxOverrides {
    std::optional<std::string> path;
    std::optional<std::string> linkpath;
    std::optional<std::uint64_t> size;
};

Result<void> parse_pax(std::string_view body, PaxOverrides &pax, std::uint64_t offset) {
    while (!body.empty()) {
        auto space = body.find(' ');
        if (space == std::string_view::npos || space == 0 || space > 20) {
            return corrupt("malformed pax record in " + at_offset(offset));
        }
        std::uint64_t length = 0;
        for (char c : body.substr(0, space)) {
            if (c < '0' || c > '9') return corrupt("malformed pax record length in " + at_offset(offset));
            length = length * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (length <= space + 1 || length > body.size() || body[length - 1] != '\n') {
            return corrupt("pax record length out of range in " + at_offset(offset));
        }
        std::string_view record = body.substr(space + 1, length - space - 2);
        body.remove_prefix(length);
        auto equals = record.find('=');
        if (equals == std::string_view::npos) return corrupt("pax record without '=' in " + at_offset(offset));
        std::string_view key = record.substr(0, equals);
        std::string_view value = record.substr(equals + 1);
        if (key == "path") {
            pax.path = std::string(value);
        } else if (key == "linkpath") {
            pax.linkpath = std::string(value);
        } else if (key == "size") {
            // A decimal the writer could only have meant for a body beyond 8 GiB; anything else
            // (signs, spaces, overflow) would let the header and the body disagree.
            std::uint64_t size = 0;
            if (value.empty() || value.size() > 19) return corrupt("pax size out of range in " + at_offset(offset));
            for (char c : value) {
                if (c < '0' || c > '9') return corrupt("pax size is not a number in " + at_offset(offset));
                size = size * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (size > max_int64) return corrupt("pax size out of range in " + at_offset(offset));
            pax.size = size;
        } else if (key.starts_with("GNU.sparse.")) {
            return corrupt("sparse members are not supported (" + at_offset(offset) + ")");
        }
    }
    return {};
}

// Appends the components of `path` to `parts`: empty and `.` components dropped, `..` removing
// the last one when `climb` allows it. False when `..` is refused or would climb above the root.
bool append_components(std::vector<std::string> &parts, std::string_view path, bool climb) {
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = std::min(path.find('/', start), path.size());
        std::string_view part = path.substr(start, slash - start);
        start = slash + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!climb || parts.empty()) return false;
            parts.pop_back();
        } else {
            parts.emplace_back(part);
        }
    }
    return true;
}

std::string join_components(const std::vector<std::string> &parts) {
    std::string joined;
    for (const auto &part : parts)
        joined += (joined.empty() ? "" : "/") + part;
    return joined;
}

// Lexical resolution of a symbolic link's target against the link's directory, refusing any
// target that climbs above the archive's root (the classic tar-slip escape) or is absolute.
std::optional<std::string> resolve_symlink(std::string_view link_name, std::string_view target) {
    if (target.empty() || target.front() == '/') return std::nullopt;
    std::vector<std::string> parts;
    auto slash = link_name.rfind('/');
    if (slash != std::string_view::npos && !append_components(parts, link_name.substr(0, slash), false)) {
        return std::nullopt;
    }
    if (!append_components(parts, target, true) || parts.empty()) return std::nullopt;
    return join_components(parts);
}

TarEntryType entry_type(char flag) {
    switch (flag) {
    case '0':
    case '\0':
    case '7': return TarEntryType::File;
    case '1': return TarEntryType::Hardlink;
    case '2': return TarEntryType::Symlink;
    case '5': return TarEntryType::Directory;
    default: return TarEntryType::Other;
    }
}

// reader.go isHeaderOnlyType: links, devices, FIFOs and directories have no body whatever their
// size field says.
bool header_only(char flag) {
    return flag == '1' || flag == '2' || flag == '3' || flag == '4' || flag == '5' || flag == '6';
}

// The link target a member's target resolves to, as an index key.
std::optional<std::string> link_key(const TarMember &member) {
    if (member.type == TarEntryType::Symlink) return resolve_symlink(member.name, member.link_target);
    return normalize_member_name(member.link_target);
}

} // namespace

Result<std::unique_ptr<FileBytes>> FileBytes::open(const std::string &path) {
    int fd = -1;
    do {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int error = errno;
        return fail(error == ENOENT || error == ENOTDIR ? ErrorCode::NotFound : ErrorCode::Usage,
                    "cannot read archive " + quoted(path) + ": " + std::strerror(error));
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::Usage, "cannot read archive " + quoted(path) + ": not a regular file");
    }
    return std::unique_ptr<FileBytes>(new FileBytes(fd, static_cast<std::uint64_t>(info.st_size), path));
}

FileBytes::~FileBytes() {
    ::close(m_fd);
}

Result<std::string> FileBytes::read_at(std::uint64_t offset, std::size_t length) {
    if (offset > m_size || length > m_size - offset) {
        return corrupt("truncated: " + std::to_string(length) + " bytes at byte " + std::to_string(offset) +
                       " lie beyond its end (" + std::to_string(m_size) + " bytes)");
    }
    std::string out(length, '\0');
    std::size_t done = 0;
    while (done < length) {
        ssize_t got = ::pread(m_fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0)
            return fail(ErrorCode::Usage, "cannot read archive " + quoted(m_path) + ": " + std::strerror(errno));
        if (got == 0) return corrupt("truncated while reading byte " + std::to_string(offset + done));
        done += static_cast<std::size_t>(got);
    }
    m_bytes_read += length;
    return out;
}

std::optional<std::string> normalize_member_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find('\0') != std::string_view::npos) return std::nullopt;
    std::vector<std::string> parts;
    if (!append_components(parts, name, false) || parts.empty()) return std::nullopt;
    return join_components(parts);
}

Result<TarIndex> TarIndex::build(ByteSource &bytes, const TarLimits &limits) {
    TarIndex index;
    index.m_max_link_hops = limits.max_link_hops;
    std::uint64_t offset = 0;
    PaxOverrides pax;
    std::size_t name_total = 0;
    std::optional<std::string> long_name;
    std::optional<std::string> long_link;
    auto extended_body = [&](std::uint64_t size, std::uint64_t at) -> Result<std::string> {
        if (size > limits.max_extended_bytes) {
            return corrupt("extended header of " + std::to_string(size) + " bytes exceeds the " +
                           std::to_string(limits.max_extended_bytes) + "-byte limit (" + at_offset(at) + ")");
        }
        return bytes.read_at(at + block, static_cast<std::size_t>(size));
    };
    while (true) {
        if (offset + block > bytes.size()) {
            return corrupt("truncated: no end-of-archive block after " + std::to_string(index.m_members.size()) +
                           " members");
        }
        auto header = bytes.read_at(offset, block);
        if (!header) return fail(std::move(header.error()));
        if (is_zero_block(*header)) break;
        // `docker save | gzip` is common; seeking past bodies needs the tar itself (RFC 1952 and
        // RFC 8878 magic numbers).
        if (offset == 0 && (header->starts_with("\x1f\x8b") || header->starts_with("\x28\xb5\x2f\xfd"))) {
            return corrupt("it is compressed (gzip or zstd); decompress it to a .tar first");
        }
        if (!checksum_ok(*header)) return corrupt("bad header checksum (" + at_offset(offset) + ")");
        char flag = (*header)[156];
        auto size_field = parse_numeric(std::string_view(*header).substr(124, 12));
        if (!size_field) return corrupt("bad size field (" + at_offset(offset) + ")");
        std::uint64_t size = header_only(flag) ? 0 : *size_field;
        if (flag != 'x' && flag != 'g' && flag != 'L' && flag != 'K' && pax.size && !header_only(flag)) {
            size = *pax.size;
        }
        if (size > bytes.size() - offset - block) {
            return corrupt("truncated: member at byte " + std::to_string(offset) + " claims " + std::to_string(size) +
                           " bytes, " + std::to_string(bytes.size() - offset - block) + " remain");
        }
        std::uint64_t next = offset + block + padded(size);
        switch (flag) {
        case 'x': {
            auto body = extended_body(size, offset);
            if (!body) return fail(std::move(body.error()));
            if (auto parsed = parse_pax(*body, pax, offset); !parsed) return fail(std::move(parsed.error()));
            offset = next;
            continue;
        }
        case 'g': {
            // Global pax headers carry defaults docker save never sets; only their size matters here.
            if (size > limits.max_extended_bytes) return corrupt("oversized global header (" + at_offset(offset) + ")");
            offset = next;
            continue;
        }
        case 'L':
        case 'K': {
            auto body = extended_body(size, offset);
            if (!body) return fail(std::move(body.error()));
            std::string text(body->substr(0, std::min(body->find('\0'), body->size())));
            (flag == 'L' ? long_name : long_link) = std::move(text);
            offset = next;
            continue;
        }
        case 'S': return corrupt("sparse members are not supported (" + at_offset(offset) + ")");
        default: break;
        }
        std::string name;
        if (pax.path) {
            name = *pax.path;
        } else if (long_name) {
            name = *long_name;
        } else {
            std::string_view magic = std::string_view(*header).substr(257, 6);
            std::string prefix(field(*header, 345, 155));
            name = std::string(field(*header, 0, 100));
            // Only POSIX ustar has the prefix field; GNU headers use those bytes for times.
            if (magic == std::string_view("ustar\0", 6) && !prefix.empty()) name = prefix + "/" + name;
        }
        std::string target = pax.linkpath ? *pax.linkpath
                             : long_link  ? *long_link
                                          : std::string(field(*header, 157, 100));
        pax = PaxOverrides{};
        long_name.reset();
        long_link.reset();
        if (name.size() > limits.max_name_bytes || target.size() > limits.max_name_bytes) {
            return corrupt("member name longer than " + std::to_string(limits.max_name_bytes) + " bytes (" +
                           at_offset(offset) + ")");
        }
        TarEntryType type = entry_type(flag);
        // `tar -C DIR -cf x.tar .` begins with the archive's root itself, "./": nothing to index.
        if (type == TarEntryType::Directory && !name.empty() && name.front() != '/' &&
            name.find_first_not_of("./") == std::string::npos && name.find("..") == std::string::npos) {
            offset = next;
            continue;
        }
        auto key = normalize_member_name(name);
        if (!key) {
            return corrupt("unsafe member name " + quoted(name, 200) + " (" + at_offset(offset) +
                           "): absolute, empty or with '..'");
        }
        if (type == TarEntryType::File || type == TarEntryType::Symlink || type == TarEntryType::Hardlink) {
            if (index.m_members.size() >= limits.max_members) {
                return corrupt("more than " + std::to_string(limits.max_members) + " members");
            }
            if (index.m_by_name.count(*key) != 0) return corrupt("member " + quoted(*key, 200) + " appears twice");
            name_total += key->size() + target.size();
            if (name_total > limits.max_name_total) {
                return corrupt("member names exceed " + std::to_string(limits.max_name_total) + " bytes in all");
            }
            TarMember member{*key, type, offset + block, type == TarEntryType::File ? size : 0, target};
            if (type != TarEntryType::File && !link_key(member)) {
                return corrupt("link " + quoted(*key, 200) + " points outside the archive (" + quoted(target, 200) +
                               ")");
            }
            index.m_by_name.emplace(*key, index.m_members.size());
            index.m_members.push_back(std::move(member));
        }
        offset = next;
    }
    return index;
}

Result<const TarMember *> TarIndex::find(std::string_view name) const {
    auto key = normalize_member_name(name);
    if (!key) return fail(ErrorCode::NotFound, "no member " + quoted(name, 200) + " in archive");
    std::string current = *key;
    for (std::size_t hop = 0; hop <= m_max_link_hops; ++hop) {
        auto found = m_by_name.find(current);
        if (found == m_by_name.end()) {
            if (hop == 0) return fail(ErrorCode::NotFound, "no member " + quoted(*key, 200) + " in archive");
            return corrupt("link " + quoted(*key, 200) + " leads to " + quoted(current, 200) +
                           ", which is not a file in the archive");
        }
        const TarMember &member = m_members[found->second];
        if (member.type == TarEntryType::File) return &member;
        auto next = link_key(member);
        if (!next) return corrupt("link " + quoted(member.name, 200) + " points outside the archive");
        current = std::move(*next);
    }
    return corrupt("link " + quoted(*key, 200) + " takes more than " + std::to_string(m_max_link_hops) +
                   " hops (a loop?)");
}

Result<std::string> read_member(ByteSource &bytes, const TarIndex &index, std::string_view name, std::size_t max_bytes,
                                const std::string &what) {
    auto member = index.find(name);
    if (!member) {
        if (member.error().code == ErrorCode::NotFound)
            return fail(ErrorCode::NotFound, what + " not found in archive");
        return fail(std::move(member.error()));
    }
    if ((*member)->size > max_bytes) {
        return fail(ErrorCode::Integrity, what + " exceeds " + std::to_string(max_bytes) + "-byte limit");
    }
    return bytes.read_at((*member)->offset, static_cast<std::size_t>((*member)->size));
}

} // namespace digestx::io

#pragma once
/// @file
/// A tar writer for archive tests: well-formed ustar, pax and GNU members the way Go's
/// archive/tar writes them for docker save, and the hostile headers a reader must refuse (bad
/// checksums, size claims beyond the archive, escaping names and links). Large members are holes:
/// written to a file they make a sparse file, so a 1 GiB archive costs no disk and no memory.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace digestx::test {

/// One header and its body, as the test wants it written.
struct TarEntry {
    std::string name;                      ///< the name field (split into ustar prefix/name when long)
    char type = '0';                       ///< the typeflag byte
    std::string body;                      ///< the body written after the header
    std::uint64_t hole = 0;                ///< a body of this many zero bytes, left as a hole instead
    std::string link;                      ///< the linkname field
    std::optional<std::string> size_field; ///< the raw 12-byte size field instead of the octal of the body size
    bool bad_checksum = false;             ///< store a checksum that does not match
};

/// Builds an archive in order, member by member.
class TarWriter {
public:
    /// A regular file.
    TarWriter &file(const std::string &name, const std::string &body);
    /// A regular file of `size` zero bytes that is never written (a hole in the output file).
    TarWriter &large_file(const std::string &name, std::uint64_t size);
    /// A symbolic link.
    TarWriter &symlink(const std::string &name, const std::string &target);
    /// A hard link to a member name.
    TarWriter &hardlink(const std::string &name, const std::string &target);
    /// A directory.
    TarWriter &directory(const std::string &name);
    /// A pax extended header ('x') whose records apply to the next member.
    TarWriter &pax(const std::map<std::string, std::string> &records);
    /// A GNU long-name member ('L') for the next member.
    TarWriter &gnu_long_name(const std::string &name);
    /// Any entry, as given.
    TarWriter &entry(TarEntry entry);

    /// The archive in memory (holes as zero bytes), with or without the two end-of-archive blocks.
    [[nodiscard]] std::string bytes(bool end_marker = true) const;
    /// Writes the archive to `path` with holes left unwritten (a sparse file); throws on failure.
    void write(const std::string &path, bool end_marker = true) const;

private:
    std::vector<TarEntry> m_entries;
};

/// The 512-byte header of `entry` (checksum filled in unless bad_checksum).
std::string tar_header(const TarEntry &entry);

} // namespace digestx::test

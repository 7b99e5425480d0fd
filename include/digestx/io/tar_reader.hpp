#pragma once
/// @file
/// A bounded tar reader for `docker save` and OCI archives: an index of member names built from
/// the headers alone (ustar, pax and GNU long names), and reads of small members with a size cap.
/// Member bodies are never read while indexing: the reader seeks past them, so the memory an
/// archive costs is bounded by its metadata, whatever its layers weigh.
///
/// Everything an archive says is checked before it is used: header checksums, numeric fields
/// (octal or GNU base-256; negative or overflowing values refused), sizes against the bytes the
/// archive has, names (no absolute paths, no `..`), and links (resolved inside the archive only).
/// Every refusal is ErrorCode::Integrity with one line.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"

namespace digestx::io {

/// Random access to the bytes of an archive, so the index can skip member bodies.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// The number of bytes the archive has.
    [[nodiscard]] virtual std::uint64_t size() const = 0;
    /// Exactly `length` bytes at `offset`; fewer bytes than asked is an Integrity error (a
    /// truncated archive), since callers only ask for ranges the headers promised.
    virtual Result<std::string> read_at(std::uint64_t offset, std::size_t length) = 0;
};

/// A regular file read with pread(2), counting the bytes it hands out (the bound tests assert).
class FileBytes final : public ByteSource {
public:
    /// Opens `path`: a missing file is ErrorCode::NotFound, a directory, FIFO or device Usage.
    static Result<std::unique_ptr<FileBytes>> open(const std::string &path);
    FileBytes(const FileBytes &) = delete;
    FileBytes &operator=(const FileBytes &) = delete;
    ~FileBytes() override;

    /// The file's size when it was opened.
    [[nodiscard]] std::uint64_t size() const override { return m_size; }
    /// pread(2) of the range; a short read is "truncated archive".
    Result<std::string> read_at(std::uint64_t offset, std::size_t length) override;
    /// Bytes returned by read_at() so far.
    [[nodiscard]] std::uint64_t bytes_read() const noexcept { return m_bytes_read; }

private:
    FileBytes(int fd, std::uint64_t size, std::string path) : m_fd(fd), m_size(size), m_path(std::move(path)) {}
    int m_fd;
    std::uint64_t m_size;
    std::string m_path;
    std::uint64_t m_bytes_read = 0;
};

/// Bounds on what one archive may make the reader hold.
struct TarLimits {
    std::size_t max_members = 100000;           ///< members indexed (a docker save has a few per layer)
    std::size_t max_extended_bytes = 1U << 20U; ///< one pax header or GNU long name/link body
    std::size_t max_name_bytes = 4096;          ///< a member name or link target (PATH_MAX)
    std::size_t max_link_hops = 16;             ///< links followed to reach a file (Linux: 40; docker save: 1)
    std::size_t max_name_total = 16U << 20U;    ///< names and link targets of all members together
};

/// What a member is.
enum class TarEntryType {
    File,      ///< a regular file (`0`, NUL, `7`)
    Symlink,   ///< a symbolic link (`2`), target relative to the link's directory
    Hardlink,  ///< a hard link (`1`), target a member name
    Directory, ///< a directory (`5`); not indexed
    Other,     ///< devices, FIFOs and unknown types: skipped, not indexed
};

/// One indexed member: where its body lies, never the body itself.
struct TarMember {
    std::string name;                       ///< normalised: no leading `./`, no `.` or empty components
    TarEntryType type = TarEntryType::File; ///< file or link
    std::uint64_t offset = 0;               ///< of the body in the archive
    std::uint64_t size = 0;                 ///< of the body; 0 for links
    std::string link_target;                ///< for links: the target as written
};

/// A member name as the index keys it: leading `./` and `.` or empty components dropped, a
/// trailing `/` removed. Absolute names, `..` components, NUL bytes and empty names are refused
/// (std::nullopt): a name that could reach outside the archive's root is never looked up.
std::optional<std::string> normalize_member_name(std::string_view name);

/// The names of an archive and where their bodies are.
class TarIndex {
public:
    /// Reads every header of `bytes`, seeking past bodies, until the end-of-archive block. Refuses
    /// (ErrorCode::Integrity, one line naming the member or the offset) a bad checksum, a bad or
    /// negative numeric field, a body beyond the end of the archive, a missing end-of-archive
    /// block, an unsafe name, a name twice, a link whose target leaves the archive, a GNU sparse
    /// member, and anything over `limits`.
    static Result<TarIndex> build(ByteSource &bytes, const TarLimits &limits = {});

    /// The regular file `name` names, links followed inside the archive: ErrorCode::NotFound when
    /// there is no such member, Integrity for a link to nothing, a loop or a directory.
    [[nodiscard]] Result<const TarMember *> find(std::string_view name) const;
    /// Every file and link, in archive order.
    [[nodiscard]] const std::vector<TarMember> &members() const noexcept { return m_members; }

private:
    std::vector<TarMember> m_members;
    std::map<std::string, std::size_t, std::less<>> m_by_name;
    std::size_t m_max_link_hops = 16;
};

/// The body of the file `name` names (links followed), at most `max_bytes` long: a larger member
/// is "WHAT exceeds N-byte limit" (ErrorCode::Integrity) without reading it, a missing one
/// "WHAT not found in archive" (ErrorCode::NotFound).
Result<std::string> read_member(ByteSource &bytes, const TarIndex &index, std::string_view name, std::size_t max_bytes,
                                const std::string &what);

} // namespace digestx::io

// The file I/O of digestx. Reads are bounded while reading, never by trusting a size up front;
// writes go through a temporary file and rename(2) so that an interrupted `pin` (a full disk, a
// signal, a crash) leaves each file either old or new, never cut.
#include "digestx/io/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <vector>

#include "digestx/core/text.hpp"

namespace digestx::io {
namespace {

constexpr std::size_t chunk_bytes = 64U * 1024U;

tl::unexpected<Error> cannot(ErrorCode code, std::string_view what, const std::string &path, std::string_view why) {
    return fail(code, "cannot " + std::string(what) + " " + quoted(path) + ": " + std::string(why));
}

tl::unexpected<Error> write_failure(std::string_view what, const std::string &path, int error) {
    return cannot(write_error_code(error), what, path, std::strerror(error));
}

tl::unexpected<Error> too_large(const ReadLimit &limit) {
    return fail(limit.too_large, limit.what + " exceeds " + std::to_string(limit.max_bytes) + "-byte limit");
}

// Closes a descriptor opened for reading when it goes out of scope.
class OpenFile {
public:
    explicit OpenFile(int fd) : m_fd(fd) {}
    OpenFile(const OpenFile &) = delete;
    OpenFile &operator=(const OpenFile &) = delete;
    ~OpenFile() {
        if (m_fd >= 0) ::close(m_fd);
    }
    [[nodiscard]] int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

// Opens `path` for reading. With regular_only, O_NONBLOCK keeps a FIFO from blocking the open
// until a writer comes: it is refused right after, by its type (and a regular file ignores it).
Result<int> open_for_reading(const std::string &path, const ReadLimit &limit) {
    int flags = O_RDONLY | O_CLOEXEC | (limit.regular_only ? O_NONBLOCK : 0);
    int fd = -1;
    do {
        fd = ::open(path.c_str(), flags);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) return fd;
    int error = errno;
    bool absent = error == ENOENT || error == ENOTDIR;
    return cannot(absent ? limit.missing : ErrorCode::Usage, "read", path, std::strerror(error));
}

// Closes a descriptor and removes the temporary file unless the rename happened.
class TempFile {
public:
    TempFile(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    ~TempFile() {
        if (m_fd >= 0) ::close(m_fd);
        if (!m_kept) ::unlink(m_path.c_str());
    }
    [[nodiscard]] int fd() const noexcept { return m_fd; }
    [[nodiscard]] const std::string &path() const noexcept { return m_path; }
    // Closes the descriptor, reporting the error close(2) may return for delayed writes.
    int close() {
        int result = ::close(m_fd);
        m_fd = -1;
        return result;
    }
    void keep() noexcept { m_kept = true; }

private:
    int m_fd;
    std::string m_path;
    bool m_kept = false;
};

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        auto written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written == 0) errno = EIO;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// A symbolic link is followed so that the file it names is replaced and the link itself stays.
Result<std::string> resolve_target(const std::string &path) {
    std::vector<char> buffer(PATH_MAX + 1, '\0');
    if (::realpath(path.c_str(), buffer.data()) == nullptr) return write_failure("write", path, errno);
    return std::string(buffer.data());
}

} // namespace

Result<std::string> read_file_bounded(const std::string &path, const ReadLimit &limit) {
    auto opened = open_for_reading(path, limit);
    if (!opened) return fail(std::move(opened.error()));
    OpenFile fd(*opened);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return cannot(ErrorCode::Usage, "read", path, std::strerror(errno));
    if (limit.regular_only) {
        if (!S_ISREG(info.st_mode)) return cannot(limit.missing, "read", path, "not a regular file");
    }
    std::string bytes;
    // The size is a hint for one allocation, never trusted: the loop below bounds the read.
    if (S_ISREG(info.st_mode) && info.st_size > 0) {
        bytes.reserve(std::min(static_cast<std::size_t>(info.st_size), limit.max_bytes) + 1);
    }
    std::vector<char> chunk(chunk_bytes);
    while (bytes.size() <= limit.max_bytes) {
        std::size_t wanted = std::min(chunk.size(), limit.max_bytes + 1 - bytes.size());
        auto got = ::read(fd.get(), chunk.data(), wanted);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return cannot(ErrorCode::Usage, "read", path, std::strerror(errno));
        if (got == 0) break;
        bytes.append(chunk.data(), static_cast<std::size_t>(got));
    }
    if (bytes.size() > limit.max_bytes) return too_large(limit);
    return bytes;
}

Result<std::string> read_stream_bounded(std::istream &in, const ReadLimit &limit, std::string_view source) {
    std::string bytes;
    std::vector<char> chunk(chunk_bytes);
    while (in && bytes.size() <= limit.max_bytes) {
        std::size_t wanted = std::min(chunk.size(), limit.max_bytes + 1 - bytes.size());
        in.read(chunk.data(), static_cast<std::streamsize>(wanted));
        bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (bytes.size() > limit.max_bytes) return too_large(limit);
    if (in.bad()) return fail(ErrorCode::Usage, "cannot read " + std::string(source));
    return bytes;
}

ErrorCode write_error_code(int error) noexcept {
    switch (error) {
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
    case ENAMETOOLONG: return ErrorCode::Usage;
    default: return ErrorCode::Output;
    }
}

Result<void> write_file_atomically(const std::string &path, std::string_view bytes) {
    auto target = resolve_target(path);
    if (!target) return fail(std::move(target.error()));
    struct stat info {};
    if (::stat(target->c_str(), &info) != 0) return write_failure("write", path, errno);
    if (!S_ISREG(info.st_mode)) return cannot(ErrorCode::Usage, "write", path, "not a regular file");
    auto slash = target->find_last_of('/');
    auto directory = target->substr(0, slash == 0 ? 1 : slash);
    std::string pattern = target->substr(0, slash + 1) + "." + target->substr(slash + 1) + ".digestx-XXXXXX";
    int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) return write_failure("create a temporary file beside", path, errno);
    TempFile temp(fd, pattern);
    if (!write_all(temp.fd(), bytes)) return write_failure("write", path, errno);
    if (::fchmod(temp.fd(), info.st_mode & 07777) != 0) return write_failure("set the mode of", path, errno);
    if (::fchown(temp.fd(), info.st_uid, info.st_gid) != 0) {
        // Only root may give a file away; for anyone else the new file is theirs, as an editor's would be.
    }
    if (::fsync(temp.fd()) != 0) return write_failure("flush", path, errno);
    if (temp.close() != 0) return write_failure("write", path, errno);
    if (::rename(temp.path().c_str(), target->c_str()) != 0) return write_failure("replace", path, errno);
    temp.keep();
    // The rename is durable only once the directory entry is; a failure here leaves the new content
    // in place, so it is not reported.
    int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd >= 0) {
        (void)::fsync(directory_fd);
        ::close(directory_fd);
    }
    return {};
}

} // namespace digestx::io

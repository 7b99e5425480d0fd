// The pinning module's only I/O. Writes go through a temporary file and rename(2) so that an
// interrupted `pin` (a full disk, a signal, a crash) leaves each file either old or new, never cut.
#include "digestx/pinning/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "digestx/core/text.hpp"

namespace digestx::pinning {
namespace {

tl::unexpected<Error> system_failure(std::string_view what, const std::string &path, int error) {
    return fail(ErrorCode::Usage, "cannot " + std::string(what) + " " + quoted(path) + ": " + std::strerror(error));
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
    if (::realpath(path.c_str(), buffer.data()) == nullptr) return system_failure("write", path, errno);
    return std::string(buffer.data());
}

} // namespace

Result<std::string> read_file_bytes(const std::string &path, std::size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return system_failure("read", path, errno);
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::Usage, "cannot read " + quoted(path) + ": not a regular file");
    }
    std::string bytes;
    std::vector<char> chunk(64 * 1024);
    while (true) {
        auto got = ::read(fd, chunk.data(), chunk.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int error = errno;
            ::close(fd);
            return system_failure("read", path, error);
        }
        if (got == 0) break;
        bytes.append(chunk.data(), static_cast<std::size_t>(got));
        if (bytes.size() > max_bytes) {
            ::close(fd);
            return fail(ErrorCode::Usage,
                        "cannot read " + quoted(path) + ": larger than " + std::to_string(max_bytes) + " bytes");
        }
    }
    ::close(fd);
    return bytes;
}

Result<void> write_file_atomically(const std::string &path, std::string_view bytes) {
    auto target = resolve_target(path);
    if (!target) return fail(std::move(target.error()));
    struct stat info {};
    if (::stat(target->c_str(), &info) != 0) return system_failure("write", path, errno);
    if (!S_ISREG(info.st_mode)) return fail(ErrorCode::Usage, "cannot write " + quoted(path) + ": not a regular file");
    auto slash = target->find_last_of('/');
    auto directory = target->substr(0, slash == 0 ? 1 : slash);
    std::string pattern = target->substr(0, slash + 1) + "." + target->substr(slash + 1) + ".digestx-XXXXXX";
    int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) return system_failure("create a temporary file beside", path, errno);
    TempFile temp(fd, pattern);
    if (!write_all(temp.fd(), bytes)) return system_failure("write", path, errno);
    if (::fchmod(temp.fd(), info.st_mode & 07777) != 0) return system_failure("set the mode of", path, errno);
    if (::fchown(temp.fd(), info.st_uid, info.st_gid) != 0) {
        // Only root may give a file away; for anyone else the new file is theirs, as an editor's would be.
    }
    if (::fsync(temp.fd()) != 0) return system_failure("flush", path, errno);
    if (temp.close() != 0) return system_failure("write", path, errno);
    if (::rename(temp.path().c_str(), target->c_str()) != 0) return system_failure("replace", path, errno);
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

} // namespace digestx::pinning

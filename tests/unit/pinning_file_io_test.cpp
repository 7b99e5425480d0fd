// Reading files to scan and replacing them atomically: mode kept, symbolic links kept, no
// temporary file left behind on success or on a write the system refuses.
#include <catch2/catch.hpp>

#include <csignal>
#include <dirent.h>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digestx/pinning/file_io.hpp"
#include "support/process.hpp"

using digestx::pinning::read_file_bytes;
using digestx::pinning::write_file_atomically;

namespace {

// A fresh directory, removed with its files at the end of the test.
class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/digestx-pin-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        m_path = pattern;
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    ~TempDir() {
        for (const auto &name : entries())
            ::unlink((m_path + "/" + name).c_str());
        ::rmdir(m_path.c_str());
    }
    [[nodiscard]] const std::string &path() const { return m_path; }
    [[nodiscard]] std::string file(const std::string &name, const std::string &bytes, mode_t mode) const {
        auto full = m_path + "/" + name;
        std::ofstream(full, std::ios::binary) << bytes;
        REQUIRE(::chmod(full.c_str(), mode) == 0);
        return full;
    }
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        DIR *dir = ::opendir(m_path.c_str());
        if (dir == nullptr) return names;
        while (auto *entry = ::readdir(dir)) {
            std::string name = entry->d_name;
            if (name != "." && name != "..") names.push_back(name);
        }
        ::closedir(dir);
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    std::string m_path;
};

mode_t mode_of(const std::string &path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

} // namespace

TEST_CASE("atomic write replaces the content and keeps the mode", "[pinning][file_io]") {
    for (mode_t mode : {mode_t{0600}, mode_t{0640}, mode_t{0755}, mode_t{0444}}) {
        INFO("mode " << std::oct << mode);
        TempDir dir;
        auto path = dir.file("compose.yaml", "image: alpine:3\n", mode);
        auto written = write_file_atomically(path, "image: alpine:3@sha256:x\n");
        REQUIRE(written);
        CHECK(digestx::test::read_file(path) == "image: alpine:3@sha256:x\n");
        CHECK(mode_of(path) == mode);
        CHECK(dir.entries() == std::vector<std::string>{"compose.yaml"});
    }
}

TEST_CASE("atomic write through a symbolic link replaces the target and keeps the link", "[pinning][file_io]") {
    TempDir dir;
    auto target = dir.file("real.yaml", "old\n", 0644);
    auto link = dir.path() + "/link.yaml";
    REQUIRE(::symlink("real.yaml", link.c_str()) == 0);
    REQUIRE(write_file_atomically(link, "new\n"));
    struct stat info {};
    REQUIRE(::lstat(link.c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    CHECK(digestx::test::read_file(target) == "new\n");
    CHECK(dir.entries() == std::vector<std::string>{"link.yaml", "real.yaml"});
}

TEST_CASE("a refused write leaves the original and no temporary file", "[pinning][file_io]") {
    TempDir dir;
    auto path = dir.file("Dockerfile", "FROM alpine:3\n", 0640);
    // RLIMIT_FSIZE makes write(2) fail with EFBIG part-way, as a full disk would; SIGXFSZ is ignored
    // so that the failure comes back as an error instead of ending the process.
    auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit previous {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &previous) == 0);
    struct rlimit small = previous;
    small.rlim_cur = 8;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    auto written = write_file_atomically(path, std::string(4096, 'x'));
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &previous) == 0);
    std::signal(SIGXFSZ, previous_handler);
    REQUIRE_FALSE(written);
    CHECK(written.error().code == digestx::ErrorCode::Usage);
    CHECK(written.error().message.find("cannot write") == 0);
    CHECK(digestx::test::read_file(path) == "FROM alpine:3\n");
    CHECK(mode_of(path) == 0640);
    CHECK(dir.entries() == std::vector<std::string>{"Dockerfile"});
}

TEST_CASE("atomic write refuses what is not an existing regular file", "[pinning][file_io]") {
    TempDir dir;
    auto missing = write_file_atomically(dir.path() + "/missing.yaml", "x");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == digestx::ErrorCode::Usage);
    auto directory = write_file_atomically(dir.path(), "x");
    REQUIRE_FALSE(directory);
    CHECK(directory.error().message.find("not a regular file") != std::string::npos);
    CHECK(dir.entries().empty());
}

TEST_CASE("reading files to scan", "[pinning][file_io]") {
    TempDir dir;
    auto path = dir.file("images.txt", std::string("alpine\0x\n", 9), 0644);
    auto bytes = read_file_bytes(path);
    REQUIRE(bytes);
    CHECK(*bytes == std::string("alpine\0x\n", 9));
    auto capped = read_file_bytes(path, 4);
    REQUIRE_FALSE(capped);
    CHECK(capped.error().message.find("larger than 4 bytes") != std::string::npos);
    auto exact = read_file_bytes(path, 9);
    CHECK(exact);
    for (const auto &bad : {dir.path() + "/missing", dir.path()}) {
        INFO(bad);
        auto read = read_file_bytes(bad);
        REQUIRE_FALSE(read);
        CHECK(read.error().code == digestx::ErrorCode::Usage);
    }
}

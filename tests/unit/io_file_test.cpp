// Bounded reads (at most one byte past the limit, each caller's codes) and atomic replacement of
// files: mode kept, symbolic links kept, no temporary file left behind on success or on a write
// the system refuses, and a refused write reported as output that could not be written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digestx/io/file.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"

using digestx::ErrorCode;
using digestx::io::read_file_bounded;
using digestx::io::read_stream_bounded;
using digestx::io::ReadLimit;
using digestx::io::write_file_atomically;

namespace {

using digestx::test::TempDir;

// Writes `bytes` to `name` in `dir` with `mode` and returns its path.
std::string put_file(const TempDir &dir, const std::string &name, const std::string &bytes, mode_t mode) {
    auto full = dir.path() + "/" + name;
    std::ofstream(full, std::ios::binary) << bytes;
    REQUIRE(::chmod(full.c_str(), mode) == 0);
    return full;
}

// The names in `dir`, sorted: what an atomic write left behind.
std::vector<std::string> entries(const TempDir &dir) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(dir.path()))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

mode_t mode_of(const std::string &path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

} // namespace

TEST_CASE("atomic write replaces the content and keeps the mode", "[io][file_io]") {
    for (mode_t mode : {mode_t{0600}, mode_t{0640}, mode_t{0755}, mode_t{0444}}) {
        INFO("mode " << std::oct << mode);
        TempDir dir;
        auto path = put_file(dir, "compose.yaml", "image: alpine:3\n", mode);
        auto written = write_file_atomically(path, "image: alpine:3@sha256:x\n");
        REQUIRE(written);
        CHECK(digestx::test::read_file(path) == "image: alpine:3@sha256:x\n");
        CHECK(mode_of(path) == mode);
        CHECK(entries(dir) == std::vector<std::string>{"compose.yaml"});
    }
}

TEST_CASE("atomic write through a symbolic link replaces the target and keeps the link", "[io][file_io]") {
    TempDir dir;
    auto target = put_file(dir, "real.yaml", "old\n", 0644);
    auto link = dir.path() + "/link.yaml";
    REQUIRE(::symlink("real.yaml", link.c_str()) == 0);
    REQUIRE(write_file_atomically(link, "new\n"));
    struct stat info {};
    REQUIRE(::lstat(link.c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    CHECK(digestx::test::read_file(target) == "new\n");
    CHECK(entries(dir) == std::vector<std::string>{"link.yaml", "real.yaml"});
}

TEST_CASE("a refused write leaves the original and no temporary file", "[io][file_io]") {
    TempDir dir;
    auto path = put_file(dir, "Dockerfile", "FROM alpine:3\n", 0640);
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
    // Not the user's mistake: the output could not be written (exit 74), as on a full disk.
    CHECK(written.error().code == ErrorCode::Output);
    CHECK(digestx::test::read_file(path) == "FROM alpine:3\n");
    CHECK(mode_of(path) == 0640);
    CHECK(entries(dir) == std::vector<std::string>{"Dockerfile"});
}

TEST_CASE("atomic write refuses what is not an existing regular file", "[io][file_io]") {
    TempDir dir;
    auto missing = write_file_atomically(dir.path() + "/missing.yaml", "x");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::Usage);
    auto directory = write_file_atomically(dir.path(), "x");
    REQUIRE_FALSE(directory);
    CHECK(directory.error().code == ErrorCode::Usage);
    // /dev/full is a device, not a file `pin` could have read: refused before any write.
    auto device = write_file_atomically("/dev/full", "x");
    REQUIRE_FALSE(device);
    CHECK(device.error().code == ErrorCode::Usage);
    CHECK(entries(dir).empty());
}

TEST_CASE("a write the system refuses is output not written, unless the path names no file", "[io][file_io]") {
    for (int error : {ENOSPC, EDQUOT, EIO, EROFS, EACCES, EPERM, EFBIG}) {
        INFO(error);
        CHECK(digestx::io::write_error_code(error) == ErrorCode::Output);
    }
    for (int error : {ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG}) {
        INFO(error);
        CHECK(digestx::io::write_error_code(error) == ErrorCode::Usage);
    }
}

TEST_CASE("a bounded read returns the bytes up to the limit and refuses one byte more", "[io][file_io]") {
    TempDir dir;
    auto path = put_file(dir, "images.txt", std::string("alpine\0x\n", 9), 0644);
    auto bytes = read_file_bounded(path, {.max_bytes = 9, .what = "list"});
    REQUIRE(bytes);
    CHECK(*bytes == std::string("alpine\0x\n", 9));
    auto capped = read_file_bounded(path, {.max_bytes = 8, .what = "list"});
    REQUIRE_FALSE(capped);
    CHECK(capped.error().code == ErrorCode::Integrity);
    auto as_usage = read_file_bounded(path, {.max_bytes = 4, .what = "list", .too_large = ErrorCode::Usage});
    REQUIRE_FALSE(as_usage);
    CHECK(as_usage.error().code == ErrorCode::Usage);
    auto empty = read_file_bounded(put_file(dir, "empty", "", 0644), {.max_bytes = 0, .what = "empty"});
    REQUIRE(empty);
    CHECK(empty->empty());
}

TEST_CASE("a bounded read of an endless input stops one byte past the limit", "[io][file_io]") {
    // /dev/zero never ends: a reader that buffered it whole would never return.
    auto zeros = read_file_bounded("/dev/zero", {.max_bytes = 100000, .what = "zeros"});
    REQUIRE_FALSE(zeros);
    CHECK(zeros.error().code == ErrorCode::Integrity);
    std::istringstream stream(std::string(300000, 'x'));
    auto streamed = read_stream_bounded(stream, {.max_bytes = 100000, .what = "stdin"}, "stdin");
    REQUIRE_FALSE(streamed);
    CHECK(streamed.error().code == ErrorCode::Integrity);
    // Exactly limit + 1 bytes were consumed, the rest is still unread.
    CHECK(stream.tellg() == std::streampos(100001));
    std::istringstream small("{}");
    auto fits = read_stream_bounded(small, {.max_bytes = 2, .what = "stdin"}, "stdin");
    REQUIRE(fits);
    CHECK(*fits == "{}");
}

TEST_CASE("a bounded read reports a missing or unsuitable file with the caller's codes", "[io][file_io]") {
    TempDir dir;
    ReadLimit layout{.max_bytes = 1024, .what = "blob", .missing = ErrorCode::NotFound, .regular_only = true};
    auto missing = read_file_bounded(dir.path() + "/missing", layout);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
    auto directory = read_file_bounded(dir.path(), layout);
    REQUIRE_FALSE(directory);
    CHECK(directory.error().code == ErrorCode::NotFound);
    auto fifo_path = dir.path() + "/fifo";
    REQUIRE(::mkfifo(fifo_path.c_str(), 0600) == 0);
    // No writer ever comes: a regular-only read must refuse the FIFO instead of waiting for one.
    auto fifo = read_file_bounded(fifo_path, layout);
    REQUIRE_FALSE(fifo);
    CHECK(fifo.error().code == ErrorCode::NotFound);
    ReadLimit user_file{.max_bytes = 1024, .what = "manifest"};
    auto absent = read_file_bounded(dir.path() + "/missing", user_file);
    REQUIRE_FALSE(absent);
    CHECK(absent.error().code == ErrorCode::Usage);
    auto is_directory = read_file_bounded(dir.path(), user_file);
    REQUIRE_FALSE(is_directory);
    CHECK(is_directory.error().code == ErrorCode::Usage);
}

#pragma once
/// @file
/// The only file I/O of the pinning module: reading a file to scan, and replacing it atomically.

#include <cstddef>
#include <string>
#include <string_view>

#include "digestx/core/error.hpp"

namespace digestx::pinning {

/// The largest file read_file_bytes() reads by default: image references live in small files, and
/// a cap keeps a mistaken path (a disk image, /dev/zero) from exhausting memory.
inline constexpr std::size_t max_scanned_file_bytes = 16U * 1024U * 1024U;

/// The whole content of a regular file. Usage error when it cannot be opened, is not a regular file
/// or is larger than `max_bytes`.
Result<std::string> read_file_bytes(const std::string &path, std::size_t max_bytes = max_scanned_file_bytes);

/// Replaces the regular file `path` with `bytes` so that a reader sees either the old or the new
/// content, never a mix: the bytes go to a temporary file in the same directory, which gets the
/// original's permission bits, is fsync'ed and renamed over the original (and the directory is
/// fsync'ed). On any failure the temporary file is removed and the original is untouched. Usage
/// error, naming the file and the system's reason, when `path` is not an existing regular file or
/// the system refuses a step (read-only directory, disk full).
Result<void> write_file_atomically(const std::string &path, std::string_view bytes);

} // namespace digestx::pinning

#pragma once
/// @file
/// The file I/O of digestx, kept out of the pure core: bounded reads of a file or a stream, and
/// the atomic replacement of a file that `pin` rewrites.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "digestx/core/error.hpp"

namespace digestx::io {

/// How a bounded read names what it reads and which ErrorCode each failure gets. The codes are the
/// caller's: a blob missing from a layout is "not found" while a missing file the user named is a
/// usage error, and an oversize manifest breaks a limit while an oversize file to scan is the
/// user's mistake.
struct ReadLimit {
    std::size_t max_bytes = 0;                  ///< the most bytes accepted
    std::string what;                           ///< names the content in "WHAT exceeds N-byte limit"
    ErrorCode too_large = ErrorCode::Integrity; ///< the code for more than max_bytes
    ErrorCode missing = ErrorCode::Usage;       ///< the code for no such file (or no regular file)
    bool regular_only = false;                  ///< refuse a directory, FIFO or device without reading
};

/// The content of the file at `path`. At most max_bytes + 1 bytes are read, so an endless input
/// (/dev/zero, a FIFO) is never buffered whole. Failures: "cannot read PATH: reason", with
/// `limit.missing` when the file does not exist (or is not a regular file and regular_only is
/// set) and Usage for any other refusal; "WHAT exceeds N-byte limit" with `limit.too_large`.
Result<std::string> read_file_bounded(const std::string &path, const ReadLimit &limit);

/// The same for a stream (stdin), called `source` in messages ("cannot read stdin").
Result<std::string> read_stream_bounded(std::istream &in, const ReadLimit &limit, std::string_view source);

/// The ErrorCode for a write the system refused with errno `error`: Usage when the path names no
/// file to write (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG), otherwise Output: the disk is full, the
/// file system read-only, the device failing or permission denied.
ErrorCode write_error_code(int error) noexcept;

/// Replaces the regular file `path` with `bytes` so that a reader sees either the old or the new
/// content, never a mix: the bytes go to a temporary file in the same directory, which gets the
/// original's permission bits, is fsync'ed and renamed over the original (and the directory is
/// fsync'ed). A symbolic link is followed and kept. On any failure the temporary file is removed
/// and the original is untouched; the error names the file and the system's reason, with the code
/// of write_error_code() (Usage when `path` is not an existing regular file).
Result<void> write_file_atomically(const std::string &path, std::string_view bytes);

} // namespace digestx::io

#pragma once
/// @file
/// Building blocks of the synthetic fixtures (internal to fixtures.cpp): a one-file tar layer,
/// a deterministic gzip, platforms and descriptors in the key order real tools write.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace digestx::test::fixture_content {

/// JSON that keeps insertion order, so documents serialise exactly as built.
using Json = nlohmann::ordered_json;

/// The creation time of every synthetic image, as RFC 3339 and as seconds since the epoch.
inline constexpr std::string_view created = "2024-01-01T00:00:00Z";
/// `created` in seconds since the epoch (the tar entries' mtime).
inline constexpr std::int64_t created_epoch = 1704067200;

/// A POSIX ustar archive holding one regular file (0644, root:root, mtime `created_epoch`).
std::string tar_one_file(const std::string &path, const std::string &content);

/// gzip (RFC 1952) of `data` in stored deflate blocks, mtime 0: valid for any gunzip and the same
/// bytes on every run, which zlib's output at a given level is not guaranteed to be.
std::string gzip_stored(std::string_view data);

/// An OCI platform.
struct Platform {
    std::string os;           ///< "linux"
    std::string architecture; ///< "arm64"
    std::string variant;      ///< "v8", or ""
    /// Parses "os/arch[/variant]".
    static Platform parse(const std::string &text);
    /// "os/arch[/variant]".
    [[nodiscard]] std::string str() const;
    /// {"architecture", "os"[, "variant"]}, the order Docker's manifest lists use.
    [[nodiscard]] Json json() const;
};

/// An OCI-ordered descriptor: {"mediaType", "digest", "size"}.
Json oci_descriptor(std::string_view media_type, const std::string &bytes);
/// A Docker-ordered descriptor: {"mediaType", "size", "digest"}.
Json docker_descriptor(std::string_view media_type, const std::string &bytes);

} // namespace digestx::test::fixture_content

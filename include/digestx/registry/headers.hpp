#pragma once
/// @file
/// The response headers of the distribution API that digestx reads: `Docker-Content-Digest`
/// (recorded and cross-checked, never trusted: fault catalogue rule 1, B2, B3), `Warning`
/// (shown, bounded: C16) and `Link` (tags pagination).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::registry {

/// A `Docker-Content-Digest` value longer than this is not a digest (sha512 needs 135 bytes).
inline constexpr std::size_t max_header_digest_bytes = 256;
/// The `Warning` text shown per run at most (distribution spec: clients SHOULD cap at 4096 bytes).
inline constexpr std::size_t max_warning_bytes = 4096;

/// What a response's `Docker-Content-Digest` says.
struct HeaderDigest {
    /// The digest when the header is present, single and valid (sha256 or sha512).
    std::optional<Digest> digest;
    /// The value as received, sanitized and truncated, for notes; nullopt when absent.
    std::optional<std::string> shown;
    /// Why a present header cannot be used ("" when usable or absent): several values, too long,
    /// not a digest (bare hex from Huawei's registry, kaniko#298), an unsupported algorithm.
    std::string problem;
};

/// Reads `Docker-Content-Digest`.
HeaderDigest read_header_digest(const net::HttpResponse &response);

/// The warn-text of every `Warning` of code 299 (distribution spec "Warnings"; RFC 7234 §5.5
/// syntax `299 - "text"`), unescaped but not yet sanitized, in order. Other codes are not shown.
std::vector<std::string> warning_texts(const net::HttpResponse &response);

/// The target of the `rel="next"` link among the response's `Link` values (RFC 8288:
/// `<url>; rel="next"`, several links per value allowed), exactly as written; nullopt when none.
std::optional<std::string> next_link(const net::HttpResponse &response);

} // namespace digestx::registry

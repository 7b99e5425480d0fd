#pragma once
/// @file
/// Registry error answers → digestx errors: the distribution error JSON
/// (`{"errors":[{"code","message","detail"}]}`) read with caps, and the status and codes mapped
/// onto the exit-code contract (fault catalogue rule 15, cases C6–C9, C12, C13, D7).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::registry {

/// Error entries read from one body at most; a body with 10k entries costs no more (C9).
inline constexpr std::size_t max_error_entries_read = 100;
/// Error entries shown in a message at most.
inline constexpr std::size_t max_error_entries_shown = 3;
/// Characters of a non-JSON error body quoted in a message (C8).
inline constexpr std::size_t error_body_excerpt_chars = 200;

/// One entry of a registry error body (distribution spec "Error Codes").
struct RegistryErrorEntry {
    std::string code;    ///< `code` ("MANIFEST_UNKNOWN"), as received (not sanitized)
    std::string message; ///< `message`, as received
    std::string detail;  ///< `detail`: a string as is, other JSON compactly serialised; "" when absent
};

/// The entries of a distribution error body, at most max_error_entries_read of them; nullopt when
/// the body is not JSON, not an object, or has no `errors` array (HTML from a proxy, Docker Hub's
/// plain-text pages). Never fails: a registry's error body is advisory.
std::optional<std::vector<RegistryErrorEntry>> parse_error_body(std::string_view body);

/// The standard reason phrase of an HTTP status ("Not Found"), or "" for an unusual status.
std::string_view reason_phrase(int status) noexcept;

/// The message text a registry sends on a 404 MANIFEST_UNKNOWN when an OCI index was requested
/// without the OCI index type in Accept (distribution 2.8 `GetManifest`; fault catalogue C12).
inline constexpr std::string_view oci_index_not_accepted =
    "OCI index found, but accept header does not support OCI indexes";

/// What a failed request was about, for the message.
struct RequestSubject {
    /// The API the request used.
    enum class Kind {
        Manifest,  ///< /v2/<name>/manifests/<reference>
        Blob,      ///< /v2/<name>/blobs/<digest>
        Tags,      ///< /v2/<name>/tags/list
        Referrers, ///< /v2/<name>/referrers/<digest>
    };
    Kind kind = Kind::Manifest; ///< the API
    std::string registry;       ///< host[:port] as people name it
    std::string repository;     ///< `library/alpine`
    std::string reference;      ///< the tag or digest asked for; "" for a tags list
    bool anonymous = true;      ///< no credentials were given (a 429 then suggests logging in)

    /// `registry/repository`.
    [[nodiscard]] std::string repository_name() const;
};

/// Whether a response is the C12 answer: 404 MANIFEST_UNKNOWN saying the OCI index type was
/// missing from Accept.
bool is_oci_index_not_accepted(const net::HttpResponse &response);

/// The Error for a response that is not a success, after the transport's retries:
/// - NotFound (exit 3): 404, MANIFEST_UNKNOWN, NAME_UNKNOWN, BLOB_UNKNOWN
///   (`manifest unknown: tag "x" not found in repository reg/repo`, `repository not found: reg/repo`);
/// - Auth (exit 4): 401, 403, UNAUTHORIZED, DENIED;
/// - RateLimited (exit 7): 429, TOOMANYREQUESTS (`rate limited by reg (ratelimit-remaining: …)`);
/// - Network (exit 6): 5xx, with the last status and registry code;
/// - Integrity (exit 5): any other status, a registry answering what the protocol does not allow.
/// A known registry code decides over the status. The message ends with at most three sanitized
/// registry entries, or with the status, reason and the first 200 sanitized characters of a
/// non-JSON body. `http_status` and `registry_codes` are filled in.
Error response_error(const net::HttpResponse &response, const RequestSubject &subject);

} // namespace digestx::registry

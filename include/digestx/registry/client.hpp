#pragma once
/// @file
/// The distribution API client for one registry: manifests (HEAD and GET, by tag and by digest),
/// blobs, tags and referrers, every body verified against the digest it must have, every error
/// answer mapped onto the exit-code contract (see errors.hpp).
///
/// What it guarantees (fault catalogue rules 1, 2, 5, 12, 13; cases B1–B4, B15, C1–C3, C8–C9,
/// C12, C13, C15–C17):
/// - HEAD and GET of a manifest send the same Accept list (the `full` preset unless told otherwise).
/// - The digest of every body is computed from the bytes (the signed payload for schema1); a
///   `Docker-Content-Digest` header is recorded and cross-checked, never trusted: a difference is a
///   warning, or an Integrity error with `strict`; a malformed header is ignored with one warning.
/// - A document fetched by digest hashes to that digest in the digest's own algorithm, or the
///   fetch fails with ErrorCode::Integrity.
/// - A HEAD by tag that yields a digest is followed by a GET by digest, never by tag (C17).
/// - Descriptor `urls` are never fetched: only `/v2/` paths of this registry are requested, and
///   a tags or referrers `Link` to another origin, or outside the list it continues, is refused.

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/auth/challenge_memory.hpp"
#include "digestx/auth/clock.hpp"
#include "digestx/auth/credentials.hpp"
#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"
#include "digestx/core/fetched.hpp"
#include "digestx/core/image_tree.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::registry {

/// Whether a registry endpoint (host[:port]) is this machine, as containerd's IsLocalhost:
/// `localhost`, an IPv4 loopback address (127/8) or `[::1]`.
bool is_loopback_endpoint(std::string_view endpoint);

/// How a registry is reached.
enum class SchemeChoice {
    Https,         ///< https only (every non-loopback registry without --plain-http)
    Http,          ///< plain http (--plain-http)
    HttpsThenHttp, ///< a loopback registry: https, and http when the server does not speak TLS
};

/// The scheme rule: plain http only when asked for, or automatically for a loopback registry
/// that answers a TLS handshake with plain HTTP (containerd's localhost rule, fault catalogue C14).
/// Certificate errors never fall back.
SchemeChoice choose_scheme(std::string_view endpoint, bool plain_http);

/// The `n` of a tags list request unless told otherwise: as many as registries commonly allow per
/// page (ECR's maximum; distribution 3 caps larger values).
inline constexpr std::size_t default_tags_page_size = 1000;

/// What the client does beyond the protocol's fixed rules.
struct ClientOptions {
    bool plain_http = false;                                      ///< --plain-http: http for any registry
    std::vector<std::string> accept;                              ///< manifest Accept list; empty: the `full` preset
    std::size_t max_manifest_bytes = digestx::max_manifest_bytes; ///< cap of manifests, configs and tag pages
    bool strict = false;                                          ///< header/content disagreements are errors
    std::ostream *diagnostics = nullptr;                          ///< warnings (stderr); none when null
    bool verbose = false;                                         ///< also write notes (fallbacks, C12) there
    std::size_t max_list_pages = 10000; ///< pages followed at most, per tags list and per referrers list
    /// Challenges shared with the command's other clients (auth::Authenticator); none when null.
    std::shared_ptr<auth::ChallengeMemory> challenges;
};

/// The tag under which a registry without the referrers API keeps the referrers of `subject`
/// (distribution-spec "Referrers Tag Schema"): the algorithm truncated to 32 characters, `-`, the
/// encoded part truncated to 64, every character a tag may not hold replaced with `-`. A sha512
/// subject's tag therefore carries only the first 64 hex digits: the whole digest would make a
/// 135-character tag, longer than the 128 a tag may have.
std::string referrers_tag(const Digest &subject);

/// What to ask /manifests/ for: a digest pins, otherwise the tag is read.
struct ManifestTarget {
    std::string tag;              ///< the tag, used when there is no digest
    std::optional<Digest> digest; ///< the digest
    /// The Accept list of this request only (`inspect --accept` compares two lists through one
    /// client and one token); empty: the client's list.
    std::vector<std::string> accept;

    /// The reference's digest when it has one (a tag beside it is ignored), else its tag.
    static ManifestTarget of(const Reference &reference);
    /// The path component: the digest string or the tag.
    [[nodiscard]] std::string str() const;
};

/// The result of a HEAD of a manifest (with the GET fallbacks of C1–C3).
struct HeadOutcome {
    FetchNote head;                            ///< the HEAD exchange
    std::optional<std::string> content_length; ///< the HEAD's Content-Length, sanitized
    std::optional<Digest> digest;              ///< the HEAD's usable Docker-Content-Digest
    std::optional<Fetched> fetched;            ///< the body a fallback GET fetched (and verified)
    std::string fallback;                      ///< why a GET was needed; "" when the HEAD sufficed
};

/// The client. Not thread-safe.
class RegistryClient {
public:
    /// A client for `endpoint` (a Reference's endpoint(): host[:port], IPv6 bracketed) over
    /// `transport`, which it keeps alive, with optional credentials (checked by the caller).
    RegistryClient(std::shared_ptr<net::Transport> transport, std::string endpoint,
                   std::optional<auth::Credentials> credentials, ClientOptions options = {},
                   const auth::Clock &clock = auth::system_clock());
    /// A client whose credentials come from `provider` (stored credentials), asked once, on the
    /// registry's first 401 challenge: a registry that never asks never causes a lookup.
    RegistryClient(std::shared_ptr<net::Transport> transport, std::string endpoint, auth::CredentialProvider provider,
                   ClientOptions options = {}, const auth::Clock &clock = auth::system_clock());
    ~RegistryClient();
    RegistryClient(const RegistryClient &) = delete;            ///< holds the authenticator's state
    RegistryClient &operator=(const RegistryClient &) = delete; ///< holds the authenticator's state

    /// GET a manifest by tag or digest, verified (B1, B3, B4, C15, C17).
    Result<Fetched> get_manifest(std::string_view repository, const ManifestTarget &target);
    /// HEAD a manifest; GET instead when HEAD is not allowed (C1), carries no usable digest (C2),
    /// or failed without a body to explain why (C3: 403, 404, 429).
    Result<HeadOutcome> head_manifest(std::string_view repository, const ManifestTarget &target);
    /// Reads a manifest through one observation: HEAD, then GET by the digest the HEAD gave
    /// (never by tag again, C17); the fallback GET's body when the HEAD gave no digest.
    Result<Fetched> head_then_get(std::string_view repository, const ManifestTarget &target);
    /// GET a blob (an image config) by digest, verified and capped like a manifest.
    Result<Fetched> get_blob(std::string_view repository, const Digest &digest);
    /// Fetches manifests and blobs by digest in one transport batch, each verified.
    std::vector<Result<Fetched>> fetch_by_digest(std::string_view repository, const std::vector<FetchItem> &items);
    /// Every tag, asking for `page_size` per page and following `Link: <…>; rel="next"` within
    /// the same origin and tags list only.
    Result<TagList> list_tags(std::string_view repository, std::size_t page_size = default_tags_page_size);
    /// The referrers of `subject`: the referrers API, or the tag schema when it answers 404.
    Result<ReferrerList> referrers(std::string_view repository, const Digest &subject);
    /// The referrers of every subject, one batch for the API and one for the tag schema of the
    /// subjects it answered 404 for, then one batch per further page of the API's answers
    /// (`Link: <…>; rel="next"`, followed as for tags); one result per subject, in order.
    std::vector<Result<ReferrerList>> referrers(std::string_view repository, const std::vector<Digest> &subjects);

    /// Request counters and the last rate-limit headers.
    [[nodiscard]] SourceStats stats() const;
    /// The endpoint (host[:port]).
    [[nodiscard]] const std::string &endpoint() const noexcept;
    /// `scheme://endpoint` as currently used.
    [[nodiscard]] std::string base_url() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace digestx::registry

#pragma once
// The registry client's private parts: the request plumbing every API call shares (scheme
// choice, authentication, counters, diagnostics) and the verification of what came back.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/auth/authenticator.hpp"
#include "digestx/registry/client.hpp"
#include "digestx/registry/errors.hpp"
#include "digestx/registry/headers.hpp"

namespace digestx::registry::detail {

/// A request relative to the registry: the scheme and host are added when it is sent, so that a
/// loopback registry found to speak plain HTTP gets the same requests again over http.
struct PathRequest {
    std::string method = "GET";       ///< GET or HEAD
    std::string path;                 ///< `/v2/…`, query included
    std::vector<net::Header> headers; ///< Accept and the like; never Authorization
    std::size_t max_body_bytes = 0;   ///< the body cap
};

/// Warnings and notes for people, bounded and deduplicated.
class Diagnostics {
public:
    /// Writes to `out` (nothing when null); notes only when `verbose`.
    Diagnostics(std::ostream *out, bool verbose) : m_out(out), m_verbose(verbose) {}
    /// `digestx: warning: …`, sanitized.
    void warn(std::string_view message);
    /// `digestx: note: …` under --verbose, sanitized.
    void note(std::string_view message);
    /// A registry `Warning` text (C16): shown once, within max_warning_bytes per run.
    void registry_warning(std::string_view host, std::string_view text);
    /// Whether notes are written.
    [[nodiscard]] bool verbose() const noexcept { return m_verbose && m_out != nullptr; }

private:
    std::ostream *m_out;
    bool m_verbose;
    std::set<std::string> m_seen;
    std::size_t m_warning_bytes = 0;
    bool m_warnings_cut = false;
};

/// The transport the authenticator talks through: counts every exchange (tokens included) for
/// SourceStats and shows registry `Warning` headers.
class Recorder final : public net::Transport {
public:
    /// Wraps `inner`.
    Recorder(net::Transport &inner, Diagnostics &diagnostics) : m_inner(inner), m_diagnostics(diagnostics) {}
    /// Performs the batch through the inner transport and records it.
    std::vector<Result<net::HttpResponse>> perform(const std::vector<net::HttpRequest> &batch) override;
    /// The counters so far.
    [[nodiscard]] const SourceStats &stats() const noexcept { return m_stats; }

private:
    void record(const net::HttpRequest &request, const net::HttpResponse &response);
    net::Transport &m_inner;
    Diagnostics &m_diagnostics;
    SourceStats m_stats;
};

/// The digest of a manifest in an algorithm: the registry digest for sha256, otherwise the same
/// bytes (a signed schema1's payload) hashed with that algorithm.
Digest manifest_digest_in(const Document &document, DigestAlgorithm algorithm);

/// `/v2/<repository>/<rest>`.
std::string api_path(std::string_view repository, std::string_view rest);

/// The bounds of one paginated listing (tags, or one subject's referrers): a registry-supplied
/// `Link` chain may loop or never end, so no page is asked for twice and at most `max` are.
class PageBounds {
public:
    /// At most `max` pages, named `what` in errors ("tags of …").
    PageBounds(std::size_t max, std::string what) : m_max(max), m_what(std::move(what)) {}
    /// Counts `path` as the next page, or an Integrity error when it was asked for already or
    /// would be one page too many.
    Result<void> admit(const std::string &path);

private:
    std::size_t m_max;
    std::string m_what;
    std::set<std::string> m_seen;
};

} // namespace digestx::registry::detail

namespace digestx::registry {

/// The client's state.
struct RegistryClient::Impl {
    /// Builds the state; the authenticator is created on first use.
    Impl(std::shared_ptr<net::Transport> transport, std::string endpoint, std::optional<auth::Credentials> credentials,
         ClientOptions options, const auth::Clock &clock);

    /// Sends a batch for `repository` (pull scope) through the authenticator, deciding the scheme
    /// of a loopback registry on the first batch.
    std::vector<Result<net::HttpResponse>> send(const std::vector<detail::PathRequest> &batch,
                                                std::string_view repository);
    /// What a request is about, for error messages.
    [[nodiscard]] RequestSubject subject(RequestSubject::Kind kind, std::string_view repository,
                                         std::string reference) const;
    /// The FetchNote of an answered request.
    [[nodiscard]] FetchNote note_for(const detail::PathRequest &request, const net::HttpResponse &response) const;
    /// The manifest request for a path component (tag or digest), with the client's Accept list,
    /// or `accept` when it is not empty.
    [[nodiscard]] detail::PathRequest manifest_request(std::string method, std::string_view repository,
                                                       std::string_view reference,
                                                       const std::vector<std::string> &accept = {}) const;
    /// The blob request for a digest.
    [[nodiscard]] detail::PathRequest blob_request(std::string_view repository, const Digest &digest) const;
    /// Cross-checks Docker-Content-Digest against the content (B2, B3): warns, or fails under strict.
    Result<void> check_header_digest(const net::HttpResponse &response,
                                     const std::function<Digest(DigestAlgorithm)> &content_digest,
                                     std::string_view what);
    /// Verifies a manifest answer (status, C15, B4/B5 via parse_document, B1, B2/B3, B15).
    Result<Fetched> verify_manifest(const detail::PathRequest &request, Result<net::HttpResponse> answer,
                                    std::string_view repository, const ManifestTarget &target,
                                    std::string_view expected_media_type = {});
    /// Verifies a blob answer (status, C15, B1, B2/B3).
    Result<Fetched> verify_blob(const detail::PathRequest &request, Result<net::HttpResponse> answer,
                                std::string_view repository, const Digest &digest);
    /// The referrers of one subject from its answer: the API's (`from_api`) or the tag schema's.
    Result<ReferrerList> read_referrers(std::string_view repository, const Digest &subject,
                                        const detail::PathRequest &used, Result<net::HttpResponse> answer,
                                        bool from_api);
    /// The path of the page a listing's `Link: <…>; rel="next"` names, resolved against the page at
    /// `path`, or nullopt when there is none. The next page gets this registry's credentials, so a
    /// link to another origin, or outside `list_path` (the same listing, any query), is an
    /// Integrity error naming `what` and `listing` ("tags list").
    Result<std::optional<std::string>> next_page(const std::optional<std::string> &link, const std::string &path,
                                                 const std::string &list_path, std::string_view what,
                                                 std::string_view listing) const;
    /// The error of a non-2xx manifest answer, with the C12 note.
    Error manifest_error(const net::HttpResponse &response, std::string_view repository, const ManifestTarget &target);
    /// `scheme://endpoint`.
    [[nodiscard]] std::string base_url() const { return scheme + "://" + endpoint; }

    std::shared_ptr<net::Transport> transport;    ///< kept alive as long as the client
    std::string endpoint;                         ///< host[:port]
    std::optional<auth::Credentials> credentials; ///< for the authenticator
    auth::CredentialProvider provider;            ///< stored credentials, asked on the first challenge
    std::optional<Result<std::optional<auth::Credentials>>> looked_up; ///< the provider's answer, kept across
                                                                       ///< authenticators (scheme fallback)
    ClientOptions options;                                             ///< as given, accept filled in
    const auth::Clock &clock;                                          ///< for token lifetimes
    detail::Diagnostics diagnostics;                                   ///< warnings and notes
    detail::Recorder recorder;                                         ///< counting transport under the authenticator
    SchemeChoice choice;                                               ///< the scheme rule for this endpoint
    std::string scheme;                                                ///< "https" or "http"
    bool scheme_settled = false;                                       ///< the first batch decided the scheme
    std::unique_ptr<auth::Authenticator> authenticator;                ///< bound to base_url()'s origin
    bool warned_malformed_digest = false;                              ///< B3 warns once per run

private:
    std::vector<Result<net::HttpResponse>> send_once(const std::vector<detail::PathRequest> &batch,
                                                     std::string_view repository);
    std::vector<Result<net::HttpResponse>> perform(const std::vector<detail::PathRequest> &batch,
                                                   std::string_view repository);
};

} // namespace digestx::registry

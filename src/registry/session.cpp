// The plumbing every registry call shares: scheme choice, authentication, counters, diagnostics.

#include <arpa/inet.h>

#include <algorithm>

#include "client_impl.hpp"
#include "digestx/auth/origin.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx::registry {
namespace detail {
namespace {

// Every hop answered by the registry itself or its storage; the path says which API it was.
bool path_has(std::string_view url, std::string_view segment) {
    auto query = url.find('?');
    return url.substr(0, query).find(segment) != std::string_view::npos;
}

std::string host_of_url(std::string_view url) {
    auto origin = auth::origin_of(url);
    return origin ? origin->display() : sanitize(net::redact_url(url), 120);
}

} // namespace

void Diagnostics::warn(std::string_view message) {
    if (m_out != nullptr) *m_out << "digestx: warning: " << sanitize(message, 1000) << "\n";
}

void Diagnostics::note(std::string_view message) {
    if (verbose()) *m_out << "digestx: note: " << sanitize(message, 1000) << "\n";
}

void Diagnostics::registry_warning(std::string_view host, std::string_view text) {
    if (m_out == nullptr || m_warnings_cut) return;
    std::string key = std::string(host) + '\n' + std::string(text);
    if (!m_seen.insert(key).second) return;
    if (m_warning_bytes + text.size() > max_warning_bytes) {
        // The spec's 4096-byte budget is for the warn-texts together; say that more were cut.
        m_warnings_cut = true;
        std::size_t room = max_warning_bytes - std::min(max_warning_bytes, m_warning_bytes);
        *m_out << "digestx: warning: registry " << sanitize(host, 120) << ": " << sanitize(text.substr(0, room), room)
               << " (further registry warnings not shown)\n";
        m_warning_bytes = max_warning_bytes;
        return;
    }
    m_warning_bytes += text.size();
    *m_out << "digestx: warning: registry " << sanitize(host, 120) << ": " << sanitize(text, max_warning_bytes) << "\n";
}

std::vector<Result<net::HttpResponse>> Recorder::perform(const std::vector<net::HttpRequest> &batch) {
    auto results = m_inner.perform(batch);
    for (std::size_t i = 0; i < batch.size() && i < results.size(); ++i) {
        ++m_stats.requests;
        if (results[i]) record(batch[i], *results[i]);
    }
    return results;
}

void Recorder::record(const net::HttpRequest &request, const net::HttpResponse &response) {
    m_stats.bytes_received += response.body.size();
    // A 401 is a challenge, not a pull: Docker Hub counts manifest GETs that were served.
    if (response.status != 401 && path_has(request.url, "/v2/")) {
        if (path_has(request.url, "/manifests/")) {
            ++(request.method == "HEAD" ? m_stats.manifest_heads : m_stats.manifest_gets);
        } else if (path_has(request.url, "/blobs/")) {
            ++m_stats.blob_gets;
        }
    }
    if (auto limit = response.header("ratelimit-limit")) m_stats.ratelimit_limit = sanitize(*limit, 100);
    if (auto remaining = response.header("ratelimit-remaining"))
        m_stats.ratelimit_remaining = sanitize(*remaining, 100);
    for (const auto &text : warning_texts(response)) {
        m_diagnostics.registry_warning(
            host_of_url(response.effective_url.empty() ? request.url : response.effective_url), text);
    }
}

Digest manifest_digest_in(const Document &document, DigestAlgorithm algorithm) {
    if (algorithm == DigestAlgorithm::Sha256) return document.digest();
    // A signed schema1 manifest is identified by its payload, whatever the algorithm.
    if (document.kind() == DocumentKind::Schema1Signed) return Digest::compute(document.schema1().payload, algorithm);
    return Digest::compute(document.bytes(), algorithm);
}

std::string api_path(std::string_view repository, std::string_view rest) {
    std::string path = "/v2/";
    path += repository;
    path += '/';
    path += rest;
    return path;
}

} // namespace detail

bool is_loopback_endpoint(std::string_view endpoint) {
    std::string host;
    if (endpoint.starts_with('[')) {
        auto close = endpoint.find(']');
        if (close == std::string_view::npos) return false;
        host = std::string(endpoint.substr(1, close - 1));
        in6_addr address{};
        return inet_pton(AF_INET6, host.c_str(), &address) == 1 && IN6_IS_ADDR_LOOPBACK(&address);
    }
    host = std::string(endpoint.substr(0, endpoint.find(':')));
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    if (host == "localhost") return true;
    in_addr address{};
    return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24U) == 127U;
}

SchemeChoice choose_scheme(std::string_view endpoint, bool plain_http) {
    if (plain_http) return SchemeChoice::Http;
    return is_loopback_endpoint(endpoint) ? SchemeChoice::HttpsThenHttp : SchemeChoice::Https;
}

ManifestTarget ManifestTarget::of(const Reference &reference) {
    return ManifestTarget{reference.tag().value_or(std::string(default_tag)), reference.digest(), {}};
}

std::string ManifestTarget::str() const {
    return digest ? digest->str() : tag;
}

RegistryClient::Impl::Impl(std::shared_ptr<net::Transport> transport_, std::string endpoint_,
                           std::optional<auth::Credentials> credentials_, ClientOptions options_,
                           const auth::Clock &clock_)
    : transport(std::move(transport_)), endpoint(std::move(endpoint_)), credentials(std::move(credentials_)),
      options(std::move(options_)), clock(clock_), diagnostics(options.diagnostics, options.verbose),
      recorder(*transport, diagnostics), choice(choose_scheme(endpoint, options.plain_http)),
      scheme(choice == SchemeChoice::Http ? "http" : "https"), scheme_settled(choice != SchemeChoice::HttpsThenHttp) {
    if (options.accept.empty()) options.accept = media::default_accept_preset().types;
}

std::vector<Result<net::HttpResponse>> RegistryClient::Impl::send_once(const std::vector<detail::PathRequest> &batch,
                                                                       std::string_view repository) {
    auto results = perform(batch, repository);
    // Every request of the client passes here: one answer per request, whatever the layers below
    // returned, so no caller indexes a short answer.
    if (results.size() != batch.size()) {
        std::size_t answered = results.size();
        results.resize(batch.size(),
                       fail(ErrorCode::Internal, "the transport answered " + std::to_string(answered) + " of " +
                                                     std::to_string(batch.size()) + " requests"));
    }
    return results;
}

std::vector<Result<net::HttpResponse>> RegistryClient::Impl::perform(const std::vector<detail::PathRequest> &batch,
                                                                     std::string_view repository) {
    if (!authenticator) {
        auto origin = auth::origin_of(base_url());
        if (!origin) {
            std::vector<Result<net::HttpResponse>> refused;
            for (std::size_t i = 0; i < batch.size(); ++i)
                refused.emplace_back(fail(ErrorCode::Usage, "cannot reach registry " + digestx::quoted(endpoint)));
            return refused;
        }
        if (provider) {
            auth::CredentialProvider once = [this]() {
                if (!looked_up) looked_up = provider();
                return *looked_up;
            };
            authenticator = std::make_unique<auth::Authenticator>(recorder, *origin, std::move(once), clock);
        } else {
            authenticator = std::make_unique<auth::Authenticator>(recorder, *origin, credentials, clock);
        }
        authenticator->share_challenges(options.challenges);
    }
    std::vector<net::HttpRequest> requests;
    requests.reserve(batch.size());
    for (const auto &item : batch) {
        net::HttpRequest request;
        request.method = item.method;
        request.url = base_url() + item.path;
        request.headers = item.headers;
        request.max_body_bytes = item.max_body_bytes;
        requests.push_back(std::move(request));
    }
    return authenticator->perform(requests, auth::repository_scope(repository));
}

std::vector<Result<net::HttpResponse>> RegistryClient::Impl::send(const std::vector<detail::PathRequest> &batch,
                                                                  std::string_view repository) {
    auto results = send_once(batch, repository);
    if (scheme_settled) return results;
    scheme_settled = true;
    // A plain-HTTP server answers the ClientHello with "HTTP/1.1 400", which OpenSSL reports as a
    // failed handshake ("wrong version number"); certificate problems are "TLS verification
    // failed" and never fall back (C14).
    bool speaks_plain_http = std::any_of(results.begin(), results.end(), [](const Result<net::HttpResponse> &r) {
        return !r && r.error().fault == ErrorFault::TlsHandshake;
    });
    if (!speaks_plain_http) return results;
    diagnostics.note("registry " + endpoint + " is on this machine and does not speak TLS: using plain http");
    scheme = "http";
    authenticator.reset();
    return send_once(batch, repository);
}

RequestSubject RegistryClient::Impl::subject(RequestSubject::Kind kind, std::string_view repository,
                                             std::string reference) const {
    bool anonymous = provider ? !(looked_up && *looked_up && looked_up->value().has_value()) : !credentials.has_value();
    return RequestSubject{kind, endpoint, std::string(repository), std::move(reference), anonymous};
}

FetchNote RegistryClient::Impl::note_for(const detail::PathRequest &request, const net::HttpResponse &response) const {
    FetchNote note;
    note.method = request.method == "HEAD" ? FetchMethod::Head : FetchMethod::Get;
    note.location = net::redact_url(base_url() + request.path);
    for (const auto &[name, value] : request.headers) {
        if (name == "Accept") note.accept = value;
    }
    note.content_type = sanitize(response.header("content-type").value_or(""), 200);
    note.header_digest = read_header_digest(response).shown;
    std::string effective = response.effective_url.empty() ? base_url() + request.path : response.effective_url;
    auto origin = auth::origin_of(effective);
    note.answered_by = origin ? origin->display() : endpoint;
    note.status = response.status;
    return note;
}

detail::PathRequest RegistryClient::Impl::manifest_request(std::string method, std::string_view repository,
                                                           std::string_view reference,
                                                           const std::vector<std::string> &accept) const {
    detail::PathRequest request;
    request.method = std::move(method);
    request.path = detail::api_path(repository, "manifests/" + std::string(reference));
    // Rule 12: the same list on HEAD and GET, whatever the method.
    request.headers.emplace_back("Accept", media::accept_header(accept.empty() ? options.accept : accept));
    request.max_body_bytes = options.max_manifest_bytes;
    return request;
}

detail::PathRequest RegistryClient::Impl::blob_request(std::string_view repository, const Digest &digest) const {
    detail::PathRequest request;
    request.path = detail::api_path(repository, "blobs/" + digest.str());
    request.max_body_bytes = options.max_manifest_bytes;
    return request;
}

RegistryClient::RegistryClient(std::shared_ptr<net::Transport> transport, std::string endpoint,
                               std::optional<auth::Credentials> credentials, ClientOptions options,
                               const auth::Clock &clock)
    : m_impl(std::make_unique<Impl>(std::move(transport), std::move(endpoint), std::move(credentials),
                                    std::move(options), clock)) {}

RegistryClient::RegistryClient(std::shared_ptr<net::Transport> transport, std::string endpoint,
                               auth::CredentialProvider provider, ClientOptions options, const auth::Clock &clock)
    : m_impl(
          std::make_unique<Impl>(std::move(transport), std::move(endpoint), std::nullopt, std::move(options), clock)) {
    m_impl->provider = std::move(provider);
}

RegistryClient::~RegistryClient() = default;

SourceStats RegistryClient::stats() const {
    return m_impl->recorder.stats();
}

const std::string &RegistryClient::endpoint() const noexcept {
    return m_impl->endpoint;
}

std::string RegistryClient::base_url() const {
    return m_impl->base_url();
}

} // namespace digestx::registry

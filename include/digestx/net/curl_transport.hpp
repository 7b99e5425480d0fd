#pragma once
/// @file
/// The libcurl Transport: one multi handle for the transport's lifetime (connection and DNS
/// caches shared across batches), HTTP/2 over TLS where offered, redirects followed by hand under
/// the redirect policy, body and header caps, retries, a deadline, a redacted trace.
///
/// Proxies come from the environment as libcurl reads it: `https_proxy`/`HTTPS_PROXY` for https
/// URLs, `http_proxy` (lowercase only, as curl ignores `HTTP_PROXY` since httpoxy) for http URLs,
/// `all_proxy`/`ALL_PROXY`, and `no_proxy`/`NO_PROXY` for exceptions.

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/net/retry.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::net {

/// Waits for a duration; injected so that tests do not sleep through real backoff.
using SleepFunction = std::function<void(std::chrono::milliseconds)>;

/// Everything that configures a CurlTransport. The defaults are the CLI's defaults.
struct TransportOptions {
    std::chrono::milliseconds connect_timeout{30000}; ///< TCP connect plus TLS handshake, per attempt
    long low_speed_limit = 1024;                      ///< abort below this many bytes/s ...
    std::chrono::seconds low_speed_time{30};          ///< ... sustained for this long (stalled transfer)
    /// The end of the whole command (`--timeout`, default 300 s); no request runs past it.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    bool insecure = false;                         ///< skip TLS certificate and host name verification
    std::string ca_file;                           ///< extra trusted CA certificates (PEM), added to the system's
    std::string system_ca_path = "/etc/ssl/certs"; ///< hashed system CA directory kept trusted with ca_file
    /// Per-registry certificate roots (certs_dir.hpp): for an https request to HOST[:PORT] the first
    /// `ROOT/HOST[:PORT]` directory adds its CAs to ca_file's and may supply a client certificate.
    std::vector<std::string> certs_roots;
    bool allow_plain_http_redirects = false;       ///< allow https→http redirects (explicit insecure mode only)
    std::vector<std::string> resolve;              ///< `host:port:address` overrides, as `curl --resolve`
    std::ostream *trace = nullptr;                 ///< redacted request/response trace (`--verbose`), or none
    RetryPolicy retry;                             ///< retry budget and backoff
    SleepFunction sleep;                           ///< waits between retries; empty: a real, interruptible sleep
    long max_connections = 32;                     ///< connections open at once, over all hosts
    long max_host_connections = 16;                ///< to one host: 16 HTTP/1.1 requests in one wave
    int max_redirects = 10;                        ///< redirect hops followed per request
    std::size_t max_error_body_bytes = 64U << 10U; ///< non-2xx bodies are cut (not failed) here
    std::size_t max_header_bytes = 256U << 10U;    ///< response header bytes per response
    std::string user_agent = "digestx";            ///< User-Agent unless the request sets one
};

/// The Transport over libcurl's multi interface. Not thread-safe: one perform() at a time.
class CurlTransport final : public Transport {
public:
    /// Creates the transport; prefer make_curl_transport(), which checks the options first and
    /// reports a libcurl that cannot be set up. Without it such a transport fails every request.
    explicit CurlTransport(TransportOptions options);
    /// Closes every cached connection.
    ~CurlTransport() override;
    CurlTransport(const CurlTransport &) = delete;            ///< owns a curl multi handle
    CurlTransport &operator=(const CurlTransport &) = delete; ///< owns a curl multi handle

    /// Runs the whole batch concurrently (bounded by the connection limits) and returns one
    /// result per request, in order. Transient failures of GET/HEAD are retried; a final
    /// 4xx/5xx is a response, not an Error.
    std::vector<Result<HttpResponse>> perform(const std::vector<HttpRequest> &batch) override;

    /// The options in force.
    [[nodiscard]] const TransportOptions &options() const noexcept;

private:
    friend Result<std::unique_ptr<CurlTransport>> make_curl_transport(TransportOptions options);
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Validates the options (readable CA file, well-formed resolve entries: ErrorCode::Usage) and
/// creates the transport (ErrorCode::Internal when libcurl cannot be set up).
Result<std::unique_ptr<CurlTransport>> make_curl_transport(TransportOptions options);

} // namespace digestx::net

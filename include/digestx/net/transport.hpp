#pragma once
/// @file
/// The one interface behind which all network I/O lives. A Transport takes a batch of requests
/// and completes them all (concurrently where it can); everything above it is testable with a
/// scripted fake.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/limits.hpp"

namespace digestx::net {

/// An HTTP header as sent or received. Received names are lowercased.
using Header = std::pair<std::string, std::string>;

/// One request. The transport never adds credentials itself: callers put `Authorization` in
/// `headers`, and the transport removes it on any redirect that leaves the original origin.
struct HttpRequest {
    std::string method = "GET";                      ///< GET, HEAD or POST
    std::string url;                                 ///< absolute http(s) URL, built from validated parts only
    std::vector<Header> headers;                     ///< request headers
    std::string body;                                ///< request body (POST only)
    std::size_t max_body_bytes = max_manifest_bytes; ///< the body cap, enforced while receiving
    bool follow_redirects = true;                    ///< follow 301/302/303/307/308 under the redirect policy
};

/// One completed exchange (after redirects).
struct HttpResponse {
    int status = 0;                     ///< final HTTP status
    std::vector<Header> headers;        ///< final response headers, names lowercased, in order
    std::string body;                   ///< final body (at most max_body_bytes)
    std::string effective_url;          ///< the URL that answered (after redirects)
    std::vector<std::string> redirects; ///< every redirect target followed, in order (last = effective_url)
    bool body_truncated = false;        ///< a non-2xx body was cut at the error-body cap (not an error)

    /// The first header with that (lowercase) name.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
    /// Every header with that (lowercase) name, in order.
    [[nodiscard]] std::vector<std::string> headers_named(std::string_view name) const;
};

/// The network, as digestx sees it.
class Transport {
public:
    virtual ~Transport() = default;
    /// Performs every request of the batch and returns one result per request, in order. A result
    /// is an Error for transport failures (connect, TLS, timeout, cap exceeded, refused redirect);
    /// any HTTP status, including 4xx/5xx, is a response.
    virtual std::vector<Result<HttpResponse>> perform(const std::vector<HttpRequest> &batch) = 0;
    /// Convenience for a single request.
    Result<HttpResponse> perform_one(const HttpRequest &request);
};

/// A URL for logs and error messages: userinfo removed and every query value replaced by
/// REDACTED (signed CDN URLs carry credentials there).
std::string redact_url(std::string_view url);

} // namespace digestx::net

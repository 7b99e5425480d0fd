#pragma once
/// @file
/// A plain libcurl client for the test harness (readiness polls, fixture pushes, checks of what a
/// real registry answers). It is deliberately independent of digestx's own transport, which is the
/// code under test: a harness that judged the client with the client would prove nothing.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace digestx::test {

/// One request the harness sends.
struct HttpCall {
    std::string method = "GET";       ///< GET, HEAD, POST, PUT, PATCH, DELETE
    std::string url;                  ///< absolute URL
    std::vector<std::string> headers; ///< request headers, each "Name: value"; no Accept is sent unless listed
    std::string body;                 ///< request body (sent for every method but GET and HEAD)
    std::string ca_file;              ///< PEM CA bundle for https ("" = the system store)
    std::optional<std::pair<std::string, std::string>> basic_auth; ///< user and password, sent preemptively
    long timeout_ms = 10000;                                       ///< whole-transfer timeout
    std::string client_certificate;                                ///< PEM client certificate for https ("" = none)
    std::string client_key;                                        ///< its PEM key
};

/// What came back; headers are those of the final response, names lowercased.
struct HttpReply {
    long status = 0;                                          ///< HTTP status, 0 when the transfer failed
    std::vector<std::pair<std::string, std::string>> headers; ///< response headers in order
    std::string body;                                         ///< response body
    int curl_code = 0;                                        ///< CURLcode of the transfer (0 = CURLE_OK)
    std::string error;                                        ///< curl's error text when curl_code != 0

    /// The first header with this lowercase name.
    [[nodiscard]] std::optional<std::string> header(const std::string &lowercase_name) const;
};

/// A reusable client: one curl easy handle, so consecutive calls share a kept-alive connection
/// (the fixture loader sends a hundred requests; reconnecting for each would dominate start-up).
/// Proxies from the environment are ignored: every test server is on 127.0.0.1.
class CurlClient {
public:
    /// Creates the easy handle (and initialises libcurl once per process); throws on failure.
    CurlClient();
    /// Closes the connection.
    ~CurlClient();
    CurlClient(const CurlClient &) = delete;
    CurlClient &operator=(const CurlClient &) = delete;

    /// Performs one call; never throws for HTTP or network failures (see HttpReply::curl_code).
    HttpReply perform(const HttpCall &call);

private:
    void *m_handle = nullptr;
};

/// A plain GET of `url` (no headers, system CA store).
HttpCall get_call(std::string url);

/// Performs one call on a fresh connection.
HttpReply http_call(const HttpCall &call);

} // namespace digestx::test

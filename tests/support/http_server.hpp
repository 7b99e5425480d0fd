#pragma once
/// @file
/// A small scripted HTTP/1.1 server for tests: binds 127.0.0.1 on a free port, records every
/// request, and answers through a handler that can also misbehave on purpose (lying
/// Content-Length, truncation, endless chunked bodies, stalls). Optional TLS.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace digestx::test {

/// A request as the server received it; header names are lowercased.
struct RecordedRequest {
    std::string method;                                       ///< GET, HEAD, POST, PUT, ...
    std::string target;                                       ///< path and query as sent
    std::vector<std::pair<std::string, std::string>> headers; ///< in order, names lowercased
    std::string body;                                         ///< request body (Content-Length only)

    /// The first header with this lowercase name.
    [[nodiscard]] std::optional<std::string> header(const std::string &name) const;
    /// The path without the query string.
    [[nodiscard]] std::string path() const;
};

/// What the handler wants sent back, including deliberate faults.
struct ScriptedResponse {
    int status = 200;                                         ///< status code
    std::vector<std::pair<std::string, std::string>> headers; ///< extra headers
    std::string body;                                         ///< body (not sent for HEAD)
    std::optional<std::size_t> content_length;                ///< Content-Length to announce (default: body size)
    bool chunked = false;                                     ///< use chunked transfer encoding
    std::size_t endless_bytes = 0;                            ///< after `body`, stream this many more 'x' bytes
    std::optional<std::size_t> close_after;                   ///< close the connection after this many body bytes
    std::chrono::milliseconds delay_before_headers{0};        ///< stall before the status line
    std::chrono::milliseconds delay_between_chunks{0};        ///< stall between body pieces
    std::size_t piece_size = 65536;                           ///< body write size (1 for a trickle)
    bool close_without_response = false;                      ///< drop the connection with no answer at all
};

/// Produces the answer for one request.
using Handler = std::function<ScriptedResponse(const RecordedRequest &)>;

/// PEM file paths for a TLS server.
struct TlsFiles {
    std::string certificate_chain; ///< server certificate (and chain), PEM
    std::string private_key;       ///< server key, PEM
};

/// The scripted server. Stops and joins every thread in its destructor.
class TestHttpServer {
public:
    /// Starts listening on 127.0.0.1 on a free port; TLS when `tls` is given.
    explicit TestHttpServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt);
    ~TestHttpServer();
    TestHttpServer(const TestHttpServer &) = delete;
    TestHttpServer &operator=(const TestHttpServer &) = delete;

    /// The bound port.
    [[nodiscard]] int port() const noexcept { return m_port; }
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    [[nodiscard]] std::string base_url() const;
    /// `127.0.0.1:PORT`, as a registry host in a reference.
    [[nodiscard]] std::string host() const;
    /// Every request received so far.
    [[nodiscard]] std::vector<RecordedRequest> requests() const;
    /// How many TCP connections were accepted so far (to observe connection reuse).
    [[nodiscard]] std::size_t connection_count() const;
    /// Replaces the handler (for tests that script several phases).
    void set_handler(Handler handler);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    int m_port = 0;
    bool m_tls = false;
};

/// A throwaway PKI made with the openssl command: a CA and a server certificate for
/// 127.0.0.1, ::1 and localhost signed by it, written into `directory`.
struct TestPki {
    std::string ca_certificate;     ///< CA certificate (PEM), for --cacert
    std::string server_certificate; ///< server certificate (PEM)
    std::string server_key;         ///< server key (PEM)
    /// The server files as TlsFiles.
    [[nodiscard]] TlsFiles server_files() const { return {server_certificate, server_key}; }
};

/// Creates the PKI in `directory` (which must exist); throws on failure.
TestPki make_test_pki(const std::string &directory);

/// A client certificate (extendedKeyUsage clientAuth) and key signed by the CA of a PKI made by
/// make_test_pki() in `directory`: `directory/client.pem` and `directory/client-key.pem`.
struct TestClientCertificate {
    std::string certificate; ///< PEM certificate
    std::string key;         ///< PEM key
};

/// Creates (once) the client certificate for the PKI in `directory`; throws on failure.
TestClientCertificate make_test_client_certificate(const std::string &directory);

/// A fresh temporary directory, removed by the returned object's destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    /// Its path.
    [[nodiscard]] const std::string &path() const noexcept { return m_path; }

private:
    std::string m_path;
};

} // namespace digestx::test

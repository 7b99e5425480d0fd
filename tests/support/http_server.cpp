#include "support/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/process.hpp"

namespace digestx::test {
namespace {

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

const char *reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

// One accepted connection, plain or TLS.
class Connection {
public:
    Connection(int fd, SSL *ssl) : m_fd(fd), m_ssl(ssl) {}
    ~Connection() {
        if (m_ssl != nullptr) {
            SSL_shutdown(m_ssl);
            SSL_free(m_ssl);
        }
        ::close(m_fd);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Reads some bytes, waiting at most 100 ms at a time so that stop() is noticed.
    long read_some(char *buffer, std::size_t size, const std::atomic<bool> &stopping) {
        while (!stopping) {
            if (m_ssl == nullptr || SSL_pending(m_ssl) == 0) {
                pollfd p{m_fd, POLLIN, 0};
                int ready = ::poll(&p, 1, 100);
                if (ready == 0) continue;
                if (ready < 0) return -1;
            }
            if (m_ssl != nullptr) {
                int n = SSL_read(m_ssl, buffer, static_cast<int>(size));
                if (n <= 0 && SSL_get_error(m_ssl, n) == SSL_ERROR_WANT_READ) continue;
                return n;
            }
            return ::read(m_fd, buffer, size);
        }
        return -1;
    }

    bool write_all(std::string_view data) {
        while (!data.empty()) {
            long n = m_ssl != nullptr ? SSL_write(m_ssl, data.data(), static_cast<int>(data.size()))
                                      : ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

private:
    int m_fd;
    SSL *m_ssl;
};

} // namespace

std::optional<std::string> RecordedRequest::header(const std::string &name) const {
    for (const auto &[key, value] : headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::string RecordedRequest::path() const {
    return target.substr(0, target.find('?'));
}

struct TestHttpServer::Impl {
    Handler handler;
    std::mutex mutex;
    std::vector<RecordedRequest> requests;
    std::size_t connections = 0;
    std::atomic<bool> stopping{false};
    int listen_fd = -1;
    SSL_CTX *tls = nullptr;
    std::thread acceptor;
    std::vector<std::thread> workers;

    void accept_loop();
    bool pause(std::chrono::milliseconds duration) const;
    void serve(int fd);
    bool read_request(Connection &connection, std::string &pending, RecordedRequest &request);
    bool send_response(Connection &connection, const RecordedRequest &request, const ScriptedResponse &response);
};

// A stall that a stopping server cuts short, so that a test may stall for minutes (a transfer
// that only a signal or a deadline ends) and still be torn down at once. False when stopping.
bool TestHttpServer::Impl::pause(std::chrono::milliseconds duration) const {
    auto until = std::chrono::steady_clock::now() + duration;
    while (!stopping) {
        auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::milliseconds(0)) return true;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
    }
    return false;
}

void TestHttpServer::Impl::accept_loop() {
    while (!stopping) {
        pollfd p{listen_fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        int fd = ::accept(listen_fd, nullptr, nullptr);
        if (fd < 0) continue;
        std::lock_guard lock(mutex);
        ++connections;
        workers.emplace_back([this, fd] { serve(fd); });
    }
}

bool TestHttpServer::Impl::read_request(Connection &connection, std::string &pending, RecordedRequest &request) {
    char buffer[16384];
    std::size_t header_end;
    while ((header_end = pending.find("\r\n\r\n")) == std::string::npos) {
        long n = connection.read_some(buffer, sizeof buffer, stopping);
        if (n <= 0) return false;
        pending.append(buffer, static_cast<std::size_t>(n));
        if (tls == nullptr && static_cast<unsigned char>(pending.front()) == 0x16) {
            // A TLS ClientHello (record type 22) on the plain port: answer as real HTTP servers
            // do, so that a client probing https first sees "wrong version number" at once
            // instead of waiting for a ServerHello. Not a request: nothing is recorded.
            connection.write_all("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return false;
        }
    }
    std::string head = pending.substr(0, header_end);
    pending.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    auto first_space = request_line.find(' ');
    auto second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        std::size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(pos, end - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            request.headers.emplace_back(lowercase(line.substr(0, colon)), value);
        }
        pos = end + 2;
    }
    std::size_t length = 0;
    if (auto declared = request.header("content-length")) length = std::stoul(*declared);
    while (pending.size() < length) {
        long n = connection.read_some(buffer, sizeof buffer, stopping);
        if (n <= 0) return false;
        pending.append(buffer, static_cast<std::size_t>(n));
    }
    request.body = pending.substr(0, length);
    pending.erase(0, length);
    return true;
}

bool TestHttpServer::Impl::send_response(Connection &connection, const RecordedRequest &request,
                                         const ScriptedResponse &response) {
    if (response.delay_before_headers.count() > 0 && !pause(response.delay_before_headers)) return false;
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
    bool has_length = false;
    for (const auto &[key, value] : response.headers) {
        head += key + ": " + value + "\r\n";
        if (lowercase(key) == "content-length") has_length = true;
    }
    std::size_t total = response.body.size() + response.endless_bytes;
    if (response.chunked) {
        head += "Transfer-Encoding: chunked\r\n";
    } else if (!has_length) {
        head += "Content-Length: " + std::to_string(response.content_length.value_or(total)) + "\r\n";
    }
    head += "\r\n";
    if (!connection.write_all(head)) return false;
    if (request.method == "HEAD") return true;

    std::size_t limit = response.close_after.value_or(total);
    std::size_t sent = 0;
    std::string piece;
    while (sent < total && sent < limit) {
        if (stopping) return false;
        std::size_t size = std::min({response.piece_size, total - sent, limit - sent});
        piece.clear();
        for (std::size_t i = 0; i < size; ++i) {
            std::size_t at = sent + i;
            piece.push_back(at < response.body.size() ? response.body[at] : 'x');
        }
        std::string framed = piece;
        if (response.chunked) {
            char length_hex[32];
            std::snprintf(length_hex, sizeof length_hex, "%zx\r\n", piece.size());
            framed = std::string(length_hex) + piece + "\r\n";
        }
        if (!connection.write_all(framed)) return false;
        sent += size;
        if (response.delay_between_chunks.count() > 0 && !pause(response.delay_between_chunks)) return false;
    }
    if (response.close_after) return false;
    if (response.chunked && !connection.write_all("0\r\n\r\n")) return false;
    return true;
}

void TestHttpServer::Impl::serve(int fd) {
    SSL *ssl = nullptr;
    if (tls != nullptr) {
        ssl = SSL_new(tls);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) <= 0) {
            SSL_free(ssl);
            ::close(fd);
            return;
        }
    }
    Connection connection(fd, ssl);
    std::string pending;
    while (!stopping) {
        RecordedRequest request;
        if (!read_request(connection, pending, request)) return;
        Handler current;
        {
            std::lock_guard lock(mutex);
            requests.push_back(request);
            current = handler;
        }
        ScriptedResponse response = current(request);
        if (response.close_without_response) return;
        if (!send_response(connection, request, response)) return;
    }
}

TestHttpServer::TestHttpServer(Handler handler, std::optional<TlsFiles> tls) : m_impl(std::make_unique<Impl>()) {
    m_impl->handler = std::move(handler);
    if (tls) {
        m_tls = true;
        // OpenSSL's socket BIO writes with write(), not send(MSG_NOSIGNAL): a client that hangs
        // up mid-handshake (as one refusing the certificate does) would kill the test process.
        std::signal(SIGPIPE, SIG_IGN);
        m_impl->tls = SSL_CTX_new(TLS_server_method());
        if (SSL_CTX_use_certificate_chain_file(m_impl->tls, tls->certificate_chain.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(m_impl->tls, tls->private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
            throw std::runtime_error("test server: cannot load TLS certificate or key");
        }
    }
    m_impl->listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_impl->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_impl->listen_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(m_impl->listen_fd, 64) != 0) {
        throw std::runtime_error("test server: cannot listen on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    ::getsockname(m_impl->listen_fd, reinterpret_cast<sockaddr *>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_impl->acceptor = std::thread([impl = m_impl.get()] { impl->accept_loop(); });
}

TestHttpServer::~TestHttpServer() {
    m_impl->stopping = true;
    m_impl->acceptor.join();
    std::vector<std::thread> workers;
    {
        std::lock_guard lock(m_impl->mutex);
        workers.swap(m_impl->workers);
    }
    for (auto &worker : workers)
        worker.join();
    ::close(m_impl->listen_fd);
    if (m_impl->tls != nullptr) SSL_CTX_free(m_impl->tls);
}

std::string TestHttpServer::base_url() const {
    return (m_tls ? "https://" : "http://") + host();
}

std::string TestHttpServer::host() const {
    return "127.0.0.1:" + std::to_string(m_port);
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->requests;
}

std::size_t TestHttpServer::connection_count() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->connections;
}

void TestHttpServer::set_handler(Handler handler) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->handler = std::move(handler);
}

TestPki make_test_pki(const std::string &directory) {
    TestPki pki{directory + "/ca.pem", directory + "/server.pem", directory + "/server-key.pem"};
    std::string ext = directory + "/server.ext";
    {
        std::string text = "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n"
                           "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                           "extendedKeyUsage=serverAuth\n";
        FILE *file = std::fopen(ext.c_str(), "w");
        if (file == nullptr) throw std::runtime_error("cannot write " + ext);
        std::fputs(text.c_str(), file);
        std::fclose(file);
    }
    std::vector<std::vector<std::string>> steps = {
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=digestx test CA", "-keyout", directory + "/ca-key.pem", "-out", pki.ca_certificate},
        {"/usr/bin/openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
         pki.server_key, "-out", directory + "/server.csr"},
        {"/usr/bin/openssl", "x509", "-req", "-in", directory + "/server.csr", "-CA", pki.ca_certificate, "-CAkey",
         directory + "/ca-key.pem", "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", pki.server_certificate},
    };
    for (const auto &step : steps) {
        ProcessResult result = run_process(step);
        if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.err);
    }
    return pki;
}

TestClientCertificate make_test_client_certificate(const std::string &directory) {
    TestClientCertificate client{directory + "/client.pem", directory + "/client-key.pem"};
    if (std::filesystem::exists(client.certificate)) return client;
    std::string ext = directory + "/client.ext";
    {
        FILE *file = std::fopen(ext.c_str(), "w");
        if (file == nullptr) throw std::runtime_error("cannot write " + ext);
        std::fputs("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n", file);
        std::fclose(file);
    }
    std::vector<std::vector<std::string>> steps = {
        {"/usr/bin/openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=digestx test client", "-keyout",
         client.key, "-out", directory + "/client.csr"},
        {"/usr/bin/openssl", "x509", "-req", "-in", directory + "/client.csr", "-CA", directory + "/ca.pem", "-CAkey",
         directory + "/ca-key.pem", "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", client.certificate},
    };
    for (const auto &step : steps) {
        ProcessResult result = run_process(step);
        if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.err);
    }
    return client;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "digestx-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

} // namespace digestx::test

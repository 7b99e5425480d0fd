// How libcurl failures become digestx errors: one line that names the host and the cause, and
// whether the failure is transient (fault catalogue rule 10, cases C4, C5, C14, E1–E3).

#include <cctype>
#include <cmath>
#include <cstring>

#include "digestx/core/text.hpp"
#include "digestx/net/curl_library.hpp"
#include "digestx/net/redirect_policy.hpp"
#include "transfer.hpp"
#include "digestx/net/url.hpp"

namespace digestx::net::detail {
namespace {

std::string seconds_since(std::chrono::steady_clock::time_point started) {
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::to_string(std::max(1LL, std::llround(elapsed))) + " s";
}

std::string os_reason(CURL *easy, std::string_view fallback) {
    long os_errno = 0;
    if (easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno) != CURLE_OK || os_errno == 0) {
        return sanitize(fallback, 200);
    }
    std::string text = std::strerror(static_cast<int>(os_errno));
    if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

Error network(std::string message) {
    return Error::of(ErrorCode::Network, std::move(message));
}

Error timeout(std::string_view url, std::string_view curl_message, std::chrono::steady_clock::time_point started,
              std::chrono::steady_clock::time_point deadline, bool &retryable) {
    std::string after = "timed out after " + seconds_since(started);
    // curl says which timer fired only in its message: "Operation too slow" (low-speed limit),
    // "Connection timed out" / "SSL connection timeout" / "Resolving timed out" (connect phase),
    // "Operation timed out" (CURLOPT_TIMEOUT, which digestx sets to the overall deadline).
    bool stalled = curl_message.starts_with("Operation too slow");
    if (!stalled && std::chrono::steady_clock::now() + deadline_slack >= deadline) {
        return network(after + " waiting for " + display_host(url) + " (overall deadline reached)");
    }
    retryable = true;
    if (!stalled && (curl_message.find("onnect") != std::string_view::npos || curl_message.starts_with("Resolving"))) {
        return network(after + " connecting to " + host_port(url));
    }
    return network(after + " waiting for " + display_host(url) + " (stalled transfer)");
}

Error incomplete(CURL *easy, std::string_view url, std::size_t received) {
    curl_off_t expected = -1;
    if (easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected) != CURLE_OK) expected = -1;
    std::string counts = expected >= 0 ? std::to_string(received) + "/" + std::to_string(expected) + " bytes"
                                       : std::to_string(received) + " bytes, connection closed early";
    return network("incomplete response (" + counts + ") from " + display_host(url));
}

// A server that requires a client certificate (distribution `http.tls.clientcas`) ends the TLS
// 1.3 handshake with alert 116 "certificate required", or 42 "bad certificate" for one it does
// not accept; OpenSSL reports either only when the first read fails. Asking again cannot help.
bool client_certificate_refused(const std::string &reason) {
    return reason.find("alert certificate required") != std::string::npos ||
           reason.find("alert bad certificate") != std::string::npos;
}

std::string client_certificate_message(std::string_view url, const std::string &reason) {
    return "TLS: " + host_port(url) +
           " refused the connection for want of an accepted client certificate (put client.cert and client.key in "
           "its certs.d directory): " +
           reason;
}

} // namespace

Error classify_failure(CURLcode code, CURL *easy, std::string_view url, std::string_view curl_message,
                       std::chrono::steady_clock::time_point started, std::chrono::steady_clock::time_point deadline,
                       std::size_t received, bool &retryable) {
    retryable = false;
    std::string reason = sanitize(curl_message, 200);
    switch (code) {
    case CURLE_ABORTED_BY_CALLBACK: return Error::of(ErrorCode::Interrupted, "interrupted");
    case CURLE_COULDNT_RESOLVE_HOST: return network("cannot resolve host " + quoted(host_of(url)));
    case CURLE_COULDNT_RESOLVE_PROXY: return network("cannot resolve proxy host: " + reason);
    case CURLE_COULDNT_CONNECT:
        retryable = true;
        return network("cannot connect to " + host_port(url) + ": " + os_reason(easy, curl_message));
    case CURLE_OPERATION_TIMEDOUT: return timeout(url, curl_message, started, deadline, retryable);
    case CURLE_PARTIAL_FILE: retryable = true; return incomplete(easy, url, received);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: {
        long proxy_status = 0;
        if (easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &proxy_status) != CURLE_OK) proxy_status = 0;
        if (proxy_status >= 300) {
            return network("proxy error (" + std::to_string(proxy_status) + ") while connecting to " + host_port(url));
        }
        if (client_certificate_refused(reason)) return network(client_certificate_message(url, reason));
        retryable = true;
        return network("connection to " + display_host(url) + " failed: " + reason);
    }
    case CURLE_GOT_NOTHING: retryable = true; return network("empty reply from " + display_host(url));
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: retryable = true; return network("HTTP/2 error from " + display_host(url) + ": " + reason);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return network("TLS verification failed for " + host_port(url) + ": " + reason);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_USE_SSL_FAILED: {
        if (client_certificate_refused(reason)) return network(client_certificate_message(url, reason));
        Error error = network("TLS handshake failed with " + host_port(url) + ": " + reason);
        // The registry client decides the localhost plain-http fallback on this fact, not on the text.
        error.fault = ErrorFault::TlsHandshake;
        return error;
    }
    case CURLE_SSL_CACERT_BADFILE: return Error::of(ErrorCode::Usage, "cannot use CA certificates: " + reason);
    case CURLE_UNSUPPORTED_PROTOCOL: // "Received HTTP/0.9 when not allowed"
    case CURLE_WEIRD_SERVER_REPLY: {
        // Garbage on a reused connection is most likely the surplus of an earlier response that
        // overran its Content-Length; curl closes that connection, so a new attempt is clean.
        long new_connections = 0;
        // When curl cannot say, the connection may have been a fresh one: not worth repeating.
        bool known = easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections) == CURLE_OK;
        retryable = known && new_connections == 0;
        return network("malformed HTTP response from " + display_host(url) + ": " + reason);
    }
    default: return network("request to " + display_host(url) + " failed: " + reason);
    }
}

} // namespace digestx::net::detail

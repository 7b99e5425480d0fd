#include "transfer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "digestx/core/text.hpp"
#include "digestx/net/curl_library.hpp"
#include "digestx/io/file.hpp"
#include "digestx/net/interrupt.hpp"
#include "digestx/net/url.hpp"

namespace digestx::net::detail {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

tl::unexpected<Error> out_of_memory() {
    return fail(ErrorCode::Internal, "out of memory building request headers");
}

bool has_header(const std::vector<Header> &headers, std::string_view lower_name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const Header &header) { return ascii_lowercase(header.first) == lower_name; });
}

} // namespace

bool append_line(curl_slist *&list, const std::string &line) {
    curl_slist *appended = curl_slist_append(list, line.c_str());
    if (appended == nullptr) return false;
    list = appended;
    return true;
}

Error multi_failure(CURLMcode code, std::string_view call) {
    return Error::of(ErrorCode::Internal, std::string(call) + " failed: " + curl_multi_strerror(code));
}

Transfer::Transfer(const TransportOptions &options, const HttpRequest &hop)
    : m_hop(hop), m_error_body_cap(std::min(options.max_error_body_bytes, hop.max_body_bytes)),
      m_header_cap(options.max_header_bytes), m_started(std::chrono::steady_clock::now()) {}

Result<std::unique_ptr<Transfer>> Transfer::open(const TransportOptions &options, curl_slist *resolve,
                                                 const HttpRequest &hop) {
    std::unique_ptr<Transfer> transfer(new Transfer(options, hop));
    transfer->m_easy = curl_easy_init();
    if (transfer->m_easy == nullptr) {
        return fail(ErrorCode::Internal, "cannot create a curl handle for a request to " + display_host(hop.url));
    }
    if (auto set = transfer->set_options(options, resolve); !set) return fail(std::move(set.error()));
    return transfer;
}

Transfer::~Transfer() {
    if (m_easy != nullptr) curl_easy_cleanup(m_easy);
    curl_slist_free_all(m_header_list);
}

// The certificate directory of this hop's host: only for https, as moby newTLSConfig reads it only
// for a secure registry; chosen per request, so a redirect to another host gets that host's.
Result<HostTls> Transfer::host_tls_for(const TransportOptions &options) const {
    if (options.certs_roots.empty()) return HostTls{};
    auto parts = parse_url(m_hop.url);
    if (!parts || parts->scheme != "https") return HostTls{};
    return read_host_tls(options.certs_roots, certs_dir_name(parts->host, parts->port, parts->port == 443));
}

// Every option that decides where the request goes, what it may send, how it is verified, when it
// gives up, or how the answer is received is checked: a request made without one of them would be
// unsafe or wrong. Only speed-ups are set best-effort.
Result<void> Transfer::set_options(const TransportOptions &options, curl_slist *resolve) {
    CURL *e = m_easy;
    CURLcode refused = CURLE_OK; // the first option curl refused
    auto check = [&refused](CURLcode code) {
        if (refused == CURLE_OK) refused = code;
    };
    check(easy_setopt(e, CURLOPT_URL, m_hop.url.c_str()));
    check(easy_setopt(e, CURLOPT_ERRORBUFFER, m_error_buffer.data()));
    check(easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
    // Redirects are followed by hand (redirect_policy); pin curl down anyway (rule 8).
    check(easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L));
    check(easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https"));
    check(easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
    check(easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L));
    check(easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED)));
    // Speed-ups only: a libcurl without HTTP/2 (or a socket without keep-alive) still answers right.
    (void)easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    (void)easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    (void)easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    check(easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L));
    check(easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count())));
    check(easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit));
    check(easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count())));
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(options.deadline - m_started).count();
    check(easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(remaining, 1))));
    check(easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0L : 1L));
    check(easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0L : 2L));
    auto host_tls = host_tls_for(options);
    if (!host_tls) return fail(std::move(host_tls.error()));
    if (!host_tls->ca_pem.empty()) {
        // The host's *.crt plus --cacert, as one in-memory bundle for this handle only (curl keeps
        // CAPATH next to CAINFO_BLOB, so the system CAs stay trusted, as moby loadTLSConfig starts
        // from the system pool).
        std::string bundle;
        if (!options.ca_file.empty()) {
            auto extra = io::read_file_bounded(
                options.ca_file, io::ReadLimit{1U << 20U, "--cacert file", ErrorCode::Usage, ErrorCode::Usage, true});
            if (!extra) return fail(std::move(extra.error()));
            bundle = std::move(*extra) + "\n";
        }
        bundle += host_tls->ca_pem;
        curl_blob blob{bundle.data(), bundle.size(), CURL_BLOB_COPY};
        check(easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob));
        check(easy_setopt(e, CURLOPT_CAPATH, options.system_ca_path.c_str()));
    } else if (!options.ca_file.empty()) {
        // CAINFO alone would replace the system bundle; the hashed directory keeps it trusted.
        check(easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str()));
        check(easy_setopt(e, CURLOPT_CAPATH, options.system_ca_path.c_str()));
    }
    if (!host_tls->client_certificate.empty()) {
        check(easy_setopt(e, CURLOPT_SSLCERT, host_tls->client_certificate.c_str()));
        check(easy_setopt(e, CURLOPT_SSLKEY, host_tls->client_key.c_str()));
    }
    if (resolve != nullptr) check(easy_setopt(e, CURLOPT_RESOLVE, resolve));
    // CURLOPT_PROXY stays unset so that libcurl reads the proxy environment variables.
    for (const auto &[name, value] : m_hop.headers) {
        if (!append_line(m_header_list, value.empty() ? name + ";" : name + ": " + value)) return out_of_memory();
    }
    // curl waits a second for "100 Continue" on larger POSTs; registries never need it.
    if (!append_line(m_header_list, "Expect:")) return out_of_memory();
    check(easy_setopt(e, CURLOPT_HTTPHEADER, m_header_list));
    if (!has_header(m_hop.headers, "user-agent")) {
        check(easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str()));
    }
    if (m_hop.method == "HEAD") {
        check(easy_setopt(e, CURLOPT_NOBODY, 1L));
    } else if (m_hop.method == "POST") {
        check(easy_setopt(e, CURLOPT_POST, 1L));
        check(easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(m_hop.body.size())));
        check(easy_setopt(e, CURLOPT_POSTFIELDS, m_hop.body.data()));
    } else {
        check(easy_setopt(e, CURLOPT_HTTPGET, 1L));
    }
    check(easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header));
    check(easy_setopt(e, CURLOPT_HEADERDATA, this));
    check(easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body));
    check(easy_setopt(e, CURLOPT_WRITEDATA, this));
    check(easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &Transfer::on_progress));
    check(easy_setopt(e, CURLOPT_XFERINFODATA, this));
    check(easy_setopt(e, CURLOPT_NOPROGRESS, 0L));
    if (refused == CURLE_OK) return {};
    // A libcurl built without what the request needs (TLS, a protocol) cannot make it as digestx
    // must: a transport failure. Anything else (memory, a bad argument) is the machine or a bug.
    bool unsupported =
        refused == CURLE_NOT_BUILT_IN || refused == CURLE_UNKNOWN_OPTION || refused == CURLE_UNSUPPORTED_PROTOCOL;
    return fail(unsupported ? ErrorCode::Network : ErrorCode::Internal,
                "cannot set up the request to " + display_host(m_hop.url) + ": " + curl_easy_strerror(refused));
}

std::size_t Transfer::on_header(char *data, std::size_t size, std::size_t count, void *self) {
    return static_cast<Transfer *>(self)->header_line(std::string_view(data, size * count));
}

std::size_t Transfer::header_line(std::string_view line) {
    m_header_bytes += line.size();
    if (m_header_bytes > m_header_cap) {
        m_abort = Error::of(ErrorCode::Integrity, "response headers from " + display_host(m_hop.url) + " exceed " +
                                                      std::to_string(m_header_cap) + "-byte limit")
                      .with_status(m_status);
        return 0;
    }
    if (line.starts_with("HTTP/")) {
        // A new status line (after 1xx responses): only the final response's headers count.
        auto space = line.find(' ');
        int status = 0;
        if (space != std::string_view::npos) {
            auto digits = line.substr(space + 1, 3);
            std::from_chars(digits.data(), digits.data() + digits.size(), status);
        }
        m_status = status;
        m_headers.clear();
        return line.size();
    }
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        // Obsolete line folding (RFC 9112 §5.2): a continuation of the previous value.
        if (!m_headers.empty() && !trim(line).empty()) m_headers.back().second += " " + std::string(trim(line));
        return line.size();
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return line.size(); // the blank line ending the headers
    std::string name = ascii_lowercase(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (name.empty()) return line.size(); // not a header: nothing can ask for it by name
    if (name == "content-length" && m_status >= 200 && m_status < 300 && m_hop.method != "HEAD") {
        // Fail fast rather than stream up to the cap; never allocate from this number.
        unsigned long long declared = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), declared);
        if (error == std::errc::result_out_of_range || (error == std::errc() && declared > m_hop.max_body_bytes)) {
            m_abort = Error::of(ErrorCode::Integrity, "response body from " + display_host(m_hop.url) + " exceeds " +
                                                          std::to_string(m_hop.max_body_bytes) +
                                                          "-byte limit (Content-Length: " + sanitize(value, 40) + ")")
                          .with_status(m_status);
            return 0;
        }
    }
    m_headers.emplace_back(std::move(name), std::move(value));
    return line.size();
}

std::size_t Transfer::on_body(char *data, std::size_t size, std::size_t count, void *self) {
    auto &t = *static_cast<Transfer *>(self);
    std::size_t n = size * count;
    t.m_received += n;
    if (t.m_status >= 200 && t.m_status < 300) {
        if (t.m_body.size() + n > t.m_hop.max_body_bytes) {
            t.m_abort =
                Error::of(ErrorCode::Integrity, "response body from " + display_host(t.m_hop.url) + " exceeds " +
                                                    std::to_string(t.m_hop.max_body_bytes) + "-byte limit")
                    .with_status(t.m_status);
            return 0;
        }
        t.m_body.append(data, n);
        return n;
    }
    // Error and redirect bodies only matter for their first bytes (a registry error message):
    // keep those and stop reading, so a 50 MB error page costs nothing (C9).
    std::size_t room = t.m_error_body_cap - std::min(t.m_error_body_cap, t.m_body.size());
    if (n > room) {
        t.m_body.append(data, room);
        t.m_truncated = true;
        return 0;
    }
    t.m_body.append(data, n);
    return n;
}

int Transfer::on_progress(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return interrupted() ? 1 : 0;
}

Outcome Transfer::finish(CURLcode code, std::chrono::steady_clock::time_point deadline) {
    if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && m_truncated && !m_abort)) {
        HttpResponse response;
        response.status = m_status;
        response.headers = std::move(m_headers);
        response.body = std::move(m_body);
        response.effective_url = m_hop.url;
        response.body_truncated = m_truncated;
        return {std::move(response), false};
    }
    if (m_abort) return {fail(std::move(*m_abort)), false};
    bool retryable = false;
    Error error = failure(code, deadline, retryable);
    return {fail(std::move(error)), retryable};
}

Error Transfer::failure(CURLcode code, std::chrono::steady_clock::time_point deadline, bool &retryable) const {
    std::string_view message(m_error_buffer.data());
    if (message.empty()) message = curl_easy_strerror(code);
    return classify_failure(code, m_easy, m_hop.url, message, m_started, deadline, m_received, retryable);
}

} // namespace digestx::net::detail

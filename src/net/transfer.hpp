#pragma once
// Internal: one attempt of one redirect hop, as a libcurl easy handle with digestx's callbacks
// (caps enforced while receiving, interruption checked while waiting).

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "digestx/net/certs_dir.hpp"
#include "digestx/net/curl_transport.hpp"

namespace digestx::net::detail {

// A deadline this close counts as reached: curl's timers fire a little early, and a request with
// a few milliseconds left can only send a request whose answer is never read.
inline constexpr std::chrono::milliseconds deadline_slack{50};

// What one finished attempt amounts to.
struct Outcome {
    Result<HttpResponse> result; // a response (any status) or a transport Error
    bool retryable = false;      // the Error is transient (reset, EOF, stall) and worth repeating
};

// Appends a copy of `line` to `list`. False when curl could not allocate it: the list is then
// unchanged (curl_slist_append returns NULL and keeps the old list), never lost or cut short.
bool append_line(curl_slist *&list, const std::string &line);

// The Error for a failed curl_multi_* call. The multi interface fails only for a bug (a bad handle,
// a call from a callback), memory, or poll(2) itself: none of them the network's doing, none worth
// a retry.
Error multi_failure(CURLMcode code, std::string_view call);

// One easy handle and the bytes it received. Callbacks point at the object: never moved.
class Transfer {
public:
    // A handle set up for `hop`; `resolve` is the transport's shared --resolve list. An Error when
    // curl cannot create the handle or refuses an option that matters (see set_options).
    static Result<std::unique_ptr<Transfer>> open(const TransportOptions &options, curl_slist *resolve,
                                                  const HttpRequest &hop);
    ~Transfer();
    Transfer(const Transfer &) = delete;
    Transfer &operator=(const Transfer &) = delete;

    // The easy handle.
    [[nodiscard]] CURL *easy() const noexcept { return m_easy; }
    // When the attempt started.
    [[nodiscard]] std::chrono::steady_clock::time_point started() const noexcept { return m_started; }
    // Turns curl's completion code and what was received into an Outcome.
    Outcome finish(CURLcode code, std::chrono::steady_clock::time_point deadline);

private:
    static std::size_t on_header(char *data, std::size_t size, std::size_t count, void *self);
    static std::size_t on_body(char *data, std::size_t size, std::size_t count, void *self);
    static int on_progress(void *self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
    Transfer(const TransportOptions &options, const HttpRequest &hop);
    std::size_t header_line(std::string_view line);
    Result<void> set_options(const TransportOptions &options, curl_slist *resolve);
    Result<HostTls> host_tls_for(const TransportOptions &options) const;
    [[nodiscard]] Error failure(CURLcode code, std::chrono::steady_clock::time_point deadline, bool &retryable) const;

    CURL *m_easy = nullptr;
    curl_slist *m_header_list = nullptr;
    HttpRequest m_hop;
    std::size_t m_error_body_cap;
    std::size_t m_header_cap;
    std::array<char, CURL_ERROR_SIZE> m_error_buffer{};
    std::chrono::steady_clock::time_point m_started;
    int m_status = 0;
    std::vector<Header> m_headers;
    std::string m_body;
    std::size_t m_header_bytes = 0;
    std::size_t m_received = 0;
    bool m_truncated = false;
    std::optional<Error> m_abort; // why a callback stopped the transfer
};

// The transport's error for a curl failure (connect, TLS, timeout, reset...), and whether it is
// transient. `received`/`expected` are body byte counts (expected < 0 when unknown).
Error classify_failure(CURLcode code, CURL *easy, std::string_view url, std::string_view curl_message,
                       std::chrono::steady_clock::time_point started, std::chrono::steady_clock::time_point deadline,
                       std::size_t received, bool &retryable);

} // namespace digestx::net::detail

#include "digestx/net/curl_transport.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include <curl/curl.h>

#include "digestx/net/curl_library.hpp"

#include "digestx/core/text.hpp"
#include "digestx/net/interrupt.hpp"
#include "digestx/net/redirect_policy.hpp"
#include "trace.hpp"
#include "transfer.hpp"
#include "digestx/net/url.hpp"

namespace digestx::net {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One request of a batch on its way through redirects and retries.
struct Job {
    HttpRequest hop;                            // the current hop: URL, method and headers may change
    std::string first_url;                      // the URL as the caller gave it
    std::string origin;                         // its origin: where credentials may go
    std::vector<std::string> redirects;         // targets followed so far
    int retries = 0;                            // retries used, over the whole chain
    Clock::time_point ready_at;                 // when the next attempt may start
    std::unique_ptr<detail::Transfer> transfer; // the attempt in flight, if any
    std::optional<Result<HttpResponse>> result; // set once the request is finished
};

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

// Waits in small slices so that an interruption is noticed quickly.
void interruptible_sleep(milliseconds duration) {
    auto until = Clock::now() + duration;
    while (!interrupted() && Clock::now() < until) {
        std::this_thread::sleep_for(std::min<Clock::duration>(milliseconds(50), until - Clock::now()));
    }
}

// A request the transport must not send at all: only a bug or a hostile value gets here.
std::optional<Error> invalid_request(const HttpRequest &request) {
    if (request.method != "GET" && request.method != "HEAD" && request.method != "POST") {
        return Error::of(ErrorCode::Internal, "unsupported HTTP method " + quoted(request.method));
    }
    if (!parse_url(request.url)) {
        return Error::of(ErrorCode::Integrity, "not an http(s) URL: " + quoted(redact_url(request.url)));
    }
    for (const auto &[name, value] : request.headers) {
        // A CR or LF in a header (say, from a token response) would inject headers (D4).
        if (name.find_first_of("\r\n\0:", 0, 4) != std::string::npos || name.empty() ||
            value.find_first_of("\r\n\0", 0, 3) != std::string::npos) {
            return Error::of(ErrorCode::Integrity,
                             "refusing request header " + quoted(name) + " with a line break or NUL");
        }
    }
    return std::nullopt;
}

} // namespace

struct CurlTransport::Impl {
    TransportOptions options;
    CURLM *multi = nullptr;
    curl_slist *resolve = nullptr;
    std::optional<Error> broken; // why set_up() failed: every request then fails with it
    std::minstd_rand random{std::random_device{}()};

    Result<void> set_up();
    void run(std::vector<Job> &jobs);
    void start(Job &job);
    void complete(Job &job, CURLcode code);
    void on_response(Job &job, HttpResponse response, Clock::time_point started);
    bool follow(Job &job, const HttpResponse &response);
    bool retry(Job &job, std::optional<milliseconds> requested, std::string_view why);
    void finish(Job &job, Result<HttpResponse> result);
    void wait_idle(std::vector<Job> &jobs, Clock::time_point until);
    void fail_all(std::vector<Job> &jobs, const Error &error);
};

CurlTransport::CurlTransport(TransportOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = std::move(options);
    if (!m_impl->options.sleep) m_impl->options.sleep = interruptible_sleep;
    if (auto ready = m_impl->set_up(); !ready) m_impl->broken = std::move(ready.error());
}

CurlTransport::~CurlTransport() {
    // Every transfer left the multi handle when its job finished, so cleanup has nothing to fail
    // on; and a destructor has no one to tell.
    if (m_impl->multi != nullptr) (void)curl_multi_cleanup(m_impl->multi);
    curl_slist_free_all(m_impl->resolve);
}

Result<void> CurlTransport::Impl::set_up() {
    // Once per process, before any handle: a function-local static is initialised exactly once, even
    // with pin's worker threads, and every later transport sees its answer.
    if (auto library = load_libcurl(); !library) return fail(library.error());
    static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (global != CURLE_OK) {
        return fail(ErrorCode::Internal, std::string("cannot initialise libcurl: ") + curl_easy_strerror(global));
    }
    multi = curl_multi_init();
    if (multi == nullptr) return fail(ErrorCode::Internal, "cannot create a curl multi handle");
    const std::pair<CURLMoption, long> settings[] = {
        {CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX)},
        {CURLMOPT_MAX_TOTAL_CONNECTIONS, options.max_connections},
        {CURLMOPT_MAX_HOST_CONNECTIONS, options.max_host_connections},
        {CURLMOPT_MAXCONNECTS, options.max_connections},
    };
    for (const auto &[option, value] : settings) {
        // The connection limits are the politeness digestx promises registries: not optional.
        if (CURLMcode code = multi_setopt(multi, option, value); code != CURLM_OK) {
            return fail(detail::multi_failure(code, "curl_multi_setopt"));
        }
    }
    for (const auto &entry : options.resolve) {
        if (!detail::append_line(resolve, entry)) return fail(ErrorCode::Internal, "out of memory reading --resolve");
    }
    return {};
}

const TransportOptions &CurlTransport::options() const noexcept {
    return m_impl->options;
}

std::vector<Result<HttpResponse>> CurlTransport::perform(const std::vector<HttpRequest> &batch) {
    std::vector<Job> jobs(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        jobs[i].hop = batch[i];
        jobs[i].first_url = batch[i].url;
        jobs[i].origin = origin_of(batch[i].url);
        if (m_impl->broken) {
            jobs[i].result = fail(*m_impl->broken);
        } else if (auto invalid = invalid_request(batch[i])) {
            jobs[i].result = fail(std::move(*invalid));
        }
    }
    m_impl->run(jobs);
    std::vector<Result<HttpResponse>> results;
    results.reserve(jobs.size());
    for (auto &job : jobs)
        results.push_back(std::move(*job.result));
    return results;
}

void CurlTransport::Impl::run(std::vector<Job> &jobs) {
    for (;;) {
        if (interrupted()) return fail_all(jobs, Error::of(ErrorCode::Interrupted, "interrupted"));
        auto now = Clock::now();
        bool pending = false;
        bool in_flight = false;
        std::optional<Clock::time_point> next_wake;
        for (auto &job : jobs) {
            if (job.result) continue;
            if (!job.transfer && job.ready_at <= now) start(job);
            if (job.result) continue;
            pending = true;
            if (job.transfer) {
                in_flight = true;
            } else {
                next_wake = std::min(next_wake.value_or(job.ready_at), job.ready_at);
            }
        }
        if (!pending) return;
        if (!in_flight) {
            wait_idle(jobs, *next_wake);
            continue;
        }
        int running = 0;
        if (CURLMcode code = curl_multi_perform(multi, &running); code != CURLM_OK) {
            return fail_all(jobs, detail::multi_failure(code, "curl_multi_perform"));
        }
        int queued = 0;
        while (CURLMsg *message = curl_multi_info_read(multi, &queued)) {
            if (message->msg != CURLMSG_DONE) continue;
            auto owner = std::find_if(jobs.begin(), jobs.end(), [message](const Job &job) {
                return job.transfer && job.transfer->easy() == message->easy_handle;
            });
            if (owner != jobs.end()) complete(*owner, message->data.result);
        }
        if (running == 0) continue;
        // Wake for the next retry that is due, and often enough to notice an interruption.
        auto timeout = milliseconds(100);
        if (next_wake)
            timeout = std::clamp(std::chrono::duration_cast<milliseconds>(*next_wake - Clock::now()), milliseconds(0),
                                 timeout);
        if (CURLMcode code = curl_multi_poll(multi, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
            code != CURLM_OK) {
            return fail_all(jobs, detail::multi_failure(code, "curl_multi_poll"));
        }
    }
}

void CurlTransport::Impl::wait_idle(std::vector<Job> &jobs, Clock::time_point until) {
    // Nothing is in flight: the wait goes through the (injectable) sleep function, and the jobs it
    // waited for are due when it returns, whatever the clock says.
    auto duration = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    options.sleep(std::max(duration, milliseconds(0)));
    for (auto &job : jobs) {
        if (!job.result && !job.transfer && job.ready_at <= until) job.ready_at = Clock::time_point::min();
    }
}

void CurlTransport::Impl::start(Job &job) {
    if (Clock::now() + detail::deadline_slack >= options.deadline) {
        return finish(job, fail(ErrorCode::Network,
                                "timed out waiting for " + display_host(job.hop.url) + " (overall deadline reached)"));
    }
    if (options.trace != nullptr) detail::trace_request(*options.trace, job.hop);
    auto transfer = detail::Transfer::open(options, resolve, job.hop);
    if (!transfer) return finish(job, fail(std::move(transfer.error())));
    if (CURLMcode code = curl_multi_add_handle(multi, (*transfer)->easy()); code != CURLM_OK) {
        return finish(job, fail(detail::multi_failure(code, "curl_multi_add_handle")));
    }
    job.transfer = std::move(*transfer);
}

void CurlTransport::Impl::complete(Job &job, CURLcode code) {
    CURLMcode removed = curl_multi_remove_handle(multi, job.transfer->easy());
    auto started = job.transfer->started();
    detail::Outcome outcome = job.transfer->finish(code, options.deadline);
    job.transfer.reset();
    if (removed != CURLM_OK) return finish(job, fail(detail::multi_failure(removed, "curl_multi_remove_handle")));
    if (outcome.result) return on_response(job, std::move(*outcome.result), started);
    const Error &error = outcome.result.error();
    if (options.trace != nullptr) detail::trace_note(*options.trace, job.hop.method, job.hop.url, error.message);
    if (outcome.retryable && retry(job, std::nullopt, error.message)) return;
    finish(job, std::move(outcome.result));
}

void CurlTransport::Impl::on_response(Job &job, HttpResponse response, Clock::time_point started) {
    if (options.trace != nullptr) {
        detail::trace_response(*options.trace, response,
                               std::chrono::duration_cast<milliseconds>(Clock::now() - started));
    }
    if (response.status == 407) {
        // Origin servers never send 407: a proxy from the environment refused us (E3).
        return finish(job, fail(ErrorCode::Network, "proxy error (407) while requesting " + display_host(job.hop.url)));
    }
    if (job.hop.follow_redirects && is_redirect_status(response.status) && follow(job, response)) return;
    if (job.result) return; // a refused redirect
    if (is_retryable_status(response.status)) {
        std::optional<milliseconds> requested;
        if (auto value = response.header("retry-after")) {
            requested = parse_retry_after(*value, std::chrono::system_clock::now(), options.retry.max_retry_after);
        }
        if (retry(job, requested, "HTTP " + std::to_string(response.status))) return;
    }
    response.redirects = job.redirects;
    finish(job, std::move(response));
}

// Follows one redirect under the policy; false when there is nothing to follow (no Location).
bool CurlTransport::Impl::follow(Job &job, const HttpResponse &response) {
    auto location = response.header("location");
    if (!location || location->empty()) return false;
    auto refuse = [&](Error error) {
        if (options.trace != nullptr) detail::trace_note(*options.trace, job.hop.method, job.hop.url, error.message);
        finish(job, fail(std::move(error)));
        return false;
    };
    if (static_cast<int>(job.redirects.size()) >= options.max_redirects) {
        return refuse(Error::of(ErrorCode::Network, "too many redirects (" + std::to_string(options.max_redirects) +
                                                        ") starting from " + redact_url(job.first_url))
                          .with_status(response.status));
    }
    auto target = resolve_location(job.hop.url, *location);
    if (!target) return refuse(std::move(target.error()));
    if (auto allowed = check_redirect(job.hop.url, *target, options.allow_plain_http_redirects); !allowed) {
        return refuse(std::move(allowed.error()));
    }
    // Credentials stay with the origin they were given for; once a hop leaves it they are gone
    // for the rest of the chain, even if a later hop comes back (Go CVE-2024-45336).
    if (origin_of(*target) != job.origin) {
        std::erase_if(job.hop.headers, [](const Header &header) { return is_credential_header(header.first); });
    }
    // 303 always, and 301/302 after a POST, continue as GET (RFC 9110 §15.4, as browsers do).
    bool to_get = (response.status == 303 && job.hop.method != "HEAD") ||
                  ((response.status == 301 || response.status == 302) && job.hop.method == "POST");
    if (to_get) {
        job.hop.method = "GET";
        job.hop.body.clear();
        std::erase_if(job.hop.headers, [](const Header &header) {
            return iequals(header.first, "content-type") || iequals(header.first, "content-length");
        });
    }
    job.hop.url = *target;
    job.redirects.push_back(*target);
    job.ready_at = Clock::time_point::min();
    return true;
}

bool CurlTransport::Impl::retry(Job &job, std::optional<milliseconds> requested, std::string_view why) {
    if (!is_idempotent_method(job.hop.method) || job.retries >= options.retry.max_retries) return false;
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    milliseconds delay = requested.value_or(backoff_delay(options.retry, job.retries, jitter(random)));
    // A retry that could not finish before the deadline only delays the inevitable answer.
    if (Clock::now() + delay + detail::deadline_slack >= options.deadline) return false;
    ++job.retries;
    job.ready_at = Clock::now() + delay;
    if (options.trace != nullptr) {
        detail::trace_note(*options.trace, job.hop.method, job.hop.url,
                           "retry " + std::to_string(job.retries) + "/" + std::to_string(options.retry.max_retries) +
                               " in " + std::to_string(delay.count()) + " ms after " + std::string(why));
    }
    return true;
}

void CurlTransport::Impl::finish(Job &job, Result<HttpResponse> result) {
    job.result = std::move(result);
}

// Ends every unfinished job with `error` (an interruption, or a multi handle that stopped working),
// taking its transfer out of the multi handle first.
void CurlTransport::Impl::fail_all(std::vector<Job> &jobs, const Error &error) {
    for (auto &job : jobs) {
        if (job.result) continue;
        Error why = error;
        if (job.transfer) {
            if (CURLMcode code = curl_multi_remove_handle(multi, job.transfer->easy()); code != CURLM_OK) {
                why = detail::multi_failure(code, "curl_multi_remove_handle");
            }
            job.transfer.reset();
        }
        job.result = fail(std::move(why));
    }
}

Result<std::unique_ptr<CurlTransport>> make_curl_transport(TransportOptions options) {
    if (!options.ca_file.empty()) {
        std::FILE *file = std::fopen(options.ca_file.c_str(), "rb");
        if (file == nullptr)
            return fail(ErrorCode::Usage, "cannot read CA certificate file " + quoted(options.ca_file));
        std::fclose(file);
    }
    for (const auto &entry : options.resolve) {
        // host:port:address[,address...], as curl --resolve; a bad entry would be ignored silently.
        auto first = entry.find(':');
        auto second = first == std::string::npos ? first : entry.find(':', first + 1);
        if (first == 0 || second == std::string::npos || second == first + 1 || second + 1 >= entry.size()) {
            return fail(ErrorCode::Usage, "invalid resolve entry " + quoted(entry) + ": expected host:port:address");
        }
    }
    auto transport = std::make_unique<CurlTransport>(std::move(options));
    if (transport->m_impl->broken) return fail(*transport->m_impl->broken);
    return transport;
}

} // namespace digestx::net

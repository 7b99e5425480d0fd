#include "support/fake_transport.hpp"

#include <algorithm>

#include "digestx/auth/origin.hpp"

namespace digestx::test {
namespace {

constexpr int max_redirects = 10;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return out;
}

std::string key_of(std::string_view method, std::string_view url) {
    std::string key(method);
    key += ' ';
    key += url;
    return key;
}

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Absolute locations as given; `/path` against the current origin (enough for scripted tests).
std::string resolve(const std::string &base, const std::string &location) {
    if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) return location;
    auto scheme_end = base.find("://");
    auto path_start = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    return base.substr(0, path_start) + location;
}

std::optional<std::string> find_header(const std::vector<net::Header> &headers, std::string_view name) {
    for (const auto &[key, value] : headers) {
        if (lower(key) == lower(name)) return value;
    }
    return std::nullopt;
}

} // namespace

FakeReply reply(int status, std::string body, std::vector<net::Header> headers) {
    FakeReply answer;
    answer.status = status;
    answer.body = std::move(body);
    answer.headers = std::move(headers);
    return answer;
}

FakeReply challenge_reply(std::string www_authenticate) {
    return reply(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                 {{"WWW-Authenticate", std::move(www_authenticate)}, {"Content-Type", "application/json"}});
}

FakeReply redirect_reply(int status, std::string location) {
    return reply(status, {}, {{"Location", std::move(location)}});
}

FakeReply failure_reply(ErrorCode code, std::string message) {
    FakeReply answer;
    answer.error = Error::of(code, std::move(message));
    return answer;
}

std::optional<std::string> SeenRequest::header(std::string_view name) const {
    return find_header(request.headers, name);
}

void FakeTransport::on(const std::string &method, const std::string &url, FakeReply answer) {
    auto &script = m_scripts[key_of(method, url)];
    script.handler = nullptr;
    script.queue.push_back(std::move(answer));
}

void FakeTransport::on(const std::string &method, const std::string &url, Handler handler) {
    auto &script = m_scripts[key_of(method, url)];
    script.queue.clear();
    script.handler = std::move(handler);
}

void FakeTransport::otherwise(Handler handler) {
    m_fallback = std::move(handler);
}

std::optional<FakeReply> FakeTransport::answer_for(const net::HttpRequest &request) {
    auto it = m_scripts.find(key_of(request.method, request.url));
    if (it != m_scripts.end()) {
        Script &script = it->second;
        if (script.handler) return script.handler(request);
        if (!script.queue.empty()) {
            FakeReply answer = script.queue.front();
            if (script.queue.size() > 1) script.queue.pop_front();
            return answer;
        }
    }
    if (m_fallback) return m_fallback(request);
    return std::nullopt;
}

Result<net::HttpResponse> FakeTransport::exchange(const net::HttpRequest &original) {
    net::HttpRequest request = original;
    net::HttpResponse response;
    for (int hop = 0;; ++hop) {
        m_seen.push_back(SeenRequest{request, m_batches, hop > 0});
        auto answer = answer_for(request);
        if (!answer) {
            m_unscripted.push_back(key_of(request.method, request.url));
            return fail(ErrorCode::Network,
                        "fake transport: no answer scripted for " + key_of(request.method, request.url));
        }
        if (answer->error) return fail(*answer->error);
        auto location = find_header(answer->headers, "location");
        if (request.follow_redirects && is_redirect(answer->status) && location) {
            if (hop >= max_redirects) return fail(ErrorCode::Network, "too many redirects (10)");
            std::string target = resolve(request.url, *location);
            // The real transport drops credentials whenever a hop leaves the original origin.
            if (auth::origin_of(target) != auth::origin_of(original.url)) {
                std::erase_if(request.headers, [](const net::Header &h) { return lower(h.first) == "authorization"; });
            }
            response.redirects.push_back(target);
            request.url = target;
            continue;
        }
        if (answer->body.size() + answer->extra_body_bytes > request.max_body_bytes) {
            return fail(ErrorCode::Integrity, "response body from " + net::redact_url(request.url) +
                                                  " exceeds the limit of " + std::to_string(request.max_body_bytes) +
                                                  " bytes");
        }
        response.status = answer->status;
        for (const auto &[name, value] : answer->headers)
            response.headers.emplace_back(lower(name), value);
        if (request.method != "HEAD") response.body = answer->body + std::string(answer->extra_body_bytes, 'x');
        response.effective_url = request.url;
        return response;
    }
}

std::vector<Result<net::HttpResponse>> FakeTransport::perform(const std::vector<net::HttpRequest> &batch) {
    std::vector<Result<net::HttpResponse>> results;
    results.reserve(batch.size());
    for (const auto &request : batch)
        results.push_back(exchange(request));
    ++m_batches;
    return results;
}

std::size_t FakeTransport::count(std::string_view method, std::string_view url) const {
    return static_cast<std::size_t>(std::count_if(m_seen.begin(), m_seen.end(), [&](const SeenRequest &seen) {
        return seen.request.method == method && seen.request.url == url;
    }));
}

std::vector<SeenRequest> FakeTransport::requests_to(std::string_view prefix) const {
    std::vector<SeenRequest> out;
    std::copy_if(m_seen.begin(), m_seen.end(), std::back_inserter(out),
                 [&](const SeenRequest &seen) { return seen.request.url.rfind(prefix, 0) == 0; });
    return out;
}

} // namespace digestx::test

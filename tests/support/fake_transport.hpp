#pragma once
/// @file
/// A scripted Transport for tests of everything above the network (auth, registry client): answers
/// are scripted per method + URL, every request is recorded as it would reach the wire, and the
/// real transport's contract is mirrored where tests depend on it (body caps, HEAD without body,
/// redirects followed with `Authorization` dropped when the origin changes, lowercased header
/// names). No sockets, no threads.

#include <memory>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/net/transport.hpp"

namespace digestx::test {

/// One scripted answer.
struct FakeReply {
    int status = 200;                 ///< HTTP status
    std::vector<net::Header> headers; ///< response headers; names are lowercased on delivery
    std::string body;                 ///< response body
    std::size_t extra_body_bytes = 0; ///< the body goes on for this many more 'x' bytes (cap tests)
    std::optional<Error> error;       ///< deliver this transport failure instead of a response
};

/// A reply with a status, a body and headers.
FakeReply reply(int status, std::string body = {}, std::vector<net::Header> headers = {});
/// A 401 carrying one `WWW-Authenticate` header.
FakeReply challenge_reply(std::string www_authenticate);
/// A redirect (301/302/303/307/308) to `location`.
FakeReply redirect_reply(int status, std::string location);
/// A transport failure (connect, TLS, timeout, …) instead of a response.
FakeReply failure_reply(ErrorCode code, std::string message);

/// A request as the fake transport received it.
struct SeenRequest {
    net::HttpRequest request;  ///< as sent; for a redirect hop, as the real transport sends it
    std::size_t batch = 0;     ///< the perform() call it belonged to, from 0
    bool redirect_hop = false; ///< sent while following a redirect

    /// The first request header with that name, compared case-insensitively.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

/// The scripted transport.
class FakeTransport final : public net::Transport {
public:
    /// Computes an answer from the request (to check headers, count calls, …).
    using Handler = std::function<FakeReply(const net::HttpRequest &)>;

    /// Queues an answer for `method` + `url` (exact match, query included). Queued answers are
    /// used in order; the last one keeps answering.
    void on(const std::string &method, const std::string &url, FakeReply answer);
    /// Answers `method` + `url` through `handler` (replaces queued answers for it).
    void on(const std::string &method, const std::string &url, Handler handler);
    /// Answers every request nothing else was scripted for.
    void otherwise(Handler handler);

    /// Answers every request in order; unscripted ones fail with ErrorCode::Network and are listed
    /// by unscripted().
    std::vector<Result<net::HttpResponse>> perform(const std::vector<net::HttpRequest> &batch) override;

    /// Every request received, redirect hops included, in order.
    [[nodiscard]] const std::vector<SeenRequest> &requests() const noexcept { return m_seen; }
    /// How many requests for `method` + `url` were received.
    [[nodiscard]] std::size_t count(std::string_view method, std::string_view url) const;
    /// The requests whose URL starts with `prefix` (e.g. "https://evil.example").
    [[nodiscard]] std::vector<SeenRequest> requests_to(std::string_view prefix) const;
    /// How many perform() calls were made.
    [[nodiscard]] std::size_t batches() const noexcept { return m_batches; }
    /// `METHOD url` of every request no answer was scripted for.
    [[nodiscard]] const std::vector<std::string> &unscripted() const noexcept { return m_unscripted; }

private:
    struct Script {
        std::deque<FakeReply> queue;
        Handler handler;
    };
    std::optional<FakeReply> answer_for(const net::HttpRequest &request);
    Result<net::HttpResponse> exchange(const net::HttpRequest &request);

    std::map<std::string, Script> m_scripts;
    Handler m_fallback;
    std::vector<SeenRequest> m_seen;
    std::vector<std::string> m_unscripted;
    std::size_t m_batches = 0;
};

/// A non-owning handle on a transport the test keeps on its stack, for code that keeps its
/// transport alive (RegistryClient): the test outlives the client and inspects the transport.
inline std::shared_ptr<net::Transport> borrowed(net::Transport &transport) {
    return std::shared_ptr<net::Transport>(std::shared_ptr<void>(), &transport);
}

} // namespace digestx::test

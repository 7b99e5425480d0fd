#pragma once
// The soak's fault proxy: a scripted server in front of a real registry that forwards every
// request and, on the paths a plan names, answers some attempts itself with a fault instead. It
// counts what it did per path, so the test knows which requests were faulted and what each
// reference's outcome must therefore be.

#include <map>
#include <mutex>
#include <string>

#include "support/curl_client.hpp"
#include "support/http_server.hpp"
#include "support/registry_bed.hpp"

namespace digestx::test {

/// What the proxy does to a path's requests.
enum class SoakFault {
    None,      ///< forwarded untouched
    Status5xx, ///< 500, 502, 503 or 504 with a distribution error body (catalogue C6)
    Reset,     ///< the connection closed before any answer (E2)
    Stall,     ///< forwarded after a pause well inside every deadline (C5, short of its abort)
    Truncated, ///< HEAD without Docker-Content-Digest (so digestx GETs, C2), GET cut at half (C4)
    TooMany,   ///< 429 TOOMANYREQUESTS with Retry-After (C7)
};

/// The fault of one path: its first `attempts` requests are faulted; the rest are forwarded.
struct SoakPlan {
    SoakFault fault = SoakFault::None; ///< what to do
    int attempts = 0;                  ///< how many requests get it (a large number: all of them)
    int status = 503;                  ///< the status of a Status5xx fault
};

/// The proxy. Thread-safe: the server answers each connection on its own thread.
class FaultProxy {
public:
    /// Forwards to `bed`, faulting the requests of the paths in `plans` as they say.
    FaultProxy(const RegistryBed &bed, std::map<std::string, SoakPlan> plans)
        : m_bed(bed), m_plans(std::move(plans)),
          m_server([this](const RecordedRequest &request) { return answer(request); }) {}

    /// `127.0.0.1:PORT`, the registry host the references name.
    [[nodiscard]] std::string host() const { return m_server.host(); }
    /// How many requests of `path` were faulted so far.
    [[nodiscard]] int faulted(const std::string &path) const {
        std::lock_guard lock(m_mutex);
        auto found = m_faulted.find(path);
        return found == m_faulted.end() ? 0 : found->second;
    }
    /// Requests received in all.
    [[nodiscard]] std::size_t requests() const { return m_server.requests().size(); }

private:
    ScriptedResponse answer(const RecordedRequest &request) {
        const std::string path = request.path();
        SoakPlan plan;
        bool fault = false;
        if (auto found = m_plans.find(path); found != m_plans.end()) {
            plan = found->second;
            std::lock_guard lock(m_mutex);
            int &seen = m_seen[path];
            fault = seen < plan.attempts;
            ++seen;
            // A HEAD of a Truncated path only loses its digest header: it is not an attempt the
            // client can fail on, so only GETs count.
            if (plan.fault == SoakFault::Truncated && request.method == "HEAD") {
                --seen;
                fault = false;
            }
            if (fault) ++m_faulted[path];
        }
        if (fault) {
            switch (plan.fault) {
            case SoakFault::Status5xx: {
                ScriptedResponse response;
                response.status = plan.status;
                response.headers = {{"Content-Type", "application/json"}};
                response.body = R"({"errors":[{"code":"UNAVAILABLE","message":"soak: injected failure"}]})";
                return response;
            }
            case SoakFault::Reset: {
                ScriptedResponse response;
                response.close_without_response = true;
                return response;
            }
            case SoakFault::TooMany: {
                ScriptedResponse response;
                response.status = 429;
                response.headers = {{"Content-Type", "application/json"}, {"Retry-After", "1"}};
                response.body = R"({"errors":[{"code":"TOOMANYREQUESTS","message":"soak: slow down"}]})";
                return response;
            }
            case SoakFault::Stall:
            case SoakFault::Truncated:
            case SoakFault::None: break;
            }
        }
        ScriptedResponse response = forward(request);
        if (plan.fault == SoakFault::Truncated) {
            if (request.method == "HEAD") {
                std::erase_if(response.headers, [](const auto &header) {
                    return header.first == "docker-content-digest" || header.first == "Docker-Content-Digest";
                });
            } else if (fault) {
                response.content_length = response.body.size();
                response.close_after = response.body.size() / 2;
            }
        }
        if (fault && plan.fault == SoakFault::Stall) response.delay_before_headers = std::chrono::milliseconds(700);
        return response;
    }

    ScriptedResponse forward(const RecordedRequest &request) {
        // One kept-alive connection to the registry per proxy thread.
        thread_local CurlClient client;
        HttpCall call = m_bed.call(request.method, request.target);
        for (const auto &[name, value] : request.headers)
            if (name == "accept" || name == "authorization") call.headers.push_back(name + ": " + value);
        HttpReply reply = client.perform(call);
        ScriptedResponse response;
        if (reply.status == 0) {
            response.close_without_response = true;
            return response;
        }
        response.status = static_cast<int>(reply.status);
        for (const auto &[name, value] : reply.headers) {
            if (name == "content-length") {
                if (request.method == "HEAD") response.content_length = std::stoul(value);
                continue;
            }
            if (name == "transfer-encoding" || name == "connection" || name == "keep-alive") continue;
            response.headers.emplace_back(name, value);
        }
        response.body = std::move(reply.body);
        return response;
    }

    const RegistryBed &m_bed;
    const std::map<std::string, SoakPlan> m_plans;
    mutable std::mutex m_mutex;
    std::map<std::string, int> m_seen;
    std::map<std::string, int> m_faulted;
    TestHttpServer m_server; // last: destroyed (its threads joined) before the maps it uses
};

} // namespace digestx::test

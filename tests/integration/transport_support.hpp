#pragma once
// Shared by the transport tests: options that keep real-socket tests fast (short stall limits,
// a recording no-op sleep) and small request builders.

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "digestx/net/curl_transport.hpp"

namespace digestx::test {

// Records the waits the transport asked for instead of sleeping.
struct SleepLog {
    std::vector<std::chrono::milliseconds> waits;
};

inline net::TransportOptions fast_options(const std::shared_ptr<SleepLog> &log = std::make_shared<SleepLog>()) {
    net::TransportOptions options;
    options.connect_timeout = std::chrono::seconds(2);
    options.low_speed_time = std::chrono::seconds(1);
    options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    options.sleep = [log](std::chrono::milliseconds wait) { log->waits.push_back(wait); };
    return options;
}

inline net::HttpRequest request(std::string url, std::string method = "GET") {
    net::HttpRequest r;
    r.url = std::move(url);
    r.method = std::move(method);
    return r;
}

// A port on 127.0.0.1 where nothing listens (bound, read, closed).
inline int closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char *name, std::optional<std::string> value) : m_name(name) {
        if (const char *old = std::getenv(name)) m_old = old;
        if (value) {
            ::setenv(name, value->c_str(), 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name.c_str(), m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

} // namespace digestx::test

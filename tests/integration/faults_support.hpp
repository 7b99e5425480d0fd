#pragma once
// Shared by the end-to-end fault tests (faults_*_test.cpp): running the real binary with a
// stopwatch, and the output contract every case asserts (exit code; stdout empty on failure;
// exactly one "digestx: error: " line on stderr, last, after only "digestx: warning: " lines).

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/fake_registry.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"

namespace digestx::test {

// A finished run of the binary and how long it took.
struct TimedRun {
    ProcessResult result;
    double seconds = 0;
};

inline TimedRun run_timed(const std::vector<std::string> &args, const std::string &input = {},
                          const std::map<std::string, std::string> &env = {}) {
    auto started = std::chrono::steady_clock::now();
    TimedRun run{run_digestx(args, input, env), 0};
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return run;
}

inline std::vector<std::string> stderr_lines(const std::string &err) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < err.size()) {
        auto end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        lines.push_back(err.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

inline std::size_t lines_starting(const std::string &err, std::string_view prefix) {
    std::size_t count = 0;
    for (const auto &line : stderr_lines(err)) {
        if (line.starts_with(prefix)) ++count;
    }
    return count;
}

// The error line (the last stderr line), or "" when there is none.
inline std::string error_line(const ProcessResult &result) {
    auto lines = stderr_lines(result.err);
    return lines.empty() ? std::string() : lines.back();
}

// Printable: every stderr byte is visible ASCII, a space, UTF-8, or the line ends.
inline bool stderr_is_clean(const std::string &err) {
    for (unsigned char c : err) {
        if (c == '\n') continue;
        if (c < 0x20 || c == 0x7F) return false;
    }
    return true;
}

// A failure: the exit code, nothing on stdout, `warnings` warning lines then one error line, the
// whole of stderr without control characters.
inline void check_failure(const ProcessResult &result, int exit_code, std::size_t warnings = 0) {
    INFO("stderr: " << result.err);
    INFO("stdout: " << result.out);
    CHECK(result.exit_code == exit_code);
    CHECK(result.out.empty());
    REQUIRE(!result.err.empty());
    CHECK(result.err.back() == '\n');
    auto lines = stderr_lines(result.err);
    CHECK(lines.size() == warnings + 1);
    CHECK(lines_starting(result.err, "digestx: error: ") == 1);
    CHECK(lines.back().starts_with("digestx: error: "));
    CHECK(lines_starting(result.err, "digestx: warning: ") == warnings);
    // The catalogue: "one-line cause on stderr, sanitized, ≤ ~500 chars".
    CHECK(lines.back().size() <= 500);
    CHECK(stderr_is_clean(result.err));
}

// A success: exit 0 and exactly `warnings` warning lines (nothing else) on stderr.
inline void check_success(const ProcessResult &result, std::size_t warnings = 0) {
    INFO("stderr: " << result.err);
    CHECK(result.exit_code == 0);
    CHECK(stderr_lines(result.err).size() == warnings);
    CHECK(lines_starting(result.err, "digestx: warning: ") == warnings);
    CHECK(stderr_is_clean(result.err));
}

// `text` with every "{port}" replaced by `port`. Generators are evaluated once per test case,
// while each run of the case starts new servers on new ports: rows name ports through this.
inline std::string with_port(std::string text, int port) {
    for (auto at = text.find("{port}"); at != std::string::npos; at = text.find("{port}", at))
        text.replace(at, 6, std::to_string(port));
    return text;
}

// Routes the registry name `registry.example.com` (a public name) to `proxy` through
// http_proxy: curl sends absolute-form requests there and never resolves the name itself.
inline std::map<std::string, std::string> through_proxy(const TestHttpServer &proxy) {
    return {{"http_proxy", proxy.base_url()},
            {"https_proxy", ""},
            {"HTTPS_PROXY", ""},
            {"all_proxy", ""},
            {"ALL_PROXY", ""},
            {"no_proxy", ""},
            {"NO_PROXY", ""}};
}

// `127.0.0.1:PORT/library/app` plus `suffix` (":tag" or "@sha256:…").
inline std::string app_ref(const TestHttpServer &server, const std::string &suffix) {
    return server.host() + "/library/app" + suffix;
}

// An answer with only a status and headers (Content-Length 0).
inline ScriptedResponse status_only(int status, std::vector<std::pair<std::string, std::string>> headers = {}) {
    ScriptedResponse response;
    response.status = status;
    response.headers = std::move(headers);
    return response;
}

// A 200 with `bytes` of `media_type`, and their Docker-Content-Digest unless told otherwise.
inline ScriptedResponse content_answer(const std::string &bytes, const std::string &media_type = oci_manifest_type,
                                       bool digest_header = true) {
    ScriptedResponse response;
    response.headers = {{"Content-Type", media_type}};
    if (digest_header) response.headers.emplace_back("Docker-Content-Digest", digest_of(bytes));
    response.body = bytes;
    return response;
}

// "METHOD /path" of every request the server recorded, in order.
inline std::vector<std::string> requests_seen(const TestHttpServer &server) {
    std::vector<std::string> seen;
    for (const auto &request : server.requests())
        seen.push_back(request.method + " " + request_path(request));
    return seen;
}

/// A descriptor of `bytes` typed `media_type`.
inline nlohmann::ordered_json descriptor_of(const std::string &media_type, const std::string &bytes) {
    return {{"mediaType", media_type}, {"digest", digest_of(bytes)}, {"size", bytes.size()}};
}

/// An index entry for `bytes` on linux/`architecture` (and `variant` when not empty).
inline nlohmann::ordered_json entry_of(const std::string &bytes, const std::string &media_type,
                                       const std::string &architecture, const std::string &variant = {}) {
    auto entry = descriptor_of(media_type, bytes);
    entry["platform"] = {{"architecture", architecture}, {"os", "linux"}};
    if (!variant.empty()) entry["platform"]["variant"] = variant;
    return entry;
}

/// An OCI index of `entries`.
inline nlohmann::ordered_json index_of(nlohmann::ordered_json entries) {
    return {{"schemaVersion", 2}, {"mediaType", oci_index_type}, {"manifests", std::move(entries)}};
}

inline const std::string app_manifests = "/v2/library/app/manifests/";
inline const std::string app_blobs = "/v2/library/app/blobs/";

} // namespace digestx::test

// Fault catalogue section E (network faults), end to end: the real binary against scripted
// servers on 127.0.0.1. E1 a name that does not resolve, E2 refused and dropped connections, E3 a
// proxy that refuses or fails (its credentials never printed), E4 SIGINT/SIGTERM during a
// transfer and a reader that closes the pipe (`digestx … | head -1`).

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "faults_support.hpp"

extern char **environ;

using namespace digestx::test;
using namespace std::chrono_literals;

namespace {

// Counts the requests a stalling server holds, so that a test acts on that event, not after a
// guessed delay.
struct HeldRequests {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t count = 0;

    void add() {
        {
            std::lock_guard lock(mutex);
            ++count;
        }
        changed.notify_all();
    }
    // True once a request is held; false when none came within a minute (the test then fails).
    bool wait_for_one() {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 60s, [&] { return count > 0; });
    }
};

// A registry that holds every request for two minutes before answering; a stopping server cuts
// the stall short, so a run that ignored its signal ends with the test, not two minutes later.
Handler stalling(HeldRequests &held) {
    return [&held](const RecordedRequest &) {
        held.add();
        ScriptedResponse response;
        response.delay_before_headers = 120s;
        return response;
    };
}

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
        text.append(buffer, static_cast<std::size_t>(n));
    return text;
}

// The environment run_digestx() gives the binary: an empty HOME and no credential sources of the
// user running the tests.
std::vector<std::string> isolated_environment(const std::string &home) {
    static const std::vector<std::string> dropped = {"HOME=",
                                                     "DOCKER_CONFIG=",
                                                     "REGISTRY_AUTH_FILE=",
                                                     "XDG_RUNTIME_DIR=",
                                                     "XDG_CONFIG_HOME=",
                                                     "DOCKER_AUTH_CONFIG="};
    std::vector<std::string> env;
    for (char **entry = environ; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        bool drop = false;
        for (const auto &prefix : dropped)
            drop = drop || text.starts_with(prefix);
        if (!drop) env.emplace_back(text);
    }
    env.push_back("HOME=" + home);
    return env;
}

// Starts the binary with `args`, waits until `held` says the server holds one of its requests,
// sends `signal_number`, and returns how the run ended. A run that outlives its signal by a
// minute is killed (and the exit code then shows 128 + SIGKILL).
ProcessResult run_and_signal(const std::vector<std::string> &args, HeldRequests &held, int signal_number) {
    TempDir home;
    std::vector<std::string> argv_text{DIGESTX_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    auto env_text = isolated_environment(home.path());
    std::vector<char *> argv;
    for (auto &arg : argv_text)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (auto &entry : env_text)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    int out_pipe[2];
    int err_pipe[2];
    REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(err_pipe[1], STDERR_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    bool was_held = held.wait_for_one();
    ::kill(child, signal_number);
    int status = 0;
    auto give_up = std::chrono::steady_clock::now() + 60s;
    while (::waitpid(child, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > give_up) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            break;
        }
        std::this_thread::sleep_for(10ms);
    }
    ProcessResult result;
    result.out = read_all(out_pipe[0]);
    result.err = read_all(err_pipe[0]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    CHECK(was_held);
    return result;
}

// A port on 127.0.0.1 that nothing listens on: bound, never listened to, then released.
int refused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

std::vector<std::string> directory_entries(const std::string &directory) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(directory))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST_CASE("E1: a registry name that does not resolve is a network error, not retried", "[faults][E1]") {
    // .invalid never resolves (RFC 6761); curl reports it as CURLE_COULDNT_RESOLVE_HOST.
    auto run = run_timed({"--timeout", "20", "digest", "regsitry.invalid/library/app:1"});
    check_failure(run.result, 6);
    CHECK_THAT(error_line(run.result), Catch::Contains("cannot resolve host \"regsitry.invalid\""));
}

TEST_CASE("E2: a refused connection and a connection dropped before the answer are network errors", "[faults][E2]") {
    SECTION("nothing listens on the port") {
        int port = refused_port();
        auto run = run_timed(
            {"--timeout", "20", "--plain-http", "digest", "127.0.0.1:" + std::to_string(port) + "/library/app:1"});
        check_failure(run.result, 6);
        CHECK_THAT(error_line(run.result),
                   Catch::Contains("cannot connect to 127.0.0.1:" + std::to_string(port) + ": connection refused"));
    }
    SECTION("the server closes every connection without answering") {
        TestHttpServer server([](const RecordedRequest &) {
            ScriptedResponse response;
            response.close_without_response = true;
            return response;
        });
        auto run = run_timed({"--timeout", "20", "--plain-http", "digest", app_ref(server, ":1")});
        check_failure(run.result, 6);
        // Retried as a transient failure (catalogue rule 10), then reported.
        CHECK(server.requests().size() > 1);
        CHECK_THAT(error_line(run.result), Catch::Contains(server.host()));
    }
}

TEST_CASE("E3: a proxy that refuses (407) or fails is a network error, and its credentials are never printed",
          "[faults][E3]") {
    const std::string secret = "proxy-secret-E3";
    struct Row {
        const char *name;
        ScriptedResponse answer;
        const char *expected;
    };
    ScriptedResponse refused = status_only(407, {{"Proxy-Authenticate", "Basic realm=\"proxy\""}});
    ScriptedResponse html;
    html.status = 502;
    html.headers = {{"Content-Type", "text/html"}};
    html.body = "<html><body><h1>502 Bad Gateway</h1>\n\x1b[31mupstream " + secret + "\x1b[0m</body></html>";
    auto row =
        GENERATE_COPY(Row{"407 from the proxy", refused, "proxy error (407) while requesting registry.example.com"},
                      Row{"an HTML error page", html, "502"});
    INFO(row.name);
    TestHttpServer proxy([&](const RecordedRequest &) { return row.answer; });
    auto env = through_proxy(proxy);
    env["http_proxy"] = "http://alice:" + secret + "@" + proxy.host();
    for (bool verbose : {false, true}) {
        INFO("--verbose " << verbose);
        std::vector<std::string> args{"--timeout", "20", "--plain-http", "digest",
                                      "registry.example.com/library/app:1"};
        if (verbose) args.insert(args.begin(), "--verbose");
        auto run = run_digestx(args, {}, env);
        INFO(run.err);
        CHECK(run.exit_code == 6);
        CHECK(run.out.empty());
        CHECK_THAT(run.err, Catch::Contains(row.expected));
        CHECK(run.err.find(secret) == std::string::npos);
        CHECK(run.err.find("alice") == std::string::npos);
        CHECK(stderr_is_clean(run.err));
        if (!verbose) check_failure(run, 6);
    }
    // The proxy, and only the proxy, was asked: the registry name was never resolved.
    REQUIRE_FALSE(proxy.requests().empty());
    CHECK(proxy.requests().front().target == "http://registry.example.com/v2/library/app/manifests/1");
}

TEST_CASE("E4: SIGINT or SIGTERM during a transfer exits 130 or 143 with nothing on stdout", "[faults][E4]") {
    struct Signal {
        int number;
        int exit_code;
    };
    auto sent = GENERATE(Signal{SIGINT, 130}, Signal{SIGTERM, 143});
    auto args = GENERATE(as<std::vector<std::string>>{}, std::vector<std::string>{"digest"},
                         std::vector<std::string>{"manifest"}, std::vector<std::string>{"-o", "json", "inspect"},
                         std::vector<std::string>{"verify", "--digest", "sha256:" + std::string(64, 'a')});
    INFO("signal " << sent.number << ", " << args.back());
    HeldRequests held;
    TestHttpServer server(stalling(held));
    std::vector<std::string> full{"--timeout", "300", "--plain-http"};
    full.insert(full.end(), args.begin(), args.end());
    // verify takes the reference before its options are complete; every command accepts it last.
    full.insert(full.end() - (args.front() == "verify" ? 2 : 0), app_ref(server, ":1"));
    auto result = run_and_signal(full, held, sent.number);
    check_failure(result, sent.exit_code);
    CHECK_THAT(error_line(result), Catch::EndsWith(": interrupted"));
}

TEST_CASE("E4: pin or check interrupted during its transfers leaves every file as it was and no temporary file",
          "[faults][E4]") {
    auto sent = GENERATE(SIGINT, SIGTERM);
    HeldRequests held;
    TestHttpServer server(stalling(held));
    TempDir dir;
    const std::string dockerfile = "FROM " + app_ref(server, ":1") + "\nRUN true\n";
    // pin resolves the tag of the Dockerfile, check verifies the pin of compose.yaml.
    const std::string compose =
        "services:\n  app:\n    image: " + app_ref(server, ":2@sha256:" + std::string(64, 'a')) + "\n";
    {
        std::ofstream(dir.path() + "/Dockerfile") << dockerfile;
        std::ofstream(dir.path() + "/compose.yaml") << compose;
    }
    auto command = GENERATE(as<std::string>{}, "pin", "check");
    INFO(command);
    auto result = run_and_signal({"--timeout", "300", "--plain-http", command, dir.path()}, held, sent);
    check_failure(result, sent == SIGINT ? 130 : 143);
    CHECK(error_line(result) == "digestx: error: interrupted");
    CHECK(read_file(dir.path() + "/Dockerfile") == dockerfile);
    CHECK(read_file(dir.path() + "/compose.yaml") == compose);
    CHECK(directory_entries(dir.path()) == std::vector<std::string>{"Dockerfile", "compose.yaml"});
}

TEST_CASE("E4: `digestx … | head -1` prints the first line and ends quietly", "[faults][E4]") {
    // A manifest far larger than a pipe's buffer, one layer a line: head exits after the first
    // line while digestx is still writing, so digestx's write fails with EPIPE.
    nlohmann::ordered_json manifest = {
        {"schemaVersion", 2},
        {"mediaType", oci_manifest_type},
        {"config", {{"mediaType", oci_config_type}, {"digest", digest_of("{}")}, {"size", 2}}},
        {"layers", nlohmann::ordered_json::array()}};
    for (int i = 0; i < 4000; ++i) {
        manifest["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                      {"digest", digest_of("layer " + std::to_string(i))},
                                      {"size", 1000 + i}});
    }
    std::string bytes = manifest.dump(1);
    REQUIRE(bytes.size() > 512 * 1024);
    FakeRegistry registry;
    registry.manifest("big", bytes).blob("{}");
    TestHttpServer server(registry.handler());
    TempDir dir;
    const std::string err_file = dir.path() + "/stderr";
    const std::string script = "\"$0\" --plain-http manifest \"$1\" 2>\"$2\" | head -1; echo \"${PIPESTATUS[0]}\"";
    auto run = run_process({"/bin/bash", "-c", script, DIGESTX_BINARY, app_ref(server, ":big"), err_file}, {},
                           {{"HOME", dir.path()}, {"DOCKER_CONFIG", dir.path()}});
    CHECK(run.exit_code == 0);
    CHECK(run.out == "{\n141\n");
    CHECK(read_file(err_file).empty());
    CHECK(run.err.empty());
}

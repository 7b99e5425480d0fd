#include "support/process.hpp"

#include <cerrno>
#include <fcntl.h>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <filesystem>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "digestx/cli/context.hpp"
#include "support/measured_process.hpp"

extern char **environ;

namespace digestx::test {
namespace {

void set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// The variables that lead digestx to the user's credentials and registry settings; a digestx
// child never inherits them.
const char *const credential_variables[] = {"HOME",
                                            "DOCKER_CONFIG",
                                            "REGISTRY_AUTH_FILE",
                                            "XDG_RUNTIME_DIR",
                                            "XDG_CONFIG_HOME",
                                            "DOCKER_AUTH_CONFIG",
                                            "DIGESTX_CREDENTIAL_HELPER_TIMEOUT",
                                            "CONTAINERS_REGISTRIES_CONF",
                                            "DIGESTX_SYSTEM_ROOT"};

// An empty HOME of this test process, removed at exit, so that no test reads the machine's
// ~/.docker/config.json or ~/.config/containers/auth.json.
// The path is never destroyed: the atexit handler that removes the directory is registered
// before the static would be, so it runs after the static's destructor.
const std::string &isolated_home() {
    static const std::string *const home = [] {
        std::string path = (std::filesystem::temp_directory_path() / "digestx-test-home-XXXXXX").string();
        if (mkdtemp(path.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        auto *kept = new std::string(std::move(path));
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(isolated_home(), ignored);
        });
        return kept;
    }();
    return *home;
}

// run_process() with the child's stdout on `stdout_fd` instead of a captured pipe, when it is >= 0;
// the child's peak resident set goes to `peak_rss_kb` when given.
ProcessResult run_child(const std::vector<std::string> &argv, const std::string &input,
                        const std::map<std::string, std::string> &env, int timeout_seconds, int stdout_fd,
                        bool isolate = false, long *peak_rss_kb = nullptr) {
    int in_pipe[2];
    int out_pipe[2];
    int err_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");

    std::map<std::string, std::string> merged;
    for (char **entry = environ; *entry != nullptr; ++entry) {
        std::string text(*entry);
        auto eq = text.find('=');
        if (eq != std::string::npos) merged[text.substr(0, eq)] = text.substr(eq + 1);
    }
    if (isolate) {
        for (const char *name : credential_variables)
            merged.erase(name);
        merged["HOME"] = isolated_home();
        // The machine's /etc/docker/daemon.json and /etc/containers/registries.conf stay unread: the
        // empty home stands in for `/` unless a test names its own root.
        merged["DIGESTX_SYSTEM_ROOT"] = isolated_home();
    }
    for (const auto &[key, value] : env)
        merged[key] = value;
    std::vector<std::string> env_strings;
    for (const auto &[key, value] : merged)
        env_strings.push_back(key + "=" + value);
    std::vector<char *> env_pointers;
    for (auto &text : env_strings)
        env_pointers.push_back(text.data());
    env_pointers.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char *> arg_pointers;
    for (auto &text : args)
        arg_pointers.push_back(text.data());
    arg_pointers.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(stdout_fd >= 0 ? stdout_fd : out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
            close(fd);
        execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    set_nonblocking(in_pipe[1]);
    set_nonblocking(out_pipe[0]);
    set_nonblocking(err_pipe[0]);

    ProcessResult result;
    std::size_t written = 0;
    bool in_open = true;
    if (input.empty()) {
        close(in_pipe[1]);
        in_open = false;
    }
    bool out_open = stdout_fd < 0;
    bool err_open = true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    char buffer[65536];
    while (out_open || err_open) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            break;
        }
        std::vector<pollfd> fds;
        if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
        if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
        if (in_open) fds.push_back({in_pipe[1], POLLOUT, 0});
        if (poll(fds.data(), fds.size(), 200) < 0 && errno != EINTR) break;
        for (const auto &p : fds) {
            if (p.revents == 0) continue;
            if (p.fd == in_pipe[1]) {
                ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
                if (n > 0) written += static_cast<std::size_t>(n);
                if (n < 0 || written == input.size()) {
                    close(in_pipe[1]);
                    in_open = false;
                }
                continue;
            }
            ssize_t n = read(p.fd, buffer, sizeof buffer);
            if (n > 0) {
                (p.fd == out_pipe[0] ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                (p.fd == out_pipe[0] ? out_open : err_open) = false;
            }
        }
    }
    if (in_open) close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    // wait4 rather than waitpid: the same wait, plus the child's own resource usage.
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (peak_rss_kb != nullptr) *peak_rss_kb = usage.ru_maxrss;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    return result;
}

// The command that runs digestx with `args`: the binary, behind the words of
// DIGESTX_TEST_WRAPPER when it is set (the README's valgrind run puts memcheck there, so that only
// digestx runs under it, not the test program, its servers or the registry).
std::vector<std::string> digestx_command(const std::vector<std::string> &args) {
    std::vector<std::string> argv;
    if (const char *wrapper = std::getenv("DIGESTX_TEST_WRAPPER")) {
        std::istringstream words(wrapper);
        for (std::string word; words >> word;)
            argv.push_back(word);
    }
    // execve does not search PATH: a bare program name is looked up here.
    if (!argv.empty() && argv.front().find('/') == std::string::npos) {
        std::istringstream path(std::getenv("PATH") != nullptr ? std::getenv("PATH") : "");
        for (std::string directory; std::getline(path, directory, ':');) {
            std::string candidate = directory + "/" + argv.front();
            if (access(candidate.c_str(), X_OK) == 0) {
                argv.front() = candidate;
                break;
            }
        }
    }
    argv.emplace_back(DIGESTX_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

// Never the machine's /etc/docker/certs.d or /etc/containers/certs.d: no roots unless a test
// names its own.
std::map<std::string, std::string> digestx_environment(const std::map<std::string, std::string> &env) {
    std::map<std::string, std::string> child_env = env;
    child_env.emplace("DIGESTX_CERTS_D", "");
    return child_env;
}

} // namespace

ProcessResult run_process(const std::vector<std::string> &argv, const std::string &input,
                          const std::map<std::string, std::string> &env, int timeout_seconds) {
    return run_child(argv, input, env, timeout_seconds, -1);
}

ProcessResult run_digestx_with_stdout(const std::vector<std::string> &args, StdoutTarget target) {
    int fd = -1;
    if (target == StdoutTarget::DevFull) {
        fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
    } else {
        // Only the writing end reaches the child: with no reader left, its first write gets EPIPE.
        int ends[2];
        if (pipe2(ends, O_CLOEXEC) == 0) {
            close(ends[0]);
            fd = ends[1];
        }
    }
    if (fd < 0) throw std::runtime_error(std::string("cannot set up stdout: ") + std::strerror(errno));
    ProcessResult result = run_child(digestx_command(args), {}, digestx_environment({}), 60, fd, true);
    close(fd);
    return result;
}

ProcessResult run_digestx(const std::vector<std::string> &args, const std::string &input,
                          const std::map<std::string, std::string> &env) {
    return run_child(digestx_command(args), input, digestx_environment(env), 60, -1, true);
}

MeasuredRun run_digestx_measured(const std::vector<std::string> &args, int timeout_seconds,
                                 const std::map<std::string, std::string> &env) {
    MeasuredRun run;
    auto started = std::chrono::steady_clock::now();
    run.result =
        run_child(digestx_command(args), {}, digestx_environment(env), timeout_seconds, -1, true, &run.peak_rss_kb);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return run;
}

ProcessResult run_in_process(const std::vector<std::string> &args, const std::string &input) {
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in(input);
    // No certificate roots and an empty stand-in for `/`, so the machine's /etc/*/certs.d,
    // daemon.json and registries.conf stay unread.
    auto env = [](const std::string &name) {
        if (name == "DIGESTX_CERTS_D") return std::optional<std::string>("");
        if (name == "DIGESTX_SYSTEM_ROOT") return std::optional<std::string>(isolated_home());
        return std::optional<std::string>();
    };
    cli::Context ctx{out, err, in, env, false, false};
    std::vector<std::string> argv{"digestx"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result;
    result.exit_code = cli::run(argv, ctx);
    result.out = out.str();
    result.err = err.str();
    return result;
}

std::string source_dir() {
    return DIGESTX_SOURCE_DIR;
}

std::string shared_dir() {
    if (const char *explicit_dir = std::getenv("DIGESTX_SHARED_DIR")) return explicit_dir;
    std::filesystem::path candidate = std::filesystem::path(DIGESTX_SOURCE_DIR).parent_path() / "shared";
    if (std::filesystem::is_directory(candidate / "conformance")) return candidate.string();
    return {};
}

std::string read_file(const std::string &path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) throw std::runtime_error("cannot read " + path);
    std::ostringstream bytes;
    bytes << stream.rdbuf();
    return bytes.str();
}

} // namespace digestx::test

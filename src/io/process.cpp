#include "digestx/io/process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string_view>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace digestx::io {
namespace {

// Closes its descriptors on every path out.
struct Pipe {
    int fd[2] = {-1, -1};
    Pipe(const Pipe &) = delete;
    Pipe &operator=(const Pipe &) = delete;
    Pipe() = default;
    ~Pipe() {
        for (int &end : fd)
            close_end(end);
    }
    static void close_end(int &end) {
        if (end >= 0) ::close(end);
        end = -1;
    }
};

// Writes `input` to a pipe whose reader may already be gone: SIGPIPE is blocked for this thread
// and a pending one consumed, so a helper that exits without reading cannot kill digestx.
void write_input(int fd, std::string_view input) {
    sigset_t pipe_signal;
    sigset_t previous;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
    std::size_t written = 0;
    while (written < input.size()) {
        ssize_t n = ::write(fd, input.data() + written, input.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    timespec zero{};
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) == 1) sigtimedwait(&pipe_signal, nullptr, &zero);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

// The program's path as Go's exec.LookPath finds it, which docker's credential-helper client uses
// (docker-credential-helpers client/command.go: exec.Command): a name with a slash is taken as
// it is; a bare name is searched in each PATH directory for an executable regular file. Empty
// PATH entries (the current directory) are skipped, as Go 1.19 refuses them (exec.ErrDot).
// Looking up here, rather than letting posix_spawnp do it, keeps "not found" a fact digestx
// knows before starting anything: where posix_spawn runs as fork and exec (valgrind emulates
// glibc's vfork-style clone that way), a failed exec would only show as exit status 127.
std::optional<std::string> look_path(const std::string &program) {
    auto runnable = [](const std::string &path) {
        struct stat info {};
        return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
    };
    if (program.find('/') != std::string::npos) {
        if (runnable(program)) return program;
        return std::nullopt;
    }
    const char *path = std::getenv("PATH");
    std::string_view directories = path != nullptr ? path : "";
    while (!directories.empty()) {
        auto colon = directories.find(':');
        std::string_view directory = directories.substr(0, colon);
        directories = colon == std::string_view::npos ? std::string_view() : directories.substr(colon + 1);
        if (directory.empty()) continue;
        std::string candidate = std::string(directory) + "/" + program;
        if (runnable(candidate)) return candidate;
    }
    return std::nullopt;
}

int exit_status_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

} // namespace

Result<ProgramRun> run_program(const std::string &program, const std::vector<std::string> &args, std::string_view input,
                               std::chrono::milliseconds timeout, std::size_t max_output) {
    ProgramRun run;
    auto found = look_path(program);
    if (!found) {
        run.not_found = true;
        return run;
    }
    Pipe in;
    Pipe out;
    if (pipe2(in.fd, O_CLOEXEC) != 0 || pipe2(out.fd, O_CLOEXEC) != 0) {
        return fail(ErrorCode::Internal, std::string("cannot make a pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group, so a timeout also ends whatever the helper started.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attributes, &defaults);

    std::vector<std::string> argv_text{program};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char *> argv;
    for (auto &arg : argv_text)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, found->c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
        run.not_found = true;
        return run;
    }
    Pipe::close_end(in.fd[0]);
    Pipe::close_end(out.fd[1]);
    write_input(in.fd[1], input);
    Pipe::close_end(in.fd[1]);

    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[8192];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            run.timed_out = true;
            break;
        }
        pollfd watch{out.fd[0], POLLIN, 0};
        int ready = ::poll(&watch, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        ssize_t n = ::read(out.fd[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        run.out.append(buffer, static_cast<std::size_t>(n));
        if (run.out.size() > max_output) {
            run.too_large = true;
            run.out.resize(max_output);
            break;
        }
    }
    // A helper that closed stdout may still be running: its exit is waited for within the same time.
    int status = 0;
    while (!run.timed_out && !run.too_large) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) {
            run.exit_status = exit_status_of(status);
            return run;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            run.timed_out = true;
            break;
        }
        ::usleep(10000);
    }
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    run.exit_status = exit_status_of(status);
    return run;
}

} // namespace digestx::io

// run_program() with real processes: how a credential helper is found on PATH and started.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "digestx/io/process.hpp"
#include "support/http_server.hpp"

using digestx::io::run_program;
using digestx::test::TempDir;
using namespace std::chrono_literals;

namespace {

// PATH for the duration of a test, restored after it.
class ScopedPath {
public:
    explicit ScopedPath(const std::string &value) {
        if (const char *old = std::getenv("PATH")) m_old = old;
        ::setenv("PATH", value.c_str(), 1);
    }
    ~ScopedPath() {
        if (m_old) {
            ::setenv("PATH", m_old->c_str(), 1);
        } else {
            ::unsetenv("PATH");
        }
    }
    ScopedPath(const ScopedPath &) = delete;
    ScopedPath &operator=(const ScopedPath &) = delete;

private:
    std::optional<std::string> m_old;
};

void write_script(const std::string &path, const std::string &body, mode_t mode) {
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), mode);
}

} // namespace

TEST_CASE("a helper is looked up on PATH as docker looks it up", "[process]") {
    TempDir first;
    TempDir second;
    // In the first directory, things that are not a runnable program by that name.
    ::mkdir((first.path() + "/helper-dir").c_str(), 0755);
    write_script(first.path() + "/helper-plain", "echo plain", 0644);
    // In the second, the real ones.
    write_script(second.path() + "/helper-dir", "echo found-dir", 0755);
    write_script(second.path() + "/helper-plain", "echo found-plain", 0755);
    write_script(second.path() + "/helper-echo", "exec /bin/cat", 0755);
    ScopedPath path(first.path() + "::" + second.path());

    SECTION("a directory or a file without execute permission is passed over") {
        auto dir = run_program("helper-dir", {}, "", 5s, 1024);
        REQUIRE(dir);
        CHECK(dir->out == "found-dir\n");
        auto plain = run_program("helper-plain", {}, "", 5s, 1024);
        REQUIRE(plain);
        CHECK(plain->out == "found-plain\n");
    }
    SECTION("the program reads its input and its output is returned") {
        auto echo = run_program("helper-echo", {"get"}, "reg.example", 5s, 1024);
        REQUIRE(echo);
        CHECK_FALSE(echo->not_found);
        CHECK(echo->exit_status == 0);
        CHECK(echo->out == "reg.example");
    }
    SECTION("a name found nowhere is not found, before anything starts") {
        auto missing = run_program("helper-missing", {}, "", 5s, 1024);
        REQUIRE(missing);
        CHECK(missing->not_found);
        CHECK(missing->exit_status == -1);
    }
    SECTION("the current directory, named by an empty PATH entry, is not searched") {
        TempDir cwd;
        write_script(cwd.path() + "/helper-here", "echo here", 0755);
        char previous[4096];
        REQUIRE(::getcwd(previous, sizeof previous) != nullptr);
        REQUIRE(::chdir(cwd.path().c_str()) == 0);
        auto here = run_program("helper-here", {}, "", 5s, 1024);
        REQUIRE(::chdir(previous) == 0);
        REQUIRE(here);
        CHECK(here->not_found);
    }
    SECTION("a name with a slash is taken as it is") {
        auto direct = run_program(second.path() + "/helper-plain", {}, "", 5s, 1024);
        REQUIRE(direct);
        CHECK(direct->out == "found-plain\n");
        auto not_runnable = run_program(first.path() + "/helper-plain", {}, "", 5s, 1024);
        REQUIRE(not_runnable);
        CHECK(not_runnable->not_found);
    }
}

#include <catch2/catch.hpp>

#include "support/process.hpp"

using digestx::test::run_digestx;
using digestx::test::run_digestx_with_stdout;
using digestx::test::run_in_process;
using digestx::test::StdoutTarget;

TEST_CASE("help documents the exit codes", "[cli][binary]") {
    auto result = run_digestx({"--help"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("Exit codes:"));
    CHECK_THAT(result.out, Catch::Contains("130  interrupted"));
    CHECK(result.err.empty());
}

TEST_CASE("version flag prints the version", "[cli][binary]") {
    auto result = run_digestx({"--version"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::StartsWith("digestx "));
}

TEST_CASE("unknown commands and options are usage errors with one line on stderr", "[cli]") {
    for (const auto &args : std::vector<std::vector<std::string>>{{"frobnicate"}, {"--no-such-flag"}, {}}) {
        auto result = run_in_process(args);
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::StartsWith("digestx: error: "));
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
}

TEST_CASE("output that cannot be written fails the run with exit 74 and one line", "[cli][binary][E4]") {
    for (const auto &args :
         std::vector<std::vector<std::string>>{{"ref", "alpine"}, {"ref", "-o", "json", "alpine"}, {"--help"}}) {
        INFO(args.front() << " " << args.back());
        auto result = run_digestx_with_stdout(args, StdoutTarget::DevFull);
        CHECK(result.exit_code == 74);
        CHECK_THAT(result.err, Catch::StartsWith("digestx: error: "));
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
    // A run that failed wrote nothing to stdout: its own exit code and line stand.
    auto refused = run_digestx_with_stdout({"ref", "Alpine:"}, StdoutTarget::DevFull);
    CHECK(refused.exit_code == 2);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
}

TEST_CASE("a closed pipe on stdout ends the run quietly with exit 141", "[cli][binary][E4]") {
    for (const auto &args : std::vector<std::vector<std::string>>{{"ref", "alpine"}, {"--help"}}) {
        INFO(args.front());
        auto result = run_digestx_with_stdout(args, StdoutTarget::ClosedPipe);
        CHECK(result.exit_code == 141);
        CHECK(result.err.empty());
    }
}

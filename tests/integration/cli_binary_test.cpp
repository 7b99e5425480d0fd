#include <catch2/catch.hpp>

#include "support/process.hpp"

using digestx::test::run_digestx;
using digestx::test::run_in_process;

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

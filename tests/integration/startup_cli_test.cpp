// What digestx loads at start: libcurl (and the 30 shared objects Debian's libcurl brings) only in
// a command that reaches the network, seen through the dynamic loader's own trace (glibc's
// LD_DEBUG=files, written to stderr).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "registry_cli_support.hpp"

using namespace digestx::test;

TEST_CASE("commands that use no network do not load libcurl", "[cli][startup]") {
    const std::vector<std::vector<std::string>> commands = {
        {"ref", "alpine:3.12"}, {"ref", "-o", "json", "ghcr.io/org/app@sha256:" + std::string(64, 'a')},
        {"completion", "bash"}, {"--help"},
        {"inspect", "--help"},
    };
    for (const auto &args : commands) {
        INFO(args[0] << " " << args.back());
        auto result = run_digestx(args, {}, {{"LD_DEBUG", "files"}});
        CHECK(result.exit_code == 0);
        // The trace is there (the check below would pass vacuously without it).
        CHECK_THAT(result.err, Catch::Contains("file=libc.so.6"));
        CHECK_THAT(result.err, !Catch::Contains("libcurl"));
    }
}

TEST_CASE("a command that reaches a registry loads libcurl when it first needs it", "[cli][startup][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    auto result =
        run_digestx({"--plain-http", "digest", bed.reference("library/alpine:3.12")}, {}, {{"LD_DEBUG", "files"}});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, Catch::Contains("file=libcurl.so.4 [0];  dynamically loaded by"));
    CHECK_THAT(result.out, Catch::StartsWith("sha256:"));
}

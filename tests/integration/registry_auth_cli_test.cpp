// Authentication and TLS through the real binary: the exit codes of the contract, and secrets
// that never show.

#include <catch2/catch.hpp>

#include <string>

#include "registry_cli_support.hpp"

using namespace digestx::test;

TEST_CASE("authentication failures exit 4", "[registry][cli][bed]") {
    RegistryBed &token = shared_bed(BedMode::Token);
    RegistryBed &basic = shared_bed(BedMode::Basic);
    const std::string user = token.credentials().user;
    struct Row {
        std::string name;
        std::vector<std::string> args;
        std::string input;
        int exit_code;
        std::string message;
    };
    const std::vector<Row> rows = {
        {"private repository, anonymous token",
         {"manifest", token.reference("private/secret:1")},
         "",
         4,
         "repository does not exist or requires authentication"},
        {"token mode, wrong password",
         {"--username", user, "--password-stdin", "manifest", token.reference("library/alpine:3.12")},
         "wrong-password\n",
         4,
         ""},
        {"basic mode, wrong password",
         {"--username", user, "--password-stdin", "manifest", basic.reference("library/alpine:3.12")},
         "wrong-password\n",
         4,
         "credentials rejected by registry " + basic.host()},
        {"basic mode, no credentials",
         {"manifest", basic.reference("library/alpine:3.12")},
         "",
         4,
         "requires authentication"},
        {"--username without --password-stdin",
         {"--username", user, "manifest", basic.reference("library/alpine:3.12")},
         "",
         2,
         "--password-stdin"},
        {"empty password",
         {"--username", user, "--password-stdin", "tags", basic.reference("library/alpine")},
         "\n",
         2,
         "no password"},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        auto result = run_digestx(row.args, row.input);
        INFO(result.err);
        CHECK(result.exit_code == row.exit_code);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(row.message));
    }
    auto allowed = run_against(token, {"manifest", token.reference("private/secret:1")});
    CHECK(allowed.exit_code == 0);
    CHECK(allowed.out == fixture_catalog().secret.bytes);
}

TEST_CASE("the password never shows, even in the verbose trace", "[registry][cli][bed]") {
    for (BedMode mode : {BedMode::Basic, BedMode::Token}) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(
            bed, {"--verbose", "config", "--platform", "linux/amd64", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 0);
        CHECK_THAT(result.err, Catch::Contains("> GET "));
        CHECK_THAT(result.err, Catch::Contains("authorization: <redacted>"));
        CHECK(result.err.find(bed.credentials().password) == std::string::npos);
        CHECK(result.out.find(bed.credentials().password) == std::string::npos);
    }
}

TEST_CASE("TLS: trusted with --cacert, refused without, never downgraded", "[registry][cli][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Tls);
    auto refused = run_digestx({"manifest", bed.reference("library/alpine:3.12")});
    CHECK(refused.exit_code == 6);
    CHECK(refused.out.empty());
    CHECK_THAT(refused.err, Catch::Contains("TLS verification failed for " + bed.host()));

    auto insecure = run_digestx({"--insecure", "manifest", bed.reference("library/alpine:3.12")});
    CHECK(insecure.exit_code == 0);
    CHECK(insecure.out == fixture_catalog().alpine_list.bytes);
    CHECK_THAT(insecure.err, Catch::Contains("--insecure: TLS certificates and host names are NOT verified"));

    // --plain-http against a TLS registry: plain HTTP is refused by the server, not silently used.
    auto plain = run_digestx({"--plain-http", "manifest", bed.reference("library/alpine:3.12")});
    CHECK(plain.exit_code != 0);
    CHECK(plain.out.empty());
}

TEST_CASE("a loopback registry without TLS is found over plain http automatically", "[registry][cli][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    auto result = run_digestx({"--verbose", "manifest", bed.reference("library/hello:single")});
    CHECK(result.exit_code == 0);
    CHECK(result.out == fixture_catalog().hello.bytes);
    CHECK_THAT(result.err, Catch::Contains("does not speak TLS: using plain http"));
}

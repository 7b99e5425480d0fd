#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "ci_support.hpp"
#include "digestx/core/digest.hpp"

using namespace digestx::test;

namespace {

// The manifest GETs sent, from a --verbose trace (one "> GET URL" line per request).
std::string manifest_gets(const std::string &trace) {
    std::string lines;
    std::istringstream in(trace);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("> GET ", 0) == 0 && line.find("/manifests/") != std::string::npos) lines += line + "\n";
    }
    return lines;
}

} // namespace

TEST_CASE("digest REF prints the index digest from a HEAD", "[cli][digest][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    struct Case {
        std::string reference;
        std::string digest;
    };
    std::vector<Case> cases = {
        {bed.reference("library/alpine:3.12"), catalog.alpine_list.digest},
        {bed.reference("library/alpine:latest"), catalog.alpine_list.digest},
        {bed.reference("org/team/app:1.0"), catalog.app_index.digest},
        {bed.reference("library/hello:single"), catalog.hello.digest},
        {bed.reference("library/nested:1"), catalog.nested_outer.digest},
        {bed.reference("library/alpine@" + catalog.alpine_list.digest), catalog.alpine_list.digest},
    };
    for (const auto &c : cases) {
        INFO(c.reference);
        auto result = run_digestx({"-v", "--plain-http", "digest", c.reference});
        CHECK(result.exit_code == 0);
        CHECK(result.out == c.digest + "\n");
        // HEAD only: Docker Hub does not count it as a pull.
        CHECK_THAT(result.err, Catch::Contains("> HEAD http://"));
        CHECK(manifest_gets(result.err).empty());

        auto full = run_digestx({"digest", "--full-ref", c.reference});
        CHECK(full.exit_code == 0);
        std::string name = c.reference.substr(0, c.reference.find_first_of(":@", bed.host().size()));
        CHECK(full.out == name + "@" + c.digest + "\n");
    }
}

TEST_CASE("digest --platform reads the index once and never the child", "[cli][digest][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    struct Case {
        std::string reference;
        std::string platform;
        std::string digest;
    };
    std::vector<Case> cases = {
        {"library/alpine:3.12", "linux/arm64", platform_manifest(catalog.alpine_platforms, "linux/arm64/v8").digest},
        {"library/alpine:3.12", "linux/arm/v6", platform_manifest(catalog.alpine_platforms, "linux/arm/v6").digest},
        {"library/alpine:3.12", "linux/amd64", platform_manifest(catalog.alpine_platforms, "linux/amd64").digest},
        {"org/team/app:1.0", "linux/riscv64", platform_manifest(catalog.app_images, "linux/riscv64").digest},
        {"org/team/app:1.0", "linux/arm/v7", platform_manifest(catalog.app_images, "linux/arm/v7").digest},
    };
    for (const auto &c : cases) {
        INFO(c.reference << " " << c.platform);
        auto result =
            run_digestx({"-v", "--plain-http", "digest", bed.reference(c.reference), "--platform", c.platform});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out == c.digest + "\n");
        std::string gets = manifest_gets(result.err);
        CHECK(std::count(gets.begin(), gets.end(), '\n') == 1);
        CHECK_THAT(gets, !Catch::Contains(c.digest));
    }
    auto json = run_digestx({"-o", "json", "digest", bed.reference("org/team/app:1.0"), "--platform", "linux/arm64"});
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    CHECK(document["schemaVersion"] == 1);
    CHECK(document["digest"] == platform_manifest(catalog.app_images, "linux/arm64").digest);
    CHECK(document["level"] == "platform-manifest");
    CHECK(document["platform"] == "linux/arm64");
    CHECK(document["fullRef"] == bed.host() + "/org/team/app@" + document["digest"].get<std::string>());
}

TEST_CASE("digest --platform never answers silently for another platform", "[cli][digest][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    auto matching = run_digestx({"digest", bed.reference("library/hello:single"), "--platform", "linux/amd64"});
    CHECK(matching.exit_code == 0);
    CHECK(matching.out == catalog.hello.digest + "\n");
    struct Case {
        std::string reference;
        std::string platform;
        std::string message;
    };
    std::vector<Case> cases = {
        {"library/hello:single", "linux/arm64", "single-platform linux/amd64"},
        {"library/alpine:3.12", "windows/amd64", "no manifest for windows/amd64"},
        {"org/team/app:1.0", "linux/mips64le", "available: linux/amd64"},
        {"library/alpine:nope", "linux/amd64", "not found"},
    };
    for (const auto &c : cases) {
        INFO(c.reference << " " << c.platform);
        auto result = run_digestx({"digest", bed.reference(c.reference), "--platform", c.platform});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(c.message));
    }
    auto usage = run_digestx({"digest", "--full-ref", "--file", "/dev/null"});
    CHECK(usage.exit_code == 2);
    auto bad = run_digestx({"digest", "Not/Valid:1"});
    CHECK(bad.exit_code == 2);
}

TEST_CASE("digest REF reads an OCI layout too", "[cli][digest]") {
    auto result =
        run_digestx({"digest", "oci:" + source_dir() + "/examples/alpine-3.12:3.12", "--platform", "linux/amd64"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18\n");
}

TEST_CASE("verify says at which level a pin matches", "[cli][verify][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const std::string list = catalog.alpine_list.digest;
    const std::string arm64 = platform_manifest(catalog.alpine_platforms, "linux/arm64/v8").digest;
    const std::string alpine = bed.reference("library/alpine:3.12");
    struct Case {
        std::vector<std::string> args;
        int exit_code;
        std::string first_line;
        std::string warning;
    };
    std::vector<Case> cases = {
        {{"verify", alpine + "@" + list}, 0, "MATCH " + alpine + ": the index: right for every architecture", ""},
        {{"verify", alpine, "--digest", list}, 0, "MATCH " + alpine, ""},
        {{"verify", bed.reference("library/hello:single@" + catalog.hello.digest)},
         0,
         "MATCH " + bed.reference("library/hello:single") + ": the tag's only manifest",
         ""},
        {{"verify", alpine + "@" + arm64},
         0,
         "PLATFORM " + alpine + ": the linux/arm64 manifest inside index " + list,
         "warning: " + alpine + " pins the linux/arm64 manifest only"},
        {{"verify", "--require-index", alpine + "@" + arm64},
         1,
         "PLATFORM " + alpine,
         "to cover every platform (--require-index)"},
        {{"verify", bed.reference("library/alpine:3.12.9@" + catalog.hello.digest)},
         1,
         "MISSING " + bed.reference("library/alpine:3.12.9"),
         ""},
        {{"verify", bed.reference("library/alpine@" + list)}, 0, "EXISTS ", ""},
        {{"verify", bed.reference("library/gone:1@" + list)},
         1,
         "MISSING " + bed.reference("library/gone:1") +
             ": the pinned content no longer exists, and neither does the tag",
         ""},
    };
    for (const auto &c : cases) {
        INFO(c.args.back());
        auto result = run_digestx(c.args);
        CHECK(result.exit_code == c.exit_code);
        CHECK_THAT(result.out, Catch::StartsWith(c.first_line));
        if (c.warning.empty()) {
            CHECK(result.err.empty());
        } else {
            CHECK_THAT(result.err, Catch::Contains(c.warning));
        }
    }
}

TEST_CASE("verify compares a sha512 pin in sha512", "[cli][verify][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    std::string pin = digestx::Digest::compute(catalog.alpine_list.bytes, digestx::DigestAlgorithm::Sha512).str();
    auto result = run_digestx({"-o", "json", "verify", bed.reference("library/alpine:3.12"), "--digest", pin});
    CHECK(result.exit_code == 0);
    auto document = nlohmann::json::parse(result.out);
    CHECK(document["status"] == "current");
    CHECK(document["level"] == "index");
    CHECK(document["pinned"] == pin);
    CHECK(document["current"] == pin);
    CHECK(document["registryDigest"] == catalog.alpine_list.digest);

    std::string other = digestx::Digest::compute(catalog.hello.bytes, digestx::DigestAlgorithm::Sha512).str();
    auto drift = run_digestx({"verify", bed.reference("library/alpine:3.12"), "--digest", other});
    CHECK(drift.exit_code == 1);
    CHECK_THAT(drift.out, Catch::Contains(pin));
}

TEST_CASE("verify refuses bad input and reports what stopped it", "[cli][verify][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const std::string list = fixture_catalog().alpine_list.digest;
    struct Case {
        std::vector<std::string> args;
        int exit_code;
        std::string message;
    };
    std::vector<Case> cases = {
        {{"verify", bed.reference("library/alpine:3.12")}, 2, "needs a pinned digest"},
        {{"verify", bed.reference("library/alpine:3.12"), "--digest", "sha256:abc"}, 2, "--digest"},
        {{"verify", bed.reference("library/alpine:3.12@" + list), "--digest", fixture_catalog().hello.digest},
         2,
         "but --digest says"},
        {{"verify", bed.reference("library/alpine@" + fixture_catalog().app_index.digest)}, 3, "not found"},
        {{"verify", bed.reference("library/alpine:nope@" + list)}, 3, "the pinned content still exists"},
        {{"-o", "dot", "verify", bed.reference("library/alpine:3.12@" + list)}, 2, "text or json"},
    };
    for (const auto &c : cases) {
        INFO(c.args[1]);
        auto result = run_digestx(c.args);
        CHECK(result.exit_code == c.exit_code);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(c.message));
    }
}

// `pin`, `check` and `verify` against a registry that changes under them: a tag moved between `pin`
// and `check`, a platform rebuilt under a platform pin, an index rebuilt around the same images, and
// what `FROM --platform` says about a platform pin.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "ci_support.hpp"
#include "digestx/core/media_type.hpp"
#include "support/documents.hpp"

using namespace digestx::test;

namespace {

std::string replace_all(std::string text, const std::string &from, const std::string &to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

EntrySpec entry_of(const FixtureManifest &manifest, const std::string &platform = {}) {
    return EntrySpec{
        manifest.media_type, manifest.digest, manifest.size(), platform.empty() ? manifest.platform : platform, {}};
}

nlohmann::json parsed(const ProcessResult &result) {
    INFO(result.err);
    auto document = nlohmann::json::parse(result.out);
    REQUIRE(document["schemaVersion"] == 1);
    return document;
}

// The request lines of a --verbose trace that start with `prefix` ("> HEAD ") and contain `part`.
std::size_t count_requests(const std::string &trace, const std::string &prefix, const std::string &part) {
    std::size_t count = 0;
    std::istringstream in(trace);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0 && line.find(part) != std::string::npos) ++count;
    return count;
}

} // namespace

TEST_CASE("a tag moved between pin and check is drift, pin --update takes the new index", "[cli][pin][check][bed]") {
    auto bed = fresh_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    TempDir dir;
    write_ci_repo(dir.path(), *bed);
    REQUIRE(run_digestx({"pin", dir.path()}).exit_code == 0);
    auto pinned = snapshot(dir.path());

    // The registry retags alpine:3.12 to a rebuild that keeps amd64 and arm64 only.
    const auto &amd64 = platform_manifest(catalog.alpine_platforms, "linux/amd64");
    const auto &arm64 = platform_manifest(catalog.alpine_platforms, "linux/arm64/v8");
    std::string rebuilt =
        make_index(std::string(digestx::media::docker_manifest_list), {entry_of(amd64), entry_of(arm64)});
    REQUIRE(put_document(*bed, "library/alpine", "3.12", std::string(digestx::media::docker_manifest_list), rebuilt) ==
            201);
    const std::string moved = sha256_of(rebuilt);

    auto check = run_digestx({"-o", "json", "check", dir.path()});
    CHECK(check.exit_code == 1);
    auto document = parsed(check);
    CHECK(document["ok"] == false);
    std::size_t drifted = 0;
    for (const auto &row : document["results"]) {
        INFO(row.dump());
        bool alpine_tag = row["text"].get<std::string>().find("library/alpine:3.12@") != std::string::npos;
        if (!alpine_tag) {
            CHECK((row["status"] == "current" || row["status"] == "exists"));
            continue;
        }
        CHECK(row["status"] == "drifted");
        ++drifted;
        CHECK(row["severity"] == "error");
        CHECK(row["pinned"] == catalog.alpine_list.digest);
        CHECK(row["current"] == moved);
        // Five platforms removed, none added, amd64 and arm64 unchanged.
        CHECK(row["changes"].size() == 5);
        for (const auto &change : row["changes"]) {
            CHECK(change["current"].is_null());
            CHECK(change["platform"] != "linux/amd64");
        }
    }
    // The ARG default (used by two FROMs), the Compose anchor (merged into two services), the workflow container.
    CHECK(drifted == 3);
    CHECK(document["summary"]["distinct"] == 5);

    auto text = run_digestx({"check", dir.path()});
    CHECK(text.exit_code == 1);
    CHECK_THAT(text.out, Catch::Contains("drifted  " + bed->reference("library/alpine:3.12@")));
    CHECK_THAT(text.out, Catch::Contains("the tag now points to " + moved + " (pinned " + catalog.alpine_list.digest));
    CHECK_THAT(text.out, Catch::Contains("linux/s390x: removed (was "));
    auto github = run_digestx({"check", "--format", "github", dir.path()});
    CHECK(github.exit_code == 1);
    CHECK_THAT(github.out, Catch::Contains("::error file=" + dir.path() +
                                           "/Dockerfile,line=2,col=10,title=digestx%3A "
                                           "drifted::"));

    // --update moves exactly the drifted pins; everything else stays byte for byte.
    auto dry = run_digestx({"pin", "--update", "--dry-run", dir.path()});
    CHECK(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::Contains("+ARG BASE=" + bed->reference("library/alpine:3.12@") + moved));
    CHECK(snapshot(dir.path()) == pinned);
    auto update = run_digestx({"pin", "--update", dir.path()});
    CHECK(update.exit_code == 0);
    CHECK_THAT(update.out, Catch::Contains("pinned 3 references in 3 of 4 files"));
    auto after = snapshot(dir.path());
    for (const auto &[file, bytes] : pinned) {
        INFO(file);
        CHECK(after[file] ==
              replace_all(bytes, "library/alpine:3.12@" + catalog.alpine_list.digest, "library/alpine:3.12@" + moved));
    }
    CHECK(run_digestx({"check", "--require-pins", "--require-index", dir.path()}).exit_code == 0);
}

TEST_CASE("verify says what changed at platform level and when no platform changed", "[cli][verify][bed]") {
    auto bed = fresh_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const auto &arm64 = platform_manifest(catalog.app_images, "linux/arm64");
    const auto &riscv = platform_manifest(catalog.app_images, "linux/riscv64");
    std::vector<EntrySpec> images;
    for (const auto &image : catalog.app_images)
        images.push_back(entry_of(image));
    const std::string app = bed->reference("org/team/app:1.0");
    const std::string oci_index(digestx::media::oci_index);

    // The same images without their attestations: the index changed, no platform did.
    std::string same_images = make_index(oci_index, images);
    REQUIRE(put_document(*bed, "org/team/app", "1.0", oci_index, same_images) == 201);
    auto unchanged = run_digestx({"verify", app + "@" + catalog.app_index.digest});
    CHECK(unchanged.exit_code == 1);
    CHECK_THAT(unchanged.out,
               Catch::StartsWith("MISMATCH " + app + ": the tag now points to " + sha256_of(same_images)));
    CHECK_THAT(unchanged.out, Catch::Contains("  pinned  " + catalog.app_index.digest + "\n  current " +
                                              sha256_of(same_images) + "\n"));
    CHECK_THAT(unchanged.out, Catch::Contains("every platform keeps its manifest; only the index itself changed"));

    // linux/arm64 rebuilt (another manifest under its platform): a pin of the old arm64 manifest drifted.
    std::vector<EntrySpec> rebuilt_images = images;
    rebuilt_images[1] = entry_of(riscv, "linux/arm64");
    std::string rebuilt = make_index(oci_index, rebuilt_images);
    REQUIRE(put_document(*bed, "org/team/app", "1.0", oci_index, rebuilt) == 201);
    auto drift = run_digestx({"verify", app + "@" + arm64.digest});
    CHECK(drift.exit_code == 1);
    CHECK_THAT(drift.out, Catch::StartsWith("MISMATCH " + app + ": the tag now points to " + sha256_of(rebuilt)));
    CHECK_THAT(drift.out, Catch::Contains("  linux/arm64: " + arm64.digest + " → " + riscv.digest + "\n"));
    CHECK_THAT(drift.out, !Catch::Contains("every platform keeps"));
    auto json = run_digestx({"-o", "json", "verify", app, "--digest", arm64.digest});
    CHECK(json.exit_code == 1);
    auto document = parsed(json);
    CHECK(document["status"] == "drifted");
    REQUIRE(document["changes"].size() == 1);
    CHECK(document["changes"][0]["platform"] == "linux/arm64");
    CHECK(document["changes"][0]["pinned"] == arm64.digest);
    CHECK(document["changes"][0]["current"] == riscv.digest);
}

TEST_CASE("check resolves a tag once however many pins name it", "[cli][check][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    TempDir dir;
    const std::string app = bed.reference("org/team/app:1.0@");
    std::string list = write_at(dir.path(), "images.txt",
                                app + catalog.app_index.digest + "\n" + app +
                                    platform_manifest(catalog.app_images, "linux/amd64").digest + "\n" + app +
                                    platform_manifest(catalog.app_images, "linux/arm64").digest + "\n");
    auto result = run_digestx({"-v", "--plain-http", "-o", "json", "check", list});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    auto counts = parsed(result)["summary"];
    CHECK(counts["distinct"] == 3);
    CHECK(counts["current"] == 1);
    CHECK(counts["platform-pin"] == 2);
    // One HEAD of the tag for the three pins; the index is then read once per platform pin by digest.
    CHECK(count_requests(result.err, "> HEAD ", "/manifests/1.0") == 1);
    CHECK(count_requests(result.err, "> GET ", "/manifests/1.0") == 0);
}

TEST_CASE("check of a drifted single-manifest pin reads each document once", "[cli][check][bed]") {
    auto bed = fresh_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const auto &amd64 = platform_manifest(catalog.app_images, "linux/amd64");
    const auto &arm64 = platform_manifest(catalog.app_images, "linux/arm64");
    REQUIRE(put_manifest(*bed, amd64, "solo") == 201);
    // The tag moves to a rebuild of the same platform: amd64's config over other layers.
    auto rebuilt = nlohmann::json::parse(amd64.bytes);
    rebuilt["layers"] = nlohmann::json::parse(arm64.bytes)["layers"];
    const std::string rebuilt_bytes = rebuilt.dump();
    REQUIRE(put_document(*bed, amd64.repository, "solo", amd64.media_type, rebuilt_bytes) == 201);
    const std::string config = rebuilt["config"]["digest"];

    TempDir dir;
    std::string list =
        write_at(dir.path(), "images.txt", bed->reference(amd64.repository + ":solo@") + amd64.digest + "\n");
    auto result = run_digestx({"-v", "--plain-http", "-o", "json", "check", list});
    INFO(result.err);
    CHECK(result.exit_code == 1);
    auto rows = parsed(result)["results"];
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["status"] == "drifted");
    REQUIRE(rows[0]["platforms"].size() == 1);
    CHECK(rows[0]["platforms"][0]["platform"] == "linux/amd64");
    // The drift check reads the two manifests and the config to learn the platform; the comparison
    // of that platform reuses them instead of asking again.
    CHECK(count_requests(result.err, "> GET ", amd64.digest) == 1);
    CHECK(count_requests(result.err, "> GET ", sha256_of(rebuilt_bytes)) == 1);
    CHECK(count_requests(result.err, "> GET ", config) == 1);
    CHECK(count_requests(result.err, "> HEAD ", "/manifests/solo") == 1);
}

TEST_CASE("a platform pin under FROM --platform must be of that platform", "[cli][check][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const std::string amd64 =
        bed.reference("org/team/app:1.0@") + platform_manifest(catalog.app_images, "linux/amd64").digest;
    const std::string index = bed.reference("org/team/app:1.0@") + catalog.app_index.digest;
    struct Case {
        std::string from;
        int exit_code;
        std::string severity;
        std::string message;
    };
    std::vector<Case> cases = {
        {"FROM --platform=linux/arm64 " + amd64, 1, "error",
         "pins the linux/amd64 manifest, but FROM --platform=linux/arm64 asks for linux/arm64: the stage would "
         "build on the wrong architecture; pin the index " +
             catalog.app_index.digest},
        {"ARG P=linux/s390x\nFROM --platform=$P " + amd64, 1, "error", "FROM --platform=$P asks for linux/s390x"},
        {"FROM --platform=linux/amd64 " + amd64, 0, "warning", "the linux/amd64 manifest inside index"},
        {"FROM --platform=$BUILDPLATFORM " + amd64, 0, "warning", "the linux/amd64 manifest inside index"},
        {"FROM " + amd64, 0, "warning", "the linux/amd64 manifest inside index"},
        {"FROM --platform=linux/arm64 " + index, 0, "ok", "the index: right for every architecture"},
    };
    for (const auto &c : cases) {
        INFO(c.from);
        TempDir dir;
        std::string dockerfile = write_at(dir.path(), "Dockerfile", c.from + "\n");
        auto result = run_digestx({"-o", "json", "check", dockerfile});
        CHECK(result.exit_code == c.exit_code);
        auto rows = parsed(result)["results"];
        REQUIRE(rows.size() == 1);
        CHECK(rows[0]["severity"] == c.severity);
        CHECK_THAT(rows[0]["message"].get<std::string>(), Catch::Contains(c.message));
    }
}

TEST_CASE("pin says which references it leaves alone because their value is not static", "[cli][pin][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    TempDir dir;
    const std::string alpine = bed.reference("library/alpine:3.12");
    std::string path = write_at(dir.path(), "Dockerfile", "ARG V\nFROM alpine:${V}\nFROM " + alpine + "\n");
    auto text = run_digestx({"pin", path});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.err, Catch::Contains("warning: " + path + ":2:6: alpine:${V}: not pinned: "));
    CHECK_THAT(text.err, Catch::Contains("--build-arg"));
    CHECK(read_file(path) ==
          "ARG V\nFROM alpine:${V}\nFROM " + alpine + "@" + fixture_catalog().alpine_list.digest + "\n");
    auto json = run_digestx({"-o", "json", "pin", "--dry-run", path});
    CHECK(json.exit_code == 0);
    auto document = parsed(json);
    REQUIRE(document["skipped"].size() == 1);
    CHECK(document["skipped"][0]["line"] == 2);
    CHECK(document["skipped"][0]["text"] == "alpine:${V}");
    CHECK(document["changes"].empty());
}

TEST_CASE("a file named twice, or reached through a link, is checked and pinned once", "[cli][check][pin][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    TempDir dir;
    write_ci_repo(dir.path(), bed);
    std::filesystem::create_symlink(dir.path() + "/docker-compose.yml", dir.path() + "/link.yml");
    auto once = run_digestx({"-o", "json", "check", dir.path()});
    REQUIRE(once.exit_code == 0);
    auto rows = parsed(once)["results"].size();
    CHECK(rows == 14);
    for (std::vector<std::string> paths : {std::vector<std::string>{dir.path(), dir.path() + "/./Dockerfile"},
                                           {dir.path() + "/deploy/../Dockerfile", dir.path()},
                                           {dir.path(), dir.path() + "//link.yml"}}) {
        INFO(paths.back());
        std::vector<std::string> args = {"-o", "json", "check"};
        args.insert(args.end(), paths.begin(), paths.end());
        auto twice = run_digestx(args);
        CHECK(twice.exit_code == 0);
        CHECK(parsed(twice)["results"].size() == rows);
    }
    auto pinned = run_digestx({"pin", dir.path(), dir.path() + "/./Dockerfile"});
    CHECK(pinned.exit_code == 0);
    CHECK_THAT(pinned.out, Catch::Contains("pinned 13 references in 4 of 4 files; 1 already pinned"));
}

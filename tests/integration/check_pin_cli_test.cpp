#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ci_support.hpp"
#include "digestx/core/media_type.hpp"
#include "support/documents.hpp"

using namespace digestx::test;

namespace {

std::map<std::string, std::string> expected_pinned(const RegistryBed &bed) {
    std::map<std::string, std::string> files;
    for (const auto &relative : ci_files("pinned"))
        files[relative] = ci_fixture("pinned", relative, bed);
    return files;
}

nlohmann::json results_of(const ProcessResult &result) {
    INFO(result.err);
    auto document = nlohmann::json::parse(result.out);
    REQUIRE(document["schemaVersion"] == 1);
    return document;
}

std::map<std::string, int> status_counts(const nlohmann::json &document) {
    std::map<std::string, int> counts;
    for (const auto &row : document["results"])
        ++counts[row["status"].get<std::string>()];
    return counts;
}

} // namespace

TEST_CASE("pin then check: a repository pinned with one command and verified with another", "[cli][pin][check][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    TempDir dir;
    write_ci_repo(dir.path(), bed);
    std::string list = dir.path() + "/images.txt";
    auto before = snapshot(dir.path());

    // Before: everything unpinned but the digest-only references, which exist.
    auto unpinned = run_digestx({"-o", "json", "check", dir.path(), list});
    INFO(unpinned.err);
    CHECK(unpinned.exit_code == 0);
    auto counts = status_counts(results_of(unpinned));
    CHECK(counts["unpinned"] == 15);
    CHECK(counts["exists"] == 2);
    CHECK(run_digestx({"check", "--require-pins", dir.path(), list}).exit_code == 1);

    // --dry-run prints the diff and writes nothing.
    auto dry = run_digestx({"pin", "--dry-run", dir.path(), list});
    CHECK(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::Contains("+++ b/" + dir.path() + "/Dockerfile"));
    CHECK_THAT(dry.out, Catch::Contains("+ARG BASE=" + bed.host() + "/library/alpine:3.12@" +
                                        fixture_catalog().alpine_list.digest));
    CHECK_THAT(dry.err, Catch::Contains("would pin 15 references in 5 of 5 files"));
    CHECK(snapshot(dir.path()) == before);

    // pin: byte for byte what tests/fixtures/ci/pinned says, nothing else changed.
    auto pinned = run_digestx({"pin", dir.path(), list});
    INFO(pinned.err);
    CHECK(pinned.exit_code == 0);
    CHECK_THAT(pinned.out, Catch::Contains("pinned 15 references in 5 of 5 files; 2 already pinned"));
    CHECK(snapshot(dir.path()) == expected_pinned(bed));

    // After: everything current; a second pin changes nothing.
    auto current = run_digestx({"-o", "json", "check", "--require-pins", "--require-index", dir.path(), list});
    CHECK(current.exit_code == 0);
    auto document = results_of(current);
    CHECK(document["ok"] == true);
    CHECK(document["summary"]["distinct"] == 6);
    counts = status_counts(document);
    CHECK(counts["current"] == 15);
    CHECK(counts["exists"] == 2);
    for (const auto &row : document["results"]) {
        if (row["status"] != "current") continue;
        CHECK(row["pinned"] == row["current"]);
        CHECK(row["pinned"].get<std::string>().size() == 71);
    }
    auto again = run_digestx({"pin", dir.path(), list});
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::Contains("pinned 0 references in 0 of 5 files; 17 already pinned"));
    CHECK(snapshot(dir.path()) == expected_pinned(bed));
}

TEST_CASE("check reports drift, a deleted manifest and a platform pin, each with its exit code",
          "[cli][check][verify][bed]") {
    auto bed = fresh_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const FixtureManifest &amd64 = platform_manifest(catalog.app_images, "linux/amd64");
    const FixtureManifest &arm64 = platform_manifest(catalog.app_images, "linux/arm64");
    TempDir dir;
    std::string app = bed->reference("org/team/app:1.0");
    std::string hello = bed->reference("library/hello:single");
    write_at(dir.path(), "Dockerfile",
             "FROM " + app + "@" + catalog.app_index.digest + " AS app\n" + "FROM " + hello + "@" +
                 catalog.hello.digest + "\n" + "FROM --platform=linux/amd64 " + bed->reference("org/team/app:latest") +
                 "@" + amd64.digest + "\n");
    auto all_current = run_digestx({"check", dir.path()});
    CHECK(all_current.exit_code == 0);
    CHECK_THAT(all_current.out, Catch::Contains("platform-pin"));
    CHECK_THAT(all_current.out, Catch::Contains("the linux/amd64 manifest inside index " + catalog.app_index.digest));
    CHECK(run_digestx({"check", "--require-index", dir.path()}).exit_code == 1);

    // The tag moves (a rebuild that dropped every platform but amd64 and arm64), and hello is deleted.
    std::string rebuilt = make_index(std::string(digestx::media::oci_index),
                                     {{amd64.media_type, amd64.digest, amd64.size(), "linux/amd64", {}},
                                      {arm64.media_type, arm64.digest, arm64.size(), "linux/arm64", {}}});
    REQUIRE(put_document(*bed, "org/team/app", "1.0", std::string(digestx::media::oci_index), rebuilt) == 201);
    REQUIRE(delete_manifest(*bed, "library/hello", catalog.hello.digest) == 202);

    auto drifted = run_digestx({"-o", "json", "check", dir.path()});
    CHECK(drifted.exit_code == 1);
    auto document = results_of(drifted);
    CHECK(document["ok"] == false);
    const auto &rows = document["results"];
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["status"] == "drifted");
    CHECK(rows[0]["pinned"] == catalog.app_index.digest);
    CHECK(rows[0]["current"] == sha256_of(rebuilt));
    CHECK(rows[0]["changes"].size() == 6);
    CHECK(rows[0]["changes"][0]["current"].is_null());
    CHECK(rows[1]["status"] == "missing");
    CHECK(rows[1]["line"] == 2);
    CHECK(rows[2]["status"] == "platform-pin");
    CHECK(rows[2]["severity"] == "warning");

    auto text = run_digestx({"verify", app + "@" + catalog.app_index.digest});
    CHECK(text.exit_code == 1);
    CHECK_THAT(text.out, Catch::StartsWith("MISMATCH " + app + ": the tag now points to " + sha256_of(rebuilt)));
    CHECK_THAT(text.out, Catch::Contains("linux/s390x: removed (was "));

    auto github = run_digestx({"check", "--format", "github", dir.path()});
    CHECK(github.exit_code == 1);
    CHECK_THAT(github.out,
               Catch::Contains("::error file=" + dir.path() + "/Dockerfile,line=1,col=6,title=digestx%3A drifted::"));
    CHECK_THAT(github.out,
               Catch::Contains("::error file=" + dir.path() + "/Dockerfile,line=2,col=6,title=digestx%3A missing::"));
    CHECK_THAT(github.out, Catch::Contains("::warning file=" + dir.path() + "/Dockerfile,line=3,"));
    CHECK_THAT(github.out, Catch::Contains("%0Alinux/386: removed (was sha256:"));

    // The registry stops answering: every reference reports the network error, exit 6.
    bed->stop();
    auto down = run_digestx({"-o", "json", "--timeout", "2", "check", dir.path()});
    CHECK(down.exit_code == 6);
    // Kept in a variable: a range-for over a member of a temporary reads freed memory.
    auto down_document = results_of(down);
    for (const auto &row : down_document["results"]) {
        CHECK(row["status"] == "error");
        CHECK(row["error"]["exitCode"] == 6);
    }
}

TEST_CASE("check flags unpinned, invalid and templated references and escapes annotations", "[cli][check]") {
    TempDir dir;
    // A name GitHub's runner would split at `,` and `:` and decode at `%`, unless escaped.
    std::string list = write_at(dir.path(), "odd,name:100%.txt", "alpine:3.12\nNot/Valid:1\n${IMAGE}\n");
    auto text = run_digestx({"check", list});
    CHECK(text.exit_code == 2); // the invalid reference could not be checked
    CHECK_THAT(text.out, Catch::Contains("unpinned"));
    CHECK_THAT(text.out, Catch::Contains("invalid"));
    CHECK_THAT(text.out, Catch::Contains("skipped"));
    CHECK_THAT(text.out,
               Catch::Contains("3 references in 1 file (0 distinct pinned): 1 unpinned, 1 skipped, 1 invalid"));

    auto github = run_digestx({"check", "--format", "github", "--require-pins", list});
    CHECK(github.exit_code == 2);
    std::string file = dir.path() + "/odd%2Cname%3A100%25.txt";
    CHECK_THAT(github.out,
               Catch::Contains("::error file=" + file + ",line=1,col=1,title=digestx%3A unpinned::alpine:3.12: "));
    CHECK_THAT(github.out, Catch::Contains("::error file=" + file + ",line=2,col=1,title=digestx%3A invalid::"));
    CHECK_THAT(github.out, Catch::Contains("::warning file=" + file + ",line=3,"));

    auto only_unpinned = write_at(dir.path(), "images.txt", "alpine:3.12\n");
    CHECK(run_digestx({"check", only_unpinned}).exit_code == 0);
    CHECK(run_digestx({"check", "--require-pins", only_unpinned}).exit_code == 1);
    CHECK(run_digestx({"check", dir.path() + "/absent"}).exit_code == 2);
    CHECK(run_digestx({"-o", "json", "check", "--format", "github", only_unpinned}).exit_code == 2);
}

TEST_CASE("check against a token registry: one token per repository", "[cli][check][bed][token]") {
    RegistryBed &bed = shared_bed(BedMode::Token);
    const FixtureCatalog &catalog = fixture_catalog();
    TempDir dir;
    std::string repo_dir = dir.path() + "/repo";
    write_ci_repo(repo_dir, bed);
    REQUIRE(run_digestx({"pin", repo_dir}).exit_code == 0);
    std::size_t before = bed.token_server()->requests().size();
    auto result = run_digestx({"-o", "json", "check", "--jobs", "2", repo_dir});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(status_counts(results_of(result))["current"] == 13);
    // alpine, app, hello and nested: four repositories, four tokens however many references.
    CHECK(bed.token_server()->requests().size() - before == 4);

    // A private repository refuses an anonymous token: exit 4 for that reference only.
    std::string secret = write_at(dir.path(), "secret.txt",
                                  bed.reference("private/secret:1") + "@" + catalog.secret.digest + "\n" +
                                      bed.reference("library/hello:single") + "@" + catalog.hello.digest + "\n");
    auto denied = run_digestx({"-o", "json", "check", secret});
    CHECK(denied.exit_code == 4);
    auto rows = results_of(denied)["results"];
    CHECK(rows[0]["error"]["code"] == "auth");
    CHECK(rows[1]["status"] == "current");
}

TEST_CASE("check asks each later repository's token beside its first request", "[cli][check][bed][token]") {
    RegistryBed &bed = shared_bed(BedMode::Token);
    TempDir dir;
    std::string repo_dir = dir.path() + "/repo";
    write_ci_repo(repo_dir, bed);
    REQUIRE(run_digestx({"pin", repo_dir}).exit_code == 0);
    std::size_t before = bed.token_server()->requests().size();
    // One repository at a time, so that every repository after the first finds the realm known.
    auto result = run_digestx({"-v", "-o", "json", "check", "--jobs", "1", repo_dir});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(status_counts(results_of(result))["current"] == 13);
    // Still one token per repository: the token fetched beside a request answers its 401.
    CHECK(bed.token_server()->requests().size() - before == 4);

    // The verbose trace prints a request when it is sent and an answer when it arrives. The first
    // repository waits for its 401 before it asks for a token; each later one has asked for its
    // token before its 401 arrives, because both went out together.
    std::istringstream trace(result.err);
    std::vector<std::string> lines;
    for (std::string line; std::getline(trace, line);)
        lines.push_back(line);
    // The trace redacts the token request's query, so a token request is attributed to the
    // repository whose reading began last ("note: reading <reference>").
    auto token_asked_before = [&](std::size_t end) {
        for (std::size_t i = end; i-- > 0;) {
            if (lines[i].rfind("digestx: note: reading ", 0) == 0) return false;
            if (lines[i].rfind("> GET ", 0) == 0 && lines[i].find("/token?") != std::string::npos) return true;
        }
        return false;
    };
    std::vector<std::string> challenged; // repositories in the order of their first 401
    std::vector<bool> asked_first;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind("< 401 ", 0) != 0) continue;
        auto from = lines[i].find("/v2/");
        auto to = lines[i].find("/manifests/");
        REQUIRE(from != std::string::npos);
        REQUIRE(to != std::string::npos);
        std::string repository = lines[i].substr(from + 4, to - from - 4);
        if (std::find(challenged.begin(), challenged.end(), repository) != challenged.end()) continue;
        challenged.push_back(repository);
        asked_first.push_back(token_asked_before(i));
    }
    REQUIRE(challenged.size() == 4);
    CHECK(asked_first == std::vector<bool>{false, true, true, true});
}

TEST_CASE("pin refuses what it cannot pin and keeps the files whole", "[cli][pin][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    TempDir dir;
    std::string original = "# keep me\nFROM " + bed.reference("library/alpine:3.12") + "\nFROM " +
                           bed.reference("library/alpine:no-such-tag") + "\n";
    std::string path = write_at(dir.path(), "Dockerfile", original);
    auto result = run_digestx({"pin", path});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains(path + ":3:6: " + bed.reference("library/alpine:no-such-tag")));
    // The reference that resolved is pinned; the one that did not is left as it was.
    CHECK(read_file(path) == "# keep me\nFROM " + bed.reference("library/alpine:3.12") + "@" +
                                 fixture_catalog().alpine_list.digest + "\nFROM " +
                                 bed.reference("library/alpine:no-such-tag") + "\n");

    // --update refreshes a stale pin, and only with --update.
    std::string stale = "FROM " + bed.reference("library/alpine:3.12") + "@" + fixture_catalog().hello.digest + "\n";
    write_at(dir.path(), "Dockerfile", stale);
    CHECK(run_digestx({"pin", path}).exit_code == 0);
    CHECK(read_file(path) == stale);
    auto updated = run_digestx({"-o", "json", "pin", "--update", path});
    CHECK(updated.exit_code == 0);
    CHECK(read_file(path) ==
          "FROM " + bed.reference("library/alpine:3.12") + "@" + fixture_catalog().alpine_list.digest + "\n");
    auto document = nlohmann::json::parse(updated.out);
    CHECK(document["changes"].size() == 1);
    CHECK(document["changes"][0]["digest"] == fixture_catalog().alpine_list.digest);
    CHECK(run_digestx({"pin", "--platform", "linux/amd64", path}).exit_code == 2);
}

namespace {

std::map<std::string, std::string> rendered(const std::string &which, const RegistryBed &bed) {
    std::map<std::string, std::string> files;
    for (const auto &relative : ci_files(which))
        files[relative] = ci_fixture(which, relative, bed);
    return files;
}

} // namespace

TEST_CASE("check and pin read past a malformed document of a multi-document file", "[cli][pin][check][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    TempDir dir;
    const std::string stack =
        write_at(dir.path(), "deploy/stack.yaml", ci_fixture("scan/repo", "deploy/stack.yaml", bed));
    const std::string pinned_stack = ci_fixture("scan/pinned", "deploy/stack.yaml", bed);
    const std::string broken =
        "malformed YAML in \"" + stack + "\" at line 18, column 25 (document 2 of 3, lines 9-18)";
    const std::string why = ": end of sequence flow not found";

    // Found in a directory, the broken document is a warning, as a broken file found there is;
    // the first and third documents are checked.
    auto walked = run_digestx({"-o", "json", "check", dir.path()});
    INFO(walked.err);
    CHECK(walked.exit_code == 0);
    auto document = results_of(walked);
    auto counts = status_counts(document);
    CHECK(counts["unpinned"] == 2);
    CHECK(counts["skipped"] == 1);
    for (const auto &row : document["results"]) {
        if (row["status"] != "skipped") continue;
        CHECK(row["line"] == 18);
        CHECK(row["message"] == "not scanned: " + broken + why);
    }

    // Named, it is an error (exit 2), and the other two are still checked, in line order.
    auto named = run_digestx({"-o", "json", "check", stack});
    CHECK(named.exit_code == 2);
    auto rows = results_of(named)["results"];
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["line"] == 8);
    CHECK(rows[0]["status"] == "unpinned");
    CHECK(rows[1]["line"] == 18);
    CHECK(rows[1]["column"] == 25);
    CHECK(rows[1]["status"] == "error");
    CHECK(rows[1]["error"]["exitCode"] == 2);
    CHECK(rows[2]["line"] == 27);
    CHECK(rows[2]["status"] == "unpinned");
    auto github = run_digestx({"check", "--format", "github", stack});
    CHECK_THAT(github.out, Catch::Contains("::error file=" + stack + ",line=18,col=25,title=digestx%3A error::"));

    // pin pins the first and third documents and writes the broken one back as it was.
    auto pinned = run_digestx({"pin", dir.path()});
    CHECK(pinned.exit_code == 0);
    CHECK(pinned.err == "digestx: warning: not scanned: " + broken + why + "\n");
    CHECK_THAT(pinned.out, Catch::Contains("pinned 2 references in 1 of 1 file; 0 already pinned"));
    CHECK(read_file(stack) == pinned_stack);

    // Named, pin says which document it could not read (exit 2), and pins the rest.
    write_at(dir.path(), "deploy/stack.yaml", ci_fixture("scan/repo", "deploy/stack.yaml", bed));
    auto named_pin = run_digestx({"-o", "json", "pin", stack});
    CHECK(named_pin.exit_code == 2);
    CHECK(named_pin.err == "digestx: error: " + stack + ":18:25: " + broken + why + "\n");
    auto outcome = nlohmann::json::parse(named_pin.out);
    CHECK(outcome["changes"].size() == 2);
    REQUIRE(outcome["errors"].size() == 1);
    CHECK(outcome["errors"][0]["line"] == 18);
    CHECK(read_file(stack) == pinned_stack);

    // Pinned, both readable references are current; the broken document is still said to be unread.
    auto current = run_digestx({"-o", "json", "check", "--require-pins", dir.path()});
    CHECK(current.exit_code == 0);
    counts = status_counts(results_of(current));
    CHECK(counts["current"] == 2);
    CHECK(counts["skipped"] == 1);
}

TEST_CASE("check and pin read the Kubernetes JSON of a directory and pass over other JSON", "[cli][pin][check][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    TempDir dir;
    auto repo = rendered("scan/repo", bed);
    auto expected = rendered("scan/pinned", bed);
    // The JSON files only: the broken YAML document has a test of its own.
    for (auto *files : {&repo, &expected})
        files->erase("deploy/stack.yaml");
    for (const auto &[relative, bytes] : repo)
        write_at(dir.path(), relative, bytes);
    const std::string package = dir.path() + "/web/package.json";

    // A Deployment and a List; package.json (which names an image in a script), tsconfig.json,
    // composer.json and renovate.json are not mentioned at all, not even as files read.
    auto walked = run_digestx({"-o", "json", "check", dir.path()});
    INFO(walked.err);
    CHECK(walked.exit_code == 0);
    CHECK(walked.err.empty());
    auto document = results_of(walked);
    CHECK(document["summary"]["files"] == 2);
    CHECK(status_counts(document)["unpinned"] == 3);
    for (const auto &row : document["results"]) {
        CHECK(row["fileKind"] == "kubernetes");
        CHECK_THAT(row["file"].get<std::string>(), Catch::EndsWith(".json"));
        CHECK_THAT(row["file"].get<std::string>(), Catch::Contains("/deploy/"));
    }

    auto pinned = run_digestx({"pin", dir.path()});
    INFO(pinned.err);
    CHECK(pinned.exit_code == 0);
    CHECK(pinned.err.empty());
    CHECK_THAT(pinned.out, Catch::Contains("pinned 3 references in 2 of 2 files; 0 already pinned"));
    CHECK(snapshot(dir.path()) == expected);
    CHECK(nlohmann::json::parse(read_file(dir.path() + "/deploy/api.json"))["kind"] == "Deployment");
    auto current = run_digestx({"-o", "json", "check", "--require-pins", "--require-index", dir.path()});
    CHECK(current.exit_code == 0);
    CHECK(status_counts(results_of(current))["current"] == 3);

    // Named on the command line, a JSON file that is no Kubernetes object: one line, exit 2, untouched.
    const std::string not_kubernetes =
        "\"" + package +
        "\" is not a Kubernetes object (no top-level \"apiVersion\" and \"kind\"): a .json file is "
        "read only as a Kubernetes manifest";
    auto check_package = run_digestx({"check", package});
    CHECK(check_package.exit_code == 2);
    CHECK_THAT(check_package.out, Catch::Contains(not_kubernetes));
    CHECK_THAT(check_package.out, Catch::Contains("0 references in 1 file"));
    auto pin_package = run_digestx({"pin", package});
    CHECK(pin_package.exit_code == 2);
    CHECK(pin_package.err == "digestx: error: " + package + ": " + not_kubernetes + "\n");
    CHECK(read_file(package) == expected["web/package.json"]);
}

TEST_CASE("check scopes --username to one registry with --auth-registry, spelt as people write it",
          "[cli][check][bed]") {
    RegistryBed &open = shared_bed(BedMode::Open);
    RegistryBed &basic = shared_bed(BedMode::Basic);
    const std::string digest = fixture_catalog().alpine_list.digest;
    const std::string password = basic.credentials().password + "\n";
    const std::vector<std::string> login = {"--username", basic.credentials().user, "--password-stdin"};
    auto with_login = [&](std::vector<std::string> args) {
        args.insert(args.begin(), login.begin(), login.end());
        return run_digestx(args, password);
    };

    TempDir two;
    write_at(two.path(), "Dockerfile",
             "FROM " + open.host() + "/library/alpine:3.12@" + digest + "\nFROM " + basic.host() +
                 "/library/alpine:3.12@" + digest + "\n");
    // Two registries: whose credentials are these? Refused until the user says.
    auto unscoped = with_login({"check", two.path()});
    CHECK(unscoped.exit_code == 2);
    CHECK(unscoped.out.empty());
    CHECK_THAT(unscoped.err, Catch::Contains("--auth-registry"));
    auto scoped = with_login({"check", "--auth-registry", basic.host(), two.path()});
    INFO(scoped.err);
    CHECK(scoped.exit_code == 0);

    TempDir one;
    write_at(one.path(), "Dockerfile", "FROM " + open.host() + "/library/alpine:3.12@" + digest + "\n");
    // Docker Hub's old name folds into docker.io, as in a reference (docker.io adds `library/`
    // to a one-part repository, which must not make the host look invalid).
    for (const std::string host : {"index.docker.io", "docker.io"}) {
        INFO(host);
        auto hub = with_login({"check", "--auth-registry", host, one.path()});
        INFO(hub.err);
        CHECK(hub.exit_code == 0);
    }
    auto not_a_host = with_login({"check", "--auth-registry", "registry", one.path()});
    CHECK(not_a_host.exit_code == 2);
    CHECK(not_a_host.out.empty());
    CHECK_THAT(not_a_host.err, Catch::Contains("--auth-registry \"registry\" is not a registry host"));
}

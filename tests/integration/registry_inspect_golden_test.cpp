// `digestx inspect` as the real binary against docker-registry 2.8: golden text and JSON for each
// kind of graph the bed holds, `--referrers` and `--accept`, with the role of every digest checked
// beside the goldens. The bed's port changes every run, so its host:port is written as
// `registry.test` before comparing.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_run_support.hpp"
#include "registry_cli_support.hpp"
#include "support/golden.hpp"
#include "support/inspect_schema.hpp"

using namespace digestx::test;

namespace {

// The one run-dependent part of the output: where the bed listens.
std::string normalised(const RegistryBed &bed, const std::string &output) {
    return replace_all(output, bed.host(), "registry.test");
}

// The registry signs a schema1 manifest afresh on every GET (new key per start, new time), so
// the body's length is not the registry's to promise: its sizes are blanked, its digest kept.
std::string without_signed_sizes(const std::string &output, bool json) {
    if (json) {
        auto document = nlohmann::ordered_json::parse(output);
        document["root"]["size"] = "<signed size>";
        document["requests"]["bytesReceived"] = "<signed size>";
        return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    return std::regex_replace(output, std::regex("[0-9.]+ (B|kB)"), "<signed size>");
}

ProcessResult inspect(std::vector<std::string> args) {
    args.insert(args.begin(), "inspect");
    return run_pinned(args);
}

// Every node of the JSON tree, depth first, root first.
void collect(const nlohmann::json &node, std::vector<const nlohmann::json *> &out) {
    out.push_back(&node);
    for (const auto &child : node["children"])
        collect(child, out);
}

std::vector<std::string> roles_of(const nlohmann::json &document) {
    std::vector<const nlohmann::json *> nodes;
    collect(document["root"], nodes);
    std::vector<std::string> roles;
    for (const auto *node : nodes)
        roles.push_back((*node)["role"].get<std::string>());
    return roles;
}

std::size_t count(const std::vector<std::string> &items, const std::string &item) {
    return static_cast<std::size_t>(std::count(items.begin(), items.end(), item));
}

const nlohmann::json *node_with(const nlohmann::json &document, const std::string &digest) {
    std::vector<const nlohmann::json *> nodes;
    collect(document["root"], nodes);
    for (const auto *node : nodes) {
        if ((*node)["digest"] == digest) return node;
    }
    return nullptr;
}

bool has_finding(const nlohmann::json &document, const std::string &code) {
    for (const auto &finding : document["findings"]) {
        if (finding["code"] == code) return true;
    }
    return false;
}

struct GoldenCase {
    std::string name;              // golden file stem under tests/golden/
    std::vector<std::string> args; // after the reference
    std::string reference;         // repository[:tag|@digest] on the bed
    std::string root_role;
    std::string root_title;
    std::vector<std::pair<std::string, std::size_t>> role_counts; // role, how many nodes have it
};

std::vector<GoldenCase> golden_cases() {
    const FixtureCatalog &catalog = fixture_catalog();
    std::size_t apps = catalog.app_images.size();
    return {
        {"bed-alpine-list",
         {},
         "library/alpine:3.12",
         "index",
         "manifest list",
         {{"platform-manifest", catalog.alpine_platforms.size()}, {"image-config", catalog.alpine_platforms.size()}}},
        {"bed-app-index",
         {},
         "org/team/app:1.0",
         "index",
         "image index",
         {{"platform-manifest", apps}, {"attestation", apps}, {"image-config", apps}, {"artifact-config", apps}}},
        {"bed-nested",
         {},
         "library/nested:1",
         "index",
         "image index",
         {{"nested-index", 1}, {"platform-manifest", catalog.nested_images.size()}}},
        {"bed-artifact",
         {},
         "library/hello@" + catalog.hello_sbom.digest,
         "artifact",
         "artifact manifest",
         {{"artifact-config", 1}, {"referrer", 0}}},
        {"bed-single", {}, "library/hello:single", "single-manifest", "image manifest", {{"image-config", 1}}},
        {"bed-schema1", {}, "library/legacy:1", "schema1", "schema1 manifest", {{"not-read", 0}}},
        {"bed-hello-referrers",
         {"--referrers"},
         "library/hello:single",
         "single-manifest",
         "image manifest",
         {{"referrer", 1}, {"image-config", 1}}},
        {"bed-alpine-accept-docker-v2",
         {"--accept", "docker-v2"},
         "library/alpine:3.12",
         "single-manifest",
         "image manifest",
         {{"image-config", 1}, {"platform-manifest", 0}}},
    };
}

} // namespace

TEST_CASE("inspect against the registry matches its golden text and JSON, every role as expected",
          "[registry][cli][bed][golden]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    for (const auto &c : golden_cases()) {
        INFO(c.name);
        std::vector<std::string> args = {bed.reference(c.reference)};
        args.insert(args.end(), c.args.begin(), c.args.end());
        ProcessResult text = inspect(args);
        INFO(text.err);
        REQUIRE(text.exit_code == 0);
        bool signed_on_get = c.root_role == "schema1";
        std::string text_out = normalised(bed, text.out);
        if (signed_on_get) text_out = without_signed_sizes(text_out, false);
        std::string text_mismatch = golden_mismatch(c.name + ".txt", text_out);
        INFO(text_mismatch);
        CHECK(text_mismatch.empty());

        args.insert(args.end(), {"-o", "json"});
        ProcessResult json = inspect(args);
        INFO(json.err);
        REQUIRE(json.exit_code == 0);
        std::string json_out = normalised(bed, json.out);
        if (signed_on_get) json_out = without_signed_sizes(json_out, true);
        std::string json_mismatch = golden_mismatch(c.name + ".json", json_out);
        INFO(json_mismatch);
        CHECK(json_mismatch.empty());

        auto document = nlohmann::json::parse(json.out);
        CHECK(check_inspect_schema(document).empty());
        CHECK(document["root"]["role"] == c.root_role);
        CHECK(document["root"]["title"] == c.root_title);
        std::vector<std::string> roles = roles_of(document);
        for (const auto &[role, expected] : c.role_counts) {
            INFO(role);
            CHECK(count(roles, role) == expected);
        }
        // The table has a line for every digest but the attestation configs it says it leaves
        // out; the explained tree has every node's title.
        std::vector<const nlohmann::json *> nodes;
        collect(document["root"], nodes);
        args.resize(args.size() - 2);
        args.push_back("--explain");
        ProcessResult explained = inspect(args);
        REQUIRE(explained.exit_code == 0);
        bool configs_left_out = text.out.find("attestation configs (see --explain)") != std::string::npos;
        for (const auto *node : nodes) {
            std::string title = (*node)["title"].get<std::string>();
            INFO(title);
            CHECK_THAT(explained.out, Catch::Contains(title));
            if (configs_left_out && title == "attestation config") continue;
            CHECK_THAT(text.out, Catch::Contains("  " + (*node)["digest"].get<std::string>().substr(7, 12) + "  "));
        }
    }
}

// The issue that asked for the table: an 8-platform image with attestations took 110 lines.
TEST_CASE("inspect of the bed's 8-platform image with attestations fits 40 lines of 80 columns",
          "[registry][cli][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    ProcessResult text = inspect({bed.reference("org/team/app:1.0")});
    REQUIRE(text.exit_code == 0);
    std::string out = normalised(bed, text.out);
    CHECK(std::count(out.begin(), out.end(), '\n') <= 40);
    std::size_t start = 0;
    for (std::size_t end = out.find('\n'); end != std::string::npos; start = end + 1, end = out.find('\n', start)) {
        INFO(out.substr(start, end - start));
        CHECK(end - start <= 80);
    }
}

TEST_CASE("inspect --referrers shows the SBOM attached to hello, through the tag schema", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    for (BedMode mode : {BedMode::Open, BedMode::Token}) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result = run_against(bed, {"inspect", "-o", "json", "--referrers", bed.reference("library/hello:single")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto document = nlohmann::json::parse(result.out);
        CHECK(document["root"]["digest"] == catalog.hello.digest);
        const nlohmann::json *sbom = node_with(document, catalog.hello_sbom.digest);
        REQUIRE(sbom != nullptr);
        CHECK((*sbom)["role"] == "referrer");
        CHECK((*sbom)["title"] == "SBOM referrer");
        CHECK((*sbom)["artifactType"] == "application/spdx+json");
        CHECK((*sbom)["referrersVia"] == "tag-schema");
        CHECK((*sbom)["size"] == catalog.hello_sbom.size());
        std::string via = (*sbom)["fetch"]["location"].get<std::string>();
        CHECK(via.find("/manifests/sha256-" + catalog.hello.digest.substr(7)) != std::string::npos);
        CHECK_THAT((*sbom)["explanation"].get<std::string>(), Catch::Contains("pinning the image does not pin it"));
        CHECK(has_finding(document, "referrers"));
        // Without --referrers nothing is listed, and the listing's two requests are not spent.
        auto plain = run_against(bed, {"inspect", "-o", "json", bed.reference("library/hello:single")});
        REQUIRE(plain.exit_code == 0);
        auto without = nlohmann::json::parse(plain.out);
        CHECK(node_with(without, catalog.hello_sbom.digest) == nullptr);
        CHECK(document["requests"]["total"].get<std::size_t>() == without["requests"]["total"].get<std::size_t>() + 2);
    }

    RegistryBed &bed = shared_bed(BedMode::Open);
    auto list = run_digestx({"inspect", "-o", "json", "--referrers", bed.reference("library/alpine:3.12")});
    auto plain_list = run_digestx({"inspect", "-o", "json", bed.reference("library/alpine:3.12")});
    INFO(list.err);
    REQUIRE(list.exit_code == 0);
    REQUIRE(plain_list.exit_code == 0);
    auto document = nlohmann::json::parse(list.out);
    CHECK(count(roles_of(document), "referrer") == 0);
    // The list and each of its seven platforms are asked: two requests each (the 404 API, then the tag).
    CHECK(document["requests"]["total"].get<std::size_t>() ==
          nlohmann::json::parse(plain_list.out)["requests"]["total"].get<std::size_t>() +
              2 * (1 + catalog.alpine_platforms.size()));

    // A layout lists referrers in index.json; the example has none, and says it looked.
    auto layout =
        run_digestx({"inspect", "-o", "json", "--referrers", "oci:" + source_dir() + "/examples/alpine-3.12:3.12"});
    INFO(layout.err);
    REQUIRE(layout.exit_code == 0);
    auto in_layout = nlohmann::json::parse(layout.out);
    CHECK(count(roles_of(in_layout), "referrer") == 0);
    CHECK(has_finding(in_layout, "referrers"));
    CHECK(in_layout["requests"]["total"] == 0);
}

TEST_CASE("inspect --accept shows what an older client is given, and says when it differs", "[registry][cli][bed]") {
    const FixtureCatalog &catalog = fixture_catalog();
    for (BedMode mode : {BedMode::Open, BedMode::Token}) {
        RegistryBed &bed = shared_bed(mode);
        INFO(bed_mode_name(mode));
        auto result =
            run_against(bed, {"inspect", "-o", "json", "--accept", "docker-v2", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto document = nlohmann::json::parse(result.out);
        CHECK(document["root"]["digest"] == catalog.alpine_platforms[1].digest);
        CHECK(document["root"]["fetch"]["accept"] == "application/vnd.docker.distribution.manifest.v2+json");
        CHECK(document["accept"]["preset"] == "docker-v2");
        CHECK(document["accept"]["fullListDigest"] == catalog.alpine_list.digest);
        CHECK(has_finding(document, "accept-dependent"));
        CHECK(document["requests"]["manifestHeads"] == 1);
    }

    RegistryBed &bed = shared_bed(BedMode::Open);
    struct Case {
        std::string reference;
        std::string preset;
        int exit_code;
        bool differs;
    };
    std::vector<Case> cases = {
        {"library/alpine:3.12", "full", 0, false},
        {"library/alpine:3.12", "docker", 0, false},
        {"library/hello:single", "oci", 0, false},
        {"org/team/app:1.0", "oci", 0, false},
        {"org/team/app:1.0", "docker", 3, false},
        {"library/hello:single", "docker-v2", 3, false},
        {"library/alpine:3.12", "no-such-preset", 2, false},
    };
    for (const auto &c : cases) {
        INFO(c.reference + " --accept " + c.preset);
        auto result = run_digestx({"inspect", "-o", "json", "--accept", c.preset, bed.reference(c.reference)});
        INFO(result.err);
        CHECK(result.exit_code == c.exit_code);
        if (c.exit_code == 3) {
            // Nothing to print, but stderr says what a current client gets instead.
            CHECK(result.out.empty());
            const FixtureManifest *full = c.reference.starts_with("org/") ? &catalog.app_index : &catalog.hello;
            CHECK_THAT(result.err, Catch::Contains("digestx's default Accept list gets " + full->digest));
        }
        if (c.exit_code != 0) continue;
        auto document = nlohmann::json::parse(result.out);
        CHECK(has_finding(document, "accept-dependent") == c.differs);
        CHECK(document["accept"]["fullListDigest"] == document["root"]["digest"]);
    }
    SECTION("schema1 only: the registry converts a schema2 manifest, and says so") {
        auto result =
            run_digestx({"inspect", "-o", "json", "--accept", "schema1", bed.reference("library/alpine:3.12-amd64")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto document = nlohmann::json::parse(result.out);
        CHECK(document["root"]["role"] == "schema1");
        CHECK(document["accept"]["fullListDigest"] == catalog.alpine_platforms.at(1).digest);
        CHECK(has_finding(document, "accept-dependent"));
        CHECK(has_finding(document, "schema1-conversion"));
        CHECK_FALSE(has_finding(document, "schema1-stored"));
    }

    auto layout =
        run_digestx({"inspect", "--accept", "docker-v2", "oci:" + source_dir() + "/examples/alpine-3.12:3.12"});
    CHECK(layout.exit_code == 2);
    CHECK_THAT(layout.err, Catch::Contains("--accept applies to registry references"));
}

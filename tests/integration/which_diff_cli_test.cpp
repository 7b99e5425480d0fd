// `which` and `diff` as the real binary against docker-registry 2.8: every kind of digest of the
// bed's buildx-style app index and of hello's SBOM referrer, `--in` over a file of pins, and diffs
// of pairs pushed to a private bed (a retagged list with one platform added, a config rebuilt
// around the same layers, an attestation-only change, identical copies in two repositories).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ci_support.hpp"
#include "cli_run_support.hpp"
#include "registry_cli_support.hpp"
#include "support/golden.hpp"

using namespace digestx::test;

namespace {

ProcessResult digestx_run(std::vector<std::string> args) {
    return run_pinned(args);
}

const std::string oci_index_type = "application/vnd.oci.image.index.v1+json";
const std::string oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";

// The app index with `edit` applied to its JSON, pushed under `tag`; returns its digest.
std::string push_app_index(const RegistryBed &bed, const std::string &tag,
                           const std::function<void(nlohmann::ordered_json &)> &edit) {
    auto index = nlohmann::ordered_json::parse(fixture_catalog().app_index.bytes);
    edit(index);
    std::string bytes = index.dump();
    REQUIRE(put_document(bed, "org/team/app", tag, oci_index_type, bytes) == 201);
    return sha256_of(bytes);
}

// Replaces the entry naming `from` by one naming `to` (a document of `size` bytes).
void swap_entry(nlohmann::ordered_json &index, const std::string &from, const std::string &to, std::size_t size) {
    for (auto &entry : index["manifests"]) {
        if (entry["digest"] == from) {
            entry["digest"] = to;
            entry["size"] = size;
        }
    }
}

std::string push_manifest(const RegistryBed &bed, const nlohmann::ordered_json &manifest, std::string &bytes) {
    bytes = manifest.dump();
    std::string digest = sha256_of(bytes);
    REQUIRE(put_document(bed, "org/team/app", digest, oci_manifest_type, bytes) == 201);
    return digest;
}

const FixtureBlob &blob(const std::string &digest) {
    for (const auto &candidate : fixture_catalog().blobs)
        if (candidate.digest == digest) return candidate;
    throw std::runtime_error("no fixture blob " + digest);
}

// The app index with linux/amd64 rebuilt around the same layers (another `created`), pushed
// under `tag`; returns the new amd64 manifest's and config's digests.
std::pair<std::string, std::string> push_rebuilt_amd64(RegistryBed &bed, const std::string &tag) {
    const auto &amd64 = fixture_catalog().app_images[0];
    auto config = nlohmann::ordered_json::parse(blob(amd64.config_digest).bytes);
    config["created"] = "2030-01-01T00:00:00Z";
    std::string config_bytes = config.dump();
    FixtureBlob rebuilt{"org/team/app", "application/vnd.oci.image.config.v1+json", sha256_of(config_bytes),
                        config_bytes};
    push_documents(bed, {rebuilt}, {});
    auto manifest = nlohmann::ordered_json::parse(amd64.bytes);
    manifest["config"]["digest"] = rebuilt.digest;
    manifest["config"]["size"] = config_bytes.size();
    std::string manifest_bytes;
    std::string manifest_digest = push_manifest(bed, manifest, manifest_bytes);
    push_app_index(bed, tag, [&](nlohmann::ordered_json &index) {
        swap_entry(index, amd64.digest, manifest_digest, manifest_bytes.size());
    });
    return {manifest_digest, rebuilt.digest};
}

} // namespace

TEST_CASE("which names every kind of digest of the bed's graphs", "[cli][which][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const std::string app = bed.reference("org/team/app:1.0");
    struct Case {
        std::string digest;
        std::string reference;
        std::string kind;
        std::string role; // "" for layers and diff_ids
        std::string title;
        std::string sentence;
    };
    std::vector<Case> cases = {
        {catalog.app_index.digest, app, "document", "index", "image index", "what `docker pull` prints"},
        {catalog.app_images[1].digest, app, "document", "platform-manifest", "linux/arm64 manifest",
         "the linux/arm64 image of this index"},
        {catalog.app_images[0].config_digest, app, "document", "image-config",
         "image config of the linux/amd64 manifest", "the image ID"},
        {catalog.app_images[0].layer_digests[0], app, "layer", "", "layer",
         "a compressed layer: layer 0 (the base layer)"},
        {catalog.app_images[0].diff_ids[0], app, "diff-id", "", "diff_id", "an uncompressed layer (diff_id 0"},
        {catalog.app_attestations[2].digest, app, "document", "attestation", "attestation manifest",
         "about the linux/arm/v7 image"},
        {catalog.hello_sbom.digest, bed.reference("library/hello:single"), "document", "referrer", "SBOM referrer",
         "found through the sha256-<hex> tag schema"},
    };
    for (const auto &c : cases) {
        for (const auto &typed : {c.digest, c.digest.substr(7, 12)}) {
            INFO(typed << " in " << c.reference);
            auto result = digestx_run({"-o", "json", "which", typed, c.reference});
            INFO(result.err);
            REQUIRE(result.exit_code == 0);
            auto document = nlohmann::json::parse(result.out);
            CHECK(document["schemaVersion"] == 1);
            CHECK(document["digest"] == c.digest);
            REQUIRE(document["images"].size() == 1);
            const auto &place = document["images"][0]["places"][0];
            CHECK(place["kind"] == c.kind);
            if (!c.role.empty()) CHECK(place["role"] == c.role);
            CHECK(place["title"] == c.title);
            CHECK_THAT(place["sentence"].get<std::string>(), Catch::Contains(c.sentence));
        }
    }
    // The attestation says which manifest it describes.
    auto attestation = digestx_run({"-o", "json", "which", catalog.app_attestations[2].digest, app});
    CHECK(nlohmann::json::parse(attestation.out)["images"][0]["places"][0]["describes"] ==
          catalog.app_images[2].digest);
    auto text = digestx_run({"which", catalog.app_attestations[2].digest, app});
    CHECK_THAT(text.out, Catch::Contains("    about " + catalog.app_images[2].digest.substr(7, 12) + "\n"));
}

TEST_CASE("which prints one sentence per place (golden)", "[cli][which][bed][golden]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    struct Case {
        std::string golden;
        std::vector<std::string> args;
    };
    std::vector<Case> cases = {
        {"which-platform.txt",
         {"which", catalog.app_images[1].digest.substr(7, 12), bed.reference("org/team/app:1.0")}},
        {"which-layer.txt", {"which", catalog.app_images[0].layer_digests[0], bed.reference("org/team/app:1.0")}},
        {"which-diff-id.txt", {"which", catalog.app_images[3].diff_ids[0], bed.reference("org/team/app:1.0")}},
    };
    for (const auto &c : cases) {
        INFO(c.golden);
        auto result = digestx_run(c.args);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(golden_mismatch(c.golden, replace_all(result.out, bed.host(), "registry.test")) == "");
    }
}

TEST_CASE("which: a miss exits 3 with a hint, bad input exits 2, stdout stays empty", "[cli][which][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    // hello's manifest is in another repository: not in the app's graph.
    auto miss = digestx_run({"which", catalog.hello.digest, bed.reference("org/team/app:1.0")});
    CHECK(miss.exit_code == 3);
    CHECK(miss.out.empty());
    CHECK_THAT(miss.err, Catch::Contains("as it is now: an older build of the tag, another tag"));
    auto filtered = digestx_run(
        {"--platform", "linux/amd64", "which", catalog.app_images[1].digest, bed.reference("org/team/app:1.0")});
    CHECK(filtered.exit_code == 3);
    CHECK_THAT(filtered.err, Catch::Contains("only the linux/amd64 branch was walked (--platform)"));
    for (const auto &args : std::vector<std::vector<std::string>>{
             {"which", "abc", bed.reference("org/team/app:1.0")},
             {"which", catalog.hello.digest},
             {"which", catalog.hello.digest, bed.reference("org/team/app:1.0"), "--in", "x"},
         }) {
        auto result = digestx_run(args);
        INFO(result.err);
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
}

TEST_CASE("which --in says which pinned image of the files a digest belongs to", "[cli][which][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    TempDir dir;
    std::string list = write_at(dir.path(), "images.txt",
                                bed.reference("library/alpine:3.12@" + catalog.alpine_list.digest) + "\n" +
                                    bed.reference("org/team/app:1.0@" + catalog.app_index.digest) + "\n");
    auto result = digestx_run({"-o", "json", "which", catalog.app_images[4].config_digest, "--in", list});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto document = nlohmann::json::parse(result.out);
    REQUIRE(document["images"].size() == 1);
    CHECK(document["images"][0]["reference"] == bed.reference("org/team/app:1.0@" + catalog.app_index.digest));
    CHECK(document["images"][0]["origins"] == nlohmann::json::array({list + ":2"}));
    CHECK(document["images"][0]["places"][0]["title"] == "image config of the linux/386 manifest");

    auto none = digestx_run({"which", catalog.hello.digest, "--in", list});
    CHECK(none.exit_code == 3);
    CHECK_THAT(none.err, Catch::Contains("is in none of the 2 images the files name"));
}

TEST_CASE("diff tells apart the changes pushed to a registry", "[cli][diff][bed]") {
    auto bed = fresh_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    const std::string original = bed->reference("org/team/app:1.0");
    const auto &amd64 = catalog.app_images[0];
    const auto &riscv64 = catalog.app_images[7];

    SECTION("a retagged list with one platform added") {
        push_app_index(*bed, "no-riscv", [&](nlohmann::ordered_json &index) {
            nlohmann::ordered_json kept = nlohmann::ordered_json::array();
            for (const auto &entry : index["manifests"]) {
                bool about_riscv = entry.contains("annotations") &&
                                   entry["annotations"].value("vnd.docker.reference.digest", "") == riscv64.digest;
                if (entry["digest"] != riscv64.digest && !about_riscv) kept.push_back(entry);
            }
            index["manifests"] = kept;
        });
        auto result = digestx_run({"diff", bed->reference("org/team/app:no-riscv"), original});
        INFO(result.err);
        CHECK(result.exit_code == 1);
        CHECK(golden_mismatch("diff-platform-added.txt", replace_all(result.out, bed->host(), "registry.test")) == "");
        auto json = nlohmann::json::parse(
            digestx_run({"-o", "json", "diff", bed->reference("org/team/app:no-riscv"), original}).out);
        CHECK(json["summary"] == "only a linux/riscv64 entry was added; every other platform is byte-identical");
    }
    SECTION("a config rebuilt around the same layers") {
        push_rebuilt_amd64(*bed, "rebuilt");
        auto result = digestx_run({"diff", original, bed->reference("org/team/app:rebuilt")});
        INFO(result.err);
        CHECK(result.exit_code == 1);
        CHECK(golden_mismatch("diff-same-layers.txt", replace_all(result.out, bed->host(), "registry.test")) == "");
    }
    SECTION("an attestation-only change") {
        auto attestation = nlohmann::ordered_json::parse(catalog.app_attestations[0].bytes);
        attestation["annotations"] = {{"org.example.rescanned", "yes"}};
        std::string attestation_bytes;
        std::string attestation_digest = push_manifest(*bed, attestation, attestation_bytes);
        push_app_index(*bed, "reattested", [&](nlohmann::ordered_json &index) {
            swap_entry(index, catalog.app_attestations[0].digest, attestation_digest, attestation_bytes.size());
        });
        auto result = digestx_run({"-o", "json", "diff", original, bed->reference("org/team/app:reattested")});
        INFO(result.err);
        CHECK(result.exit_code == 1);
        auto json = nlohmann::json::parse(result.out);
        CHECK(json["summary"] == "only the attestation of linux/amd64 changed; every image is byte-identical");
        CHECK(json["platforms"][0]["verdict"] == "identical");
        CHECK(json["platforms"][0]["attestationChanged"] == true);
    }
    SECTION("identical copies in two repositories") {
        std::vector<FixtureBlob> blobs;
        for (const auto &item : catalog.blobs) {
            if (item.repository != "org/team/app") continue;
            blobs.push_back(item);
            blobs.back().repository = "mirror/app";
        }
        std::vector<FixtureManifest> manifests(catalog.app_images.begin(), catalog.app_images.end());
        manifests.insert(manifests.end(), catalog.app_attestations.begin(), catalog.app_attestations.end());
        manifests.push_back(catalog.app_index);
        for (auto &manifest : manifests) {
            manifest.repository = "mirror/app";
            manifest.tags = manifest.digest == catalog.app_index.digest ? std::vector<std::string>{"copy"}
                                                                        : std::vector<std::string>{};
        }
        push_documents(*bed, blobs, manifests);
        auto result = digestx_run({"diff", original, bed->reference("mirror/app:copy")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK_THAT(result.out, Catch::Contains("identical: both name " + catalog.app_index.digest));
    }
    SECTION("check says what a drifted pin moved in the same words") {
        TempDir dir;
        std::string list = write_at(dir.path(), "images.txt", original + "@" + catalog.app_index.digest + "\n");
        push_app_index(*bed, "1.0", [&](nlohmann::ordered_json &index) {
            index["manifests"].push_back(index["manifests"][0]);
            index["manifests"].back()["platform"] = {{"architecture", "loong64"}, {"os", "linux"}};
        });
        auto result = digestx_run({"-o", "json", "check", list});
        INFO(result.err);
        CHECK(result.exit_code == 1);
        auto json = nlohmann::json::parse(result.out);
        REQUIRE(json["results"].size() == 1);
        CHECK(json["results"][0]["status"] == "drifted");
        CHECK(json["results"][0]["summary"] == "only a linux/loong64 entry was added");
        auto text = digestx_run({"check", list});
        CHECK_THAT(text.out, Catch::Contains("only a linux/loong64 entry was added"));
    }
    SECTION("check says which platform, config and layers a drifted pin moved") {
        TempDir dir;
        std::string list = write_at(dir.path(), "images.txt", original + "@" + catalog.app_index.digest + "\n");
        auto [manifest, config] = push_rebuilt_amd64(*bed, "1.0");
        auto result = digestx_run({"-o", "json", "check", list});
        INFO(result.err);
        CHECK(result.exit_code == 1);
        auto json = nlohmann::json::parse(result.out);
        REQUIRE(json["results"].size() == 1);
        const auto &row = json["results"][0];
        CHECK(row["status"] == "drifted");
        CHECK(row["summary"] == "only linux/amd64 was rebuilt with the same layers (config: created)");
        REQUIRE(row["platforms"].size() == 1);
        CHECK(row["platforms"][0]["platform"] == "linux/amd64");
        CHECK(row["platforms"][0]["verdict"] == "same-layers");
        CHECK(row["platforms"][0]["manifest"]["a"] == amd64.digest);
        CHECK(row["platforms"][0]["manifest"]["b"] == manifest);
        CHECK(row["platforms"][0]["config"]["a"] == amd64.config_digest);
        CHECK(row["platforms"][0]["config"]["b"] == config);
        CHECK(row["platforms"][0]["configFields"][0]["field"] == "created");
        CHECK(row["platforms"][0]["layers"].empty());
        auto text = digestx_run({"check", list});
        CHECK(text.exit_code == 1);
        CHECK_THAT(text.out,
                   Catch::Contains("    only linux/amd64 was rebuilt with the same layers (config: created)\n"));
        CHECK_THAT(text.out, Catch::Contains("    linux/amd64: same-layers, manifest " + amd64.digest + " → " +
                                             manifest + ", config " + amd64.config_digest + " → " + config +
                                             " (created), layers the same\n"));
    }
    SECTION("a reference that does not exist is the contract's not-found") {
        auto result = digestx_run({"diff", original, bed->reference("org/team/app:nope")});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
    }
}

TEST_CASE("which: an ambiguous prefix lists its candidates and exits 2", "[cli][which]") {
    // An OCI layout whose layer and diff_id share their first 12 hex digits (layers are named,
    // never read, so their digests may be chosen).
    TempDir dir;
    const std::string first = "sha256:abcdef012345" + std::string(52, '0');
    const std::string second = "sha256:abcdef012345" + std::string(52, '1');
    nlohmann::ordered_json config = {
        {"architecture", "amd64"}, {"os", "linux"}, {"rootfs", {{"type", "layers"}, {"diff_ids", {second}}}}};
    std::string config_bytes = config.dump();
    nlohmann::ordered_json manifest = {
        {"schemaVersion", 2},
        {"mediaType", oci_manifest_type},
        {"config",
         {{"mediaType", "application/vnd.oci.image.config.v1+json"},
          {"digest", sha256_of(config_bytes)},
          {"size", config_bytes.size()}}},
        {"layers",
         nlohmann::ordered_json::array(
             {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"}, {"digest", first}, {"size", 1}}})}};
    std::string manifest_bytes = manifest.dump();
    nlohmann::ordered_json index = {{"schemaVersion", 2},
                                    {"manifests",
                                     {{{"mediaType", oci_manifest_type},
                                       {"digest", sha256_of(manifest_bytes)},
                                       {"size", manifest_bytes.size()},
                                       {"annotations", {{"org.opencontainers.image.ref.name", "1"}}}}}}};
    write_at(dir.path(), "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    write_at(dir.path(), "index.json", index.dump());
    for (const auto &bytes : {config_bytes, manifest_bytes})
        write_at(dir.path(), "blobs/sha256/" + sha256_of(bytes).substr(7), bytes);
    const std::string layout = "oci:" + dir.path() + ":1";

    auto ambiguous = digestx_run({"which", "abcdef012345", layout});
    CHECK(ambiguous.exit_code == 2);
    CHECK(ambiguous.out.empty());
    CHECK_THAT(ambiguous.err, Catch::Contains("is ambiguous: it matches " + first + ", " + second));
    auto one = digestx_run({"-o", "json", "which", "abcdef0123451", layout});
    INFO(one.err);
    REQUIRE(one.exit_code == 0);
    CHECK(nlohmann::json::parse(one.out)["images"][0]["places"][0]["kind"] == "diff-id");
}

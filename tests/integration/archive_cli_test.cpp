// `docker-archive:` and `oci-archive:` end to end through the real binary: archives built here,
// in both docker save layouts and as a tarred OCI layout, from the bundled alpine:3.12 example
// (examples/alpine-3.12: its real linux/amd64 manifest and config), plus corrupt and hostile ones.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "support/golden.hpp"
#include "support/http_server.hpp"
#include "support/inspect_schema.hpp"
#include "support/process.hpp"
#include "support/tar_writer.hpp"

#include "archive_support.hpp"
#include "cli_run_support.hpp"

using digestx::test::ProcessResult;
using digestx::test::TarEntry;
using digestx::test::TarWriter;
using namespace digestx::test::alpine;

namespace {

// Runs the binary in `directory`, so references and goldens hold a relative archive name.
ProcessResult run_in(const std::string &directory, const std::vector<std::string> &args) {
    return digestx::test::run_pinned(args, directory);
}

const nlohmann::json *finding(const nlohmann::json &document, const std::string &code) {
    return digestx::test::first_with(document["findings"], "code", code);
}

} // namespace

TEST_CASE("a classic docker save archive shows its image ID, RepoTags and diff_ids", "[archive][golden]") {
    digestx::test::TempDir dir;
    classic_archive().write(dir.path() + "/alpine.tar");
    for (const auto &[args, golden] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"inspect", "docker-archive:alpine.tar"}, "inspect-docker-archive.txt"},
             {{"inspect", "docker-archive:alpine.tar", "-o", "json"}, "inspect-docker-archive.json"}}) {
        INFO(golden);
        ProcessResult result = run_in(dir.path(), args);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        std::string mismatch = digestx::test::golden_mismatch(golden, result.out);
        INFO(mismatch);
        CHECK(mismatch.empty());
    }
    auto document =
        digestx::test::schema_checked(run_in(dir.path(), {"inspect", "docker-archive:alpine.tar", "-o", "json"}));
    CHECK(document["reference"]["source"]["kind"] == "docker-archive");
    const auto &root = document["root"];
    CHECK(root["layers"][0]["digest"] == "sha256:" + diff_id_hex);
    CHECK(root["layers"][0]["size"] == layer_size);
    CHECK(root["children"][0]["imageId"] == "sha256:" + config_hex);
    const auto *tags = finding(document, "archive-repo-tags");
    REQUIRE(tags != nullptr);
    CHECK_THAT((*tags)["message"].get<std::string>(), Catch::Contains("alpine:3.12"));
    REQUIRE(finding(document, "archive-built-manifest") != nullptr);

    // The other commands read the same documents: the config byte for byte, the built manifest.
    ProcessResult config = run_in(dir.path(), {"config", "docker-archive:alpine.tar"});
    REQUIRE(config.exit_code == 0);
    CHECK(config.out == blob(config_hex));
    ProcessResult manifest = run_in(dir.path(), {"manifest", "docker-archive:alpine.tar"});
    REQUIRE(manifest.exit_code == 0);
    CHECK(nlohmann::json::parse(manifest.out)["config"]["digest"] == "sha256:" + config_hex);
    ProcessResult digest = run_in(dir.path(), {"digest", "docker-archive:alpine.tar"});
    REQUIRE(digest.exit_code == 0);
    CHECK_THAT(digest.out, Catch::Contains(root["digest"].get<std::string>()));
    ProcessResult tags_out = run_in(dir.path(), {"tags", "docker-archive:alpine.tar"});
    REQUIRE(tags_out.exit_code == 0);
    CHECK(tags_out.out == "3.12\n");
}

TEST_CASE("a Docker 25 docker save archive is read through its OCI layout", "[archive]") {
    digestx::test::TempDir dir;
    layout_archive().write(dir.path() + "/alpine.tar");
    ProcessResult json = run_in(dir.path(), {"inspect", "docker-archive:alpine.tar", "-o", "json"});
    INFO(json.err);
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    // The manifest docker kept is the registry's own, byte for byte: its digest is comparable.
    CHECK(document["root"]["digest"] == "sha256:" + manifest_hex);
    CHECK(document["root"]["children"][0]["imageId"] == "sha256:" + config_hex);
    REQUIRE(finding(document, "archive-repo-tags") != nullptr);
    CHECK(finding(document, "archive-built-manifest") == nullptr);
    CHECK(finding(document, "archive-uncompressed-layers") == nullptr);
    ProcessResult digest = run_in(dir.path(), {"digest", "docker-archive:alpine.tar"});
    REQUIRE(digest.exit_code == 0);
    CHECK_THAT(digest.out, Catch::Contains("sha256:" + manifest_hex));
}

TEST_CASE("an oci-archive reads as the layout it holds", "[archive]") {
    digestx::test::TempDir dir;
    oci_archive().write(dir.path() + "/alpine-oci.tar");
    ProcessResult digest = run_in(dir.path(), {"digest", "oci-archive:alpine-oci.tar:3.12"});
    INFO(digest.err);
    REQUIRE(digest.exit_code == 0);
    CHECK_THAT(digest.out, Catch::Contains("sha256:" + list_hex));
    ProcessResult config = run_in(dir.path(), {"config", "--platform", "linux/amd64", "oci-archive:alpine-oci.tar"});
    REQUIRE(config.exit_code == 0);
    CHECK(config.out == blob(config_hex));
    ProcessResult json = run_in(dir.path(), {"inspect", "oci-archive:alpine-oci.tar:3.12", "-o", "json"});
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    CHECK(document["reference"]["source"]["kind"] == "oci-archive");
    CHECK(document["root"]["children"].size() == 7);
    ProcessResult missing_tag = run_in(dir.path(), {"inspect", "oci-archive:alpine-oci.tar:3.13"});
    CHECK(missing_tag.exit_code == 3);
    CHECK(missing_tag.out.empty());
}

TEST_CASE("corrupt, hostile and wrong archives fail with one line and the contract's code", "[archive][fault]") {
    digestx::test::TempDir dir;
    std::string good = classic_archive().bytes();
    TarEntry bad_checksum{"manifest.json", '0', "[]", 0, {}, {}, true};
    TarEntry giant{"manifest.json", '0', "[]", 0, {}, std::string("77777777777\0", 12), false};
    nlohmann::json two =
        nlohmann::json::array({{{"Config", "a.json"}, {"RepoTags", {"a:1"}}, {"Layers", nlohmann::json::array()}},
                               {{"Config", "b.json"}, {"RepoTags", {"b:1"}}, {"Layers", nlohmann::json::array()}}});
    nlohmann::json escaping = nlohmann::json::array({{{"Config", "c.json"}, {"Layers", {"x/layer.tar"}}}});
    struct Case {
        std::string name;
        std::string bytes;
        int exit_code;
        std::string fragment;
    };
    std::vector<Case> cases = {
        {"traversal.tar", TarWriter().file("../../etc/passwd", "x").bytes(), 5, "unsafe member name"},
        {"absolute.tar", TarWriter().file("/manifest.json", "[]").bytes(), 5, "unsafe member name"},
        {"symlink.tar", TarWriter().symlink("manifest.json", "../../../etc/passwd").bytes(), 5,
         "points outside the archive"},
        {"truncated.tar", good.substr(0, good.size() / 2), 5, "truncated"},
        {"checksum.tar", TarWriter().entry(bad_checksum).bytes(), 5, "bad header checksum"},
        {"giant.tar", TarWriter().entry(giant).bytes(), 5, "claims 8589934591 bytes"},
        {"empty.tar", std::string(1024, '\0'), 5, "is not a docker save archive"},
        {"no-image.tar",
         TarWriter()
             .file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})")
             .file("index.json", R"({"schemaVersion":2,"manifests":[]})")
             .bytes(),
         5, "lists no image"},
        {"notjson.tar", TarWriter().file("manifest.json", "{").bytes(), 5, "manifest.json"},
        {"two.tar", TarWriter().file("manifest.json", two.dump()).bytes(), 2, "holds 2 images (a:1, b:1)"},
        {"layer-missing.tar",
         TarWriter().file("c.json", blob(config_hex)).file("manifest.json", escaping.dump()).bytes(), 5,
         "is not a file in the archive"},
        {"link-loop.tar", TarWriter().symlink("manifest.json", "a").symlink("a", "manifest.json").bytes(), 5, "hops"},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        {
            std::ofstream out(dir.path() + "/" + c.name, std::ios::binary);
            out << c.bytes;
        }
        ProcessResult result = run_in(dir.path(), {"inspect", "docker-archive:" + c.name});
        INFO(result.err);
        CHECK(result.exit_code == c.exit_code);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(c.fragment));
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
    ProcessResult missing = run_in(dir.path(), {"inspect", "docker-archive:nowhere.tar"});
    CHECK(missing.exit_code == 3);
    CHECK(missing.out.empty());
    ProcessResult directory = run_in(dir.path(), {"inspect", "oci-archive:."});
    CHECK(directory.exit_code == 2);
    CHECK_THAT(directory.err, Catch::Contains("not a regular file"));
}

TEST_CASE("a layer docker save wrote as a link to another image's layer is followed", "[archive]") {
    // docker save before Docker 25 wrote a layer shared with an image saved earlier in the same
    // archive as a symbolic link to that layer's directory entry.
    nlohmann::json manifest = nlohmann::json::array(
        {{{"Config", config_hex + ".json"}, {"RepoTags", nullptr}, {"Layers", {"bbb/layer.tar"}}}});
    digestx::test::TempDir dir;
    // The layer is 1 GiB, a hole in a sparse file: the archive is read by its headers alone.
    constexpr std::uint64_t gib = 1ULL << 30U;
    TarWriter()
        .large_file("aaa/layer.tar", gib)
        .symlink("bbb/layer.tar", "../aaa/layer.tar")
        .file(config_hex + ".json", blob(config_hex))
        .file("manifest.json", manifest.dump())
        .write(dir.path() + "/linked.tar");
    ProcessResult json = run_in(dir.path(), {"inspect", "docker-archive:linked.tar", "-o", "json"});
    INFO(json.err);
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    CHECK(document["root"]["layers"][0]["size"] == gib);
    const auto *tags = finding(document, "archive-repo-tags");
    REQUIRE(tags != nullptr);
    CHECK_THAT((*tags)["message"].get<std::string>(), Catch::Contains("no tag (it was saved by image ID)"));
}

TEST_CASE("a Docker 25 archive of uncompressed layers says its digests are docker's own", "[archive]") {
    // What docker save writes from the classic image store: an OCI manifest of uncompressed layers.
    nlohmann::ordered_json manifest = {{"schemaVersion", 2},
                                       {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                       {"config",
                                        {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                         {"digest", "sha256:" + config_hex},
                                         {"size", 1471}}},
                                       {"layers",
                                        {{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                          {"digest", "sha256:" + diff_id_hex},
                                          {"size", layer_size}}}}};
    std::string bytes = manifest.dump();
    std::string hex = digestx::Digest::compute(bytes).hex();
    nlohmann::json index = {{"schemaVersion", 2},
                            {"manifests",
                             {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"digest", "sha256:" + hex},
                               {"size", bytes.size()}}}}};
    digestx::test::TempDir dir;
    TarWriter()
        .file("blobs/sha256/" + hex, bytes)
        .file("blobs/sha256/" + config_hex, blob(config_hex))
        .large_file("blobs/sha256/" + diff_id_hex, layer_size)
        .file("index.json", index.dump())
        .file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})")
        .write(dir.path() + "/plain.tar");
    ProcessResult json = run_in(dir.path(), {"inspect", "docker-archive:plain.tar", "-o", "json"});
    INFO(json.err);
    REQUIRE(json.exit_code == 0);
    auto document = nlohmann::json::parse(json.out);
    CHECK(document["root"]["digest"] == "sha256:" + hex);
    CHECK(document["root"]["compressedSize"].is_null());
    CHECK(document["root"]["children"][0]["imageId"] == "sha256:" + config_hex);
    REQUIRE(finding(document, "archive-uncompressed-layers") != nullptr);
    CHECK(finding(document, "archive-built-manifest") == nullptr);
}

TEST_CASE("docker save of several images: docker-archive:FILE:REF or :@N selects one", "[archive]") {
    // `docker save alpine:3.12 app:1.2`: one manifest.json entry per image (moby image/tarexport).
    auto rebuilt = nlohmann::ordered_json::parse(blob(config_hex));
    rebuilt["created"] = "2030-01-01T00:00:00Z";
    std::string rebuilt_bytes = rebuilt.dump();
    std::string rebuilt_hex = digestx::Digest::compute(rebuilt_bytes).hex();
    std::string layer = std::string(64, 'a') + "/layer.tar";
    nlohmann::json manifest =
        nlohmann::json::array({{{"Config", config_hex + ".json"}, {"RepoTags", {"alpine:3.12"}}, {"Layers", {layer}}},
                               {{"Config", rebuilt_hex + ".json"},
                                {"RepoTags", {"registry.example/app:1.2", "app:latest"}},
                                {"Layers", {layer}}}});
    digestx::test::TempDir dir;
    TarWriter()
        .large_file(layer, layer_size)
        .file(config_hex + ".json", blob(config_hex))
        .file(rebuilt_hex + ".json", rebuilt_bytes)
        .file("manifest.json", manifest.dump())
        .write(dir.path() + "/two.tar");
    auto image_id = [&](const std::string &reference) {
        ProcessResult result = run_in(dir.path(), {"-o", "json", "inspect", reference});
        INFO(reference << ": " << result.err);
        REQUIRE(result.exit_code == 0);
        return nlohmann::json::parse(result.out)["root"]["children"][0]["imageId"].get<std::string>();
    };
    CHECK(image_id("docker-archive:two.tar:alpine:3.12") == "sha256:" + config_hex);
    CHECK(image_id("docker-archive:two.tar:docker.io/library/alpine:3.12") == "sha256:" + config_hex);
    CHECK(image_id("docker-archive:two.tar:@0") == "sha256:" + config_hex);
    CHECK(image_id("docker-archive:two.tar:registry.example/app:1.2") == "sha256:" + rebuilt_hex);
    CHECK(image_id("docker-archive:two.tar:app") == "sha256:" + rebuilt_hex);
    CHECK(image_id("docker-archive:two.tar:@1") == "sha256:" + rebuilt_hex);
    // The finding says which of the images it is.
    ProcessResult json = run_in(dir.path(), {"-o", "json", "inspect", "docker-archive:two.tar:@1"});
    auto document = nlohmann::json::parse(json.out);
    const auto *tags = finding(document, "archive-repo-tags");
    REQUIRE(tags != nullptr);
    CHECK_THAT((*tags)["message"].get<std::string>(),
               Catch::Contains("registry.example/app:1.2, app:latest (RepoTags); it is image @1 of the 2"));

    struct Refused {
        std::string reference;
        int exit_code;
        std::string fragment;
    };
    for (const auto &c : std::vector<Refused>{
             {"docker-archive:two.tar", 2,
              "holds 2 images (alpine:3.12, registry.example/app:1.2, app:latest); choose one with "
              "docker-archive:two.tar:REF or docker-archive:two.tar:@N"},
             {"docker-archive:two.tar:@2", 3, "holds 2 images; @2 is not one of them"},
             {"docker-archive:two.tar:alpine:3.13", 3,
              "no image of archive \"two.tar\" is tagged docker.io/library/alpine:3.13"},
             {"docker-archive:two.tar:@x", 2, "is not a number"},
         }) {
        INFO(c.reference);
        ProcessResult result = run_in(dir.path(), {"inspect", c.reference});
        INFO(result.err);
        CHECK(result.exit_code == c.exit_code);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(c.fragment));
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
}

TEST_CASE("a Docker 25 archive of several images is chosen from by the same selection", "[archive]") {
    // index.json names each image once per name (io.containerd.image.name), manifest.json lists them.
    std::string hex = manifest_hex;
    nlohmann::ordered_json other = nlohmann::ordered_json::parse(blob(manifest_hex));
    other["annotations"] = {{"org.example.rebuilt", "yes"}};
    std::string other_bytes = other.dump();
    std::string other_hex = digestx::Digest::compute(other_bytes).hex();
    auto entry = [](const std::string &digest_hex, std::size_t size, const std::string &name) {
        return nlohmann::json{{"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                              {"digest", "sha256:" + digest_hex},
                              {"size", size},
                              {"annotations", {{"io.containerd.image.name", name}}}};
    };
    nlohmann::json index = {{"schemaVersion", 2},
                            {"manifests",
                             {entry(hex, 528, "docker.io/library/alpine:3.12"),
                              entry(other_hex, other_bytes.size(), "docker.io/library/app:1.2")}}};
    nlohmann::json manifest = nlohmann::json::array({{{"Config", "blobs/sha256/" + config_hex},
                                                      {"RepoTags", {"alpine:3.12"}},
                                                      {"Layers", {"blobs/sha256/" + diff_id_hex}}},
                                                     {{"Config", "blobs/sha256/" + config_hex},
                                                      {"RepoTags", {"app:1.2"}},
                                                      {"Layers", {"blobs/sha256/" + diff_id_hex}}}});
    digestx::test::TempDir dir;
    TarWriter()
        .file("blobs/sha256/" + hex, blob(manifest_hex))
        .file("blobs/sha256/" + other_hex, other_bytes)
        .file("blobs/sha256/" + config_hex, blob(config_hex))
        .large_file("blobs/sha256/" + diff_id_hex, layer_size)
        .file("index.json", index.dump())
        .file("manifest.json", manifest.dump())
        .file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})")
        .write(dir.path() + "/two25.tar");
    for (const auto &[reference, root] : std::vector<std::pair<std::string, std::string>>{
             {"docker-archive:two25.tar:app:1.2", other_hex},
             {"docker-archive:two25.tar:@1", other_hex},
             {"docker-archive:two25.tar:alpine:3.12", hex},
         }) {
        INFO(reference);
        ProcessResult digest = run_in(dir.path(), {"digest", reference});
        INFO(digest.err);
        REQUIRE(digest.exit_code == 0);
        CHECK_THAT(digest.out, Catch::Contains("sha256:" + root));
    }
    ProcessResult none = run_in(dir.path(), {"digest", "docker-archive:two25.tar"});
    CHECK(none.exit_code == 2);
    CHECK_THAT(none.err, Catch::Contains("holds 2 images (alpine:3.12, app:1.2)"));
}

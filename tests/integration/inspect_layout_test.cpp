// `digestx inspect` as the real binary on the bundled example layout: goldens, the digests it
// must name, platform selection, and every way the layout can be missing or broken.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "support/golden.hpp"
#include "support/http_server.hpp"
#include "support/inspect_schema.hpp"
#include "support/process.hpp"

#include "cli_run_support.hpp"

using digestx::test::ProcessResult;

namespace {

const std::string example = "oci:examples/alpine-3.12:3.12";
const std::string list_digest = "sha256:407b6b6a6e2df8eb050faf799c3c1241e19a677226b70c0908b8c2c1fb21631f";
const std::string amd64_manifest = "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18";
const std::string amd64_config = "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507";
const std::string amd64_layer = "sha256:8572bc8fb8a32061648dd183b2c0451c82be1bd053a4ea8fae991436b92faebb";
const std::string amd64_diff_id = "sha256:eb4bde6b29a6746e0779f80a09ca6f0806de61475059f7d56d6e20f6cc2e15f7";
const std::string arm64_manifest = "sha256:7d58ffc1ab67fb914621d285d026a2e3ece26b1320462bec8e4a858d85bef32e";
const std::string armv7_manifest = "sha256:0d5cf7eeb6da55cb8a679d7a45fb0455f9365d00ff0dcc50dce6a46dec1d021b";

// Runs the binary from the repository's top directory, so `oci:examples/…` is the bundled layout
// and the goldens hold a relative path. The locale is pinned: the tree's glyphs depend on it.
ProcessResult inspect(std::vector<std::string> args, const std::string &lang = "C.UTF-8") {
    args.insert(args.begin(), "inspect");
    return digestx::test::run_pinned(args, digestx::test::source_dir(), lang);
}

const nlohmann::json *child_with_digest(const nlohmann::json &node, const std::string &digest) {
    return digestx::test::first_with(node["children"], "digest", digest);
}

} // namespace

TEST_CASE("inspect of the example layout matches its golden text and JSON", "[inspect][golden]") {
    struct Case {
        std::vector<std::string> args;
        std::string golden;
    };
    std::vector<Case> cases = {
        {{example}, "inspect-example.txt"},
        {{example, "-o", "json"}, "inspect-example.json"},
        {{example, "--platform", "linux/arm64", "--full"}, "inspect-example-arm64-full.txt"},
        {{example, "--explain"}, "inspect-example-explain.txt"},
        {{example, "-o", "dot"}, "inspect-example.dot"},
    };
    for (const auto &c : cases) {
        INFO(c.golden);
        ProcessResult result = inspect(c.args);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        std::string mismatch = digestx::test::golden_mismatch(c.golden, result.out);
        INFO(mismatch);
        CHECK(mismatch.empty());
    }
}

TEST_CASE("inspect names every digest of the example and what it is", "[inspect]") {
    ProcessResult text = inspect({example, "--full", "--explain"});
    REQUIRE(text.exit_code == 0);
    for (const std::string &line : {"manifest list  " + list_digest + "  docker-manifest-list  2.36 kB",
                                    "linux/amd64 manifest  " + amd64_manifest +
                                        "  docker-manifest  528 B  "
                                        "compressed size 2.81 MB",
                                    "image config  " + amd64_config + "  docker-config  1.47 kB",
                                    "layer 0  " + amd64_layer + "  2.81 MB  diff_id " + amd64_diff_id}) {
        INFO(line);
        CHECK_THAT(text.out, Catch::Contains(line));
    }
    CHECK_THAT(text.out, Catch::Contains("the image ID: the IMAGE ID `docker images` shows"));
    // A layout sends no requests, and Docker Hub has nothing to do with it.
    CHECK_THAT(text.out, Catch::Contains("\ncost: no requests; 10.77 kB read from disk\n"));
    CHECK_THAT(text.out, !Catch::Contains("Docker Hub"));

    auto document = digestx::test::schema_checked(inspect({example, "-o", "json"}));
    CHECK(document["root"]["digest"] == list_digest);
    CHECK(document["root"]["role"] == "index");
    CHECK(document["root"]["children"].size() == 7);
    const nlohmann::json *amd64 = child_with_digest(document["root"], amd64_manifest);
    REQUIRE(amd64 != nullptr);
    CHECK((*amd64)["size"] == 528);
    CHECK((*amd64)["role"] == "platform-manifest");
    CHECK((*amd64)["platform"]["architecture"] == "amd64");
    CHECK((*amd64)["compressedSize"] == 2809473);
    CHECK((*amd64)["layers"][0]["digest"] == amd64_layer);
    CHECK((*amd64)["layers"][0]["size"] == 2809473);
    CHECK((*amd64)["layers"][0]["diffId"] == amd64_diff_id);
    const auto &config = (*amd64)["children"][0];
    CHECK(config["digest"] == amd64_config);
    CHECK(config["imageId"] == amd64_config);
    CHECK(config["diffIds"][0] == amd64_diff_id);
    CHECK(config["created"] == "2021-11-12T17:20:08.442217528Z");
    CHECK(document["reference"]["source"]["path"] == "examples/alpine-3.12");
    CHECK(document["requests"]["dockerHubPulls"] == 0);
}

TEST_CASE("the JSON example in docs/inspect-json.md is what the command prints", "[inspect][docs]") {
    std::string documented = digestx::test::inspect_schema_example();
    REQUIRE_FALSE(documented.empty());
    ProcessResult result = inspect({example, "--platform", "linux/amd64", "-o", "json"});
    REQUIRE(result.exit_code == 0);
    CHECK(documented == result.out);
    CHECK(digestx::test::check_inspect_schema(nlohmann::json::parse(documented)).empty());
}

TEST_CASE("platform selection picks the entry docker pull --platform would use", "[inspect][platform]") {
    struct Case {
        std::string platform;
        std::string manifest;
        std::string shown;
    };
    std::vector<Case> cases = {
        {"linux/arm64", arm64_manifest, "linux/arm64"},   {"linux/arm64/v8", arm64_manifest, "linux/arm64"},
        {"linux/aarch64", arm64_manifest, "linux/arm64"}, {"linux/arm", armv7_manifest, "linux/arm/v7"},
        {"linux/amd64", amd64_manifest, "linux/amd64"},   {"linux/x86_64", amd64_manifest, "linux/amd64"}};
    for (const auto &c : cases) {
        INFO("--platform " << c.platform);
        ProcessResult json = inspect({example, "--platform", c.platform, "-o", "json"});
        REQUIRE(json.exit_code == 0);
        auto document = nlohmann::json::parse(json.out);
        CHECK(document["selected"] == c.manifest);
        REQUIRE(document["root"]["children"].size() == 1);
        CHECK(document["root"]["children"][0]["digest"] == c.manifest);
        ProcessResult text = inspect({example, "--platform", c.platform, "--explain"}, "C");
        CHECK_THAT(text.out, Catch::Contains(c.shown + " manifest  " + c.manifest.substr(7, 12)));
        CHECK_THAT(text.out, Catch::Contains("<- --platform " + c.shown));
    }
}

TEST_CASE("inspect fails cleanly when the image or platform is not there", "[inspect][errors]") {
    struct Case {
        std::vector<std::string> args;
        int exit_code;
        std::string message;
    };
    std::vector<Case> cases = {
        {{example, "--platform", "windows/amd64"},
         3,
         "no manifest for windows/amd64 in index " + list_digest +
             " (available: linux/386, linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64, linux/ppc64le, "
             "linux/s390x)"},
        {{"oci:examples/alpine-3.12:3.13"},
         3,
         "tag \"3.13\" not found in layout \"examples/alpine-3.12\" (tags: 3.12)"},
        {{"oci:examples/no-such-layout:1"}, 3, "no OCI layout directory at \"examples/no-such-layout\""},
        {{"oci:examples:1"}, 3, "\"examples\" is not an OCI layout (no oci-layout file)"},
        {{"oci:examples/alpine-3.12@sha256:" + std::string(64, '0')}, 3, "not found in layout"},
        {{example, "--platform", "linux/"}, 2, ""},
        {{"docker-archive:alpine.tar"}, 3, "cannot read archive \"alpine.tar\": No such file or directory"},
        {{"Alpine"}, 2, "must be lowercase"},
    };
    for (const auto &c : cases) {
        INFO(c.args.at(0) << " " << (c.args.size() > 2 ? c.args[2] : ""));
        ProcessResult result = inspect(c.args);
        INFO(result.err);
        CHECK(result.exit_code == c.exit_code);
        CHECK(result.out.empty());
        CHECK(result.err.starts_with("digestx: error: "));
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
        CHECK_THAT(result.err, Catch::Contains(c.message));
    }
}

TEST_CASE("a corrupted blob fails its node, exits 5, and the rest of the tree is still shown", "[inspect][errors]") {
    digestx::test::TempDir temp;
    std::filesystem::path layout = std::filesystem::path(temp.path()) / "alpine";
    std::filesystem::copy(std::filesystem::path(digestx::test::source_dir()) / "examples" / "alpine-3.12", layout,
                          std::filesystem::copy_options::recursive);
    std::filesystem::path blob = layout / "blobs" / "sha256" / arm64_manifest.substr(7);
    std::string bytes = digestx::test::read_file(blob.string());
    bytes[bytes.size() / 2] ^= 0x01;
    std::filesystem::permissions(blob, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;

    ProcessResult result = inspect({"oci:" + layout.string() + ":3.12", "--explain"}, "C");
    INFO(result.out << result.err);
    CHECK(result.exit_code == 5);
    CHECK_THAT(result.out, Catch::Contains("|- linux/arm64 manifest  7d58ffc1ab67  docker-manifest  527 B\n|     error "
                                           "(integrity, exit 5): integrity failure: layout blob " +
                                           arm64_manifest + " hashes to sha256:"));
    CHECK_THAT(result.out, Catch::Contains("image config  b0925e081921  docker-config  1.47 kB"));
    CHECK_THAT(result.out, Catch::Contains("`- linux/s390x manifest  44cd75df41ff"));
    CHECK_THAT(result.err, Catch::StartsWith("digestx: error: 1 of 14 documents could not be read; the worst: "
                                             "integrity failure: layout blob " +
                                             arm64_manifest));

    ProcessResult json = inspect({"oci:" + layout.string() + ":3.12", "-o", "json"});
    CHECK(json.exit_code == 5);
    auto document = nlohmann::json::parse(json.out);
    const nlohmann::json *arm64 = child_with_digest(document["root"], arm64_manifest);
    REQUIRE(arm64 != nullptr);
    CHECK((*arm64)["role"] == "not-read");
    CHECK((*arm64)["error"]["code"] == "integrity");
    CHECK((*arm64)["error"]["exitCode"] == 5);
    CHECK(digestx::test::check_inspect_schema(document).empty());

    // The root itself corrupted: nothing to show, the ordinary error path.
    std::filesystem::path root = layout / "blobs" / "sha256" / list_digest.substr(7);
    std::filesystem::permissions(root, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(root, std::ios::binary | std::ios::app) << " ";
    ProcessResult broken = inspect({"oci:" + layout.string() + ":3.12"});
    CHECK(broken.exit_code == 5);
    CHECK(broken.out.empty());
    CHECK_THAT(broken.err, Catch::Contains("integrity failure: layout blob " + list_digest));
}

TEST_CASE("inspect --referrers finds the manifests of a layout that name an image as subject", "[inspect][referrers]") {
    digestx::test::TempDir temp;
    std::filesystem::path layout = std::filesystem::path(temp.path()) / "alpine";
    std::filesystem::copy(std::filesystem::path(digestx::test::source_dir()) / "examples" / "alpine-3.12", layout,
                          std::filesystem::copy_options::recursive);
    // Two artifacts as `oras attach` writes them into a layout: one about the list, one about amd64.
    struct Attached {
        std::string subject;
        std::string subject_type;
        std::string artifact_type;
        std::string digest;
    };
    std::vector<Attached> attached = {
        {list_digest,
         "application/vnd.docker.distribution.manifest.list.v2+json",
         "application/vnd.dev.cosign.artifact.sig.v1+json",
         {}},
        {amd64_manifest, "application/vnd.docker.distribution.manifest.v2+json", "application/spdx+json", {}},
    };
    std::filesystem::path index_path = layout / "index.json";
    auto index = nlohmann::json::parse(digestx::test::read_file(index_path.string()));
    for (auto &a : attached) {
        std::string subject_bytes =
            digestx::test::read_file((layout / "blobs" / "sha256" / a.subject.substr(7)).string());
        nlohmann::ordered_json manifest = {
            {"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"artifactType", a.artifact_type},
            {"config",
             {{"mediaType", "application/vnd.oci.empty.v1+json"},
              {"digest", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
              {"size", 2}}},
            {"layers", nlohmann::json::array()},
            {"subject", {{"mediaType", a.subject_type}, {"digest", a.subject}, {"size", subject_bytes.size()}}},
        };
        std::string bytes = manifest.dump();
        a.digest = digestx::Digest::compute(bytes).str();
        std::ofstream(layout / "blobs" / "sha256" / a.digest.substr(7), std::ios::binary) << bytes;
        index["manifests"].push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                      {"digest", a.digest},
                                      {"size", bytes.size()}});
    }
    std::filesystem::permissions(index_path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(index_path, std::ios::binary | std::ios::trunc) << index.dump();

    ProcessResult result = inspect({"oci:" + layout.string() + ":3.12", "--referrers", "-o", "json"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto document = nlohmann::json::parse(result.out);
    CHECK(digestx::test::check_inspect_schema(document).empty());
    const nlohmann::json *signature = child_with_digest(document["root"], attached[0].digest);
    REQUIRE(signature != nullptr);
    CHECK((*signature)["role"] == "referrer");
    CHECK((*signature)["title"] == "signature referrer");
    CHECK((*signature)["referrersVia"] == "oci-layout");
    const nlohmann::json *amd64 = child_with_digest(document["root"], amd64_manifest);
    REQUIRE(amd64 != nullptr);
    const nlohmann::json *sbom = child_with_digest(*amd64, attached[1].digest);
    REQUIRE(sbom != nullptr);
    CHECK((*sbom)["title"] == "SBOM referrer");
    CHECK((*sbom)["artifactType"] == "application/spdx+json");
    CHECK(child_with_digest(document["root"], attached[1].digest) == nullptr);

    ProcessResult text = inspect({"oci:" + layout.string() + ":3.12", "--referrers", "--explain"}, "C");
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("signature referrer  " + attached[0].digest.substr(7, 12)));
    CHECK_THAT(text.out, Catch::Contains("referrers listed for 8 manifests through the layout's index.json: 2 found"));
    // In the picture a referrer points at its subject, dashed: it is not part of the subject.
    ProcessResult dot = inspect({"oci:" + layout.string() + ":3.12", "--referrers", "-o", "dot"});
    REQUIRE(dot.exit_code == 0);
    CHECK_THAT(dot.out, Catch::Contains("signature referrer\\n" + attached[0].digest.substr(7, 12)));
    CHECK_THAT(dot.out, Catch::Contains(" -> n0 [style=dashed, label=\"subject\"];"));
    std::string amd64_node = "n" + std::to_string((*amd64)["id"].get<int>());
    CHECK_THAT(dot.out, Catch::Contains(" -> " + amd64_node + " [style=dashed, label=\"subject\"];"));
    CHECK_THAT(dot.out, !Catch::Contains(amd64_node + " -> n" + std::to_string((*sbom)["id"].get<int>()) + ";"));
    // Without the flag, nothing attached is shown: the image's graph is the same as before.
    ProcessResult plain = inspect({"oci:" + layout.string() + ":3.12", "-o", "json"});
    REQUIRE(plain.exit_code == 0);
    CHECK(plain.out.find("referrer") == std::string::npos);
}

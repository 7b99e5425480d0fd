// `digestx inspect` on every OCI layout of ../shared/conformance/layouts (peer test data from
// go-containerregistry, containers/image, regclient and oras-go), read in place: every image of
// every layout, by digest and by tag, in text and JSON, with the outcome each one must have.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/inspect_schema.hpp"
#include "support/skip.hpp"
#include "support/process.hpp"

using nlohmann::json;

namespace {

// What inspect must do with one image of a layout, when that is not "exit 0".
struct Outcome {
    int exit_code;
    std::string message; // in stdout (a node of a printed tree) or stderr (the root failed)
};

// The finding a descriptor of the other flavour gives, as the text output ends it.
const std::string mismatch_finding =
    "but the document's mediaType is application/vnd.docker.distribution.manifest.v2+json: both name an image "
    "manifest, so it is read as the document says, as containerd reads it (--strict refuses it) "
    "[media-type-mismatch]";

// Keyed by layout and the first 12 hex digits of the index.json entry. Each one is a fact of the
// data, checked by hand: the peers' loaders skip the check digestx makes.
const std::map<std::pair<std::string, std::string>, Outcome> &exceptions() {
    static const std::map<std::pair<std::string, std::string>, Outcome> table = {
        // The config blob a5271791… is 740 bytes (584 in multiple_images) where its manifest says
        // 585: containers/image's delete fixtures never read configs. Descriptor sizes bind.
        {{"cimage-delete_image_only_one_image", "eaa95f3cfaac"}, {5, "size 740 differs from descriptor size 585"}},
        {{"cimage-delete_image_multiple_images", "0dc27f36a618"}, {5, "size 584 differs from descriptor size 585"}},
        // Non-standard: the manifest lives in shared_blobs/, which a plain OCI layout reader
        // does not know; the root blob is missing from blobs/.
        {{"cimage-delete_image_shared_blobs_dir", "eaa95f3cfaac"},
         {3, "blob sha256:eaa95f3cfaac07c8a5153eb77c933269586ad0226c83405776be08547e4d2a18 not found in layout"}},
        // Incomplete on purpose: the only entry's blob is absent.
        {{"gcr-test_gc_image_unknown_mediatype", "325899857025"},
         {3, "blob sha256:32589985702551b6c56033bb3334432a0a513bf9d6aceda0f67c42b003850720 not found in layout"}},
        // index.json and the nested indexes call eebff607… an OCI manifest; its body says Docker
        // schema2. Both are image manifests: it is read as its body says, as go-containerregistry
        // (whose test data this is) and containerd read it, with a warning; --strict refuses it.
        {{"gcr-test_index", "eebff607b162"}, {0, mismatch_finding}},
        {{"gcr-test_index", "05f95b26ed10"}, {0, mismatch_finding}},
        {{"gcr-test_index", "2b29a2b8dea3"}, {0, mismatch_finding}},
        {{"gcr-test_gc_index", "eebff607b162"}, {0, mismatch_finding}},
        {{"gcr-test_gc_index", "05f95b26ed10"}, {0, mismatch_finding}},
        {{"gcr-test_gc_index", "2b29a2b8dea3"}, {0, mismatch_finding}},
        // Tag "2" names a descriptor blob, not a manifest: there is no image to inspect.
        {{"gcr-test_index", "325899857025"}, {5, "is not a manifest type"}},
        // Partial by design: ten of the eleven platform manifests of hello-world are absent.
        {{"oras-hello-world", "faa03e786c97"},
         {3, "error (not-found, exit 3): blob sha256:7b8b7289d0536a08eabdf71c20246e23f7116641db7e1d278592236ea4dcb30c "
             "not found in layout"}},
    };
    return table;
}

struct Entry {
    std::string digest;
    std::string tag; // "" when the entry has none
};

std::vector<Entry> entries_of(const std::string &layout) {
    std::vector<Entry> out;
    json index = json::parse(digestx::test::read_file(layout + "/index.json"));
    for (const auto &manifest : index["manifests"]) {
        std::string tag;
        if (manifest.contains("annotations")) {
            tag = manifest["annotations"].value("org.opencontainers.image.ref.name", "");
        }
        out.push_back({manifest["digest"].get<std::string>(), tag});
    }
    return out;
}

std::string layouts_dir() {
    std::string shared = digestx::test::shared_dir();
    return shared.empty() ? shared : shared + "/conformance/layouts";
}

} // namespace

TEST_CASE("inspect handles every conformance layout with its documented outcome", "[conformance][inspect]") {
    std::string root = layouts_dir();
    if (root.empty()) {
        DIGESTX_SKIP("../shared is absent: layout conformance is skipped");
    }
    std::size_t layouts = 0;
    std::size_t runs = 0;
    std::set<std::pair<std::string, std::string>> used;
    for (const auto &dir : std::filesystem::directory_iterator(root)) {
        if (!std::filesystem::exists(dir.path() / "oci-layout")) continue;
        ++layouts;
        std::string name = dir.path().filename().string();
        std::set<std::string> tags_seen;
        for (const auto &entry : entries_of(dir.path().string())) {
            auto key = std::make_pair(name, entry.digest.substr(7, 12));
            auto found = exceptions().find(key);
            Outcome expected = found == exceptions().end() ? Outcome{0, ""} : found->second;
            if (found != exceptions().end()) used.insert(key);
            std::vector<std::string> refs{"oci:" + dir.path().string() + "@" + entry.digest};
            // A tag names the first entry that carries it (two_identical_references has two "1.0.0").
            if (!entry.tag.empty() && tags_seen.insert(entry.tag).second) {
                refs.push_back("oci:" + dir.path().string() + ":" + entry.tag);
            }
            for (const auto &ref : refs) {
                INFO(ref);
                ++runs;
                // The explained tree: each message on one line, as the expectations quote it.
                auto text = digestx::test::run_in_process({"inspect", "--explain", ref});
                INFO(text.out << text.err);
                CHECK(text.exit_code == expected.exit_code);
                CHECK_THAT(text.out + text.err, Catch::Contains(expected.message));
                auto as_json = digestx::test::run_in_process({"inspect", "-o", "json", ref});
                CHECK(as_json.exit_code == expected.exit_code);
                if (as_json.out.empty()) continue; // the root failed: nothing printed
                auto document = json::parse(as_json.out);
                CHECK(document["root"]["digest"] == entry.digest);
                if (expected.message == mismatch_finding) {
                    bool warned = false;
                    for (const auto &finding : document["findings"])
                        warned = warned || (finding["code"] == "media-type-mismatch" && finding["level"] == "warning");
                    CHECK(warned);
                }
                auto problems = digestx::test::check_inspect_schema(document);
                for (const auto &problem : problems)
                    UNSCOPED_INFO(problem);
                CHECK(problems.empty());
                auto dot = digestx::test::run_in_process({"inspect", "-o", "dot", ref});
                CHECK(dot.exit_code == expected.exit_code);
                CHECK(dot.out.starts_with("digraph digestx {\n"));
            }
        }
    }
    CHECK(layouts == 12);
    CHECK(runs >= 60);
    CHECK(used.size() == exceptions().size()); // every documented exception still happens
}

TEST_CASE("facts the layouts' README asserts are what inspect reports", "[conformance][inspect]") {
    std::string root = layouts_dir();
    if (root.empty()) {
        DIGESTX_SKIP("../shared is absent: layout conformance is skipped");
    }
    auto inspect = [&](const std::string &ref) {
        auto result = digestx::test::run_in_process({"inspect", "-o", "json", "oci:" + root + "/" + ref});
        INFO(ref << ": " << result.err);
        return result.out.empty() ? json() : json::parse(result.out);
    };
    json helm = inspect("gcr-test_index_media_type");
    CHECK_THAT(helm["root"]["digest"].get<std::string>(), Catch::StartsWith("sha256:b544f71e"));
    CHECK(helm["root"]["role"] == "artifact");
    CHECK(helm["root"]["children"][0]["mediaType"] == "application/vnd.cncf.helm.config.v1+json");
    CHECK_THAT(inspect("gcr-test_index_one_image")["root"]["digest"].get<std::string>(),
               Catch::StartsWith("sha256:98ceaf93"));

    json b1 = inspect("regclient-testrepo:b1");
    std::vector<std::string> titles;
    for (const auto &child : b1["root"]["children"])
        titles.push_back(child["title"]);
    CHECK(titles == std::vector<std::string>{"linux/amd64 manifest", "linux/arm64 manifest", "linux/arm/v7 manifest",
                                             "linux/arm/v6 manifest"});
    json v1 = inspect("regclient-testrepo:v1");
    CHECK(v1["root"]["children"][2]["title"] == "builder manifest");
    CHECK(v1["root"]["children"][2]["role"] == "artifact");
    CHECK(v1["findings"].empty());
    CHECK(inspect("regclient-testrepo:a3")["root"]["role"] == "artifact");
    CHECK(inspect("regclient-testrepo:ai")["root"]["children"][1]["role"] == "artifact");

    auto hello = digestx::test::run_in_process({"inspect", "--explain", "oci:" + root + "/oras-hello-world:latest"});
    CHECK(hello.exit_code == 3);
    CHECK_THAT(hello.out, Catch::Contains("linux/amd64 manifest  f54a58bc1aac  docker-manifest  525 B"));
    CHECK_THAT(hello.err, Catch::StartsWith("digestx: error: 10 of 13 documents could not be read"));

    auto multi = inspect("cimage-delete_image_multiple_images:3.16.7");
    CHECK(multi["root"]["role"] == "index");
    CHECK(multi["root"]["children"].size() == 2);
}

TEST_CASE("go-containerregistry's OCI descriptor of a Docker manifest: a warning, an error with --strict",
          "[conformance][inspect][B4]") {
    // gcr-test_index's index.json calls eebff607… an OCI manifest; the body says Docker schema2.
    // go-containerregistry (whose test data it is) and containerd (core/images/image.go
    // validateMediaType compares kinds only) read it; --strict holds to image-spec's descriptor
    // `mediaType` ("the media type of the referenced content").
    std::string root = layouts_dir();
    if (root.empty()) {
        DIGESTX_SKIP("../shared is absent: layout conformance is skipped");
    }
    const std::string image = "oci:" + root + "/gcr-test_index:1";
    const std::string nested = "oci:" + root + "/gcr-test_index:3";
    const std::string refused = "media type mismatch: descriptor application/vnd.oci.image.manifest.v1+json vs "
                                "document mediaType application/vnd.docker.distribution.manifest.v2+json (--strict)";

    auto read = digestx::test::run_in_process({"inspect", "-o", "json", image});
    REQUIRE(read.exit_code == 0);
    json tree = json::parse(read.out);
    CHECK(tree["root"]["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json");
    CHECK(tree["root"]["fetch"]["contentType"] == "application/vnd.oci.image.manifest.v1+json");
    REQUIRE(tree["findings"].size() == 1);
    CHECK(tree["findings"][0]["code"] == "media-type-mismatch");
    CHECK(tree["findings"][0]["level"] == "warning");
    CHECK(tree["findings"][0]["node"] == 0);
    CHECK(tree["root"]["children"][0]["imageId"] ==
          "sha256:6e0b05049ed9c17d02e1a55e80d6599dbfcce7f4f4b022e3c673e685789c470e");

    auto strict = digestx::test::run_in_process({"--strict", "inspect", image});
    CHECK(strict.exit_code == 5);
    CHECK(strict.out.empty());
    CHECK(strict.err == "digestx: error: " + refused + "\n");
    // Below an index, only that entry fails: the index itself is still shown.
    auto strict_nested = digestx::test::run_in_process({"--strict", "inspect", "--explain", nested});
    CHECK(strict_nested.exit_code == 5);
    CHECK_THAT(strict_nested.out, Catch::Contains("image index  05f95b26ed10"));
    CHECK_THAT(strict_nested.out, Catch::Contains("error (integrity, exit 5): " + refused));

    // The commands that walk to one platform apply the same rule.
    for (const auto &command : {"manifest", "config"}) {
        INFO(command);
        auto plain = digestx::test::run_in_process({command, "--platform", "linux/amd64", nested});
        CHECK(plain.exit_code == 0);
        auto refusing = digestx::test::run_in_process({"--strict", command, "--platform", "linux/amd64", nested});
        CHECK(refusing.exit_code == 5);
        CHECK_THAT(refusing.err, Catch::Contains(refused));
    }
}

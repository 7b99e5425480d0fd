// The accept-dependent findings: distribution's GetManifest (registry/handlers/manifests.go,
// 2.8.2 and 3.x) as explain() models it, for graphs read with digestx's default Accept list. The
// same rule is checked against the real registry in tests/integration/accept_rule_test.cpp.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::EntrySpec;
using digestx::test::MemorySource;

namespace {

const std::string docker_list(media::docker_manifest_list);
const std::string docker_v2(media::docker_manifest_v2);
const std::string oci_index(media::oci_index);
const std::string oci_manifest(media::oci_manifest);

struct Image {
    std::string bytes;
    std::string digest;
};

Image add_image(MemorySource &source, const std::string &media_type, const std::string &platform) {
    std::string config = test::make_config(platform, {test::sha256_of("diff " + platform)});
    std::string manifest = test::make_manifest(media_type, source.add(config), config.size(),
                                               {{test::sha256_of("layer " + platform), 10}});
    return {manifest, source.add(manifest, media_type)};
}

EntrySpec entry(const Image &image, const std::string &media_type, const std::string &platform) {
    return {media_type, image.digest, image.bytes.size(), platform, {}};
}

// Resolves `reference` (":t" or "@<digest>" after registry.test/app, or an oci: layout) against
// the source, with `top` tagged t.
ImageTree walk(MemorySource &source, const std::string &top, const std::string &media_type,
               const std::string &reference) {
    source.tag("t", source.add(top, media_type));
    auto parsed = parse_reference(reference);
    REQUIRE(parsed);
    auto tree = resolve(source, *parsed, {});
    REQUIRE(tree);
    return std::move(*tree);
}

std::vector<Finding> accept_findings(const ImageTree &tree) {
    std::vector<Finding> found;
    for (const auto &finding : explain(tree).findings) {
        if (finding.code == "accept-dependent") found.push_back(finding);
    }
    return found;
}

} // namespace

TEST_CASE("a list by tag: a schema2-only client is given the first linux/amd64 entry, variant or not",
          "[explain][accept]") {
    MemorySource source;
    Image amd64_v2 = add_image(source, docker_v2, "linux/amd64/v2");
    Image amd64 = add_image(source, docker_v2, "linux/amd64");
    Image arm64 = add_image(source, docker_v2, "linux/arm64");
    std::string list =
        test::make_index(docker_list, {entry(amd64_v2, docker_v2, "linux/amd64/v2"),
                                       entry(amd64, docker_v2, "linux/amd64"), entry(arm64, docker_v2, "linux/arm64")});
    ImageTree tree = walk(source, list, docker_list, "registry.test/app:t");
    auto found = accept_findings(tree);
    REQUIRE(found.size() == 1);
    CHECK(found[0].level == FindingLevel::Info);
    CHECK(found[0].message ==
          "the distribution registry (registry:2, registry:3) serves a client whose Accept has the schema2 type but "
          "not the manifest list type, for this tag, the list's first linux/amd64 entry instead of the list: " +
              amd64_v2.digest +
              " (linux/amd64/v2: distribution does not look at the variant), the digest that "
              "client then records");
    REQUIRE(found[0].node);
    CHECK(tree.nodes[*found[0].node].digest_text() == amd64_v2.digest);
    CHECK(tree.nodes[*found[0].node].entry == std::size_t{0});

    SECTION("the same list by digest is served as it is: no finding") {
        MemorySource again;
        for (const Image *image : {&amd64_v2, &amd64, &arm64})
            again.add(image->bytes, docker_v2);
        ImageTree by_digest = walk(again, list, docker_list, "registry.test/app:t@" + test::sha256_of(list));
        CHECK(accept_findings(by_digest).empty());
    }
}

TEST_CASE("a list by tag: an OCI linux/amd64 entry is served to any client lacking the list type",
          "[explain][accept]") {
    MemorySource source;
    Image amd64 = add_image(source, oci_manifest, "linux/amd64");
    std::string list = test::make_index(docker_list, {entry(amd64, oci_manifest, "linux/amd64")});
    auto found = accept_findings(walk(source, list, docker_list, "registry.test/app:t"));
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::StartsWith("the distribution registry (registry:2, registry:3) serves a "
                                                   "client whose Accept lacks the manifest list type, for this tag"));
    CHECK_THAT(found[0].message, Catch::Contains(amd64.digest + " (linux/amd64), the digest"));
}

TEST_CASE("a list by tag without a linux/amd64 entry is a 404 for a client lacking the list type",
          "[explain][accept]") {
    MemorySource source;
    Image arm64 = add_image(source, docker_v2, "linux/arm64");
    // Written as "Linux/AMD64", the entry is not distribution's linux/amd64: it compares as written.
    Image shouting = add_image(source, docker_v2, "Linux/AMD64");
    std::string list = test::make_index(docker_list, {entry(arm64, docker_v2, "linux/arm64")});
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(list);
    document["manifests"].push_back({{"mediaType", docker_v2},
                                     {"digest", shouting.digest},
                                     {"size", shouting.bytes.size()},
                                     {"platform", {{"architecture", "AMD64"}, {"os", "Linux"}}}});
    auto found = accept_findings(walk(source, document.dump(3), docker_list, "registry.test/app:t"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].message == "the distribution registry (registry:2, registry:3) answers 404 MANIFEST_UNKNOWN for "
                              "this tag to a client whose Accept lacks the manifest list type: the list has no "
                              "linux/amd64 entry to serve instead");
    CHECK(found[0].node == std::size_t{0});
}

TEST_CASE("an OCI index is a 404 for a client lacking its type on registry:2, by tag and by digest",
          "[explain][accept]") {
    const std::string expected = "the distribution registry 2.x (registry:2) answers 404 MANIFEST_UNKNOWN to a client "
                                 "whose Accept lacks the OCI index type, by tag and by digest alike; 3.x (registry:3) "
                                 "serves it the index";
    for (std::string suffix : {":t", "@"}) {
        INFO(suffix);
        MemorySource source;
        Image amd64 = add_image(source, oci_manifest, "linux/amd64");
        std::string index = test::make_index(oci_index, {entry(amd64, oci_manifest, "linux/amd64")});
        if (suffix == "@") suffix += test::sha256_of(index);
        auto found = accept_findings(walk(source, index, oci_index, "registry.test/app" + suffix));
        REQUIRE(found.size() == 1);
        CHECK(found[0].message == expected);
        CHECK(found[0].node == std::size_t{0});
    }
}

TEST_CASE("an index without mediaType is served to every client: no finding", "[explain][accept]") {
    MemorySource source;
    Image amd64 = add_image(source, oci_manifest, "linux/amd64");
    nlohmann::ordered_json index =
        nlohmann::ordered_json::parse(test::make_index(oci_index, {entry(amd64, oci_manifest, "linux/amd64")}));
    index.erase("mediaType");
    CHECK(accept_findings(walk(source, index.dump(3), oci_index, "registry.test/app:t")).empty());
}

TEST_CASE("a single OCI manifest is a 404 for a client lacking the OCI manifest type, by tag and by digest",
          "[explain][accept]") {
    for (bool by_tag : {true, false}) {
        INFO("by tag " << by_tag);
        MemorySource source;
        Image hello = add_image(source, oci_manifest, "linux/amd64");
        auto found = accept_findings(walk(source, hello.bytes, oci_manifest,
                                          by_tag ? "registry.test/app:t" : "registry.test/app@" + hello.digest));
        REQUIRE(found.size() == 1);
        CHECK(found[0].message ==
              "the distribution registry (registry:2, registry:3) answers 404 MANIFEST_UNKNOWN to a "
              "client whose Accept lacks the OCI manifest type, by tag and by digest alike");
        CHECK(found[0].node == std::size_t{0});
    }
}

TEST_CASE("a schema2 manifest by tag is converted to schema1 by registry:2 for a client lacking schema2",
          "[explain][accept]") {
    MemorySource source;
    Image amd64 = add_image(source, docker_v2, "linux/amd64");
    auto found = accept_findings(walk(source, amd64.bytes, docker_v2, "registry.test/app:t"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].message == "the distribution registry 2.x (registry:2) serves a client whose Accept lacks the "
                              "schema2 type (or that sends none), for this tag, a schema1 conversion of this "
                              "manifest, of another digest; 3.x (registry:3) serves it the manifest as it is");

    // By digest it is served unconverted.
    MemorySource again;
    Image same = add_image(again, docker_v2, "linux/amd64");
    CHECK(accept_findings(walk(again, same.bytes, docker_v2, "registry.test/app@" + same.digest)).empty());
}

TEST_CASE("a schema2 manifest registry:2 cannot convert to schema1 is refused to a client lacking schema2",
          "[explain][accept]") {
    // manifest/schema1/config_builder.go Build: a history, one diff_id per layer, and no more
    // non-empty history entries than diff_ids.
    struct Case {
        std::string name;
        nlohmann::ordered_json history;
        std::size_t diff_ids;
        bool convertible;
    };
    const nlohmann::ordered_json step{{"created_by", "RUN true"}};
    const nlohmann::ordered_json empty_step{{"created_by", "ENV A=b"}, {"empty_layer", true}};
    const std::vector<Case> cases = {
        {"one step, one layer", nlohmann::ordered_json::array({step}), 1, true},
        {"an empty step besides", nlohmann::ordered_json::array({empty_step, step}), 1, true},
        {"no history", nlohmann::ordered_json::array(), 1, false},
        {"two diff_ids for one layer", nlohmann::ordered_json::array({step}), 2, false},
        {"two layer steps for one diff_id", nlohmann::ordered_json::array({step, step}), 1, false},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        MemorySource source;
        nlohmann::ordered_json config{{"architecture", "amd64"}, {"os", "linux"}};
        config["rootfs"] = {{"type", "layers"}, {"diff_ids", nlohmann::ordered_json::array()}};
        for (std::size_t i = 0; i < c.diff_ids; ++i)
            config["rootfs"]["diff_ids"].push_back(test::sha256_of("diff " + std::to_string(i)));
        if (!c.history.empty()) config["history"] = c.history;
        std::string config_bytes = config.dump();
        std::string manifest = test::make_manifest(docker_v2, source.add(config_bytes), config_bytes.size(),
                                                   {{test::sha256_of("layer"), 10}});
        auto found = accept_findings(walk(source, manifest, docker_v2, "registry.test/app:t"));
        REQUIRE(found.size() == 1);
        CHECK_THAT(found[0].message, c.convertible ? Catch::Contains("a schema1 conversion of this manifest")
                                                   : Catch::Contains("answers 400 MANIFEST_INVALID, for this tag"));
    }
}

TEST_CASE("a layout has no Accept header: no accept-dependent finding", "[explain][accept]") {
    MemorySource source;
    Image amd64 = add_image(source, docker_v2, "linux/amd64");
    std::string list = test::make_index(docker_list, {entry(amd64, docker_v2, "linux/amd64")});
    CHECK(accept_findings(walk(source, list, docker_list, "oci:/layout:t")).empty());
}

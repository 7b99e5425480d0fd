// distribution's Accept rule (registry/handlers/manifests.go GetManifest), proved against the real
// registry 2.8.2 through the binary: what a client sending only the Docker schema2 type
// (`--accept docker-v2`) is served, by tag and by digest, and that `inspect`'s accept-dependent
// finding, read with digestx's default list, says exactly that. The model is src/explain/
// accept_findings.cpp; tests/unit/accept_findings_test.cpp covers it without a registry.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"

using namespace digestx::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
const std::string docker_v2 = "application/vnd.docker.distribution.manifest.v2+json";
const std::string docker_config = "application/vnd.docker.container.image.v1+json";
const std::string docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const std::string oci_index = "application/vnd.oci.image.index.v1+json";
const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";
const std::string oci_config = "application/vnd.oci.image.config.v1+json";
const std::string oci_layer = "application/vnd.oci.image.layer.v1.tar+gzip";
const std::string repository = "accept/rule";

std::string sha256(const std::string &bytes) {
    return digestx::Digest::compute(bytes).str();
}

// The documents of the bench, in push order (children before the indexes naming them).
struct Documents {
    std::vector<FixtureBlob> blobs;
    std::vector<FixtureManifest> manifests;

    // A one-layer image of os/architecture[/variant], Docker schema2 or OCI, its config with a
    // history or without one.
    FixtureManifest image(bool oci, const std::string &os, const std::string &architecture, const std::string &variant,
                          bool history = true) {
        std::string label = (oci ? "oci " : "docker ") + os + "/" + architecture +
                            (variant.empty() ? "" : "/" + variant) + (history ? "" : " without history");
        std::string layer = std::string(synthetic_marker) + " accept layer " + label;
        Json config;
        config["architecture"] = architecture;
        config["os"] = os;
        if (!variant.empty()) config["variant"] = variant;
        config["config"] = {{"Labels", {{"org.digestx.test", std::string(synthetic_marker) + " " + label}}}};
        config["created"] = "2021-11-12T17:20:08Z";
        // distribution 2.8 converts to schema1 only an image with a history (schema1/config_builder.go).
        if (history)
            config["history"] = Json::array({Json{{"created", "2021-11-12T17:20:08Z"}, {"created_by", label}}});
        config["rootfs"] = {{"type", "layers"}, {"diff_ids", {sha256(layer + " (uncompressed)")}}};
        std::string config_bytes = config.dump();
        blobs.push_back({repository, oci ? oci_config : docker_config, sha256(config_bytes), config_bytes});
        blobs.push_back({repository, oci ? oci_layer : docker_layer, sha256(layer), layer});
        Json manifest;
        manifest["schemaVersion"] = 2;
        manifest["mediaType"] = oci ? oci_manifest : docker_v2;
        manifest["config"] = {{"mediaType", oci ? oci_config : docker_config},
                              {"size", config_bytes.size()},
                              {"digest", sha256(config_bytes)}};
        manifest["layers"] = Json::array(
            {Json{{"mediaType", oci ? oci_layer : docker_layer}, {"size", layer.size()}, {"digest", sha256(layer)}}});
        return add(oci ? oci_manifest : docker_v2, manifest.dump(3), {});
    }

    // An index of `entries` (manifest, platform as os/architecture[/variant]) of `media_type`;
    // `typed` false leaves `mediaType` out of the body, which image-spec allows.
    FixtureManifest index(const std::string &media_type,
                          const std::vector<std::pair<const FixtureManifest *, Json>> &entries, bool typed,
                          const std::string &tag) {
        Json index;
        index["schemaVersion"] = 2;
        if (typed) index["mediaType"] = media_type;
        index["manifests"] = Json::array();
        for (const auto &[manifest, platform] : entries) {
            index["manifests"].push_back({{"mediaType", manifest->media_type},
                                          {"size", manifest->size()},
                                          {"digest", manifest->digest},
                                          {"platform", platform}});
        }
        return add(media_type, index.dump(3), {tag});
    }

    FixtureManifest add(const std::string &media_type, const std::string &bytes, std::vector<std::string> tags) {
        FixtureManifest manifest;
        manifest.repository = repository;
        manifest.tags = std::move(tags);
        manifest.media_type = media_type;
        manifest.digest = sha256(bytes);
        manifest.bytes = bytes;
        manifests.push_back(manifest);
        return manifest;
    }

    // Points `tag` at an already listed manifest (pushed again by that tag).
    void tag(const FixtureManifest &manifest, const std::string &tag) {
        for (auto &listed : manifests) {
            if (listed.digest == manifest.digest) listed.tags.push_back(tag);
        }
    }
};

Json platform(const std::string &os, const std::string &architecture, const std::string &variant = {}) {
    Json out{{"architecture", architecture}, {"os", os}};
    if (!variant.empty()) out["variant"] = variant;
    return out;
}

struct Bench {
    Documents docs;
    FixtureManifest amd64_v2, amd64, arm64, oci_amd64, list, index, untyped, no_history;
    std::unique_ptr<RegistryBed> bed;

    Bench() {
        amd64_v2 = docs.image(false, "linux", "amd64", "v2");
        amd64 = docs.image(false, "linux", "amd64", "");
        arm64 = docs.image(false, "linux", "arm64", "");
        oci_amd64 = docs.image(true, "linux", "amd64", "");
        // (a) The first linux/amd64 entry has a variant; a plain linux/amd64 entry follows.
        list = docs.index(docker_list,
                          {{&amd64_v2, platform("linux", "amd64", "v2")},
                           {&amd64, platform("linux", "amd64")},
                           {&arm64, platform("linux", "arm64")}},
                          true, "list");
        // (b) An OCI index, (c) a single OCI manifest, and an OCI index without mediaType.
        index = docs.index(oci_index, {{&oci_amd64, platform("linux", "amd64")}}, true, "index");
        docs.tag(oci_amd64, "single");
        untyped = docs.index(oci_index, {{&oci_amd64, platform("linux", "amd64")}}, false, "untyped");
        // A single schema2 manifest by tag, and one whose config has no history.
        docs.tag(amd64, "schema2");
        no_history = docs.image(false, "linux", "amd64", "", false);
        docs.tag(no_history, "no-history");
        bed = fresh_bed(BedMode::Open, false);
        push_documents(*bed, docs.blobs, docs.manifests);
    }

    [[nodiscard]] std::string by_tag(const std::string &tag) const { return bed->reference(repository + ":" + tag); }
    [[nodiscard]] std::string by_digest(const std::string &digest) const {
        return bed->reference(repository + "@" + digest);
    }
};

Bench &bench() {
    static Bench instance;
    return instance;
}

// The messages of `inspect -o json REF`'s accept-dependent findings, read with the default list.
std::vector<std::string> accept_findings(const std::string &reference) {
    auto result = run_digestx({"inspect", "-o", "json", reference});
    INFO(reference << "\n" << result.err);
    REQUIRE(result.exit_code == 0);
    std::vector<std::string> found;
    const Json document = Json::parse(result.out);
    for (const auto &finding : document["findings"]) {
        if (finding["code"] == "accept-dependent") found.push_back(finding["message"].get<std::string>());
    }
    return found;
}

// What `manifest --head --accept PRESET` reports of the registry's answer.
Json head(const std::string &reference, const std::string &preset) {
    auto result = run_digestx({"manifest", "--head", "-o", "json", "--accept", preset, reference});
    INFO(reference << "\n" << result.err);
    REQUIRE(result.exit_code == 0);
    return Json::parse(result.out)["head"];
}

} // namespace

TEST_CASE("distribution serves a schema2-only client a list's first linux/amd64 entry by tag only, as inspect says",
          "[registry][cli][bed][accept]") {
    Bench &b = bench();
    // By tag: the first linux/amd64 entry, although its variant is v2 and a plain amd64 follows.
    auto served = run_digestx({"manifest", "--accept", "docker-v2", b.by_tag("list")});
    INFO(served.err);
    REQUIRE(served.exit_code == 0);
    CHECK(served.out == b.amd64_v2.bytes);
    const Json answer = head(b.by_tag("list"), "docker-v2");
    CHECK(answer["status"] == 200);
    CHECK(answer["contentType"] == docker_v2);
    CHECK(answer["dockerContentDigest"] == b.amd64_v2.digest);
    CHECK(
        accept_findings(b.by_tag("list")) ==
        std::vector<std::string>{
            "the distribution registry (registry:2, registry:3) serves a client whose Accept has the schema2 type but "
            "not the manifest list type, for this tag, the list's first linux/amd64 entry instead of the list: " +
            sha256(served.out) +
            " (linux/amd64/v2: distribution does not look at the variant), the digest that client then records"});

    // By digest: the list as it is, and no finding.
    auto listed = run_digestx({"manifest", "--accept", "docker-v2", b.by_digest(b.list.digest)});
    REQUIRE(listed.exit_code == 0);
    CHECK(listed.out == b.list.bytes);
    CHECK(head(b.by_digest(b.list.digest), "docker-v2")["contentType"] == docker_list);
    CHECK(accept_findings(b.by_digest(b.list.digest)).empty());
}

TEST_CASE("registry 2.8 refuses an OCI index and an OCI manifest to a schema2-only client by tag and digest, as "
          "inspect says",
          "[registry][cli][bed][accept]") {
    Bench &b = bench();
    struct Case {
        std::string tag;
        std::string digest;
        std::string refusal; // the registry's MANIFEST_UNKNOWN message
        std::string finding;
    };
    const std::vector<Case> cases = {
        {"index", b.index.digest, "OCI index found, but accept header does not support OCI indexes",
         "the distribution registry 2.x (registry:2) answers 404 MANIFEST_UNKNOWN to a client whose Accept lacks "
         "the OCI index type, by tag and by digest alike; 3.x (registry:3) serves it the index"},
        {"single", b.oci_amd64.digest, "OCI manifest found, but accept header does not support OCI manifests",
         "the distribution registry (registry:2, registry:3) answers 404 MANIFEST_UNKNOWN to a client whose Accept "
         "lacks the OCI manifest type, by tag and by digest alike"},
    };
    for (const auto &c : cases) {
        for (const std::string &reference : {b.by_tag(c.tag), b.by_digest(c.digest)}) {
            INFO(reference);
            auto refused = run_digestx({"manifest", "--accept", "docker-v2", reference});
            CHECK(refused.exit_code == 3);
            CHECK(refused.out.empty());
            CHECK_THAT(refused.err, Catch::Contains("MANIFEST_UNKNOWN") && Catch::Contains(c.refusal));
            CHECK(accept_findings(reference) == std::vector<std::string>{c.finding});
        }
    }
}

TEST_CASE("registry 2.8 serves an index without mediaType to any client, and inspect finds nothing to say",
          "[registry][cli][bed][accept]") {
    Bench &b = bench();
    for (const std::string &reference : {b.by_tag("untyped"), b.by_digest(b.untyped.digest)}) {
        INFO(reference);
        auto served = run_digestx({"manifest", "--accept", "docker-v2", reference});
        INFO(served.err);
        CHECK(served.exit_code == 0);
        CHECK(served.out == b.untyped.bytes);
        CHECK(accept_findings(reference).empty());
    }
}

TEST_CASE("registry 2.8 converts a schema2 manifest to schema1 by tag only for a client without schema2, as "
          "inspect says",
          "[registry][cli][bed][accept]") {
    Bench &b = bench();
    auto converted = run_digestx({"manifest", "--accept", "oci", b.by_tag("schema2")});
    INFO(converted.err);
    REQUIRE(converted.exit_code == 0);
    CHECK(Json::parse(converted.out)["schemaVersion"] == 1);
    // The schema2-only client is served the manifest itself.
    CHECK(run_digestx({"manifest", "--accept", "docker-v2", b.by_tag("schema2")}).out == b.amd64.bytes);
    CHECK(accept_findings(b.by_tag("schema2")) ==
          std::vector<std::string>{
              "the distribution registry 2.x (registry:2) serves a client whose Accept lacks the schema2 type (or "
              "that sends none), for this tag, a schema1 conversion of this manifest, of another digest; 3.x "
              "(registry:3) serves it the manifest as it is"});

    auto unconverted = run_digestx({"manifest", "--accept", "oci", b.by_digest(b.amd64.digest)});
    CHECK(unconverted.exit_code == 0);
    CHECK(unconverted.out == b.amd64.bytes);
    CHECK(accept_findings(b.by_digest(b.amd64.digest)).empty());

    // Without a history in its config, 2.8 cannot build the schema1 document and refuses.
    auto refused = run_digestx({"manifest", "--accept", "oci", b.by_tag("no-history")});
    CHECK(refused.exit_code == 5);
    CHECK_THAT(refused.err, Catch::Contains("HTTP 400") && Catch::Contains("MANIFEST_INVALID"));
    CHECK(accept_findings(b.by_tag("no-history")) ==
          std::vector<std::string>{
              "the distribution registry 2.x (registry:2) answers 400 MANIFEST_INVALID, for this tag, to a client "
              "whose Accept lacks the schema2 type (or that sends none): this image's config (its history against "
              "its layers) cannot be converted to schema1; 3.x (registry:3) serves it the manifest as it is"});
}

TEST_CASE("the preset names --help documented before the clients were named still select their lists",
          "[registry][cli][bed][accept]") {
    Bench &b = bench();
    struct Case {
        std::string old_name;
        std::string header; // the list the old name now selects, under its client's name
    };
    const std::vector<Case> cases = {
        // `full`, the default until the presets were named after clients: the `digestx` list.
        {"full", oci_index + ", " + docker_list + ", " + oci_manifest + ", " + docker_v2 +
                     ", application/vnd.oci.artifact.manifest.v1+json"
                     ", application/vnd.docker.distribution.manifest.v1+prettyjws, "
                     "application/vnd.docker.distribution.manifest.v1+json"},
        // `docker`, Docker types only: docker 1.10 to 18.09's list, which also has no OCI type.
        {"docker", docker_v2 + ", " + docker_list +
                       ", application/vnd.docker.distribution.manifest.v1+prettyjws, "
                       "application/json"},
    };
    for (const auto &c : cases) {
        INFO(c.old_name);
        auto result = run_digestx({"inspect", "-o", "json", "--accept", c.old_name, b.by_tag("list")});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        const Json document = Json::parse(result.out);
        CHECK(document["root"]["fetch"]["accept"] == c.header);
        CHECK(document["root"]["digest"] == b.list.digest);
        CHECK(document["accept"]["preset"] == c.old_name);
    }
    // The default, by its old name too, asks nothing of a layout; another preset is refused there.
    std::string layout = "oci:" + source_dir() + "/examples/alpine-3.12:3.12";
    CHECK(run_digestx({"manifest", "--accept", "full", layout}).exit_code == 0);
    CHECK(run_digestx({"manifest", "--accept", "digestx", layout}).exit_code == 0);
    CHECK(run_digestx({"manifest", "--accept", "docker-v2", layout}).exit_code == 2);
}

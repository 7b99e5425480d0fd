// The fixtures as a real docker-registry 2.8 serves them, and the Accept behaviours of that
// registry which digestx's registry client must cope with (see the fault catalogue, rule 12).

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "support/fixtures.hpp"
#include "support/jose.hpp"

using namespace digestx::test;

namespace {

const std::string docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
const std::string docker_v2 = "application/vnd.docker.distribution.manifest.v2+json";
const std::string docker_v1_signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
const std::string oci_index = "application/vnd.oci.image.index.v1+json";
const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";
const std::string accept_all =
    "Accept: " + oci_index + ", " + oci_manifest + ", " + docker_list + ", " + docker_v2 + ", " + docker_v1_signed;

HttpReply get(const RegistryBed &bed, const std::string &path, const std::string &accept,
              const std::string &method = "GET") {
    HttpCall call = bed.call(method, path);
    if (!accept.empty()) call.headers.push_back(accept);
    return http_call(call);
}

// The payload a schema1 JWS signs: the document up to `formatLength`, then `formatTail`
// (libtrust's pretty signatures). Its sha256 is the digest registries give schema1 manifests.
std::string schema1_payload(const std::string &signed_document) {
    auto document = nlohmann::json::parse(signed_document);
    auto header =
        nlohmann::json::parse(base64url_decode(document["signatures"][0]["protected"].get<std::string>()).value());
    return signed_document.substr(0, header["formatLength"].get<std::size_t>()) +
           base64url_decode(header["formatTail"].get<std::string>()).value();
}

} // namespace

TEST_CASE("fixture digests are stable across runs", "[bed][fixtures]") {
    const FixtureCatalog &catalog = fixture_catalog();
    // Golden values: a change here means the fixture content changed, and every golden test
    // built on these digests must be reviewed.
    CHECK(catalog.alpine_list.digest == "sha256:b5af9c95a5ba2c7779cf4ea49e4761400b4ff8d906fbbae418d62f9734db8311");
    CHECK(catalog.app_index.digest == "sha256:9c131e90ed171ed352919d25672f9e6708f1ecfd89617cae987d0851d30e2ef5");
    CHECK(catalog.hello.digest == "sha256:694c38d6ee7b58187e228c6240dbadbfdbc0414c8e3567cd0d6b4760e9c15f7d");
    CHECK(catalog.hello_sbom.digest == "sha256:b22fc6290d7b445e8ff8000c04cab8984039b668cbb7407c391daa2eef5214ac");
    CHECK(catalog.nested_outer.digest == "sha256:1a12a02593efc3552ef372ab0ee265dd1dbd08d2ec845ee69cd78de9f3678b25");
    CHECK(catalog.legacy.digest == "sha256:7a37ac59c7f8eda5c72d0bf76ce63eea090dddaeb089763c91e8c609d9f18310");
    CHECK(catalog.secret.digest == "sha256:15d90d59148dba7b4872784b5c451fcd2a84ec3e94a97de2d12926d74b2863d2");

    const FixtureManifest &amd64 = catalog.alpine_platforms.at(1);
    CHECK(amd64.digest == "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18");
    CHECK(amd64.size() == 528);
    CHECK(amd64.config_digest == "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507");
    CHECK_FALSE(amd64.synthetic);
    for (const auto *manifest : catalog.manifests()) {
        INFO(manifest->repository << " " << manifest->digest);
        CHECK(sha256_digest(manifest->bytes) == manifest->digest);
        if (!manifest->synthetic || manifest->layer_digests.empty()) continue;
        // A synthetic image says so in its config or its layers (stored gzip keeps the text).
        bool marked = false;
        for (const auto &blob : catalog.blobs) {
            bool ours = blob.digest == manifest->config_digest ||
                        std::count(manifest->layer_digests.begin(), manifest->layer_digests.end(), blob.digest) > 0;
            marked = marked || (ours && blob.bytes.find(synthetic_marker) != std::string::npos);
        }
        CHECK(marked);
    }
    for (const auto &blob : catalog.blobs)
        CHECK(sha256_digest(blob.bytes) == blob.digest);
}

TEST_CASE("the alpine list has the seven real platforms in order, amd64 being the real manifest", "[bed][fixtures]") {
    const FixtureCatalog &catalog = fixture_catalog();
    auto list = nlohmann::json::parse(catalog.alpine_list.bytes);
    const std::vector<std::string> platforms = {"linux/386",      "linux/amd64",   "linux/arm/v6", "linux/arm/v7",
                                                "linux/arm64/v8", "linux/ppc64le", "linux/s390x"};
    REQUIRE(list["manifests"].size() == platforms.size());
    REQUIRE(catalog.alpine_platforms.size() == platforms.size());
    for (std::size_t i = 0; i < platforms.size(); ++i) {
        const auto &entry = list["manifests"][i];
        const FixtureManifest &manifest = catalog.alpine_platforms[i];
        INFO(platforms[i]);
        std::string platform =
            entry["platform"]["os"].get<std::string>() + "/" + entry["platform"]["architecture"].get<std::string>() +
            (entry["platform"].contains("variant") ? "/" + entry["platform"]["variant"].get<std::string>() : "");
        CHECK(platform == platforms[i]);
        CHECK(manifest.platform == platforms[i]);
        CHECK(entry["digest"] == manifest.digest);
        CHECK(entry["size"] == manifest.size());
        CHECK(manifest.synthetic == (platforms[i] != "linux/amd64"));
    }
}

TEST_CASE("the real alpine amd64 manifest is served byte for byte", "[bed][fixtures]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureManifest &amd64 = fixture_catalog().alpine_platforms.at(1);
    for (const std::string &reference : {amd64.digest, std::string("3.12-amd64")}) {
        for (const std::string method : {"GET", "HEAD"}) {
            INFO(method << " " << reference);
            HttpReply reply = get(bed, "/v2/library/alpine/manifests/" + reference, "Accept: " + docker_v2, method);
            CHECK(reply.status == 200);
            CHECK(reply.header("content-type") == docker_v2);
            CHECK(reply.header("docker-content-digest") ==
                  "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18");
            CHECK(reply.header("content-length") == "528");
            if (method == "GET") CHECK(reply.body == amd64.bytes);
        }
    }
    HttpReply config = get(bed, "/v2/library/alpine/blobs/" + amd64.config_digest, "");
    CHECK(config.status == 200);
    CHECK(config.body.size() == 1471);
    CHECK(sha256_digest(config.body) == amd64.config_digest);
    // The real layer is not in the registry; a client following the layers meets BLOB_UNKNOWN.
    HttpReply layer = get(bed, "/v2/library/alpine/blobs/" + amd64.layer_digests.at(0), "");
    CHECK(layer.status == 404);
    CHECK_THAT(layer.body, Catch::Contains("BLOB_UNKNOWN"));
}

TEST_CASE("every fixture manifest is served with its media type, digest and bytes", "[bed][fixtures]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    for (const auto *manifest : fixture_catalog().manifests()) {
        std::vector<std::string> references = manifest->tags;
        references.push_back(manifest->digest);
        for (const auto &reference : references) {
            INFO(manifest->repository << ":" << reference);
            HttpReply reply = get(bed, "/v2/" + manifest->repository + "/manifests/" + reference, accept_all);
            CHECK(reply.status == 200);
            CHECK(reply.header("content-type") == manifest->media_type);
            CHECK(reply.header("docker-content-digest") == manifest->digest);
            // Registry 2.8 keeps only a schema1 manifest's payload and signs it afresh per GET.
            CHECK((manifest->media_type == docker_v1_signed ? schema1_payload(reply.body) : reply.body) ==
                  manifest->bytes);
        }
    }
}

TEST_CASE("every fixture blob is served", "[bed][fixtures]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    for (const auto &blob : fixture_catalog().blobs) {
        INFO(blob.repository << " " << blob.digest << " " << blob.media_type);
        HttpReply reply = get(bed, "/v2/" + blob.repository + "/blobs/" + blob.digest, "");
        CHECK(reply.status == 200);
        CHECK(reply.header("docker-content-digest") == blob.digest);
        CHECK(reply.body == blob.bytes);
    }
}

TEST_CASE("the OCI index carries buildx-style attestations for each image", "[bed][fixtures]") {
    const FixtureCatalog &catalog = fixture_catalog();
    auto index = nlohmann::json::parse(catalog.app_index.bytes);
    REQUIRE(catalog.app_images.size() == 8);
    REQUIRE(catalog.app_attestations.size() == 8);
    REQUIRE(index["manifests"].size() == 16);
    CHECK(catalog.app_index.tags == std::vector<std::string>{"1.0", "latest"});
    for (std::size_t i = 0; i < 8; ++i) {
        const auto &image = index["manifests"][i];
        const auto &attestation = index["manifests"][8 + i];
        INFO(catalog.app_images[i].platform);
        CHECK(image["digest"] == catalog.app_images[i].digest);
        CHECK_FALSE(image.contains("annotations"));
        CHECK(attestation["digest"] == catalog.app_attestations[i].digest);
        CHECK(attestation["platform"] == nlohmann::json::parse(R"({"architecture":"unknown","os":"unknown"})"));
        CHECK(attestation["annotations"]["vnd.docker.reference.type"] == "attestation-manifest");
        CHECK(attestation["annotations"]["vnd.docker.reference.digest"] == catalog.app_images[i].digest);
        auto body = nlohmann::json::parse(catalog.app_attestations[i].bytes);
        CHECK(body["layers"][0]["mediaType"] == "application/vnd.in-toto+json");
    }
}

TEST_CASE("referrers: no API in registry 2.8, the fallback tag lists the artifact", "[bed][fixtures]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    CHECK(get(bed, "/v2/library/hello/referrers/" + catalog.hello.digest, "Accept: " + oci_index).status == 404);

    HttpReply fallback =
        get(bed, "/v2/library/hello/manifests/sha256-" + catalog.hello.digest.substr(7), "Accept: " + oci_index);
    REQUIRE(fallback.status == 200);
    auto index = nlohmann::json::parse(fallback.body);
    REQUIRE(index["manifests"].size() == 1);
    CHECK(index["manifests"][0]["digest"] == catalog.hello_sbom.digest);
    CHECK(index["manifests"][0]["artifactType"] == "application/spdx+json");

    HttpReply artifact =
        get(bed, "/v2/library/hello/manifests/" + catalog.hello_sbom.digest, "Accept: " + oci_manifest);
    REQUIRE(artifact.status == 200);
    CHECK(nlohmann::json::parse(artifact.body)["subject"]["digest"] == catalog.hello.digest);
}

TEST_CASE("tags and repositories are listed", "[bed][fixtures]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    HttpReply tags = get(bed, "/v2/library/alpine/tags/list", "");
    REQUIRE(tags.status == 200);
    auto listed = nlohmann::json::parse(tags.body)["tags"].get<std::vector<std::string>>();
    std::sort(listed.begin(), listed.end()); // 2.8 lists them in storage directory order
    CHECK(listed == std::vector<std::string>{"3.12", "3.12-amd64", "3.12.9", "latest"});
    HttpReply catalog = get(bed, "/v2/_catalog", "");
    REQUIRE(catalog.status == 200);
    CHECK(nlohmann::json::parse(catalog.body)["repositories"] ==
          nlohmann::json::parse(R"(["library/alpine","library/hello","library/legacy","library/nested",)"
                                R"("org/team/app","private/secret"])"));
}

TEST_CASE("the nested index is served level by level", "[bed][fixtures]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureCatalog &catalog = fixture_catalog();
    HttpReply outer = get(bed, "/v2/library/nested/manifests/1", "Accept: " + oci_index);
    REQUIRE(outer.status == 200);
    auto outer_entries = nlohmann::json::parse(outer.body)["manifests"];
    REQUIRE(outer_entries.size() == 1);
    CHECK(outer_entries[0]["mediaType"] == oci_index);
    HttpReply inner = get(bed, "/v2/library/nested/manifests/" + outer_entries[0]["digest"].get<std::string>(),
                          "Accept: " + oci_index);
    REQUIRE(inner.status == 200);
    CHECK(inner.body == catalog.nested_inner.bytes);
    auto inner_entries = nlohmann::json::parse(inner.body)["manifests"];
    REQUIRE(inner_entries.size() == catalog.nested_images.size());
    for (std::size_t i = 0; i < inner_entries.size(); ++i)
        CHECK(inner_entries[i]["digest"] == catalog.nested_images[i].digest);
}

namespace {

// One observed answer of registry 2.8 to a manifest request.
struct AcceptRow {
    std::string repository;
    std::string reference;
    std::string accept; // "" = no Accept header at all
    long status;
    std::string content_type;
    std::string digest; // expected Docker-Content-Digest, "schema1", or "" for none
    std::string detail; // expected body, or text the body contains
};

// What registry 2.8 answers for each Accept header, as digestx's client will meet it. A "schema1"
// digest means: a schema1 document converted (or re-signed) on the fly, whose announced digest is
// that of its signed payload, never of the body received.
std::vector<AcceptRow> accept_rows(const FixtureCatalog &catalog) {
    const FixtureManifest &amd64 = catalog.alpine_platforms.at(1);
    const std::string json_error = "application/json; charset=utf-8";
    const std::string index_refused = "OCI index found, but accept header does not support OCI indexes";
    const std::string manifest_refused = "OCI manifest found, but accept header does not support OCI manifests";
    return {
        // (i) A Docker list asked for with the v2 type only: the linux/amd64 manifest, not the list.
        {"library/alpine", "3.12", docker_v2, 200, docker_v2, amd64.digest, amd64.bytes},
        // ... but by digest the list is served as it is, whatever the Accept.
        {"library/alpine", catalog.alpine_list.digest, docker_v2, 200, docker_list, catalog.alpine_list.digest,
         catalog.alpine_list.bytes},
        {"library/alpine", "3.12", docker_list, 200, docker_list, catalog.alpine_list.digest,
         catalog.alpine_list.bytes},
        // A list asked for with no Accept, */*, or only the OCI index type: amd64, converted to schema1.
        {"library/alpine", "3.12", "", 200, docker_v1_signed, "schema1", "\"tag\": \"3.12\""},
        {"library/alpine", "3.12", "*/*", 200, docker_v1_signed, "schema1", "\"tag\": \"3.12\""},
        {"library/alpine", "3.12", oci_index, 200, docker_v1_signed, "schema1", "\"tag\": \"3.12\""},
        // (ii) An OCI index without the OCI index type: 404 MANIFEST_UNKNOWN, by tag and by digest.
        {"org/team/app", "1.0", docker_list + ", " + docker_v2, 404, json_error, "", index_refused},
        {"org/team/app", catalog.app_index.digest, docker_list + ", " + docker_v2, 404, json_error, "", index_refused},
        {"org/team/app", "1.0", "", 404, json_error, "", index_refused},
        // An OCI manifest without the OCI manifest type: the same refusal, by tag and by digest.
        {"library/hello", "single", docker_v2 + ", " + docker_list + ", " + oci_index, 404, json_error, "",
         manifest_refused},
        {"library/hello", catalog.hello.digest, docker_v2, 404, json_error, "", manifest_refused},
        // (iii) A schema2 manifest by tag without the v2 type: converted to schema1 (layers kept).
        {"library/alpine", "3.12-amd64", docker_v1_signed, 200, docker_v1_signed, "schema1", amd64.layer_digests.at(0)},
        {"library/alpine", "3.12-amd64", "", 200, docker_v1_signed, "schema1", "\"tag\": \"3.12-amd64\""},
        // ... but by digest it is served unconverted.
        {"library/alpine", amd64.digest, docker_v1_signed, 200, docker_v2, amd64.digest, amd64.bytes},
        // A stored schema1 manifest stays schema1 even when only v2 is accepted.
        {"library/legacy", "1", docker_v2, 200, docker_v1_signed, "schema1", "\"name\": \"library/legacy\""},
    };
}

} // namespace

TEST_CASE("registry 2.8 answers by the Accept header", "[bed][fixtures][accept]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    for (const AcceptRow &row : accept_rows(fixture_catalog())) {
        for (const std::string method : {"GET", "HEAD"}) {
            INFO(method << " " << row.repository << ":" << row.reference << " Accept: " << row.accept);
            HttpReply reply = get(bed, "/v2/" + row.repository + "/manifests/" + row.reference,
                                  row.accept.empty() ? "" : "Accept: " + row.accept, method);
            CHECK(reply.status == row.status);
            CHECK(reply.header("content-type") == row.content_type);
            if (row.digest.empty()) CHECK_FALSE(reply.header("docker-content-digest"));
            if (row.digest != "schema1" && !row.digest.empty())
                CHECK(reply.header("docker-content-digest") == row.digest);
            if (method == "HEAD") continue;
            if (row.status == 200 && row.digest != "schema1") CHECK(reply.body == row.detail);
            if (row.status != 200)
                CHECK_THAT(reply.body, Catch::Contains("MANIFEST_UNKNOWN") && Catch::Contains(row.detail));
            if (row.digest != "schema1") continue;
            CHECK_THAT(reply.body, Catch::Contains(row.detail));
            CHECK(reply.header("docker-content-digest") == sha256_digest(schema1_payload(reply.body)));
            CHECK(reply.header("docker-content-digest") != sha256_digest(reply.body));
        }
    }
}

TEST_CASE("registry 2.8 signs schema1 afresh on every GET, keeping the payload digest", "[bed][fixtures][accept]") {
    RegistryBed &bed = shared_bed(BedMode::Open);
    for (const char *path : {"/v2/library/alpine/manifests/3.12-amd64", "/v2/library/legacy/manifests/1"}) {
        INFO(path);
        HttpReply first = get(bed, path, "Accept: " + docker_v1_signed);
        HttpReply second = get(bed, path, "Accept: " + docker_v1_signed);
        REQUIRE(first.status == 200);
        REQUIRE(second.status == 200);
        CHECK(first.body != second.body);
        CHECK(first.header("docker-content-digest") == second.header("docker-content-digest"));
        CHECK(schema1_payload(first.body) == schema1_payload(second.body));
    }
}

#include <catch2/catch.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/core/model.hpp"
#include "support/model_samples.hpp"

using digestx::DeclaredDigest;
using digestx::ErrorCode;
using digestx::parse_document;
namespace media = digestx::media;

namespace {

// A document with `descriptor_json` at a given place, and the name messages use for that place.
struct Placement {
    std::string where;
    std::string (*wrap)(const std::string &descriptor_json);
};

std::vector<Placement> placements() {
    using namespace samples;
    return {
        {"index entry 3",
         [](const std::string &d) {
             return oci_index(index_entry('a') + "," + index_entry('b') + "," + index_entry('c') + "," + d);
         }},
        {"index entry 0", [](const std::string &d) { return oci_index(d); }},
        {"config descriptor",
         [](const std::string &d) { return "{\"schemaVersion\":2,\"config\":" + d + ",\"layers\":[]}"; }},
        {"layer 1",
         [](const std::string &d) {
             return "{\"schemaVersion\":2,\"config\":" + oci_config() + ",\"layers\":[" + oci_layer() + "," + d + "]}";
         }},
        {"subject descriptor", [](const std::string &d) { return oci_manifest("\"subject\":" + d); }},
        {"subject descriptor", [](const std::string &d) { return oci_index(index_entry('a'), "\"subject\":" + d); }},
    };
}

} // namespace

TEST_CASE("descriptor sizes must be non-negative int64 integers", "[model][B9]") {
    struct Case {
        std::string size;
        std::optional<std::int64_t> expected;
    };
    std::vector<Case> cases = {
        {"0", 0},
        {"1", 1},
        {"2809473", 2809473},
        {"-0", 0},
        {"9223372036854775807", 9223372036854775807LL},
        {"-1", std::nullopt},
        {"1e3", std::nullopt},
        {"1E3", std::nullopt},
        {"1.5", std::nullopt},
        {"1.0", std::nullopt},
        {"1e30", std::nullopt},
        {"-1e30", std::nullopt},
        {"18446744073709551615", std::nullopt},
        {"9223372036854775808", std::nullopt},
        {"99999999999999999999999", std::nullopt},
        {"\"12\"", std::nullopt},
        {"\"\"", std::nullopt},
        {"true", std::nullopt},
        {"[]", std::nullopt},
        {"{}", std::nullopt},
        {"[12]", std::nullopt},
    };
    for (const auto &placement : placements()) {
        for (const auto &c : cases) {
            auto bytes = placement.wrap(samples::descriptor(media::oci_manifest, samples::quoted_digest('d'), c.size));
            INFO(placement.where << ": size " << c.size << "\n" << bytes);
            auto document = parse_document(bytes);
            if (c.expected) {
                REQUIRE(document);
                bool found = false;
                for (const auto &ref : document->descriptors()) {
                    if (ref.descriptor->digest.str() == samples::digest('d')) {
                        CHECK(ref.descriptor->size == *c.expected);
                        found = true;
                    }
                }
                CHECK(found);
                continue;
            }
            REQUIRE_FALSE(document);
            CHECK(document.error().code == ErrorCode::Integrity);
            CHECK(document.error().message == "descriptor size must be a non-negative integer in " + placement.where);
        }
        auto missing =
            parse_document(placement.wrap("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":" +
                                          samples::quoted_digest('d') + "}"));
        REQUIRE_FALSE(missing);
        CHECK(missing.error().message == "descriptor size is missing in " + placement.where);
        auto null_size = parse_document(
            placement.wrap(samples::descriptor(media::oci_manifest, samples::quoted_digest('d'), "null")));
        REQUIRE_FALSE(null_size);
        CHECK(null_size.error().message == "descriptor size is missing in " + placement.where);
    }
}

TEST_CASE("hostile descriptor digests are refused before any use", "[model][B10]") {
    std::string hex64(64, 'a');
    std::vector<std::pair<std::string, std::string>> cases = {
        {"\"sha256:../../v2/other/manifests/x\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:abc/..\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:%2e%2e%2f\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + hex64 + "/../x\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + hex64 + "?x=1\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + hex64 + "#\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + hex64 + "\\n\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + hex64 + " \"", "invalid digest format: expected algorithm:encoded"},
        {"\" sha256:" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + hex64 + "\\u0000\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + std::string(1000000, 'a') + "\"", "invalid digest format: longer than 256 characters"},
        {"\"" + std::string(257, 'a') + "\"", "invalid digest format: longer than 256 characters"},
        {"\"\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:\"", "invalid digest format: expected algorithm:encoded"},
        {"\":" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"SHA256:" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256::" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256++x:" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"+sha256:" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256-:" + hex64 + "\"", "invalid digest format: expected algorithm:encoded"},
        {"\"sha256:" + std::string(64, 'A') + "\"",
         "invalid digest format: sha256 digest must be 64 lowercase hex characters"},
        {"\"sha256:" + std::string(63, 'a') + "\"",
         "invalid digest format: sha256 digest must be 64 lowercase hex characters"},
        {"\"sha256:" + std::string(65, 'a') + "\"",
         "invalid digest format: sha256 digest must be 64 lowercase hex characters"},
        {"\"sha256:" + std::string(64, 'g') + "\"",
         "invalid digest format: sha256 digest must be 64 lowercase hex characters"},
        {"\"sha256:" + std::string(64, '=') + "\"",
         "invalid digest format: sha256 digest must be 64 lowercase hex characters"},
        {"\"sha512:" + hex64 + "\"", "invalid digest format: sha512 digest must be 128 lowercase hex characters"},
        {"\"sha384:" + hex64 + "\"", "invalid digest format: sha384 digest must be 96 lowercase hex characters"},
        {"\"blake3:" + std::string(63, 'a') + "\"",
         "invalid digest format: blake3 digest must be 64 lowercase hex characters"},
        {"\"blake3:" + std::string(64, 'F') + "\"",
         "invalid digest format: blake3 digest must be 64 lowercase hex characters"},
        {"5", "not a string"},
        {"[\"sha256:" + hex64 + "\"]", "not a string"},
        {"{}", "not a string"},
        {"null", "digest is missing"},
    };
    for (const auto &placement : placements()) {
        for (const auto &[digest_json, reason] : cases) {
            auto bytes = placement.wrap(samples::descriptor(media::oci_manifest, digest_json));
            INFO(placement.where << ": " << digest_json.substr(0, 120));
            auto document = parse_document(bytes);
            REQUIRE_FALSE(document);
            CHECK(document.error().code == ErrorCode::Integrity);
            CHECK(document.error().message == "invalid digest in " + placement.where + ": " + reason);
            CHECK(document.error().message.size() < 200);
        }
        auto missing = parse_document(placement.wrap("{\"mediaType\":\"x\",\"size\":1}"));
        REQUIRE_FALSE(missing);
        CHECK(missing.error().message == "invalid digest in " + placement.where + ": digest is missing");
    }
}

TEST_CASE("well-formed digests of other algorithms are kept as unverifiable", "[model][B11]") {
    struct Case {
        std::string text;
        bool verifiable;
        std::string algorithm;
    };
    std::vector<Case> cases = {
        {samples::digest('a'), true, "sha256"},
        {"sha512:" + std::string(128, 'b'), true, "sha512"},
        {"blake3:" + std::string(64, 'c'), false, "blake3"},
        {"sha384:" + std::string(96, 'd'), false, "sha384"},
        {"md5:d41d8cd98f00b204e9800998ecf8427e", false, "md5"},
        {"foo+bar:abc", false, "foo+bar"},
        {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", false, "sha256+b64u"},
        {"multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", false, "multihash+base58"},
        {"a.b_c-d:X=", false, "a.b_c-d"},
    };
    for (const auto &c : cases) {
        INFO(c.text);
        auto parsed = DeclaredDigest::parse(c.text);
        REQUIRE(parsed);
        CHECK(parsed->verifiable() == c.verifiable);
        CHECK(parsed->algorithm() == c.algorithm);
        CHECK(parsed->str() == c.text);
        auto required = parsed->require_verifiable();
        CHECK(required.has_value() == c.verifiable);
        if (c.verifiable) {
            CHECK(required->str() == c.text);
            CHECK(parsed->digest()->str() == c.text);
        } else {
            CHECK(required.error().code == ErrorCode::Integrity);
            CHECK(required.error().message == "cannot verify digest algorithm \"" + c.algorithm + "\"");
            CHECK_FALSE(parsed->digest().has_value());
        }
        // Inside a document the entry is kept, not refused.
        auto document =
            parse_document(samples::oci_index(samples::descriptor(media::oci_manifest, "\"" + c.text + "\"")));
        REQUIRE(document);
        CHECK(document->index().manifests[0].digest.verifiable() == c.verifiable);
        CHECK(document->index().manifests[0].digest == *parsed);
    }
}

TEST_CASE("declared digests compare and convert", "[model]") {
    auto computed = digestx::Digest::compute("{}");
    DeclaredDigest wrapped(computed);
    CHECK(wrapped.verifiable());
    CHECK(wrapped.str() == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    auto parsed = DeclaredDigest::parse(wrapped.str());
    REQUIRE(parsed);
    CHECK(*parsed == wrapped);
    CHECK_FALSE(*DeclaredDigest::parse(samples::digest('b')) == wrapped);
}

TEST_CASE("descriptor fields are read with their types", "[model]") {
    using namespace samples;
    std::string extra = "\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\",\"variant\":\"v3\","
                        "\"os.version\":\"10.0.20348.1249\",\"os.features\":[\"win32k\"],\"features\":[\"sse4\"]},"
                        "\"annotations\":{\"org.opencontainers.image.ref.name\":\"4\",\"z\":\"\"},"
                        "\"artifactType\":\"application/example.sbom\","
                        "\"urls\":[\"http://169.254.169.254/x\",\"https://example.com/l\"],"
                        "\"data\":\"e30=\"";
    auto document = parse_document(oci_index(descriptor(media::oci_manifest, quoted_digest('a'), "2", extra)));
    REQUIRE(document);
    const auto &entry = document->index().manifests.at(0);
    CHECK(entry.media_type == media::oci_manifest);
    CHECK(entry.size == 2);
    REQUIRE(entry.platform);
    CHECK(entry.platform->os == "windows");
    CHECK(entry.platform->architecture == "amd64");
    CHECK(entry.platform->variant == "v3");
    CHECK(entry.platform->os_version == "10.0.20348.1249");
    CHECK(entry.platform->os_features == std::vector<std::string>{"win32k"});
    CHECK(entry.platform->features == std::vector<std::string>{"sse4"});
    CHECK(entry.annotations.size() == 2);
    CHECK(entry.annotation("org.opencontainers.image.ref.name") == "4");
    CHECK(entry.annotation("z") == "");
    CHECK_FALSE(entry.annotation("missing").has_value());
    CHECK(entry.artifact_type == "application/example.sbom");
    CHECK(entry.urls.size() == 2);
    CHECK(entry.urls[0] == "http://169.254.169.254/x");
    CHECK(entry.data == "e30=");
    CHECK_FALSE(entry.data_matches()); // "{}" is not sha256:aaa…
    CHECK_FALSE(entry.is_attestation());
    CHECK(entry.reference_type().empty());
}

TEST_CASE("descriptor field types and spellings are checked", "[model][B5]") {
    using namespace samples;
    std::vector<std::pair<std::string, std::string>> cases = {
        {"\"platform\":[]", "platform must be an object in index entry 0"},
        {"\"platform\":{\"os\":1}", "field \"os\" must be a string in index entry 0 platform"},
        {"\"platform\":{\"os.features\":\"x\"}",
         "field \"os.features\" must be an array of strings in index entry 0 platform"},
        {"\"platform\":{\"features\":[1]}", "field \"features\" must be an array of strings in index entry 0 platform"},
        {"\"platform\":{\"OS\":\"linux\"}",
         "ambiguous manifest: key \"OS\" differs only in case from \"os\" in index entry 0 platform"},
        {"\"platform\":{\"Architecture\":\"arm64\"}", "ambiguous manifest: key \"Architecture\" differs only in case "
                                                      "from \"architecture\" in index entry 0 platform"},
        {"\"platform\":{\"OS.Version\":\"10\"}",
         "ambiguous manifest: key \"OS.Version\" differs only in case from \"os.version\" in index entry 0 platform"},
        {"\"annotations\":{\"a\":1}", "field \"annotations\" must be an object of strings in index entry 0"},
        {"\"annotations\":\"a\"", "field \"annotations\" must be an object of strings in index entry 0"},
        {"\"urls\":\"http://x\"", "field \"urls\" must be an array of strings in index entry 0"},
        {"\"urls\":[null]", "field \"urls\" must be an array of strings in index entry 0"},
        {"\"artifactType\":[]", "field \"artifactType\" must be a string in index entry 0"},
        {"\"data\":5", "field \"data\" must be base64 in index entry 0"},
        {"\"data\":\"e30\"", "field \"data\" must be base64 in index entry 0"},
        {"\"data\":\"e3=0\"", "field \"data\" must be base64 in index entry 0"},
        {"\"data\":\"e3-_\"", "field \"data\" must be base64 in index entry 0"},
        {"\"data\":\"e30=\\n\"", "field \"data\" must be base64 in index entry 0"},
        {"\"data\":\"=\"", "field \"data\" must be base64 in index entry 0"},
        {"\"Digest\":\"x\"", "case-variant JSON keys \"digest\" and \"Digest\""},
        {"\"URLs\":[]", "ambiguous manifest: key \"URLs\" differs only in case from \"urls\" in index entry 0"},
        {"\"\xC5\xBFize\":1", "case-variant JSON keys \"size\" and \"\xC5\xBFize\""},
        {"\"Platform\":{}",
         "ambiguous manifest: key \"Platform\" differs only in case from \"platform\" in index entry 0"},
        {"\"DATA\":\"\"", "ambiguous manifest: key \"DATA\" differs only in case from \"data\" in index entry 0"},
        {"\"mediatype\":\"x\"", "case-variant JSON keys \"mediaType\" and \"mediatype\""},
    };
    for (const auto &[extra, message] : cases) {
        INFO(extra);
        auto document = parse_document(oci_index(descriptor(media::oci_manifest, quoted_digest('a'), "2", extra)));
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK(document.error().message == message);
    }
    auto wrong_media = parse_document(oci_index("{\"mediaType\":1,\"digest\":" + quoted_digest('a') + ",\"size\":1}"));
    REQUIRE_FALSE(wrong_media);
    CHECK(wrong_media.error().message == "field \"mediaType\" must be a string in index entry 0");
    auto no_media = parse_document(oci_index("{\"digest\":" + quoted_digest('a') + ",\"size\":1}"));
    REQUIRE(no_media);
    CHECK(no_media->index().manifests[0].media_type.empty());
}

TEST_CASE("embedded data is checked against size and digest", "[model][B18]") {
    using namespace samples;
    const std::string empty_json_digest = "\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"";
    struct Case {
        std::string digest_json;
        std::string size;
        std::string data;
        bool matches;
    };
    std::vector<Case> cases = {
        {empty_json_digest, "2", "e30=", true},
        {empty_json_digest, "3", "e30=", false},
        {empty_json_digest, "2", "e31=", true}, // leftover bits are ignored, as Go does
        {empty_json_digest, "2", "W10=", false},
        {quoted_digest('a'), "2", "e30=", false},
        {"\"blake3:" + std::string(64, 'a') + "\"", "2", "e30=", false},
        {"\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"", "0", "", true},
    };
    for (const auto &c : cases) {
        INFO(c.digest_json << " " << c.size << " " << c.data);
        auto document = parse_document(oci_manifest(
            "\"subject\":" + descriptor(media::oci_empty, c.digest_json, c.size, "\"data\":\"" + c.data + "\"")));
        REQUIRE(document);
        CHECK(document->subject()->data == c.data);
        CHECK(document->subject()->data_matches() == c.matches);
    }
}

TEST_CASE("buildx attestation entries are recognised", "[model][B13]") {
    using namespace samples;
    const std::string image = digest('a');
    struct Case {
        std::string annotations;
        bool attestation;
        std::string reference_type;
        std::optional<std::string> attests;
    };
    std::vector<Case> cases = {
        {"\"vnd.docker.reference.type\":\"attestation-manifest\",\"vnd.docker.reference.digest\":\"" + image + "\"",
         true, "attestation-manifest", image},
        {"\"vnd.docker.reference.type\":\"attestation-manifest\",\"com.docker.reference.digest\":\"" + image + "\"",
         true, "attestation-manifest", image},
        {"\"vnd.docker.reference.type\":\"attestation-manifest\",\"vnd.docker.reference.digest\":\"" + image +
             "\",\"com.docker.reference.digest\":\"" + digest('b') + "\"",
         true, "attestation-manifest", image},
        {"\"vnd.docker.reference.type\":\"attestation-manifest\"", true, "attestation-manifest", std::nullopt},
        {"\"vnd.docker.reference.type\":\"builder\",\"vnd.docker.reference.digest\":\"" + image + "\"", false,
         "builder", std::nullopt},
        {"\"vnd.docker.reference.digest\":\"" + image + "\"", false, "", std::nullopt},
        {"\"vnd.docker.reference.type\":\"Attestation-Manifest\"", false, "Attestation-Manifest", std::nullopt},
        {"", false, "", std::nullopt},
    };
    for (const auto &c : cases) {
        INFO(c.annotations);
        std::string entry = descriptor(media::oci_manifest, quoted_digest('f'), "841",
                                       "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
                                       "\"annotations\":{" +
                                           c.annotations + "}");
        auto document = parse_document(oci_index(index_entry('a') + "," + entry));
        REQUIRE(document);
        const auto &image_entry = document->index().manifests[0];
        const auto &att = document->index().manifests[1];
        CHECK_FALSE(image_entry.is_attestation());
        CHECK(att.is_attestation() == c.attestation);
        CHECK(att.reference_type() == c.reference_type);
        auto attests = att.attests();
        CHECK(attests.has_value() == c.attests.has_value());
        if (attests && c.attests) CHECK(attests->str() == *c.attests);
        CHECK(att.platform->os == "unknown");
    }
    for (std::string key : {"vnd.docker.reference.digest", "com.docker.reference.digest"}) {
        INFO(key);
        std::string entry = descriptor(media::oci_manifest, quoted_digest('f'), "841",
                                       "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\",\"" +
                                           key + "\":\"sha256:../../x\"}");
        auto document = parse_document(oci_index(index_entry('a') + "," + entry));
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK(document.error().message == "invalid digest in annotation " + key +
                                              " of index entry 1: invalid digest format: expected algorithm:encoded");
    }
}

TEST_CASE("artifacts and subjects are exposed", "[model]") {
    using namespace samples;
    const std::string empty_config = descriptor(
        media::oci_empty, "\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"", "2");
    struct Case {
        std::string bytes;
        bool artifact;
        std::string artifact_type;
        bool has_subject;
    };
    std::vector<Case> cases = {
        {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":"
         "\"application/example.sbom\",\"config\":" +
             empty_config + ",\"layers\":[" + oci_layer() + "],\"subject\":" + index_entry('e') + "}",
         true, "application/example.sbom", true},
        {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" +
             empty_config + ",\"layers\":[" + empty_config + "]}",
         true, "", false},
        {"{\"schemaVersion\":2,\"config\":" +
             descriptor("application/vnd.cncf.helm.config.v1+json", quoted_digest('c'), "3") + ",\"layers\":[" +
             oci_layer() + "],\"artifactType\":\"application/vnd.cncf.helm.chart\"}",
         true, "application/vnd.cncf.helm.chart", false},
        {"{\"schemaVersion\":2,\"config\":" +
             descriptor("application/vnd.cncf.helm.config.v1+json", quoted_digest('c'), "3") + ",\"layers\":[" +
             oci_layer() + "]}",
         false, "", false},
        {oci_manifest(), false, "", false},
        {oci_manifest("\"subject\":" + index_entry('e')), false, "", true},
    };
    for (const auto &c : cases) {
        INFO(c.bytes);
        auto document = parse_document(c.bytes);
        REQUIRE(document);
        CHECK(document->manifest().is_artifact() == c.artifact);
        CHECK(document->artifact_type() == c.artifact_type);
        CHECK((document->subject() != nullptr) == c.has_subject);
        if (c.has_subject) CHECK(document->subject()->digest.str() == digest('e'));
    }
    auto index = parse_document(oci_index(index_entry('a'), "\"artifactType\":\"application/example.artifacts\","
                                                            "\"subject\":" +
                                                                index_entry('e')));
    REQUIRE(index);
    CHECK(index->artifact_type() == "application/example.artifacts");
    REQUIRE(index->subject() != nullptr);
    CHECK(index->subject()->size == 528);
}

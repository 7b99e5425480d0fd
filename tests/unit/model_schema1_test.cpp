#include <catch2/catch.hpp>

#include "digestx/core/model.hpp"
#include "support/model_samples.hpp"

using digestx::Digest;
using digestx::DocumentKind;
using digestx::ErrorCode;
using digestx::parse_document;

TEST_CASE("a signed schema1 manifest hashes to its payload", "[model][B15]") {
    const std::string payload = samples::schema1_unsigned();
    const std::string signed_bytes = samples::sign_schema1(payload);
    INFO(signed_bytes);
    auto extracted = digestx::schema1_signed_payload(signed_bytes);
    REQUIRE(extracted);
    CHECK(*extracted == payload);

    auto document = parse_document(signed_bytes);
    REQUIRE(document);
    CHECK(document->kind() == DocumentKind::Schema1Signed);
    CHECK(document->digest() == Digest::compute(payload));
    CHECK(document->bytes() == signed_bytes);
    const auto &schema1 = document->schema1();
    CHECK(schema1.payload == payload);
    CHECK(schema1.signature_count == 1);
    CHECK(schema1.name == "library/hello");
    CHECK(schema1.tag == "latest");
    CHECK(schema1.architecture == "amd64");
    REQUIRE(schema1.fs_layers.size() == 1);
    CHECK(schema1.fs_layers[0].str() == "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4");
    REQUIRE(schema1.history.size() == 1);
    CHECK(schema1.history[0] == "{\"id\":\"1\"}");
    CHECK(document->descriptors().empty());
    CHECK(document->subject() == nullptr);
    CHECK(document->annotations().empty());

    auto unsigned_document = parse_document(payload);
    REQUIRE(unsigned_document);
    CHECK(unsigned_document->kind() == DocumentKind::Schema1Unsigned);
    CHECK(unsigned_document->digest() == document->digest());
    CHECK(unsigned_document->schema1().signature_count == 0);
    CHECK(unsigned_document->schema1().payload == payload);
}

TEST_CASE("several agreeing signatures are accepted", "[model][B15]") {
    const std::string payload = samples::schema1_unsigned();
    std::size_t length = payload.size() - 2;
    std::string header = samples::protected_header(length, "\n}");
    std::string blocks = samples::signature_block(header) + "," + samples::signature_block(header);
    auto document = parse_document(samples::sign_schema1(payload, blocks));
    REQUIRE(document);
    CHECK(document->schema1().signature_count == 2);
    CHECK(document->digest() == Digest::compute(payload));
}

TEST_CASE("broken schema1 signature blocks are refused", "[model][B15]") {
    using samples::protected_header;
    using samples::signature_block;
    const std::string payload = samples::schema1_unsigned();
    const std::size_t length = payload.size() - 2;
    const std::string good = protected_header(length, "\n}");
    struct Case {
        std::string name;
        std::string blocks;
        std::string message;
    };
    std::vector<Case> cases = {
        {"signatures is a number", "", "invalid schema1 signatures: expected an array"},
        {"empty array", " ", "invalid schema1 signatures: the array is empty"},
        {"block not an object", "1", "invalid schema1 signature 0: not an object"},
        {"no protected", "{\"header\":{},\"signature\":\"x\"}",
         "invalid schema1 signature 0: needs header, signature and protected"},
        {"no signature", "{\"header\":{},\"protected\":\"e30\"}",
         "invalid schema1 signature 0: needs header, signature and protected"},
        {"no header", "{\"signature\":\"x\",\"protected\":\"e30\"}",
         "invalid schema1 signature 0: needs header, signature and protected"},
        {"protected not base64url", "{\"header\":{},\"signature\":\"x\",\"protected\":\"e30=!\"}",
         "invalid schema1 signature 0: protected header is not base64url"},
        {"protected with one stray digit", "{\"header\":{},\"signature\":\"x\",\"protected\":\"e30xx\"}",
         "invalid schema1 signature 0: protected header is not base64url"},
        {"protected not JSON", signature_block("formatLength"),
         "malformed JSON in schema1 protected header at byte 2: syntax error while parsing value - invalid literal"},
        {"protected not an object", signature_block("[]"),
         "invalid schema1 signature 0: protected header is not an object"},
        {"protected with duplicate keys", signature_block("{\"formatLength\":1,\"formatLength\":2}"),
         "duplicate JSON key \"formatLength\""},
        {"formatLength missing", signature_block("{\"formatTail\":\"Cn0\"}"),
         "invalid schema1 signature 0: formatLength must be a non-negative integer"},
        {"formatLength negative", signature_block("{\"formatLength\":-1,\"formatTail\":\"Cn0\"}"),
         "invalid schema1 signature 0: formatLength must be a non-negative integer"},
        {"formatLength float", signature_block("{\"formatLength\":1.5,\"formatTail\":\"Cn0\"}"),
         "invalid schema1 signature 0: formatLength must be a non-negative integer"},
        {"formatLength string", signature_block("{\"formatLength\":\"10\",\"formatTail\":\"Cn0\"}"),
         "invalid schema1 signature 0: formatLength must be a non-negative integer"},
        {"formatTail missing", signature_block("{\"formatLength\":10}"),
         "invalid schema1 signature 0: formatTail must be base64url"},
        {"formatTail not a string", signature_block("{\"formatLength\":10,\"formatTail\":5}"),
         "invalid schema1 signature 0: formatTail must be base64url"},
        {"formatTail not base64url", signature_block("{\"formatLength\":10,\"formatTail\":\"C+0\"}"),
         "invalid schema1 signature 0: formatTail must be base64url"},
        {"formatLength beyond the document", signature_block(protected_header(1000000, "\n}")),
         "invalid schema1 signatures: formatLength 1000000 exceeds the manifest's"},
        {"disagreeing lengths", signature_block(good) + "," + signature_block(protected_header(length - 1, "\n}")),
         "invalid schema1 signatures: formatLength or formatTail differ"},
        {"disagreeing tails", signature_block(good) + "," + signature_block(protected_header(length, "}")),
         "invalid schema1 signatures: formatLength or formatTail differ"},
        {"second block broken", signature_block(good) + ",{}",
         "invalid schema1 signature 1: needs header, signature and protected"},
        {"payload cut inside a string", signature_block(protected_header(20, "\"}")),
         "malformed JSON in schema1 payload"},
        {"payload cut to nothing", signature_block(protected_header(0, "")), "empty schema1 payload"},
        {"payload not an object", signature_block(protected_header(0, "[]")), "schema1 payload is not a JSON object"},
        {"payload without schemaVersion", signature_block(protected_header(0, "{}")),
         "schema1 payload must have schemaVersion 1"},
        {"payload with trailing data", signature_block(protected_header(length, "\n}}")),
         "malformed JSON in schema1 payload"},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        std::string bytes = c.blocks.empty() ? payload.substr(0, length) + ",\n   \"signatures\": 1\n}"
                                             : samples::sign_schema1(payload, c.blocks);
        auto document = parse_document(bytes);
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK_THAT(document.error().message, Catch::StartsWith(c.message));
        auto extracted = digestx::schema1_signed_payload(bytes);
        CHECK_FALSE((extracted && document.error().message.starts_with("invalid schema1 signature")));
    }
}

TEST_CASE("schema1 contents are validated", "[model][B15]") {
    const std::string hex = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
    struct Case {
        std::string bytes;
        std::string message;
    };
    std::vector<Case> cases = {
        {samples::schema1_unsigned("sha256:../../x"),
         "invalid digest in schema1 fsLayer 0: invalid digest format: expected algorithm:encoded"},
        {samples::schema1_unsigned("sha256:abc"),
         "invalid digest in schema1 fsLayer 0: invalid digest format: sha256 digest must be 64 lowercase hex"},
        {samples::sign_schema1(samples::schema1_unsigned("")),
         "invalid digest in schema1 fsLayer 0: invalid digest format: expected algorithm:encoded"},
        {"{\"schemaVersion\":1,\"fsLayers\":[{\"blobSum\":\"" + hex + "\"}],\"history\":[]}",
         "schema1 manifest has 1 fsLayers but 0 history entries"},
        {"{\"schemaVersion\":1,\"fsLayers\":[],\"history\":[{\"v1Compatibility\":\"{}\"}]}",
         "schema1 manifest has 0 fsLayers but 1 history entries"},
        {"{\"schemaVersion\":1,\"fsLayers\":{},\"history\":[]}", "field \"fsLayers\" must be an array"},
        {"{\"schemaVersion\":1,\"fsLayers\":[],\"history\":\"x\"}", "field \"history\" must be an array"},
        {"{\"schemaVersion\":1,\"fsLayers\":[1],\"history\":[]}", "schema1 fsLayer 0 is not an object"},
        {"{\"schemaVersion\":1,\"fsLayers\":[],\"history\":[[]]}", "schema1 history entry 0 is not an object"},
        {"{\"schemaVersion\":1,\"fsLayers\":[{\"BlobSum\":\"" + hex + "\"}],\"history\":[{\"v1Compatibility\":\"\"}]}",
         "ambiguous manifest: key \"BlobSum\" differs only in case from \"blobSum\" in schema1 fsLayer 0"},
        {"{\"schemaVersion\":1,\"fsLayers\":[{\"blobSum\":\"" + hex + "\"}],\"history\":[{\"V1Compatibility\":\"\"}]}",
         "ambiguous manifest: key \"V1Compatibility\" differs only in case from \"v1Compatibility\" in schema1 "
         "history entry 0"},
        {"{\"schemaVersion\":1,\"fsLayers\":[{\"blobSum\":\"" + hex + "\"}],\"history\":[{\"v1Compatibility\":{}}]}",
         "field \"v1Compatibility\" must be a string in schema1 history entry 0"},
        {"{\"schemaVersion\":1,\"Name\":\"x\",\"fsLayers\":[],\"history\":[]}",
         "ambiguous manifest: key \"Name\" differs only in case from \"name\""},
        {"{\"schemaVersion\":1,\"name\":5,\"fsLayers\":[],\"history\":[]}",
         "field \"name\" must be a string in the schema1 manifest"},
        {"{\"schemaVersion\":1,\"tag\":[],\"fsLayers\":[],\"history\":[]}",
         "field \"tag\" must be a string in the schema1 manifest"},
        {"{\"schemaVersion\":1,\"Signatures\":[],\"fsLayers\":[],\"history\":[]}",
         "ambiguous manifest: key \"Signatures\" differs only in case from \"signatures\""},
        {"{\"schemaVersion\":2,\"fsLayers\":[],\"history\":[],\"signatures\":[]}",
         "schemaVersion 2 is not valid for application/vnd.docker.distribution.manifest.v1+prettyjws"},
    };
    for (const auto &c : cases) {
        INFO(c.bytes);
        auto document = parse_document(c.bytes);
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK_THAT(document.error().message, Catch::StartsWith(c.message));
    }
    auto minimal = parse_document("{\"schemaVersion\":1,\"fsLayers\":[],\"history\":[]}");
    REQUIRE(minimal);
    CHECK(minimal->kind() == DocumentKind::Schema1Unsigned);
    auto no_layers = parse_document("{\"schemaVersion\":1}");
    REQUIRE(no_layers);
    CHECK(no_layers->schema1().fs_layers.empty());
}

TEST_CASE("the signed payload is what counts, not the outer fields", "[model][B15]") {
    // moby distribution/pull_v2_test.go TestValidateManifest reads extra_data_manifest from its
    // payload (SignedManifest.UnmarshalJSON, libtrust ParsePrettySignature); digestx does the same
    // and says what lies outside the signature.
    const std::string payload = samples::schema1_unsigned();
    const std::size_t length = payload.size() - 2;
    const std::string signatures =
        "\"signatures\": [" + samples::signature_block(samples::protected_header(length, "\n}")) + "]";
    auto outside = [&](const std::string &members) {
        return payload.substr(0, length) + ",\n   " + members + ",\n   " + signatures + "\n}";
    };

    auto forged = parse_document(outside("\"tag\": \"forged\""));
    REQUIRE(forged);
    CHECK(forged->kind() == DocumentKind::Schema1Signed);
    CHECK(forged->digest() == Digest::compute(payload));
    CHECK(forged->schema1().tag == "latest");
    CHECK(forged->schema1().unsigned_keys == std::vector<std::string>{"tag"});
    REQUIRE(forged->notes().size() == 1);
    CHECK(forged->notes()[0].code == "schema1-unsigned-data");
    CHECK(forged->notes()[0].message ==
          "data outside the signed payload (\"tag\") is not covered by the digest or the signatures and is ignored "
          "here, as docker and the registry ignore it; a client that reads the whole document (containers/image) "
          "sees it instead of the signed values");
    auto payload_again = digestx::schema1_signed_payload(outside("\"tag\": \"forged\""));
    REQUIRE(payload_again);
    CHECK(*payload_again == payload);

    auto with_extra = parse_document(outside("\"comment\": \"outside the payload\""));
    REQUIRE(with_extra);
    CHECK(with_extra->digest() == Digest::compute(payload));
    CHECK(with_extra->schema1().payload == payload);
    CHECK(with_extra->schema1().unsigned_keys == std::vector<std::string>{"comment"});
    REQUIRE(with_extra->notes().size() == 1);

    auto clean = parse_document(samples::sign_schema1(payload));
    REQUIRE(clean);
    CHECK(clean->notes().empty());
    CHECK(clean->schema1().unsigned_keys.empty());
}

TEST_CASE("what lies outside a schema1 signature may not change the document's kind or repeat itself",
          "[model][B15][B5]") {
    const std::string payload = samples::schema1_unsigned();
    const std::size_t length = payload.size() - 2;
    const std::string block = samples::signature_block(samples::protected_header(length, "\n}"));
    const std::string signatures = "\"signatures\": [" + block + "]";
    const std::size_t inner = payload.rfind('}', length - 1) + 1; // after the last history entry
    auto outside = [&](const std::string &members) {
        return payload.substr(0, length) + ",\n   " + members + ",\n   " + signatures + "\n}";
    };
    struct Case {
        std::string bytes;
        std::string message;
    };
    std::vector<Case> cases = {
        // A reader of the whole text would see another schemaVersion or type than the signed one.
        {outside("\"schemaVersion\": 2"), "duplicate JSON key \"schemaVersion\""},
        {outside("\"mediaType\": \"application/vnd.docker.distribution.manifest.v1+prettyjws\""),
         "ambiguous manifest: key \"mediaType\" outside the signed payload of a schema1 manifest"},
        {outside("\"layers\": []"),
         "ambiguous manifest: unexpected fields [layers] in application/vnd.docker.distribution.manifest.v1+prettyjws"},
        {outside("\"Config\": {}"),
         "ambiguous manifest: unexpected fields [config] in application/vnd.docker.distribution.manifest.v1+prettyjws"},
        // Repeated within the unsigned part, or inside the payload: which one counts is ambiguous.
        {outside("\"fsLayers\": [], \"fsLayers\": []"), "duplicate JSON key \"fsLayers\""},
        {outside(signatures), "duplicate JSON key \"signatures\""},
        {samples::sign_schema1(std::string(payload).insert(2, "   \"tag\": \"x\",\n")), "duplicate JSON key \"tag\""},
        // A key repeated in case only is one key to Go.
        {outside("\"FSLayers\": []"), "case-variant JSON keys \"fsLayers\" and \"FSLayers\""},
        // A payload that is valid JSON but ends inside a member of the outer document (the
        // history array): what follows it is not object members.
        {payload.substr(0, length) + ",\n   \"signatures\": [" +
             samples::signature_block(samples::protected_header(inner, "]}")) + "]\n}",
         "invalid schema1 signatures: formatLength " + std::to_string(inner) +
             " does not end the payload where a member of the manifest ends"},
    };
    for (const auto &c : cases) {
        INFO(c.bytes);
        auto document = parse_document(c.bytes);
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK_THAT(document.error().message, Catch::StartsWith(c.message));
    }
    // A duplicate key in a document that is not signed schema1 stays the strict reader's refusal.
    auto unsigned_twice = parse_document(payload.substr(0, length) + ",\n   \"tag\": \"x\"\n}");
    REQUIRE_FALSE(unsigned_twice);
    CHECK(unsigned_twice.error().message == "duplicate JSON key \"tag\"");
}

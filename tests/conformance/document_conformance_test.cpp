// Every document of ../shared/conformance/manifests (exact bytes collected from containers/image,
// go-containerregistry, regclient, moby, oras, forgejo and Docker Hub) parsed through the model,
// checked against the digest, digest rule and media type index.json records for it.

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/core/model.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"

using digestx::Digest;
using digestx::ErrorCode;
using nlohmann::json;

namespace {

const std::string schema1_rule = "schema1 JWS payload (signatures stripped)";

// Entries digestx refuses on purpose although a peer reads them, each with the rule that makes
// it refuse; the test asserts the refusal and reports the entry.
const std::map<std::string, std::pair<std::string, std::string>> &deliberate_refusals() {
    static const std::map<std::string, std::pair<std::string, std::string>> refusals = {
        {"ci-oci-artifact-empty-config-digest.json",
         {"invalid digest in config descriptor: invalid digest format: expected algorithm:encoded",
          "config descriptor digest is \"\": every descriptor digest must be valid (fault catalogue rule 5); a "
          "registry could not store the config either"}},
        {"ci-oci-artifact-no-mediatype.json",
         {"invalid digest in config descriptor: invalid digest format: expected algorithm:encoded",
          "config descriptor digest is \"\": every descriptor digest must be valid (fault catalogue rule 5)"}},
    };
    return refusals;
}

// The declared media type (Content-Type or descriptor) an entry is meant to be read with.
std::optional<std::string> declared_for(const json &entry) {
    if (entry["file"] == "gcr-index-referenced-as-docker-list.json") {
        return std::string(digestx::media::docker_manifest_list);
    }
    return std::nullopt;
}

// Image configs and the empty blob sit beside the manifests: they are blobs, not manifests.
bool is_blob_entry(const std::string &kind) {
    for (std::string_view prefix : {"image-config", "docker image config", "oci-image-config", "oci empty blob"}) {
        if (kind.starts_with(prefix)) return true;
    }
    return false;
}

std::string text_or_empty(const json &entry, const char *key) {
    auto it = entry.find(key);
    return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void check_blob(const json &entry, const std::string &bytes) {
    auto document = digestx::parse_document(bytes);
    REQUIRE_FALSE(document);
    CHECK(document.error().code == ErrorCode::Integrity);
    if (entry["kind"].get<std::string>().find("config") != std::string::npos) {
        auto config = digestx::parse_image_config(bytes);
        REQUIRE(config);
        CHECK(config->digest.str() == entry["digest"]);
        CHECK_FALSE(config->os.empty());
        CHECK_FALSE(config->architecture.empty());
        CHECK_FALSE(config->diff_ids.empty());
    }
}

void check_expected_failure(const json &entry, const std::string &bytes) {
    auto document = digestx::parse_document(bytes);
    REQUIRE_FALSE(document);
    CHECK(document.error().code == ErrorCode::Integrity);
    std::string kind = entry["kind"];
    if (kind.find("not JSON") != std::string::npos) {
        CHECK_THAT(document.error().message, Catch::StartsWith("malformed JSON in manifest at byte "));
    }
    if (kind.find("schemaVersion") != std::string::npos) {
        CHECK_THAT(document.error().message, Catch::StartsWith("unsupported schemaVersion "));
    }
    if (entry.value("expect_digest_error", false)) {
        CHECK_FALSE(digestx::manifest_digest(bytes));
        CHECK_FALSE(digestx::schema1_signed_payload(bytes));
    }
    if (entry.contains("expect_mismatch_with")) {
        // The tampered manifest must not verify as the original: its signed payload hashes to
        // something else, and digestx refuses it outright (schema1 with schemaVersion 2).
        auto payload = digestx::schema1_signed_payload(bytes);
        REQUIRE(payload);
        CHECK(Digest::compute(*payload).str() == entry["schema1_canonical_payload_sha256"]);
        CHECK(Digest::compute(*payload).str() != entry["expect_mismatch_with"]);
        CHECK_FALSE(digestx::manifest_digest(bytes));
    }
}

void check_document(const json &entry, const std::string &bytes, const std::string &dir) {
    auto declared = declared_for(entry);
    auto document =
        digestx::parse_document(bytes, declared ? std::optional<std::string_view>(*declared) : std::nullopt);
    if (!document) FAIL(document.error().message);
    CHECK(document->digest().str() == entry["digest"]);
    CHECK(document->bytes() == bytes);
    auto digest = digestx::manifest_digest(bytes);
    REQUIRE(digest);
    CHECK(digest->str() == entry["digest"]);

    std::string rule = entry["digest_rule"];
    if (rule == schema1_rule) {
        CHECK(document->kind() == digestx::DocumentKind::Schema1Signed);
        CHECK(document->digest().str() == entry["schema1_canonical_payload_sha256"]);
        CHECK(document->digest() != Digest::compute(bytes));
        std::string payload_file = text_or_empty(entry, "schema1_canonical_payload_file");
        payload_file = payload_file.substr(0, payload_file.find(' '));
        auto expected_payload = digestx::test::read_file(dir + "/" + payload_file);
        CHECK(document->schema1().payload == expected_payload);
        CHECK(document->schema1().payload.size() == entry["schema1_canonical_payload_size"]);
        CHECK(document->schema1().signature_count >= 1);
        // moby TestValidateManifest: the first layer is the signed one, also for extra_data_manifest,
        // whose unsigned part repeats fsLayers with forged digests.
        std::string notes = text_or_empty(entry, "notes");
        if (auto at = notes.find("first fsLayer blobSum "); at != std::string::npos) {
            REQUIRE_FALSE(document->schema1().fs_layers.empty());
            CHECK(document->schema1().fs_layers[0].str() == notes.substr(at + 22, 71));
        }
        bool extra = notes.find("extra data outside the signed payload") != std::string::npos;
        CHECK(document->notes().size() == (extra ? 1U : 0U));
        if (extra) {
            CHECK(document->notes()[0].code == "schema1-unsigned-data");
            CHECK(document->schema1().unsigned_keys == std::vector<std::string>{"fsLayers"});
        }
    } else {
        CHECK(document->digest() == Digest::compute(bytes));
    }

    std::string body_type = text_or_empty(entry, "mediaType");
    std::string guessed = text_or_empty(entry, "guessed_media_type");
    if (declared) {
        CHECK(document->media_type() == *declared);
    } else if (!body_type.empty()) {
        CHECK(document->media_type() == body_type);
        CHECK(document->media_type_in_body());
    } else if (!guessed.empty()) {
        CHECK(document->media_type() == guessed);
        CHECK_FALSE(document->media_type_in_body());
    }
    if (!body_type.empty()) {
        // Read through a descriptor or Content-Type of the same type, and of the other kind (B4).
        CHECK(digestx::parse_document(bytes, body_type));
        std::string_view other = digestx::media::classify(body_type) == digestx::media::Kind::Index
                                     ? digestx::media::oci_manifest
                                     : digestx::media::oci_index;
        auto mismatch = digestx::parse_document(bytes, other);
        REQUIRE_FALSE(mismatch);
        CHECK_THAT(mismatch.error().message, Catch::StartsWith("media type mismatch: Content-Type "));
        // The other flavour of the same kind (OCI vs Docker) is read as the body says, with a note,
        // as containerd reads it; --strict refuses it.
        static const std::map<std::string, std::string> flavours = {
            {std::string(digestx::media::oci_index), std::string(digestx::media::docker_manifest_list)},
            {std::string(digestx::media::docker_manifest_list), std::string(digestx::media::oci_index)},
            {std::string(digestx::media::oci_manifest), std::string(digestx::media::docker_manifest_v2)},
            {std::string(digestx::media::docker_manifest_v2), std::string(digestx::media::oci_manifest)}};
        if (auto flavour = flavours.find(body_type); flavour != flavours.end()) {
            auto read = digestx::parse_document(bytes, flavour->second);
            REQUIRE(read);
            CHECK(read->media_type() == body_type);
            CHECK(read->digest() == document->digest());
            REQUIRE(read->notes().size() == 1);
            CHECK(read->notes()[0].code == "media-type-mismatch");
            auto strict = digestx::parse_document(bytes, flavour->second, digestx::ParseOptions{true, "descriptor"});
            REQUIRE_FALSE(strict);
            CHECK_THAT(strict.error().message, Catch::EndsWith(" (--strict)"));
        }
    }
    std::string kind = entry["kind"];
    bool index_kind = kind.find("index") != std::string::npos || kind.find("list") != std::string::npos;
    CHECK(document->is_index() == index_kind);
}

} // namespace

TEST_CASE("every conformance manifest parses as documented", "[conformance][model]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: manifest conformance vectors are skipped");
    }
    const std::string dir = shared + "/conformance/manifests";
    json index = json::parse(digestx::test::read_file(dir + "/index.json"));
    REQUIRE(index["entries"].size() >= 46);
    std::size_t parsed = 0, expected_failures = 0, blobs = 0, refused = 0;
    for (const auto &entry : index["entries"]) {
        std::string file = entry["file"];
        INFO(file << " (" << entry["kind"].get<std::string>() << ")");
        std::string bytes = digestx::test::read_file(dir + "/" + file);
        CHECK(bytes.size() == entry["size"]);
        CHECK(Digest::compute(bytes).str() == entry["sha256_of_bytes"]);
        std::string kind = entry["kind"];
        if (auto refusal = deliberate_refusals().find(file); refusal != deliberate_refusals().end()) {
            auto document = digestx::parse_document(bytes);
            REQUIRE_FALSE(document);
            CHECK(document.error().message == refusal->second.first);
            WARN("excluded " << file << ": " << refusal->second.second);
            ++refused;
        } else if (is_blob_entry(kind)) {
            check_blob(entry, bytes);
            ++blobs;
        } else if (kind.starts_with("invalid:") || entry.value("expect_digest_error", false) ||
                   entry.contains("expect_mismatch_with")) {
            check_expected_failure(entry, bytes);
            ++expected_failures;
        } else {
            check_document(entry, bytes, dir);
            ++parsed;
        }
    }
    CHECK(parsed + expected_failures + blobs + refused == index["entries"].size());
    CHECK(refused == deliberate_refusals().size());
    CHECK(expected_failures == 4);
    CHECK(blobs == 6);
}

TEST_CASE("expected platform children are entries of their index", "[conformance][model]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: selection vectors are skipped");
    }
    const std::string dir = shared + "/conformance/manifests";
    json selections = json::parse(digestx::test::read_file(dir + "/selections.json"));
    REQUIRE_FALSE(selections.empty());
    for (const auto &selection : selections) {
        std::string file = selection["document"];
        INFO(file << " " << selection["os"].get<std::string>() << "/" << selection["architecture"].get<std::string>());
        auto document = digestx::parse_document(digestx::test::read_file(dir + "/" + file));
        REQUIRE(document);
        CHECK(document->digest().str() == selection["document_digest"]);
        std::set<std::string> children;
        for (const auto &ref : document->descriptors())
            children.insert(ref.descriptor->digest.str());
        // A null expectation means "no entry matches": that is the platform matcher's to judge.
        if (selection["expected_digest"].is_null()) continue;
        CHECK(children.count(selection["expected_digest"].get<std::string>()) == 1);
    }
}

TEST_CASE("attestation and builder entries of real indexes", "[conformance][model]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: attestation vectors are skipped");
    }
    const std::string dir = shared + "/conformance/manifests";
    auto nginx = digestx::parse_document(digestx::test::read_file(dir + "/forgejo-nginx-index-with-attestation.json"));
    REQUIRE(nginx);
    const auto &entries = nginx->index().manifests;
    REQUIRE(entries.size() == 2);
    CHECK_FALSE(entries[0].is_attestation());
    CHECK(entries[0].platform->os == "linux");
    CHECK(entries[1].is_attestation());
    CHECK(entries[1].digest.str() == "sha256:32923807439461f47e92b606f5fe670b1791b407c62a6b4648b38f7659c034be");
    REQUIRE(entries[1].attests());
    CHECK(*entries[1].attests() == entries[0].digest);
    CHECK(entries[1].platform->architecture == "unknown");

    auto builder = digestx::parse_document(
        digestx::test::read_file(dir + "/rc-testrepo-v1-index-with-unknown-platform-refs.json"));
    REQUIRE(builder);
    const auto &refs = builder->index().manifests;
    REQUIRE(refs.size() == 4);
    CHECK(refs[2].reference_type() == "builder");
    CHECK_FALSE(refs[2].is_attestation());
    CHECK_FALSE(refs[2].attests());
    REQUIRE(refs[2].reference_digest);
    CHECK(*refs[2].reference_digest == refs[0].digest);
    CHECK(*refs[3].reference_digest == refs[1].digest);

    auto sbom =
        digestx::parse_document(digestx::test::read_file(dir + "/rc-testrepo-a1-artifact-sbom-with-subject.json"));
    REQUIRE(sbom);
    CHECK(sbom->manifest().is_artifact());
    CHECK(sbom->artifact_type() == "application/example.sbom");
    CHECK(sbom->manifest().config->media_type == digestx::media::oci_empty);
    REQUIRE(sbom->subject());
    CHECK(sbom->subject()->digest.str() == "sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e");
}

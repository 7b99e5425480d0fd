#include <catch2/catch.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/core/model.hpp"
#include "support/model_samples.hpp"
#include "support/skip.hpp"
#include "support/process.hpp"

using digestx::Digest;
using digestx::DocumentKind;
using digestx::ErrorCode;
using digestx::parse_document;
namespace media = digestx::media;

namespace {

struct ValidCase {
    std::string name;
    std::string bytes;
    std::optional<std::string> declared;
    DocumentKind kind;
    std::string media_type;
    bool in_body;
    std::size_t descriptors;
};

std::vector<ValidCase> valid_cases() {
    using namespace samples;
    const std::string oci_index_type(media::oci_index);
    const std::string oci_manifest_type(media::oci_manifest);
    const std::string docker_list_type(media::docker_manifest_list);
    const std::string docker_type(media::docker_manifest_v2);
    const std::string artifact_type(media::oci_artifact_manifest);
    const std::string list_media = "\"mediaType\":\"" + docker_list_type + "\",";
    const std::string two_entries = index_entry('a') + "," + index_entry('b', "linux", "arm64");
    return {
        {"oci manifest", oci_manifest(), std::nullopt, DocumentKind::OciManifest, oci_manifest_type, true, 3},
        {"oci manifest declared", oci_manifest(), oci_manifest_type, DocumentKind::OciManifest, oci_manifest_type, true,
         3},
        {"oci manifest declared with parameters", oci_manifest(), oci_manifest_type + "; charset=utf-8",
         DocumentKind::OciManifest, oci_manifest_type, true, 3},
        {"oci manifest without mediaType", oci_manifest("", ""), std::nullopt, DocumentKind::OciManifest,
         oci_manifest_type, false, 3},
        {"oci manifest without mediaType, declared", oci_manifest("", ""), oci_manifest_type, DocumentKind::OciManifest,
         oci_manifest_type, false, 3},
        {"docker manifest", docker_manifest(), std::nullopt, DocumentKind::DockerManifest, docker_type, true, 2},
        {"docker manifest declared", docker_manifest(), docker_type, DocumentKind::DockerManifest, docker_type, true,
         2},
        {"docker manifest without mediaType: the config type decides", docker_manifest("", ""), std::nullopt,
         DocumentKind::DockerManifest, docker_type, false, 2},
        {"docker-shaped manifest declared as OCI", docker_manifest("", ""), oci_manifest_type,
         DocumentKind::OciManifest, oci_manifest_type, false, 2},
        {"manifest without layers", "{\"schemaVersion\":2,\"config\":" + oci_config() + "}", std::nullopt,
         DocumentKind::OciManifest, oci_manifest_type, false, 1},
        {"manifest with null layers", "{\"schemaVersion\":2,\"config\":" + oci_config() + ",\"layers\":null}",
         std::nullopt, DocumentKind::OciManifest, oci_manifest_type, false, 1},
        {"manifest with empty layers", "{\"schemaVersion\":2,\"config\":" + oci_config() + ",\"layers\":[]}",
         std::nullopt, DocumentKind::OciManifest, oci_manifest_type, false, 1},
        {"manifest with subject", oci_manifest("\"subject\":" + index_entry('e')), std::nullopt,
         DocumentKind::OciManifest, oci_manifest_type, true, 4},
        {"manifest with unknown fields", oci_manifest("\"futureField\":{\"x\":[1,2]},\"annotations\":{\"a\":\"b\"}"),
         std::nullopt, DocumentKind::OciManifest, oci_manifest_type, true, 3},
        {"manifest with index-null manifests", oci_manifest("\"manifests\":null"), std::nullopt,
         DocumentKind::OciManifest, oci_manifest_type, true, 3},
        {"oci index", oci_index(two_entries), std::nullopt, DocumentKind::OciIndex, oci_index_type, true, 2},
        {"oci index declared", oci_index(two_entries), oci_index_type, DocumentKind::OciIndex, oci_index_type, true, 2},
        {"oci index without mediaType", oci_index(two_entries, "", ""), std::nullopt, DocumentKind::OciIndex,
         oci_index_type, false, 2},
        {"index without mediaType declared as a Docker list", oci_index(two_entries, "", ""), docker_list_type,
         DocumentKind::DockerManifestList, docker_list_type, false, 2},
        {"empty index", oci_index(""), std::nullopt, DocumentKind::OciIndex, oci_index_type, true, 0},
        {"index with subject and artifactType",
         oci_index(index_entry('a'), "\"subject\":" + index_entry('e') + ",\"artifactType\":\"application/x\""),
         std::nullopt, DocumentKind::OciIndex, oci_index_type, true, 2},
        {"index with null layers and config", oci_index(index_entry('a'), "\"layers\":null,\"config\":null"),
         std::nullopt, DocumentKind::OciIndex, oci_index_type, true, 1},
        {"docker manifest list", oci_index(two_entries, "", list_media), std::nullopt, DocumentKind::DockerManifestList,
         docker_list_type, true, 2},
        {"docker manifest list declared", oci_index(two_entries, "", list_media), docker_list_type,
         DocumentKind::DockerManifestList, docker_list_type, true, 2},
        {"schema1 unsigned", schema1_unsigned(), std::nullopt, DocumentKind::Schema1Unsigned,
         std::string(media::docker_manifest_v1), false, 0},
        {"schema1 signed", sign_schema1(schema1_unsigned()), std::nullopt, DocumentKind::Schema1Signed,
         std::string(media::docker_manifest_v1_signed), false, 0},
        {"schema1 signed served as v1+json", sign_schema1(schema1_unsigned()), std::string(media::docker_manifest_v1),
         DocumentKind::Schema1Signed, std::string(media::docker_manifest_v1), false, 0},
        {"schema1 unsigned served as prettyjws", schema1_unsigned(), std::string(media::docker_manifest_v1_signed),
         DocumentKind::Schema1Unsigned, std::string(media::docker_manifest_v1_signed), false, 0},
        {"schema1 served as application/json", schema1_unsigned(), "application/json", DocumentKind::Schema1Unsigned,
         std::string(media::docker_manifest_v1), false, 0},
        {"schema1 served as text/plain", sign_schema1(schema1_unsigned()), "text/plain; charset=utf-8",
         DocumentKind::Schema1Signed, std::string(media::docker_manifest_v1_signed), false, 0},
        {"schema1 with null signatures is unsigned",
         schema1_unsigned().replace(schema1_unsigned().size() - 2, 0, ",\n   \"signatures\": null"), std::nullopt,
         DocumentKind::Schema1Unsigned, std::string(media::docker_manifest_v1), false, 0},
        {"empty declared type is no information", oci_manifest(), "", DocumentKind::OciManifest, oci_manifest_type,
         true, 3},
        {"artifact manifest", oci_artifact_manifest(), std::nullopt, DocumentKind::OciArtifactManifest, artifact_type,
         true, 1},
        {"artifact manifest declared", oci_artifact_manifest(), artifact_type, DocumentKind::OciArtifactManifest,
         artifact_type, true, 1},
        {"artifact manifest with subject and schemaVersion 2",
         oci_artifact_manifest("\"subject\":" + index_entry('e') + ",\"schemaVersion\":2"), std::nullopt,
         DocumentKind::OciArtifactManifest, artifact_type, true, 2},
        {"artifact manifest without blobs", "{\"mediaType\":\"" + artifact_type + "\"}", std::nullopt,
         DocumentKind::OciArtifactManifest, artifact_type, true, 0},
    };
}

} // namespace

TEST_CASE("every document type parses to its kind, media type and descriptors", "[model]") {
    for (const auto &c : valid_cases()) {
        INFO(c.name << "\n" << c.bytes);
        auto declared = c.declared ? std::optional<std::string_view>(*c.declared) : std::nullopt;
        auto document = parse_document(c.bytes, declared);
        REQUIRE(document);
        CHECK(document->kind() == c.kind);
        CHECK(document->media_type() == c.media_type);
        CHECK(document->media_type_in_body() == c.in_body);
        CHECK(document->descriptors().size() == c.descriptors);
        CHECK(document->bytes() == c.bytes);
        CHECK(document->size() == c.bytes.size());
        CHECK(document->is_index() == (c.kind == DocumentKind::OciIndex || c.kind == DocumentKind::DockerManifestList));
        CHECK(document->is_schema1() ==
              (c.kind == DocumentKind::Schema1Signed || c.kind == DocumentKind::Schema1Unsigned));
        if (c.kind != DocumentKind::Schema1Signed) CHECK(document->digest() == Digest::compute(c.bytes));
        auto digest = digestx::manifest_digest(c.bytes);
        REQUIRE(digest);
        CHECK(*digest == document->digest());
    }
}

TEST_CASE("document kinds have stable names", "[model]") {
    CHECK(digestx::document_kind_name(DocumentKind::OciIndex) == "oci-index");
    CHECK(digestx::document_kind_name(DocumentKind::DockerManifestList) == "docker-manifest-list");
    CHECK(digestx::document_kind_name(DocumentKind::OciManifest) == "oci-manifest");
    CHECK(digestx::document_kind_name(DocumentKind::DockerManifest) == "docker-manifest");
    CHECK(digestx::document_kind_name(DocumentKind::OciArtifactManifest) == "oci-artifact-manifest");
    CHECK(digestx::document_kind_name(DocumentKind::Schema1Signed) == "schema1-signed");
    CHECK(digestx::document_kind_name(DocumentKind::Schema1Unsigned) == "schema1-unsigned");
}

TEST_CASE("descriptors walk an index in order, the subject last", "[model]") {
    using namespace samples;
    auto bytes = oci_index(index_entry('a') + "," + index_entry('b', "linux", "arm64"),
                           "\"subject\":" + index_entry('e') + ",\"annotations\":{\"k\":\"v\"}");
    auto document = parse_document(bytes);
    REQUIRE(document);
    auto refs = document->descriptors();
    REQUIRE(refs.size() == 3);
    CHECK(refs[0].role == digestx::DescriptorRole::IndexEntry);
    CHECK(refs[0].position == 0);
    CHECK(refs[0].descriptor->digest.str() == digest('a'));
    CHECK(refs[1].position == 1);
    CHECK(refs[1].descriptor->platform->architecture == "arm64");
    CHECK(refs[2].role == digestx::DescriptorRole::Subject);
    CHECK(refs[2].descriptor == document->subject());
    CHECK(document->subject()->digest.str() == digest('e'));
    CHECK(document->annotations().at("k") == "v");
    CHECK(document->index().manifests.size() == 2);
}

TEST_CASE("descriptors walk a manifest: config, layers, subject", "[model]") {
    using namespace samples;
    auto document = parse_document(oci_manifest("\"subject\":" + index_entry('e')));
    REQUIRE(document);
    auto refs = document->descriptors();
    REQUIRE(refs.size() == 4);
    CHECK(refs[0].role == digestx::DescriptorRole::Config);
    CHECK(refs[0].descriptor->digest.str() == digest('c'));
    CHECK(refs[0].descriptor->size == 7023);
    CHECK(refs[1].role == digestx::DescriptorRole::Layer);
    CHECK(refs[1].position == 0);
    CHECK(refs[2].position == 1);
    CHECK(refs[2].descriptor->digest.str() == digest('2'));
    CHECK(refs[3].role == digestx::DescriptorRole::Subject);
    CHECK_FALSE(document->manifest().is_artifact());
    CHECK(document->artifact_type().empty());
    CHECK(document->annotations().empty());
}

TEST_CASE("a manifest's config type makes it an image, an image with a legacy config type, or an artifact", "[model]") {
    using digestx::ConfigKind;
    struct Case {
        std::string config_type;
        std::string artifact_type;
        ConfigKind kind;
    };
    // moby pull_v2.go defaultImageTypes, compared exactly; an artifactType always makes an artifact.
    std::vector<Case> cases = {
        {std::string(media::oci_config), "", ConfigKind::Image},
        {std::string(media::docker_config), "", ConfigKind::Image},
        {std::string(media::docker_config) + "; charset=utf-8", "", ConfigKind::Image},
        {"application/octet-stream", "", ConfigKind::LegacyImage},
        {"application/json", "", ConfigKind::LegacyImage},
        {"text/html", "", ConfigKind::LegacyImage},
        {"", "", ConfigKind::LegacyImage},
        {"application/json; charset=utf-8", "", ConfigKind::Other},
        {"Application/Octet-Stream", "", ConfigKind::Other},
        {"application/vnd.cncf.helm.config.v1+json", "", ConfigKind::Other},
        {std::string(media::oci_empty), "", ConfigKind::Other},
        {"application/octet-stream", "application/vnd.example+json", ConfigKind::Other},
        {std::string(media::oci_config), "application/vnd.example+json", ConfigKind::Other},
    };
    for (const auto &c : cases) {
        INFO("\"" << c.config_type << "\" / \"" << c.artifact_type << "\"");
        digestx::Manifest manifest{
            digestx::Descriptor{
                c.config_type, digestx::DeclaredDigest(Digest::compute("{}")), 2, {}, {}, {}, {}, {}, {}},
            {},
            {},
            c.artifact_type,
            {}};
        CHECK(manifest.config_kind() == c.kind);
        CHECK(manifest.has_image_config() == (c.kind != ConfigKind::Other));
        if (c.artifact_type.empty()) {
            CHECK(digestx::is_legacy_config_type(c.config_type) == (c.kind == ConfigKind::LegacyImage));
        }
    }
}

TEST_CASE("media type disagreements of kind are refused", "[model][B4]") {
    using namespace samples;
    struct Case {
        std::string bytes;
        std::string declared;
        std::string message;
    };
    const std::string list_media = "\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",";
    std::vector<Case> cases = {
        {oci_index(index_entry('a')), std::string(media::oci_manifest),
         "media type mismatch: Content-Type application/vnd.oci.image.manifest.v1+json vs document mediaType "
         "application/vnd.oci.image.index.v1+json"},
        {oci_index(index_entry('a'), "", list_media), std::string(media::oci_manifest),
         "media type mismatch: Content-Type application/vnd.oci.image.manifest.v1+json vs document mediaType "
         "application/vnd.docker.distribution.manifest.list.v2+json"},
        {oci_manifest(), std::string(media::oci_index),
         "media type mismatch: Content-Type application/vnd.oci.image.index.v1+json vs document mediaType "
         "application/vnd.oci.image.manifest.v1+json"},
        {oci_manifest(), std::string(media::docker_manifest_v1_signed),
         "media type mismatch: Content-Type application/vnd.docker.distribution.manifest.v1+prettyjws vs document "
         "mediaType application/vnd.oci.image.manifest.v1+json"},
        {oci_manifest(), std::string(media::oci_config),
         "media type mismatch: Content-Type \"application/vnd.oci.image.config.v1+json\" is not a manifest type"},
        {oci_manifest(), std::string(media::oci_layer_gzip),
         "media type mismatch: Content-Type \"application/vnd.oci.image.layer.v1.tar+gzip\" is not a manifest type"},
        {oci_manifest(), "application/octet-stream",
         "media type mismatch: Content-Type \"application/octet-stream\" is not a manifest type"},
        {oci_manifest(), "text/html; charset=utf-8",
         "media type mismatch: Content-Type \"text/html\" is not a manifest type"},
        {oci_manifest(), "application/json",
         "media type mismatch: Content-Type application/json vs document mediaType "
         "application/vnd.oci.image.manifest.v1+json"},
        {oci_index(index_entry('a'), "", ""), "text/plain",
         "media type mismatch: Content-Type text/plain vs document mediaType application/vnd.oci.image.index.v1+json"},
        {schema1_unsigned(), std::string(media::oci_manifest),
         "ambiguous manifest: unexpected fields [fsLayers] in application/vnd.oci.image.manifest.v1+json"},
        {oci_index(index_entry('a'), "", ""), std::string(media::oci_manifest),
         "ambiguous manifest: unexpected fields [manifests] in application/vnd.oci.image.manifest.v1+json"},
        {oci_manifest("", ""), std::string(media::oci_index),
         "ambiguous manifest: unexpected fields [config, layers] in application/vnd.oci.image.index.v1+json"},
        {oci_manifest("", ""), std::string(media::docker_manifest_list),
         "ambiguous manifest: unexpected fields [config, layers] in "
         "application/vnd.docker.distribution.manifest.list.v2+json"},
        {oci_manifest("", "\"mediaType\":\"application/vnd.oci.image.config.v1+json\","), "",
         "unsupported manifest mediaType \"application/vnd.oci.image.config.v1+json\""},
        {oci_manifest("", "\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\","), "",
         "ambiguous manifest: unexpected fields [config, layers] in application/vnd.oci.artifact.manifest.v1+json"},
        {oci_artifact_manifest(), std::string(media::oci_manifest),
         "media type mismatch: Content-Type application/vnd.oci.image.manifest.v1+json vs document mediaType "
         "application/vnd.oci.artifact.manifest.v1+json"},
        {oci_manifest(), std::string(media::oci_artifact_manifest),
         "media type mismatch: Content-Type application/vnd.oci.artifact.manifest.v1+json vs document mediaType "
         "application/vnd.oci.image.manifest.v1+json"},
        {oci_artifact_manifest(), std::string(media::oci_index),
         "media type mismatch: Content-Type application/vnd.oci.image.index.v1+json vs document mediaType "
         "application/vnd.oci.artifact.manifest.v1+json"},
        {oci_manifest("", ""), std::string(media::oci_artifact_manifest),
         "ambiguous manifest: unexpected fields [config, layers] in application/vnd.oci.artifact.manifest.v1+json"},
        {oci_index(index_entry('a'), "", ""), std::string(media::oci_artifact_manifest),
         "ambiguous manifest: unexpected fields [manifests] in application/vnd.oci.artifact.manifest.v1+json"},
        {oci_artifact_manifest("", ""), "", "missing schemaVersion in manifest"},
        {oci_artifact_manifest("\"schemaVersion\":1"), "",
         "schemaVersion 1 is not valid for application/vnd.oci.artifact.manifest.v1+json"},
        {"{\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\",\"Blobs\":[]}", "",
         "ambiguous manifest: key \"Blobs\" differs only in case from \"blobs\""},
        {oci_artifact_manifest("\"fsLayers\":[]"), "",
         "ambiguous manifest: unexpected fields [fsLayers] in application/vnd.oci.artifact.manifest.v1+json"},
        {oci_artifact_manifest("", "\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\",\"blobs\":5,"), "",
         "duplicate JSON key \"blobs\""},
        {"{\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\",\"blobs\":5}", "",
         "field \"blobs\" must be an array of descriptors"},
        {oci_manifest("", "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json; charset=utf-8\","), "",
         "unsupported manifest mediaType \"application/vnd.oci.image.manifest.v1+json; charset=utf-8\""},
        {oci_manifest("", "\"mediaType\":\"\\u001b[31mred\","), "", "unsupported manifest mediaType \"\\x1b[31mred\""},
        {oci_manifest("", "\"mediaType\":5,"), "", "field \"mediaType\" must be a string in the manifest"},
        {oci_manifest("", "\"mediaType\":[\"application/vnd.oci.image.manifest.v1+json\"],"), "",
         "field \"mediaType\" must be a string in the manifest"},
    };
    for (const auto &c : cases) {
        INFO(c.declared << "\n" << c.bytes);
        auto document =
            parse_document(c.bytes, c.declared.empty() ? std::nullopt : std::optional<std::string_view>(c.declared));
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK(document.error().message == c.message);
    }
}

TEST_CASE("a declaration of the other flavour of the same kind is read with a note, refused with strict",
          "[model][B4]") {
    // containerd core/images/image_test.go TestValidateMediaType: the Docker manifest type is valid
    // for an OCI manifest descriptor and back, likewise for the two index types; go-containerregistry's
    // own layouts (pkg/v1/layout/testdata/test_index) call a Docker manifest an OCI one.
    using namespace samples;
    struct Case {
        std::string bytes;
        std::string declared;
        DocumentKind kind; // what the body says
        std::string body_type;
        std::string kind_words;
    };
    const std::string list_media = "\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",";
    std::vector<Case> cases = {
        {oci_index(index_entry('a')), std::string(media::docker_manifest_list), DocumentKind::OciIndex,
         std::string(media::oci_index), "an index"},
        {oci_index(index_entry('a'), "", list_media), std::string(media::oci_index), DocumentKind::DockerManifestList,
         std::string(media::docker_manifest_list), "an index"},
        {oci_manifest(), std::string(media::docker_manifest_v2), DocumentKind::OciManifest,
         std::string(media::oci_manifest), "an image manifest"},
        {docker_manifest(), std::string(media::oci_manifest) + "; charset=utf-8", DocumentKind::DockerManifest,
         std::string(media::docker_manifest_v2), "an image manifest"},
    };
    for (const auto &c : cases) {
        INFO(c.declared << "\n" << c.bytes);
        std::string declared(media::essence(c.declared));
        auto document = parse_document(c.bytes, c.declared);
        REQUIRE(document);
        CHECK(document->kind() == c.kind);
        CHECK(document->media_type() == c.body_type);
        CHECK(document->digest() == Digest::compute(c.bytes));
        REQUIRE(document->notes().size() == 1);
        CHECK(document->notes()[0].code == "media-type-mismatch");
        CHECK(document->notes()[0].message ==
              "the Content-Type says " + declared + " but the document's mediaType is " + c.body_type + ": both name " +
                  c.kind_words + ", so it is read as the document says, as containerd reads it (--strict refuses it)");

        auto by_descriptor = parse_document(c.bytes, c.declared, digestx::ParseOptions{false, "descriptor"});
        REQUIRE(by_descriptor);
        CHECK_THAT(by_descriptor->notes()[0].message, Catch::StartsWith("the descriptor says " + declared));

        auto strict = parse_document(c.bytes, c.declared, digestx::ParseOptions{true, "descriptor"});
        REQUIRE_FALSE(strict);
        CHECK(strict.error().code == ErrorCode::Integrity);
        CHECK(strict.error().message ==
              "media type mismatch: descriptor " + declared + " vs document mediaType " + c.body_type + " (--strict)");

        // The same rule for a further declaration of an already parsed document.
        auto plain = parse_document(c.bytes);
        REQUIRE(plain);
        CHECK(plain->notes().empty());
        auto again = digestx::check_declared_type(*plain, c.declared);
        REQUIRE(again);
        REQUIRE(*again);
        CHECK((*again)->message == document->notes()[0].message);
        CHECK_FALSE(digestx::check_declared_type(*plain, c.declared, digestx::ParseOptions{true, "Content-Type"}));
        auto same = digestx::check_declared_type(*plain, c.body_type, digestx::ParseOptions{true, "Content-Type"});
        REQUIRE(same);
        CHECK_FALSE(*same);
    }
}

TEST_CASE("a further declaration of another kind is refused, whatever the body says", "[model][B4]") {
    using namespace samples;
    auto manifest = parse_document(oci_manifest());
    REQUIRE(manifest);
    auto index = digestx::check_declared_type(*manifest, media::oci_index, digestx::ParseOptions{false, "descriptor"});
    REQUIRE_FALSE(index);
    CHECK(index.error().message == "media type mismatch: descriptor application/vnd.oci.image.index.v1+json vs "
                                   "document mediaType application/vnd.oci.image.manifest.v1+json");
    auto config = digestx::check_declared_type(*manifest, media::oci_config);
    REQUIRE_FALSE(config);
    CHECK(config.error().message ==
          "media type mismatch: Content-Type \"application/vnd.oci.image.config.v1+json\" is not a manifest type");
    auto loose = digestx::check_declared_type(*manifest, "application/json");
    CHECK_FALSE(loose);
    CHECK(digestx::check_declared_type(*manifest, ""));

    // Without a body mediaType there is no flavour to compare; the kind still counts.
    auto bare = parse_document(oci_index(index_entry('a'), "", ""));
    REQUIRE(bare);
    auto list = digestx::check_declared_type(*bare, media::docker_manifest_list, digestx::ParseOptions{true, "x"});
    REQUIRE(list);
    CHECK_FALSE(*list);
    auto as_manifest = digestx::check_declared_type(*bare, media::docker_manifest_v2);
    REQUIRE_FALSE(as_manifest);
    CHECK(as_manifest.error().message ==
          "media type mismatch: Content-Type application/vnd.docker.distribution.manifest.v2+json vs a document read "
          "as application/vnd.oci.image.index.v1+json");

    auto legacy = parse_document(samples::schema1_unsigned());
    REQUIRE(legacy);
    auto served_as_json = digestx::check_declared_type(*legacy, "application/json");
    REQUIRE(served_as_json);
    CHECK_FALSE(*served_as_json);
}

TEST_CASE("an artifact manifest keeps its blobs where a manifest keeps layers, and has no config", "[model]") {
    using namespace samples;
    auto document = parse_document(
        oci_artifact_manifest("\"subject\":" + index_entry('e') + ",\"annotations\":{\"org.example\":\"x\"}"));
    REQUIRE(document);
    CHECK(document->kind() == DocumentKind::OciArtifactManifest);
    CHECK(document->is_manifest());
    const auto &manifest = document->manifest();
    CHECK_FALSE(manifest.config);
    CHECK(manifest.is_artifact());
    REQUIRE(manifest.layers.size() == 1);
    CHECK(manifest.layers[0].media_type == "application/gzip");
    CHECK(manifest.layers[0].size == 123);
    CHECK(document->artifact_type() == "application/vnd.example.sbom.v1");
    REQUIRE(document->subject());
    CHECK(document->subject()->digest.str() == digest('e'));
    CHECK(document->annotations().at("org.example") == "x");
    auto refs = document->descriptors();
    REQUIRE(refs.size() == 2);
    CHECK(refs[0].role == digestx::DescriptorRole::Layer);
    CHECK(refs[1].role == digestx::DescriptorRole::Subject);
    CHECK(document->notes().empty());
    CHECK(media::classify(media::oci_artifact_manifest) == media::Kind::ArtifactManifest);

    // The specification says mediaType MUST be used; without it, only a declaration makes the
    // bytes an artifact manifest (there is no schemaVersion to go by).
    const std::string bare = oci_artifact_manifest("", "");
    auto declared = parse_document(bare, media::oci_artifact_manifest);
    REQUIRE(declared);
    CHECK(declared->kind() == DocumentKind::OciArtifactManifest);
    CHECK_FALSE(declared->media_type_in_body());
    CHECK(declared->media_type() == media::oci_artifact_manifest);
    auto undeclared = digestx::manifest_digest(bare);
    REQUIRE_FALSE(undeclared);
    CHECK(undeclared.error().message == "missing schemaVersion in manifest");
    CHECK(media::is_manifest_type("application/vnd.oci.artifact.manifest.v1+json; charset=utf-8"));
}

TEST_CASE("ambiguous documents are refused", "[model][B5]") {
    using namespace samples;
    struct Case {
        std::string bytes;
        std::string message;
    };
    const std::string layers = "\"layers\":[" + oci_layer() + "]";
    const std::string config = "\"config\":" + oci_config();
    const std::string fs_layers = "\"fsLayers\":[{\"blobSum\":\"" + digest('f') + "\"}]";
    const std::string manifests = "\"manifests\":[" + index_entry('a') + "]";
    const std::string oci_index_type = "application/vnd.oci.image.index.v1+json";
    const std::string oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
    std::vector<Case> cases = {
        {oci_index(index_entry('a'), layers), "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), config), "ambiguous manifest: unexpected fields [config] in " + oci_index_type},
        {oci_index(index_entry('a'), config + "," + layers),
         "ambiguous manifest: unexpected fields [config, layers] in " + oci_index_type},
        {oci_index(index_entry('a'), fs_layers),
         "ambiguous manifest: unexpected fields [fsLayers] in " + oci_index_type},
        {oci_index(index_entry('a'), config + "," + fs_layers + "," + layers),
         "ambiguous manifest: unexpected fields [config, fsLayers, layers] in " + oci_index_type},
        {oci_index(index_entry('a'), layers, ""),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"Layers\":[]"),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"LAYERS\":[]"),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"CONFIG\":{}"),
         "ambiguous manifest: unexpected fields [config] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"fslayers\":[]"),
         "ambiguous manifest: unexpected fields [fsLayers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"layer\xC5\xBF\":[]"),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"layers\":{}"),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"layers\":0"),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_index(index_entry('a'), "\"layers\":false"),
         "ambiguous manifest: unexpected fields [layers] in " + oci_index_type},
        {oci_manifest(manifests), "ambiguous manifest: unexpected fields [manifests] in " + oci_manifest_type},
        {oci_manifest("\"MANIFESTS\":[]"), "ambiguous manifest: unexpected fields [manifests] in " + oci_manifest_type},
        {oci_manifest("\"Manifests\":[]", ""),
         "ambiguous manifest: unexpected fields [config, layers] in " + oci_index_type},
        {oci_manifest(fs_layers), "ambiguous manifest: unexpected fields [fsLayers] in " + oci_manifest_type},
        {docker_manifest(manifests),
         "ambiguous manifest: unexpected fields [manifests] in application/vnd.docker.distribution.manifest.v2+json"},
        {oci_manifest(manifests, ""), "ambiguous manifest: unexpected fields [config, layers] in " + oci_index_type},
        {oci_index(index_entry('a'), config, ""),
         "ambiguous manifest: unexpected fields [config] in " + oci_index_type},
        {schema1_unsigned().replace(1, 0, manifests + ","),
         "ambiguous manifest: unexpected fields [manifests] in application/vnd.docker.distribution.manifest.v1+json"},
        {schema1_unsigned().replace(1, 0, config + ","),
         "ambiguous manifest: unexpected fields [config] in application/vnd.docker.distribution.manifest.v1+json"},
        {schema1_unsigned().replace(1, 0, layers + ","),
         "ambiguous manifest: unexpected fields [layers] in application/vnd.docker.distribution.manifest.v1+json"},
        {oci_manifest("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""),
         "duplicate JSON key \"mediaType\""},
        {oci_manifest("\"MediaType\":\"application/vnd.oci.image.index.v1+json\""),
         "case-variant JSON keys \"mediaType\" and \"MediaType\""},
        {oci_manifest("\"Layers\":[]"), "case-variant JSON keys \"layers\" and \"Layers\""},
        {oci_manifest("\"config\":{}"), "duplicate JSON key \"config\""},
        {oci_index(index_entry('a'), "\"manifests\":[]"), "duplicate JSON key \"manifests\""},
        {oci_index(index_entry('a'), "\"Manifests\":[]"), "case-variant JSON keys \"manifests\" and \"Manifests\""},
        {"{\"schemaVersion\":2,\"Config\":" + oci_config() + "}",
         "ambiguous manifest: key \"Config\" differs only in case from \"config\""},
        {oci_manifest("\"Subject\":" + index_entry('e')),
         "ambiguous manifest: key \"Subject\" differs only in case from \"subject\""},
        {oci_manifest("\"ArtifactType\":\"x\""),
         "ambiguous manifest: key \"ArtifactType\" differs only in case from \"artifactType\""},
        {oci_manifest("\"Annotations\":{}"),
         "ambiguous manifest: key \"Annotations\" differs only in case from \"annotations\""},
        {oci_manifest("", "\"MediaType\":\"application/vnd.oci.image.index.v1+json\","),
         "ambiguous manifest: key \"MediaType\" differs only in case from \"mediaType\""},
        {oci_index(index_entry('a'), "\"SchemaVersion\":2", ""),
         "case-variant JSON keys \"schemaVersion\" and \"SchemaVersion\""},
        {oci_index(index_entry('a'), "\"Subject\":{}"),
         "ambiguous manifest: key \"Subject\" differs only in case from \"subject\""},
        {"{\"schemaVersion\":2,\"manifests\":[],\"SchemaVersion\":1}",
         "case-variant JSON keys \"schemaVersion\" and \"SchemaVersion\""},
    };
    for (const auto &c : cases) {
        INFO(c.bytes);
        auto document = parse_document(c.bytes);
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK(document.error().message == c.message);
    }
}

TEST_CASE("schema versions and document shapes are checked", "[model]") {
    using namespace samples;
    struct Case {
        std::string bytes;
        std::string message;
    };
    std::vector<Case> cases = {
        {"{\"schemaVersion\":99999,\"name\":\"x\",\"tag\":\"latest\"}", "unsupported schemaVersion 99999"},
        {"{\"schemaVersion\":3,\"manifests\":[]}", "unsupported schemaVersion 3"},
        {"{\"schemaVersion\":0,\"manifests\":[]}", "unsupported schemaVersion 0"},
        {"{\"schemaVersion\":-2,\"manifests\":[]}", "schemaVersion must be a non-negative integer"},
        {"{\"schemaVersion\":2.0,\"manifests\":[]}", "schemaVersion must be a non-negative integer"},
        {"{\"schemaVersion\":\"2\",\"manifests\":[]}", "schemaVersion must be a non-negative integer"},
        {"{\"schemaVersion\":null,\"manifests\":[]}", "missing schemaVersion in manifest"},
        {"{\"manifests\":[]}", "missing schemaVersion in manifest"},
        {"{}", "missing schemaVersion in manifest"},
        {"{\"schemaVersion\":2}", "unrecognised manifest: none of manifests, config, layers or fsLayers"},
        {"{\"schemaVersion\":2,\"name\":\"x\"}",
         "unrecognised manifest: none of manifests, config, layers or fsLayers"},
        {"{\"schemaVersion\":1,\"manifests\":[]}",
         "ambiguous manifest: unexpected fields [manifests] in application/vnd.docker.distribution.manifest.v1+json"},
        {"{\"schemaVersion\":1,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" +
             oci_config() + "}",
         "schemaVersion 1 is not valid for application/vnd.oci.image.manifest.v1+json"},
        {"{\"schemaVersion\":1,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}",
         "schemaVersion 1 is not valid for application/vnd.oci.image.index.v1+json"},
        {"{\"schemaVersion\":2,\"fsLayers\":[],\"history\":[]}",
         "schemaVersion 2 is not valid for application/vnd.docker.distribution.manifest.v1+json"},
        {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}",
         "missing \"manifests\" array in application/vnd.oci.image.index.v1+json"},
        {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}",
         "missing \"manifests\" array in application/vnd.oci.image.index.v1+json"},
        {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}",
         "missing \"config\" in application/vnd.oci.image.manifest.v1+json"},
        {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":[]}",
         "config descriptor is not a descriptor object"},
        {"{\"schemaVersion\":2,\"layers\":[" + oci_layer() + "]}",
         "missing \"config\" in application/vnd.oci.image.manifest.v1+json"},
        {oci_manifest("", "").replace(oci_manifest("", "").find("\"layers\":["), 10, "\"layers\":{"),
         "malformed JSON in manifest"},
        {"{\"schemaVersion\":2,\"config\":" + oci_config() + ",\"layers\":{}}",
         "field \"layers\" must be an array of descriptors"},
        {"{\"schemaVersion\":2,\"config\":" + oci_config() + ",\"layers\":[1]}", "layer 0 is not a descriptor object"},
        {oci_index("null"), "index entry 0 is not a descriptor object"},
        {oci_index(index_entry('a') + ",\"x\""), "index entry 1 is not a descriptor object"},
        {oci_index(index_entry('a'), "\"subject\":[]"), "subject descriptor is not a descriptor object"},
        {oci_index(index_entry('a'), "\"annotations\":{\"a\":1}"),
         "field \"annotations\" must be an object of strings in the index"},
        {oci_index(index_entry('a'), "\"annotations\":[]"),
         "field \"annotations\" must be an object of strings in the index"},
        {oci_index(index_entry('a'), "\"artifactType\":7"), "field \"artifactType\" must be a string in the index"},
        {oci_manifest("\"artifactType\":{}"), "field \"artifactType\" must be a string in the manifest"},
        {oci_manifest("\"annotations\":{\"a\":null}"),
         "field \"annotations\" must be an object of strings in the manifest"},
        {"[]", "manifest is not a JSON object"},
        {"\"manifest\"", "manifest is not a JSON object"},
        {"2", "manifest is not a JSON object"},
        {"null", "manifest is not a JSON object"},
    };
    for (const auto &c : cases) {
        INFO(c.bytes);
        auto document = parse_document(c.bytes);
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK_THAT(document.error().message, Catch::StartsWith(c.message));
    }
}

TEST_CASE("malformed manifest bytes are refused before anything is read", "[model][B8][C15]") {
    using namespace samples;
    const std::string good = oci_manifest("\"annotations\":{\"t\":\"caf\xC3\xA9\"}");
    REQUIRE(parse_document(good));
    struct Case {
        std::string bytes;
        std::string message;
    };
    std::vector<Case> cases = {
        {"", "empty manifest"},
        {"   ", "malformed JSON in manifest at byte 3"},
        {"\xEF\xBB\xBF" + good, "malformed JSON in manifest at byte 1: leading UTF-8 byte order mark"},
        {good + "x", "malformed JSON in manifest at byte " + std::to_string(good.size() + 1)},
        {good + good, "malformed JSON in manifest at byte " + std::to_string(good.size() + 1)},
        {good + "\n}", "malformed JSON in manifest"},
        {good + std::string("\0", 1), "malformed JSON in manifest at byte " + std::to_string(good.size() + 1)},
        {good + "\n\n\t ", ""},
        {"\xFF" + good, "malformed JSON in manifest at byte 1"},
        {std::string(good).replace(good.find("caf"), 5, "caf\xE9"), "malformed JSON in manifest"},
        {std::string(good).replace(good.find("caf"), 5, "caf\xC3"), "malformed JSON in manifest"},
        {std::string(good).replace(good.find("7023"), 4, "NaN"), "malformed JSON in manifest"},
        {std::string(good).replace(good.find("7023"), 4, "Infinity"), "malformed JSON in manifest"},
        {"// digestx\n" + good, "malformed JSON in manifest at byte 1"},
        {"/**/" + good, "malformed JSON in manifest at byte 1"},
        {std::string(good).replace(good.size() - 1, 0, "/* x */"), "malformed JSON in manifest"},
        {std::string(good).replace(good.size() - 1, 0, ","), "malformed JSON in manifest"},
        {std::string(good).replace(good.find("\"config\""), 0,
                                   "\"x\":" + std::string(200, '[') + std::string(200, ']') + ","),
         "JSON nesting deeper than 64"},
        {std::string(good).replace(good.find("\"config\""), 0,
                                   "\"x\":" + std::string(100000, '[') + std::string(100000, ']') + ","),
         "JSON nesting deeper than 64"},
        {std::string(good).replace(good.find("\"config\""), 0,
                                   "\"x\":" + std::string(60, '[') + std::string(60, ']') + ","),
         ""},
    };
    for (std::size_t cut = 1; cut < good.size(); ++cut)
        cases.push_back({good.substr(0, cut), "malformed JSON in manifest at byte "});
    for (const auto &c : cases) {
        INFO(c.bytes.substr(0, 300));
        auto document = parse_document(c.bytes);
        if (c.message.empty()) {
            CHECK(document.has_value());
            continue;
        }
        REQUIRE_FALSE(document);
        CHECK(document.error().code == ErrorCode::Integrity);
        CHECK_THAT(document.error().message, Catch::StartsWith(c.message));
        CHECK(document.error().message.size() < 400);
    }
}

TEST_CASE("manifest_digest hashes what a registry hashes", "[model]") {
    using namespace samples;
    auto unsigned_bytes = schema1_unsigned();
    auto signed_bytes = sign_schema1(unsigned_bytes);
    REQUIRE(signed_bytes != unsigned_bytes);
    auto signed_digest = digestx::manifest_digest(signed_bytes);
    REQUIRE(signed_digest);
    CHECK(*signed_digest == Digest::compute(unsigned_bytes));
    CHECK(*signed_digest != Digest::compute(signed_bytes));
    auto plain = digestx::manifest_digest(oci_manifest());
    REQUIRE(plain);
    CHECK(*plain == Digest::compute(oci_manifest()));
    auto broken = digestx::manifest_digest("{\"schemaVersion\":2}");
    REQUIRE_FALSE(broken);
    CHECK(broken.error().code == ErrorCode::Integrity);
    auto empty = digestx::manifest_digest("");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message == "empty manifest");
}

TEST_CASE("the real alpine:3.12 documents parse to the facts Docker Hub showed", "[model][fixture]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: alpine fixture check skipped");
    }
    auto bytes = digestx::test::read_file(shared + "/fixtures/alpine-3.12/manifest-linux-amd64.json");
    auto document = parse_document(bytes, media::docker_manifest_v2);
    REQUIRE(document);
    CHECK(document->digest().str() == "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18");
    CHECK(document->size() == 528);
    CHECK(document->kind() == DocumentKind::DockerManifest);
    CHECK(document->media_type() == media::docker_manifest_v2);
    CHECK(document->media_type_in_body());
    const auto &manifest = document->manifest();
    REQUIRE(manifest.config);
    CHECK(manifest.config->media_type == media::docker_config);
    CHECK(manifest.config->digest.str() == "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507");
    CHECK(manifest.config->size == 1471);
    REQUIRE(manifest.layers.size() == 1);
    CHECK(manifest.layers[0].media_type == media::docker_layer_gzip);
    CHECK(manifest.layers[0].digest.str() == "sha256:8572bc8fb8a32061648dd183b2c0451c82be1bd053a4ea8fae991436b92faebb");
    CHECK(manifest.layers[0].size == 2809473);
    CHECK_FALSE(manifest.is_artifact());

    auto config_bytes = digestx::test::read_file(shared + "/fixtures/alpine-3.12/config-linux-amd64.json");
    auto config = digestx::parse_image_config(config_bytes);
    REQUIRE(config);
    CHECK(config->digest == *manifest.config->digest.digest());
    CHECK(config->digest.str() == "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507");
    CHECK(config->os == "linux");
    CHECK(config->architecture == "amd64");
    CHECK(config->rootfs_type == "layers");
    REQUIRE(config->diff_ids.size() == 1);
    CHECK(config->diff_ids[0].str() == "sha256:eb4bde6b29a6746e0779f80a09ca6f0806de61475059f7d56d6e20f6cc2e15f7");
    CHECK(config->diff_ids[0].verifiable());
    CHECK(config->bytes == config_bytes);
    CHECK_FALSE(config->history.empty());
    CHECK_FALSE(config->created.empty());
}

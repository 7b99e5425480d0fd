#include <array>

#include "digestx/core/json.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/text.hpp"
#include "model_fields.hpp"

namespace digestx {
namespace {

using model_detail::json;

// The fields that tell the kinds apart, as containers/image ValidateUnambiguousManifestFormat
// detects them (CVE-2021-41190): case-insensitively, and a null counts as absent.
constexpr std::array<std::string_view, 4> detector_fields{"config", "fsLayers", "layers", "manifests"};

struct TypeDecision {
    DocumentKind kind;
    std::string media_type;
    bool in_body;
    std::optional<DocumentNote> note; // a declaration of the other flavour, read past
};

// What a media type names, coarser than its spelling: OCI and Docker spell an index and an image
// manifest each their own way, with the same structure. Reading one spelling for the other is
// what containerd does (core/images/image_test.go TestValidateMediaType lists the Docker manifest
// type as valid for an OCI manifest descriptor and back); reading an index for a manifest or back
// is CVE-2021-41190 (GHSA-5j5w-g665-5m35, containerd validateMediaType), always refused.
enum class Family { Index, ImageManifest, ArtifactManifest, Schema1, Other };

Family family_of(std::string_view type) {
    switch (media::classify(type)) {
    case media::Kind::Index: return Family::Index;
    case media::Kind::Manifest: return Family::ImageManifest;
    case media::Kind::ArtifactManifest: return Family::ArtifactManifest;
    case media::Kind::Schema1: return Family::Schema1;
    default: return Family::Other;
    }
}

std::string_view family_words(Family family) {
    return family == Family::Index ? "an index" : "an image manifest";
}

std::string declared_words(std::string_view declared_by) {
    return declared_by == "descriptor" ? "the descriptor" : "the " + std::string(declared_by);
}

// A declared type against the body's `mediaType`, both manifest types without parameters.
Result<std::optional<DocumentNote>> compare_declared(std::string_view declared, std::string_view body,
                                                     const ParseOptions &options) {
    // Signed and unsigned schema1 differ by their signatures, not by what the type says.
    if (declared == body || (family_of(declared) == Family::Schema1 && family_of(body) == Family::Schema1)) {
        return std::optional<DocumentNote>();
    }
    std::string mismatch = "media type mismatch: " + std::string(options.declared_by) + " " + sanitize(declared) +
                           " vs document mediaType " + sanitize(body);
    if (family_of(declared) != family_of(body)) return fail(ErrorCode::Integrity, mismatch);
    if (options.strict) return fail(ErrorCode::Integrity, mismatch + " (--strict)");
    return std::optional<DocumentNote>(DocumentNote{
        "media-type-mismatch",
        declared_words(options.declared_by) + " says " + sanitize(declared) + " but the document's mediaType is " +
            sanitize(body) + ": both name " + std::string(family_words(family_of(body))) +
            ", so it is read as the document says, as containerd reads it (--strict refuses it)"});
}

std::string_view canonical_type(DocumentKind kind) {
    switch (kind) {
    case DocumentKind::OciIndex: return media::oci_index;
    case DocumentKind::DockerManifestList: return media::docker_manifest_list;
    case DocumentKind::OciManifest: return media::oci_manifest;
    case DocumentKind::DockerManifest: return media::docker_manifest_v2;
    case DocumentKind::OciArtifactManifest: return media::oci_artifact_manifest;
    case DocumentKind::Schema1Signed: return media::docker_manifest_v1_signed;
    case DocumentKind::Schema1Unsigned: return media::docker_manifest_v1;
    }
    return media::oci_manifest;
}

bool is_signed_schema1(const json &root) {
    // containers/image GuessMIMEType: a non-null `signatures` makes schema1 "signed", even when
    // it is not an array (and then its digest cannot be computed).
    return model_detail::find_field(root, "signatures") != nullptr;
}

// The kind a known manifest media type names; schema1 is refined by the signatures.
DocumentKind kind_of_type(std::string_view type, const json &root) {
    if (type == media::oci_index) return DocumentKind::OciIndex;
    if (type == media::docker_manifest_list) return DocumentKind::DockerManifestList;
    if (type == media::oci_manifest) return DocumentKind::OciManifest;
    if (type == media::docker_manifest_v2) return DocumentKind::DockerManifest;
    if (type == media::oci_artifact_manifest) return DocumentKind::OciArtifactManifest;
    return is_signed_schema1(root) ? DocumentKind::Schema1Signed : DocumentKind::Schema1Unsigned;
}

// Without any media type, the structure decides, in the order containers/image guesses.
Result<DocumentKind> infer_kind(const json &root, std::optional<std::int64_t> schema_version) {
    if (schema_version == 1) return kind_of_type(media::docker_manifest_v1, root);
    if (model_detail::has_field_folded(root, "manifests")) return DocumentKind::OciIndex;
    if (model_detail::has_field_folded(root, "config") || model_detail::has_field_folded(root, "layers")) {
        const json *config = model_detail::find_field(root, "config");
        bool docker = false;
        if (config != nullptr && config->is_object()) {
            auto type = config->find("mediaType");
            docker = type != config->end() && type->is_string() &&
                     type->get_ref<const std::string &>() == media::docker_config;
        }
        return docker ? DocumentKind::DockerManifest : DocumentKind::OciManifest;
    }
    if (model_detail::has_field_folded(root, "fslayers")) return kind_of_type(media::docker_manifest_v1, root);
    return fail(ErrorCode::Integrity, "unrecognised manifest: none of manifests, config, layers or fsLayers");
}

bool is_loose_schema1_type(std::string_view type) {
    // Registries served schema1 as application/json or text/plain before the v1 types existed.
    return type == "application/json" || type == "text/plain";
}

Result<TypeDecision> decide_type(const json &root, std::optional<std::string_view> declared_raw,
                                 std::optional<std::int64_t> schema_version, const ParseOptions &options) {
    std::string_view declared = declared_raw ? media::essence(*declared_raw) : std::string_view();
    bool loose = is_loose_schema1_type(declared);
    if (!declared.empty() && !loose && !media::is_manifest_type(declared)) {
        return fail(ErrorCode::Integrity, "media type mismatch: " + std::string(options.declared_by) + " " +
                                              digestx::quoted(declared) + " is not a manifest type");
    }
    if (loose) declared = {};
    auto body = model_detail::read_string(root, "mediaType", "the manifest");
    if (!body) return fail(std::move(body.error()));
    TypeDecision decision{DocumentKind::OciManifest, {}, !body->empty(), std::nullopt};
    if (!body->empty()) {
        // The body names its type exactly: parameters belong to a Content-Type, not here.
        if (media::essence(*body) != *body || !media::is_manifest_type(*body)) {
            return fail(ErrorCode::Integrity, "unsupported manifest mediaType " + digestx::quoted(*body));
        }
        if (!declared.empty()) {
            auto compared = compare_declared(declared, *body, options);
            if (!compared) return fail(std::move(compared.error()));
            decision.note = std::move(*compared);
        }
        decision.kind = kind_of_type(*body, root);
        decision.media_type = std::move(*body);
    } else if (!declared.empty()) {
        decision.kind = kind_of_type(declared, root);
        decision.media_type = std::string(declared);
    } else {
        auto inferred = infer_kind(root, schema_version);
        if (!inferred) return fail(std::move(inferred.error()));
        decision.kind = *inferred;
        decision.media_type = std::string(canonical_type(*inferred));
    }
    bool schema1 = decision.kind == DocumentKind::Schema1Signed || decision.kind == DocumentKind::Schema1Unsigned;
    if (loose && !schema1) {
        return fail(ErrorCode::Integrity, "media type mismatch: " + std::string(options.declared_by) + " " +
                                              sanitize(media::essence(*declared_raw)) + " vs document mediaType " +
                                              decision.media_type);
    }
    return decision;
}

// True when the document is to be read as an artifact manifest: its body says so, or, without a
// body type, its declaration does.
bool names_artifact_manifest(const json &root, std::optional<std::string_view> declared) {
    const json *body = model_detail::find_field(root, "mediaType");
    if (body != nullptr && body->is_string())
        return body->get_ref<const std::string &>() == media::oci_artifact_manifest;
    return declared && media::essence(*declared) == media::oci_artifact_manifest;
}

// The `schemaVersion`; nullopt only for an artifact manifest, whose specification has none
// (image-spec v1.1.0-rc2 artifact.md lists mediaType, artifactType, blobs, subject, annotations).
Result<std::optional<std::int64_t>> read_schema_version(const json &root, bool artifact) {
    const json *value = model_detail::find_field(root, "schemaVersion");
    if (value == nullptr && artifact) return std::optional<std::int64_t>();
    if (value == nullptr) return fail(ErrorCode::Integrity, "missing schemaVersion in manifest");
    auto version = as_non_negative_integer(*value);
    if (!version) return fail(ErrorCode::Integrity, "schemaVersion must be a non-negative integer");
    if (*version != 1 && *version != 2) {
        return fail(ErrorCode::Integrity, "unsupported schemaVersion " + std::to_string(*version));
    }
    return std::optional<std::int64_t>(*version);
}

Result<void> check_unambiguous(const json &root, const TypeDecision &decision,
                               std::optional<std::int64_t> schema_version) {
    bool schema1 = decision.kind == DocumentKind::Schema1Signed || decision.kind == DocumentKind::Schema1Unsigned;
    bool index = decision.kind == DocumentKind::OciIndex || decision.kind == DocumentKind::DockerManifestList;
    bool artifact = decision.kind == DocumentKind::OciArtifactManifest;
    std::string unexpected;
    for (std::string_view field : detector_fields) {
        // An artifact manifest carries none of them: its content is `blobs`.
        bool allowed =
            !artifact &&
            (schema1 ? field == "fsLayers" : (index ? field == "manifests" : (field == "config" || field == "layers")));
        if (allowed || !model_detail::has_field_folded(root, fold_json_key(field))) continue;
        unexpected += unexpected.empty() ? "" : ", ";
        unexpected += field;
    }
    if (!unexpected.empty()) {
        return fail(ErrorCode::Integrity,
                    "ambiguous manifest: unexpected fields [" + unexpected + "] in " + sanitize(decision.media_type));
    }
    // An artifact manifest has no schemaVersion; one that carries it anyway says 2, like every
    // other document of image-spec 1.1.
    if (schema_version && *schema_version != (schema1 ? 1 : 2)) {
        return fail(ErrorCode::Integrity, "schemaVersion " + std::to_string(*schema_version) + " is not valid for " +
                                              sanitize(decision.media_type));
    }
    return {};
}

Result<Index> read_index(const json &root, const std::string &media_type) {
    if (auto ok = model_detail::check_spelling(
            root, {"schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"}, "");
        !ok) {
        return fail(std::move(ok.error()));
    }
    const json *manifests = model_detail::find_field(root, "manifests");
    if (manifests == nullptr || !manifests->is_array()) {
        return fail(ErrorCode::Integrity, "missing \"manifests\" array in " + sanitize(media_type));
    }
    Index index;
    auto entries = model_detail::read_descriptors(root, "manifests", "index entry");
    if (!entries) return fail(std::move(entries.error()));
    index.manifests = std::move(*entries);
    auto subject = model_detail::read_optional_descriptor(root, "subject", "subject descriptor");
    if (!subject) return fail(std::move(subject.error()));
    index.subject = std::move(*subject);
    auto artifact_type = model_detail::read_string(root, "artifactType", "the index");
    if (!artifact_type) return fail(std::move(artifact_type.error()));
    index.artifact_type = std::move(*artifact_type);
    auto annotations = model_detail::read_string_map(root, "annotations", "the index");
    if (!annotations) return fail(std::move(annotations.error()));
    index.annotations = std::move(*annotations);
    return index;
}

Result<Manifest> read_manifest(const json &root, const std::string &media_type) {
    if (auto ok = model_detail::check_spelling(
            root, {"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"}, "");
        !ok) {
        return fail(std::move(ok.error()));
    }
    const json *config_value = model_detail::find_field(root, "config");
    if (config_value == nullptr) return fail(ErrorCode::Integrity, "missing \"config\" in " + sanitize(media_type));
    auto config = model_detail::read_descriptor(*config_value, "config descriptor");
    if (!config) return fail(std::move(config.error()));
    Manifest manifest{std::optional<Descriptor>(std::move(*config)), {}, {}, {}, {}};
    auto layers = model_detail::read_descriptors(root, "layers", "layer");
    if (!layers) return fail(std::move(layers.error()));
    manifest.layers = std::move(*layers);
    auto subject = model_detail::read_optional_descriptor(root, "subject", "subject descriptor");
    if (!subject) return fail(std::move(subject.error()));
    manifest.subject = std::move(*subject);
    auto artifact_type = model_detail::read_string(root, "artifactType", "the manifest");
    if (!artifact_type) return fail(std::move(artifact_type.error()));
    manifest.artifact_type = std::move(*artifact_type);
    auto annotations = model_detail::read_string_map(root, "annotations", "the manifest");
    if (!annotations) return fail(std::move(annotations.error()));
    manifest.annotations = std::move(*annotations);
    return manifest;
}

// image-spec v1.1.0-rc2 artifact.md: `mediaType`, `artifactType`, `blobs`, `subject`,
// `annotations`. The blobs are kept where an image manifest keeps its layers.
Result<Manifest> read_artifact_manifest(const json &root) {
    if (auto ok = model_detail::check_spelling(
            root, {"schemaVersion", "mediaType", "artifactType", "blobs", "subject", "annotations"}, "");
        !ok) {
        return fail(std::move(ok.error()));
    }
    Manifest manifest;
    auto blobs = model_detail::read_descriptors(root, "blobs", "blob");
    if (!blobs) return fail(std::move(blobs.error()));
    manifest.layers = std::move(*blobs);
    auto subject = model_detail::read_optional_descriptor(root, "subject", "subject descriptor");
    if (!subject) return fail(std::move(subject.error()));
    manifest.subject = std::move(*subject);
    auto artifact_type = model_detail::read_string(root, "artifactType", "the artifact manifest");
    if (!artifact_type) return fail(std::move(artifact_type.error()));
    manifest.artifact_type = std::move(*artifact_type);
    auto annotations = model_detail::read_string_map(root, "annotations", "the artifact manifest");
    if (!annotations) return fail(std::move(annotations.error()));
    manifest.annotations = std::move(*annotations);
    return manifest;
}

// The top-level object, read strictly. A signed schema1 manifest may repeat a key outside its
// signed payload (moby's extra_data_manifest fixture): libtrust ParsePrettySignature reads the
// whole text as a Go map, where the last value wins, only to find `signatures`. It is read that
// way here too, for that purpose only: the caller then requires the document to be signed schema1,
// and read_schema1 re-reads every part that matters strictly (the payload, and what lies outside it).
struct Root {
    json value;
    std::optional<Error> strict_error; // set when the strict reading failed and `value` is the relaxed one
};

Result<Root> read_root(std::string_view bytes) {
    auto strict = parse_json_strict(bytes, JsonReadOptions{"manifest", json_max_depth, false});
    if (strict) {
        if (!strict->is_object()) return fail(ErrorCode::Integrity, "manifest is not a JSON object");
        return Root{std::move(*strict), std::nullopt};
    }
    JsonReadOptions relaxed_options{"manifest", json_max_depth, false};
    relaxed_options.allow_duplicate_keys = true;
    auto relaxed = parse_json_strict(bytes, relaxed_options);
    if (!relaxed || !relaxed->is_object() || model_detail::find_field(*relaxed, "signatures") == nullptr) {
        return fail(std::move(strict.error()));
    }
    return Root{std::move(*relaxed), std::move(strict.error())};
}

// The note for data a signed schema1 manifest carries outside its signature.
DocumentNote unsigned_data_note(const std::vector<std::string> &keys) {
    std::string names;
    for (const auto &key : keys)
        names += (names.empty() ? "" : ", ") + digestx::quoted(key, 60);
    return DocumentNote{"schema1-unsigned-data",
                        "data outside the signed payload (" + names +
                            ") is not covered by the digest or the signatures and is ignored here, as docker and the "
                            "registry ignore it; a client that reads the whole document (containers/image) sees it "
                            "instead of the signed values"};
}

} // namespace

std::string_view document_kind_name(DocumentKind kind) noexcept {
    switch (kind) {
    case DocumentKind::OciIndex: return "oci-index";
    case DocumentKind::DockerManifestList: return "docker-manifest-list";
    case DocumentKind::OciManifest: return "oci-manifest";
    case DocumentKind::DockerManifest: return "docker-manifest";
    case DocumentKind::OciArtifactManifest: return "oci-artifact-manifest";
    case DocumentKind::Schema1Signed: return "schema1-signed";
    case DocumentKind::Schema1Unsigned: return "schema1-unsigned";
    }
    return "unknown";
}

Result<Document> parse_document(std::string bytes, std::optional<std::string_view> declared_media_type,
                                const ParseOptions &options) {
    auto read = read_root(bytes);
    if (!read) return fail(std::move(read.error()));
    const json *root = &read->value;
    // A relaxed reading stands only for a signed schema1 manifest; anything else it fails on, or
    // any other kind, is refused for the reason the strict reading gave.
    auto refused = [&](Error error) { return fail(read->strict_error ? *read->strict_error : std::move(error)); };
    auto version = read_schema_version(*root, names_artifact_manifest(*root, declared_media_type));
    if (!version) return refused(std::move(version.error()));
    auto decision = decide_type(*root, declared_media_type, *version, options);
    if (!decision) return refused(std::move(decision.error()));
    if (read->strict_error && decision->kind != DocumentKind::Schema1Signed) return fail(*read->strict_error);
    if (auto ok = check_unambiguous(*root, *decision, *version); !ok) return refused(std::move(ok.error()));
    std::vector<DocumentNote> notes;
    if (decision->note) notes.push_back(std::move(*decision->note));

    Document::Body body;
    switch (decision->kind) {
    case DocumentKind::OciIndex:
    case DocumentKind::DockerManifestList: {
        auto index = read_index(*root, decision->media_type);
        if (!index) return fail(std::move(index.error()));
        body = std::move(*index);
        break;
    }
    case DocumentKind::OciManifest:
    case DocumentKind::DockerManifest: {
        auto manifest = read_manifest(*root, decision->media_type);
        if (!manifest) return fail(std::move(manifest.error()));
        body = std::move(*manifest);
        break;
    }
    case DocumentKind::OciArtifactManifest: {
        auto manifest = read_artifact_manifest(*root);
        if (!manifest) return fail(std::move(manifest.error()));
        body = std::move(*manifest);
        break;
    }
    case DocumentKind::Schema1Signed:
    case DocumentKind::Schema1Unsigned: {
        auto schema1 = model_detail::read_schema1(bytes, *root, decision->kind == DocumentKind::Schema1Signed);
        if (!schema1) return fail(std::move(schema1.error()));
        if (!schema1->unsigned_keys.empty()) notes.push_back(unsigned_data_note(schema1->unsigned_keys));
        body = std::move(*schema1);
        break;
    }
    }
    Digest digest = Digest::compute(decision->kind == DocumentKind::Schema1Signed
                                        ? std::string_view(std::get<Schema1Manifest>(body).payload)
                                        : std::string_view(bytes));
    return Document(decision->kind, std::move(decision->media_type), decision->in_body, std::move(bytes),
                    std::move(digest), std::move(body), std::move(notes));
}

Result<std::optional<DocumentNote>> check_declared_type(const Document &document, std::string_view declared_raw,
                                                        const ParseOptions &options) {
    std::string_view declared = media::essence(declared_raw);
    if (declared.empty()) return std::optional<DocumentNote>();
    std::string by(options.declared_by);
    if (is_loose_schema1_type(declared)) {
        if (document.is_schema1()) return std::optional<DocumentNote>();
        return fail(ErrorCode::Integrity, "media type mismatch: " + by + " " + sanitize(declared) +
                                              " vs document mediaType " + sanitize(document.media_type()));
    }
    if (!media::is_manifest_type(declared)) {
        return fail(ErrorCode::Integrity,
                    "media type mismatch: " + by + " " + digestx::quoted(declared) + " is not a manifest type");
    }
    if (document.media_type_in_body()) return compare_declared(declared, document.media_type(), options);
    // The body names no type, so it has no flavour to disagree with; its kind still must agree.
    if (family_of(declared) != family_of(document.media_type())) {
        return fail(ErrorCode::Integrity, "media type mismatch: " + by + " " + sanitize(declared) +
                                              " vs a document read as " + sanitize(document.media_type()));
    }
    return std::optional<DocumentNote>();
}

Result<Digest> manifest_digest(std::string_view bytes) {
    auto document = parse_document(std::string(bytes));
    if (!document) return fail(std::move(document.error()));
    return document->digest();
}

} // namespace digestx

#pragma once
/// @file
/// The documents of a container image, parsed from the exact bytes received and keeping them:
/// descriptors, OCI index / Docker manifest list, OCI / Docker schema2 manifests (artifacts
/// included), the withdrawn OCI artifact manifest, Docker schema1 (signed and unsigned), and the
/// subset of the image config that explains digests. Ambiguous or mistyped documents are refused
/// (fault catalogue rule 3, B4, B5); what is odd but unambiguous is read and noted (DocumentNote).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"
#include "digestx/core/limits.hpp"

namespace digestx {

/// A digest as a document writes it. Always well-formed (go-digest grammar, and the registered
/// encoding for sha256, sha512, sha384 and blake3); either verifiable (sha256, sha512: a Digest
/// is available) or of an algorithm digestx cannot hash, kept so it can be shown as
/// "unverifiable" instead of being refused or, worse, treated as verified (fault catalogue B11).
class DeclaredDigest {
public:
    /// Validates `text`. A malformed digest (bad grammar, wrong length or case for a registered
    /// algorithm, over 256 bytes) is an ErrorCode::Integrity error whose message says why.
    static Result<DeclaredDigest> parse(std::string_view text);
    /// Wraps a digest digestx computed or validated.
    explicit DeclaredDigest(Digest digest);

    /// True when digestx can hash with this digest's algorithm.
    [[nodiscard]] bool verifiable() const noexcept { return m_digest.has_value(); }
    /// The digest, when verifiable.
    [[nodiscard]] const std::optional<Digest> &digest() const noexcept { return m_digest; }
    /// The digest when verifiable, else ErrorCode::Integrity `cannot verify digest algorithm "blake3"`:
    /// for callers about to fetch or compare by this digest.
    [[nodiscard]] Result<Digest> require_verifiable() const;
    /// The text as written (`algorithm:encoded`).
    [[nodiscard]] const std::string &str() const noexcept { return m_text; }
    /// The algorithm part ("sha256", "blake3").
    [[nodiscard]] std::string_view algorithm() const noexcept;

    /// Compares the text as written.
    friend bool operator==(const DeclaredDigest &a, const DeclaredDigest &b) { return a.m_text == b.m_text; }

private:
    DeclaredDigest(std::string text, std::optional<Digest> digest)
        : m_text(std::move(text)), m_digest(std::move(digest)) {}
    std::string m_text;
    std::optional<Digest> m_digest;
};

/// A descriptor's `platform` object, as written (normalisation belongs to the platform module).
struct DescriptorPlatform {
    std::string os;                       ///< `os` ("linux", "windows", "unknown" for attestations)
    std::string architecture;             ///< `architecture` ("amd64", "arm64", "unknown")
    std::string variant;                  ///< `variant` ("v7"), empty when absent
    std::string os_version;               ///< `os.version` (Windows builds), empty when absent
    std::vector<std::string> os_features; ///< `os.features`
    std::vector<std::string> features;    ///< `features` (Docker manifest lists only, e.g. "sse")
};

/// The annotation buildx sets on attestation entries of an index (and its value for them).
inline constexpr std::string_view annotation_reference_type = "vnd.docker.reference.type";
/// The value of annotation_reference_type that marks a buildx attestation manifest.
inline constexpr std::string_view reference_type_attestation = "attestation-manifest";
/// The annotation naming the image manifest an attestation entry is about (buildx).
inline constexpr std::string_view annotation_reference_digest = "vnd.docker.reference.digest";
/// The newer spelling of annotation_reference_digest, read when the older one is absent.
inline constexpr std::string_view annotation_reference_digest_com = "com.docker.reference.digest";

/// A content descriptor: what a document says about another piece of content.
struct Descriptor {
    std::string media_type;                         ///< `mediaType`, empty when absent
    DeclaredDigest digest;                          ///< `digest` (required, validated)
    std::int64_t size = 0;                          ///< `size` (required, non-negative integer)
    std::optional<DescriptorPlatform> platform;     ///< `platform`, in index entries
    std::map<std::string, std::string> annotations; ///< `annotations`
    std::string artifact_type;                      ///< `artifactType`, empty when absent
    std::vector<std::string> urls;                  ///< `urls` (foreign layers): kept, never fetched
    std::optional<std::string> data;                ///< `data`, base64 as written (validated)
    std::optional<DeclaredDigest> reference_digest; ///< the buildx reference annotation's digest

    /// The annotation's value, or nullopt.
    [[nodiscard]] std::optional<std::string_view> annotation(std::string_view key) const;
    /// The buildx reference type annotation ("attestation-manifest", "builder"), empty when absent.
    [[nodiscard]] std::string_view reference_type() const;
    /// True for a buildx attestation entry of an index: `vnd.docker.reference.type` is
    /// `attestation-manifest` (its platform is then unknown/unknown). Such an entry is not an
    /// image: platform selection skips it (fault catalogue B13).
    [[nodiscard]] bool is_attestation() const;
    /// For an attestation entry, the digest of the image manifest it attests.
    [[nodiscard]] std::optional<DeclaredDigest> attests() const;
    /// True when `data` decodes to exactly `size` bytes hashing to `digest` (image-spec: embedded
    /// data SHOULD be verified; fault catalogue B18). False when absent or unverifiable.
    [[nodiscard]] bool data_matches() const;
};

/// What kind of document a manifest body is.
enum class DocumentKind {
    OciIndex,            ///< application/vnd.oci.image.index.v1+json
    DockerManifestList,  ///< application/vnd.docker.distribution.manifest.list.v2+json
    OciManifest,         ///< application/vnd.oci.image.manifest.v1+json (images and artifacts)
    DockerManifest,      ///< application/vnd.docker.distribution.manifest.v2+json
    OciArtifactManifest, ///< application/vnd.oci.artifact.manifest.v1+json (image-spec 1.1 rc1/rc2 only)
    Schema1Signed,       ///< Docker schema1 with a JWS `signatures` block
    Schema1Unsigned,     ///< Docker schema1 without signatures
};

/// A short name for a kind ("oci-index", "docker-manifest-list", "schema1-signed", ...).
std::string_view document_kind_name(DocumentKind kind) noexcept;

/// An OCI image index or a Docker manifest list.
struct Index {
    std::vector<Descriptor> manifests;              ///< `manifests`, in document order
    std::optional<Descriptor> subject;              ///< `subject` (OCI 1.1 referrers)
    std::string artifact_type;                      ///< `artifactType`, empty when absent
    std::map<std::string, std::string> annotations; ///< `annotations`
};

/// What a manifest's `config` descriptor makes of the manifest.
enum class ConfigKind {
    Image,       ///< the Docker or OCI image config type: the config digest is the image ID
    LegacyImage, ///< a type early push tools wrote for image configs, which docker pulls as one
    Other,       ///< an artifact's config: the empty descriptor, a chart's config, any other type
};

/// The config types docker pulls as image configs besides the two proper ones: `application/octet-stream`,
/// `application/json`, `text/html` and none at all (moby's defaultImageTypes), compared exactly as moby does.
bool is_legacy_config_type(std::string_view media_type) noexcept;

/// An OCI image manifest, a Docker schema2 manifest, or an OCI artifact manifest.
struct Manifest {
    /// `config`: for images, the image ID. Always present in image manifests (parse_document
    /// refuses one without); an artifact manifest has none.
    std::optional<Descriptor> config;
    /// `layers` (absent or null: none); for an artifact manifest, its `blobs`, which play the
    /// same part: the content the manifest carries, in order.
    std::vector<Descriptor> layers;
    std::optional<Descriptor> subject;              ///< `subject` (OCI 1.1 referrers)
    std::string artifact_type;                      ///< `artifactType`, empty when absent
    std::map<std::string, std::string> annotations; ///< `annotations`

    /// True for an OCI artifact: an artifact manifest (no config), or an image manifest with an
    /// `artifactType` or whose config is the empty descriptor (`application/vnd.oci.empty.v1+json`)
    /// rather than an image config.
    [[nodiscard]] bool is_artifact() const;
    /// An artifact (is_artifact()) is Other whatever its config type; otherwise the config type
    /// decides: Image, LegacyImage (is_legacy_config_type()), or Other (helm's chart config, ...).
    [[nodiscard]] ConfigKind config_kind() const;
    /// True when the config is an image config, proper or legacy: its digest is the image ID.
    [[nodiscard]] bool has_image_config() const { return config_kind() != ConfigKind::Other; }
};

/// A Docker schema1 manifest, read from its signed payload (as distribution reads it).
struct Schema1Manifest {
    std::string name;                      ///< `name` (the repository)
    std::string tag;                       ///< `tag`
    std::string architecture;              ///< `architecture`
    std::vector<DeclaredDigest> fs_layers; ///< `fsLayers[].blobSum`, newest layer first
    std::vector<std::string> history;      ///< `history[].v1Compatibility`, raw JSON strings
    std::size_t signature_count = 0;       ///< entries in `signatures` (0 when unsigned)
    std::string payload;                   ///< the bytes whose sha256 is the manifest digest
    /// Keys of a signed manifest outside its signed payload other than `signatures` (moby's
    /// `extra_data_manifest` fixture repeats `fsLayers` there). Their values are never read: the
    /// fields above come from the payload only.
    std::vector<std::string> unsigned_keys;
};

/// Where a descriptor sits in its document.
enum class DescriptorRole {
    IndexEntry, ///< `manifests[position]` of an index
    Config,     ///< `config` of a manifest
    Layer,      ///< `layers[position]` of a manifest (`blobs[position]` of an artifact manifest)
    Subject,    ///< `subject` of an index or manifest
};

/// A descriptor of a document with its place, for code that walks a tree.
struct DescriptorRef {
    DescriptorRole role;          ///< what the descriptor is to its document
    std::size_t position;         ///< index in `manifests` or `layers`; 0 otherwise
    const Descriptor *descriptor; ///< owned by the Document
};

/// Something parse_document() noticed that does not stop the document being read but that a user
/// should know: the resolver turns each into a warning finding on the node that holds the document.
struct DocumentNote {
    std::string code;    ///< stable identifier: "media-type-mismatch", "schema1-unsigned-data"
    std::string message; ///< one sanitized sentence
};

/// How parse_document() treats what it is told about a document.
struct ParseOptions {
    /// `--strict`: a declared media type of the same kind as the body's `mediaType` but of the
    /// other flavour (OCI manifest vs Docker schema2 manifest, OCI index vs Docker list) is an
    /// error instead of a DocumentNote. A declaration of another kind is an error either way.
    bool strict = false;
    /// Who declared the media type, for messages: "Content-Type" or "descriptor".
    std::string_view declared_by = "Content-Type";
};

/// A parsed manifest document: its kind, the exact bytes, their registry digest, and the body.
class Document {
public:
    /// The body, one of the three shapes (an artifact manifest is a Manifest without config).
    using Body = std::variant<Index, Manifest, Schema1Manifest>;
    /// Assembles a document; parse_document() is the way to get one from bytes.
    Document(DocumentKind kind, std::string media_type, bool media_type_in_body, std::string bytes, Digest digest,
             Body body, std::vector<DocumentNote> notes = {});

    /// The kind.
    [[nodiscard]] DocumentKind kind() const noexcept { return m_kind; }
    /// The media type: the body's `mediaType`, else the declared one, else the one the
    /// structure implies (an index without `mediaType` is an OCI index).
    [[nodiscard]] const std::string &media_type() const noexcept { return m_media_type; }
    /// True when the body carries a `mediaType` field.
    [[nodiscard]] bool media_type_in_body() const noexcept { return m_media_type_in_body; }
    /// The bytes as received, never re-serialised.
    [[nodiscard]] const std::string &bytes() const noexcept { return m_bytes; }
    /// The digest a registry computes: sha256 of the bytes, or of the JWS payload of a signed
    /// schema1 manifest.
    [[nodiscard]] const Digest &digest() const noexcept { return m_digest; }
    /// Size of the bytes.
    [[nodiscard]] std::size_t size() const noexcept { return m_bytes.size(); }

    /// True for an OCI index or Docker manifest list.
    [[nodiscard]] bool is_index() const noexcept { return std::holds_alternative<Index>(m_body); }
    /// True for an OCI or Docker schema2 manifest, or an OCI artifact manifest.
    [[nodiscard]] bool is_manifest() const noexcept { return std::holds_alternative<Manifest>(m_body); }
    /// True for Docker schema1, signed or not.
    [[nodiscard]] bool is_schema1() const noexcept { return std::holds_alternative<Schema1Manifest>(m_body); }
    /// The index body; calling it on another kind is a bug (std::bad_variant_access).
    [[nodiscard]] const Index &index() const { return std::get<Index>(m_body); }
    /// The manifest body; calling it on another kind is a bug (std::bad_variant_access).
    [[nodiscard]] const Manifest &manifest() const { return std::get<Manifest>(m_body); }
    /// The schema1 body; calling it on another kind is a bug (std::bad_variant_access).
    [[nodiscard]] const Schema1Manifest &schema1() const { return std::get<Schema1Manifest>(m_body); }

    /// Every descriptor in document order: index entries, or config (when there is one) then
    /// layers or blobs; the subject last.
    /// Schema1 has none (its fsLayers are bare digests, see schema1()).
    [[nodiscard]] std::vector<DescriptorRef> descriptors() const;
    /// The `subject` descriptor, or nullptr.
    [[nodiscard]] const Descriptor *subject() const noexcept;
    /// The `artifactType`, empty when absent (and for schema1).
    [[nodiscard]] std::string_view artifact_type() const noexcept;
    /// The top-level `annotations` (empty for schema1).
    [[nodiscard]] const std::map<std::string, std::string> &annotations() const noexcept;
    /// What parsing noticed (a media type of the other flavour, unsigned schema1 data), in order.
    [[nodiscard]] const std::vector<DocumentNote> &notes() const noexcept { return m_notes; }

private:
    DocumentKind m_kind;
    std::string m_media_type;
    bool m_media_type_in_body;
    std::string m_bytes;
    Digest m_digest;
    Body m_body;
    std::vector<DocumentNote> m_notes;
};

/// Parses a manifest document from the bytes received, keeping them. `declared_media_type` is
/// the Content-Type or the referring descriptor's `mediaType`, when known (parameters ignored).
/// Every failure is ErrorCode::Integrity: "empty manifest" (C15); strict-JSON refusals (see
/// parse_json_strict); `media type mismatch: Content-Type … vs document mediaType …` (B4) when
/// the declaration names another kind (index vs manifest vs artifact manifest vs schema1: the
/// CVE-2021-41190 class), or the other flavour of the same kind with `options.strict` (the
/// message then ends in "(--strict)"; without it the document is read as its body says, with a
/// "media-type-mismatch" note); `ambiguous manifest: unexpected fields [layers] in …` and keys
/// differing only in case from a known field (B5); `unsupported schemaVersion …`; `invalid
/// digest in index entry 3: …` (B10; positions are 0-based, as in `.manifests[3]`); `descriptor
/// size must be a non-negative integer in layer 0` (B9); a broken schema1 signature block (B15).
/// A signed schema1 manifest is read from its signed payload alone: keys outside it (even ones
/// repeating a payload key, as in moby's extra_data_manifest fixture) give a
/// "schema1-unsigned-data" note, unless they could change what kind of document a reader of the
/// whole text sees (`schemaVersion`, `mediaType`, `config`, `layers`, `manifests`): an error.
Result<Document> parse_document(std::string bytes, std::optional<std::string_view> declared_media_type = std::nullopt,
                                const ParseOptions &options = {});

/// Checks one more declaration against a parsed document (a Content-Type beside the descriptor it
/// was parsed with): the same rule as parse_document(). Another kind is an Integrity error; the
/// other flavour of the same kind is a "media-type-mismatch" note, or an error with
/// `options.strict`; nullopt when they agree. A document without `mediaType` has no flavour of
/// its own, so only its kind is compared.
Result<std::optional<DocumentNote>> check_declared_type(const Document &document, std::string_view declared,
                                                        const ParseOptions &options = {});

/// The digest a registry computes for a manifest: sha256 of the bytes, or of the signed payload
/// of a schema1 manifest (what `skopeo manifest-digest` prints). Refuses what parse_document
/// refuses: a malformed document has no registry digest.
Result<Digest> manifest_digest(std::string_view bytes);

/// The JWS payload of a signed schema1 manifest: the bytes up to the protected header's
/// `formatLength` followed by its base64url `formatTail`, which cuts the `signatures` block out
/// (docker/libtrust ParsePrettySignature). Every signature must agree on both values. Like
/// libtrust, a key repeated in the outer text (outside the payload) does not stop the search.
Result<std::string> schema1_signed_payload(std::string_view bytes);

/// One `history` entry of an image config.
struct HistoryEntry {
    std::string created;      ///< `created` (RFC 3339), empty when absent
    std::string created_by;   ///< `created_by`, the build step
    std::string author;       ///< `author`
    std::string comment;      ///< `comment`
    bool empty_layer = false; ///< `empty_layer`: this step made no layer (no diff_id)
};

/// The part of an image config that explains digests: the config's own digest is the image ID.
struct ImageConfig {
    std::string bytes;                    ///< the bytes as received
    Digest digest;                        ///< sha256 of the bytes: the image ID
    std::string os;                       ///< `os`
    std::string architecture;             ///< `architecture`
    std::string variant;                  ///< `variant`
    std::string os_version;               ///< `os.version`
    std::vector<std::string> os_features; ///< `os.features`
    std::string created;                  ///< `created` (RFC 3339), empty when absent
    std::string rootfs_type;              ///< `rootfs.type` ("layers")
    std::vector<DeclaredDigest> diff_ids; ///< `rootfs.diff_ids`: uncompressed layer digests
    std::vector<HistoryEntry> history;    ///< `history`
};

/// Parses an image config (Docker or OCI, same shape). Free-form maps such as `config.Labels`
/// may hold keys differing only in case; the fields read here must be spelt exactly. Failures
/// are ErrorCode::Integrity ("empty image config", "malformed JSON in image config at byte N",
/// `invalid digest in rootfs.diff_ids entry 2: …`, wrong field types).
Result<ImageConfig> parse_image_config(std::string_view bytes);

} // namespace digestx

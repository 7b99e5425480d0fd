#pragma once
/// @file
/// Image references: the distribution/reference grammar (reference.go, regexp.go) with Docker's
/// normalisation (normalize.go), and the local sources digestx reads (`oci:`, `docker-archive:`).
///
/// Two layers:
/// - the grammar layer works on a reference exactly as written (ReferenceParts: `Parse`,
///   `WithName`, `WithTag`, `WithDigest` and the anchored regexps in `grammar::`);
/// - the normalised layer (Reference) is what the rest of digestx uses: Docker Hub defaults
///   filled in, a registry endpoint to talk to, a validated Digest.
///
/// Every refusal is ErrorCode::Usage with a one-line message that names the offending part and its
/// 1-based byte position; input is quoted through sanitize(), so control characters show escaped.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"

namespace digestx {

/// The registry name Docker gives Docker Hub in canonical references.
inline constexpr std::string_view docker_hub_registry = "docker.io";
/// The host that actually serves Docker Hub's registry API (docker.io itself does not).
inline constexpr std::string_view docker_hub_endpoint = "registry-1.docker.io";
/// The tag Docker adds when a reference has neither tag nor digest.
inline constexpr std::string_view default_tag = "latest";
/// distribution/reference `RepositoryNameTotalLengthMax`; counted on the repository path only
/// (the part after the registry), as reference.go does since v0.6.
inline constexpr std::size_t repository_name_max = 255;
/// The longest tag the grammar `[\w][\w.-]{0,127}` allows.
inline constexpr std::size_t tag_max = 128;

/// A reference exactly as written, split by the grammar only: no default registry, no
/// `library/`, no default tag. What distribution/reference's `Parse` returns.
struct ReferenceParts {
    std::string domain;                ///< registry host[:port] as written, "" when the name has none
    std::string path;                  ///< repository path (the "remote name")
    std::optional<std::string> tag;    ///< tag, when written
    std::optional<std::string> digest; ///< `algorithm:hex` when written (see parse_reference_parts)

    /// `domain/path`, or `path` when there is no domain (`Named.Name()`).
    [[nodiscard]] std::string name() const;
    /// `name[:tag][@digest]` (`Reference.String()`).
    [[nodiscard]] std::string str() const;
    /// Field-wise equality.
    friend bool operator==(const ReferenceParts &, const ReferenceParts &) = default;
};

/// distribution/reference `Parse`: the grammar, the 255-character path limit, and the digest
/// validated with Digest::parse (so sha256 and sha512 only; others are "unsupported digest algorithm").
Result<ReferenceParts> parse_reference_parts(std::string_view text);

/// distribution/reference `WithName`: a repository name only (`[domain/]path`), no tag or digest.
Result<ReferenceParts> parse_name_parts(std::string_view name);

/// distribution/reference `WithTag`: replaces the tag after checking the tag grammar.
Result<ReferenceParts> with_tag(ReferenceParts parts, std::string_view tag);

/// distribution/reference `WithDigest`: replaces the digest after checking the reference grammar's
/// digest pattern only (`algorithm:` then 32 or more hex digits), as the peer does. Use Digest::parse
/// (or Reference::with_digest) where a digest will be fetched or compared.
Result<ReferenceParts> with_digest(ReferenceParts parts, std::string_view digest);

/// The anchored regular expressions of regexp.go, as yes/no checks and submatches.
namespace grammar {

/// `^domainAndPort$`: host name, IPv4 or bracketed IPv6, optional `:port` (any digits).
bool is_domain(std::string_view text);

/// `^(?:(domainAndPort)/)?(remoteName)$`: the domain and remainder submatches (tag/digest unset).
std::optional<ReferenceParts> match_name(std::string_view text);

/// `^(name)(?::(tag))?(?:@(digest))?$`: the submatches, digest checked by pattern only.
std::optional<ReferenceParts> match_reference(std::string_view text);

/// `^[\w][\w.-]{0,127}$`.
bool is_tag(std::string_view text);

/// `^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}$`.
bool is_digest(std::string_view text);

/// `^[a-f0-9]{64}$`: an image ID without its `sha256:` prefix.
bool is_identifier(std::string_view text);

} // namespace grammar

/// Where an image is read from.
enum class SourceKind {
    Registry,      ///< a registry reference (`alpine:3.12`, `ghcr.io/org/app@sha256:…`)
    OciLayout,     ///< `oci:DIR[:TAG|@DIGEST]`, an OCI image layout directory
    DockerArchive, ///< `docker-archive:FILE[:REF|:@N]`, a `docker save` tarball
    OciArchive,    ///< `oci-archive:FILE[:TAG|@DIGEST]`, a tarred OCI image layout
};

/// The source kind as written in a reference and in JSON: "registry", "oci", "docker-archive",
/// "oci-archive".
std::string_view source_kind_name(SourceKind kind) noexcept;

/// A normalised reference: what digestx resolves. For a registry reference the registry and
/// repository are filled in the way Docker fills them (`alpine` → `docker.io/library/alpine`); for a
/// local source the path is kept as written. Constructed only by the parse functions below, so every
/// value has passed the grammar and carries a validated Digest.
class Reference {
public:
    /// Where the image is read from.
    [[nodiscard]] SourceKind source() const noexcept { return m_source; }
    /// The directory or archive path of an `oci:` / `docker-archive:` / `oci-archive:` reference;
    /// "" for a registry.
    [[nodiscard]] const std::string &source_path() const noexcept { return m_source_path; }
    /// A `docker-archive:FILE:REF` selection: the image of the archive whose RepoTags name REF,
    /// normalised with `latest` added (`docker.io/library/app:1.2`); none otherwise.
    [[nodiscard]] const std::optional<std::string> &archive_image() const noexcept { return m_archive_image; }
    /// A `docker-archive:FILE:@N` selection: the archive's image at 0-based position N of
    /// manifest.json; none otherwise.
    [[nodiscard]] const std::optional<std::size_t> &archive_index() const noexcept { return m_archive_index; }
    /// The registry in canonical form (`docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`);
    /// "" for a local source.
    [[nodiscard]] const std::string &registry() const noexcept { return m_registry; }
    /// The host[:port] to send registry API requests to: `registry-1.docker.io` for Docker Hub,
    /// otherwise the registry itself (IPv6 literals stay bracketed, ready for a URL); "" for a local source.
    [[nodiscard]] std::string endpoint() const;
    /// The repository path (`library/alpine`), used as `/v2/<repository>/…`; "" for a local source.
    [[nodiscard]] const std::string &repository() const noexcept { return m_repository; }
    /// `registry/repository` (`docker.io/library/alpine`); "" for a local source.
    [[nodiscard]] std::string name() const;
    /// The name as Docker shows it: `docker.io/` and a lone `library/` dropped (`alpine`, `myorg/app`).
    [[nodiscard]] std::string familiar_name() const;
    /// The tag, when written or defaulted.
    [[nodiscard]] const std::optional<std::string> &tag() const noexcept { return m_tag; }
    /// True when the tag is the `latest` that parse_reference() added, not one that was written.
    [[nodiscard]] bool tag_is_default() const noexcept { return m_tag_is_default; }
    /// The digest, when written.
    [[nodiscard]] const std::optional<Digest> &digest() const noexcept { return m_digest; }
    /// What a registry is asked for, `/v2/<repository>/manifests/<this>`: the digest when there is
    /// one (a digest pins; a tag beside it is informational), otherwise the tag; "" when neither.
    [[nodiscard]] std::string manifest_reference() const;
    /// Fully qualified: `docker.io/library/alpine:3.12[@sha256:…]`; `oci:DIR[:TAG|@DIGEST]` for a source.
    [[nodiscard]] std::string canonical() const;
    /// As Docker prints it: `alpine:3.12`, `myorg/app:1`; sources as canonical(). Two exceptions,
    /// so that what digestx prints parses back to the same image: an official image whose short
    /// form would read as a source keeps `library/` (`library/oci:1`, not `oci:1`), and a Docker
    /// Hub repository whose first component looks like a host keeps `docker.io/`.
    [[nodiscard]] std::string familiar() const;
    /// distribution/reference `FamiliarString` without that exception (`oci:1`): for matching as
    /// the peer matches, never for printing.
    [[nodiscard]] std::string docker_familiar() const;
    /// The registry reference as grammar parts (domain = registry, path = repository).
    [[nodiscard]] ReferenceParts parts() const;

    /// A copy with another tag (validated against the tag grammar).
    [[nodiscard]] Result<Reference> with_tag(std::string_view tag) const;
    /// A copy with the given digest (the tag, if any, is kept).
    [[nodiscard]] Reference with_digest(Digest digest) const;
    /// A copy without a tag (what `ParseDockerRef` does when a digest is present).
    [[nodiscard]] Reference without_tag() const;

    /// Field-wise equality.
    friend bool operator==(const Reference &, const Reference &) = default;

private:
    friend Result<Reference> parse_normalized_named(std::string_view text);
    friend Result<Reference> parse_reference(std::string_view text);
    friend Result<Reference> parse_docker_ref(std::string_view text);
    Reference() = default;

    SourceKind m_source = SourceKind::Registry;
    std::string m_source_path;
    std::string m_registry;
    std::string m_repository;
    std::optional<std::string> m_tag;
    bool m_tag_is_default = false;
    std::optional<Digest> m_digest;
    std::optional<std::string> m_archive_image;
    std::optional<std::size_t> m_archive_index;
};

/// digestx's entry point for a reference typed by a user.
///
/// - `oci:PATH[:TAG|@DIGEST]`: an OCI layout directory. Only the last path element (after the last
///   `/`) is searched for separators: the last `@` there starts a digest, otherwise the last `:`
///   there starts a tag; a tag and a digest together are refused. So `oci:/a:b/dir:v1` is directory
///   `/a:b/dir` with tag `v1`; to name a directory whose last element contains `:` or `@`, end the
///   path with `/` (`oci:./my:dir/`).
/// - `docker-archive:PATH[:REF|:@N]`: split at the first `:` after the prefix, as skopeo splits it
///   (containers/image docker/archive/transport.go ParseReference, containers-transports(5)
///   `docker-archive:path[:{docker-reference|@source-index}]`): PATH is the archive; REF selects the
///   image whose RepoTags name it (normalised, `latest` added, a digest refused), `@N` the image at
///   0-based position N of manifest.json. An archive path containing `:` therefore cannot be written.
/// - `oci-archive:PATH[:TAG|@DIGEST]`: a tarred OCI layout, its tag or digest found as for `oci:`
///   (skopeo's `oci-archive:path[:reference]`). A registry host literally named `oci`,
///   `oci-archive` or `docker-archive` therefore cannot be written with a port; use its qualified
///   name.
/// - Anything else is a registry reference, normalised as `ParseNormalizedNamed` does (only
///   `index.docker.io` folds into `docker.io`), `latest` added when there is neither tag nor
///   digest, and a tag written together with a digest kept (the digest is what gets fetched).
///   Stricter than the peer: a port must be 1-65535, an IPv6 literal must be a valid address, a
///   first component that looks like a host (contains `.`) but is not a valid host name is refused
///   rather than silently treated as a repository without registry, and a bare digest
///   (`sha256:<hex>`) is refused rather than read as the image `library/sha256` with a tag.
Result<Reference> parse_reference(std::string_view text);

/// distribution/reference `ParseNormalizedNamed`: registry
/// references only, no default tag. Refuses a bare 64-hex name (it looks like an image ID). One
/// deliberate difference: a first component the split rule calls a registry (it has a `.`) but that
/// is not a valid host (`foo_bar.com/app`) is refused, where the peer returns a name with no domain.
Result<Reference> parse_normalized_named(std::string_view text);

/// distribution/reference `ParseNamed`: as parse_normalized_named(), but the input must already be in
/// canonical form ("repository name must be canonical" otherwise).
Result<Reference> parse_named(std::string_view text);

/// distribution/reference `ParseDockerRef`: normalised, `latest` added when there is neither tag nor
/// digest, and the tag dropped when a digest is present.
Result<Reference> parse_docker_ref(std::string_view text);

/// What `ParseAnyReference` returns: a bare image ID / digest, or a normalised named reference.
struct AnyReference {
    std::variant<Digest, Reference> value; ///< the digest of a digest-only reference, or the reference

    /// True for a digest-only reference (a bare 64-hex image ID or `algorithm:hex`).
    [[nodiscard]] bool is_digest_only() const noexcept { return std::holds_alternative<Digest>(value); }
    /// `String()`: the digest, or the normalised reference without a default tag.
    [[nodiscard]] std::string str() const;
    /// `FamiliarString()`: the digest, or the familiar form.
    [[nodiscard]] std::string familiar() const;
};

/// distribution/reference `ParseAnyReference`: a 64-hex string is the image ID `sha256:<hex>`, a
/// valid digest is itself, anything else goes through parse_normalized_named().
Result<AnyReference> parse_any_reference(std::string_view text);

/// The canonical registry of a host spelt as people write it (`index.docker.io` and `docker.io`
/// give `docker.io`; `host:port`, `[::1]:5000`), as a reference's registry() would be; nullopt
/// when `host` is not a registry host (no dot, port or `localhost`, or not a host at all).
std::optional<std::string> canonical_registry(std::string_view host);

/// Whether `location` is `host[:port][/namespace…]` with a registry host, exactly as written (no
/// folding), so that a repository path can follow it: what a mirror's location must be.
bool is_repository_location(std::string_view location);

/// Go's `path.Match`: `*` (no `/`), `?`, `[…]` classes with ranges and `^`, `\` escapes. A malformed
/// pattern is a Usage error even when the name does not match.
Result<bool> glob_match(std::string_view pattern, std::string_view name);

/// distribution/reference `FamiliarMatch`: glob_match() against the familiar string, then (for a
/// named reference that did not match) against the familiar name alone.
Result<bool> familiar_match(std::string_view pattern, const AnyReference &reference);

} // namespace digestx

#pragma once
/// @file
/// What a pin is worth: the digest a reference should be pinned to (a HEAD first, since Docker Hub
/// does not count it as a pull), and whether a pinned digest is still what its tag names, at which
/// level, and what changed when it is not. The logic reads through two small seams (a Source for
/// documents and a HEAD for tags), so every outcome is testable with an in-memory source; the
/// commands `digest`, `verify`, `check` and `pin` only print what it returns.

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// The digest a reference names right now, as one tag resolution learnt it.
struct Observed {
    Digest digest;                  ///< the registry digest of the document the reference names
    std::string media_type;         ///< its Content-Type, parameters stripped; "" when not sent
    std::optional<Fetched> fetched; ///< the body, when it had to be fetched to learn the digest
    std::string method;             ///< "HEAD", or "GET" when the body was fetched and hashed
};

/// Where the pin logic reads from.
class PinReader {
public:
    virtual ~PinReader() = default;
    /// What the reference names now, as cheaply as the source allows: a registry answers a HEAD
    /// and is asked for the body only when the HEAD carries no usable Docker-Content-Digest
    /// (fault catalogue rule 13, C1–C3).
    virtual Result<Observed> observe(const Reference &reference) = 0;
    /// The documents, read by reference (one read) and by digest (batches), each verified.
    virtual Source &documents() = 0;
};

/// A PinReader over any Source: observing is reading and hashing (a layout directory has no HEAD).
class SourcePinReader final : public PinReader {
public:
    /// Reads through `source`, which must outlive the reader.
    explicit SourcePinReader(Source &source) : m_source(source) {}
    /// fetch_reference() and the registry digest of the bytes.
    Result<Observed> observe(const Reference &reference) override;
    /// The source itself.
    Source &documents() override { return m_source; }

private:
    Source &m_source;
};

/// Remembers every observation of the reader it wraps, so a tag is resolved once per run however
/// many pins name it (architecture principle 3: one snapshot per run).
class CachingPinReader final : public PinReader {
public:
    /// Wraps `inner`, which must outlive this reader.
    explicit CachingPinReader(PinReader &inner) : m_inner(inner) {}
    /// The first observation of the reference's canonical form, errors included.
    Result<Observed> observe(const Reference &reference) override;
    /// The wrapped reader's documents.
    Source &documents() override { return m_inner.documents(); }

private:
    PinReader &m_inner;
    std::map<std::string, Result<Observed>> m_seen;
};

/// The reference as its tag alone (`name:tag@digest` → `name:tag`): what is resolved to learn what
/// the tag names now. A reference without a digest, or without a tag, is returned as it is.
Result<Reference> tag_reference(const Reference &reference);

/// Where a digest sits in what a tag names.
enum class PinLevel {
    Index,            ///< the index or manifest list itself: right for every architecture
    Manifest,         ///< the tag names a single manifest (a single-platform image)
    PlatformManifest, ///< one platform's manifest inside the index: pins one architecture only
    NestedIndex,      ///< an index inside the index
    Attestation,      ///< a buildx attestation manifest of the index: not a runnable image
    Entry,            ///< another entry of the index (an artifact, an entry without a platform)
};

/// A stable name for JSON and messages: "index", "manifest", "platform-manifest", "nested-index",
/// "attestation", "entry".
std::string_view pin_level_name(PinLevel level) noexcept;

/// What `digest REF` chooses.
struct TargetOptions {
    std::optional<Platform> platform;       ///< --platform, normalised: the platform's manifest instead
    MatchMode mode = MatchMode::Compatible; ///< how --platform matches index entries
};

/// The digest to pin.
struct PinTarget {
    Digest digest;                    ///< what to pin
    std::string media_type;           ///< the document's media type, when known
    PinLevel level = PinLevel::Index; ///< Index, Manifest, or PlatformManifest (with --platform)
    std::optional<Platform> platform; ///< with --platform: the platform of the chosen manifest
    std::string method;               ///< how the digest was learnt: "HEAD" or "GET"
};

/// The digest a pin of `reference` should use. Without a platform: the HEAD's digest (the body is
/// fetched and hashed only when the HEAD has no usable header). With a platform: one read of the
/// index, and the chosen entry's digest taken from it without fetching the entry; a single
/// manifest is read with its config and must be of that platform, or NotFound (exit 3).
Result<PinTarget> pin_target(PinReader &reader, const Reference &reference, const TargetOptions &options = {});

/// What a pinned digest is worth now.
enum class PinStatus {
    Current,     ///< the tag names the pinned digest (level Index or Manifest)
    PlatformPin, ///< the pinned digest is an entry of what the tag names (see PinVerdict::level)
    Drifted,     ///< the tag names other content now
    Missing,     ///< the pinned content no longer exists in the repository
    Exists,      ///< a digest-only reference: the content exists and hashes to its digest
};

/// A stable name for JSON and messages: "current", "platform-pin", "drifted", "missing", "exists".
std::string_view pin_status_name(PinStatus status) noexcept;

/// One platform whose manifest differs between the pinned and the current content.
struct PlatformChange {
    std::string platform;               ///< "linux/arm/v7" (display form)
    std::optional<std::string> pinned;  ///< its digest in the pinned content; none when it was added
    std::optional<std::string> current; ///< its digest in the current content; none when it was removed
};

/// The outcome of verifying one pin.
struct PinVerdict {
    PinStatus status = PinStatus::Current; ///< what it is worth
    Digest pinned;                         ///< the pinned digest
    /// What the tag names now, in the pin's algorithm (sha512 pins are compared in sha512);
    /// none for a digest-only reference and when the tag no longer exists.
    std::optional<Digest> current;
    /// What the tag names now as the registry names it, when that differs from `current` (an
    /// algorithm other than the pin's).
    std::optional<Digest> registry_digest;
    PinLevel level = PinLevel::Index;    ///< where the pin sits (Current, PlatformPin, Exists)
    std::optional<std::string> platform; ///< a PlatformPin's platform, display form, when declared
    std::vector<PlatformChange> changes; ///< Drifted/Missing: what changed, per platform
    std::string note;                    ///< why `changes` could not be worked out; "" otherwise
};

/// Verifies a pin. With a tag, the tag is resolved once (HEAD first) and compared with `pinned`;
/// when they differ, what the tag names is read once by digest to find the pin inside it, and the
/// pinned content is read to say what changed. A tag that no longer exists is NotFound unless the
/// pinned content is gone too (Missing). Without a tag, the content must exist and hash to
/// `pinned` (Exists), else NotFound. Errors that stop the verification are returned as errors.
Result<PinVerdict> verify_pin(PinReader &reader, const Reference &reference, const Digest &pinned);

/// The platforms of an index's image entries (attestations and entries without a platform left
/// out), display form, mapped to their digests; the first entry wins when a platform repeats.
std::map<std::string, std::string> platform_digests(const Document &index);

/// What changed between two platform→digest maps: changed, added and removed platforms, sorted by
/// platform.
std::vector<PlatformChange> platform_changes(const std::map<std::string, std::string> &pinned,
                                             const std::map<std::string, std::string> &current);

} // namespace digestx

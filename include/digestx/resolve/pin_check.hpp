#pragma once
/// @file
/// What a pin is worth: the digest a reference should be pinned to (a HEAD first, since Docker Hub
/// does not count it as a pull), and whether a pinned digest is still what its tag names, at which
/// level, and what changed when it is not. The logic reads through a Source only (observe() is the
/// HEAD of a registry), so every outcome is testable with an in-memory source; the commands
/// `digest`, `verify`, `check` and `pin` only print what it returns.

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
#include "digestx/explain/graph_diff.hpp"
#include "digestx/resolve/select.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// A Source that remembers every observation of the source it wraps, so a tag is resolved once
/// per run however many pins name it (architecture principle 3: one snapshot per run). Every
/// other read goes straight through.
class ObservationCache final : public Source {
public:
    /// Wraps `inner`, which must outlive this cache.
    explicit ObservationCache(Source &inner) : m_inner(inner) {}
    /// The first observation of the reference's canonical form, errors included.
    Result<Observed> observe(const Reference &reference) override;
    /// The wrapped source's read.
    Result<Fetched> fetch_reference(const Reference &reference) override { return m_inner.fetch_reference(reference); }
    /// The wrapped source's referrers.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override {
        return m_inner.referrers(subjects);
    }
    /// The wrapped source's tags.
    Result<TagList> list_tags(std::size_t page_size) override { return m_inner.list_tags(page_size); }
    /// The wrapped source's counters.
    [[nodiscard]] SourceStats stats() const override { return m_inner.stats(); }

protected:
    /// The wrapped source's checked batch.
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override {
        return m_inner.fetch_by_digest(items);
    }

private:
    Source &m_inner;
    std::map<std::string, Result<Observed>> m_seen;
};

/// A Source that keeps every document it read by digest, and the body a tag resolution had to
/// fetch, so the steps of one pin's check (the drift check, then the comparison of the changed
/// platforms) read each document once. Content addressed, so nothing kept can go stale; a tag is
/// read every time. Meant to live as long as one check: it keeps every body it read.
class ContentMemo final : public Source {
public:
    /// Wraps `inner`, which must outlive this memo.
    explicit ContentMemo(Source &inner) : m_inner(inner) {}
    /// The wrapped source's observation; a body it fetched is kept under its digest.
    Result<Observed> observe(const Reference &reference) override;
    /// A reference with a digest: the kept document, else the wrapped source's, kept. A tag: read.
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// The wrapped source's referrers.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override {
        return m_inner.referrers(subjects);
    }
    /// The wrapped source's tags.
    Result<TagList> list_tags(std::size_t page_size) override { return m_inner.list_tags(page_size); }
    /// The wrapped source's counters.
    [[nodiscard]] SourceStats stats() const override { return m_inner.stats(); }

protected:
    /// The kept documents, and one batch of the wrapped source for the others.
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override;

private:
    Source &m_inner;
    std::map<std::string, Fetched> m_kept;
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

/// The digest to pin.
struct PinTarget {
    Digest digest;                          ///< what to pin
    std::string media_type;                 ///< the document's media type, when known
    PinLevel level = PinLevel::Index;       ///< Index, Manifest, or PlatformManifest (with --platform)
    std::optional<Platform> platform;       ///< with --platform: the platform of the chosen manifest
    FetchMethod method = FetchMethod::Head; ///< how the digest was learnt: a HEAD, or a read of the body
};

/// The digest a pin of `reference` should use. Without a platform: the HEAD's digest (the body is
/// fetched and hashed only when the HEAD has no usable header). With a platform: the manifest
/// that platform pulls (walk_to_platform: one read of the index, the chosen entry's digest taken
/// from it without fetching the entry where it declares its platform); a single manifest is read
/// with its config and must be of that platform, or NotFound (exit 3).
Result<PinTarget> pin_target(Source &source, const Reference &reference,
                             const std::optional<PlatformRequest> &platform = std::nullopt);

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
    std::optional<Platform> platform;    ///< a PlatformPin's platform (normalised), when declared
    std::vector<PlatformChange> changes; ///< Drifted/Missing: what changed, per platform
    std::string note;                    ///< why `changes` could not be worked out; "" otherwise
};

/// Verifies a pin. With a tag, the tag is resolved once (HEAD first) and compared with `pinned`;
/// when they differ, what the tag names is read once by digest to find the pin inside it, and the
/// pinned content is read to say what changed. A tag that no longer exists is NotFound unless the
/// pinned content is gone too (Missing). Without a tag, the content must exist and hash to
/// `pinned` (Exists), else NotFound. Errors that stop the verification are returned as errors.
Result<PinVerdict> verify_pin(Source &source, const Reference &reference, const Digest &pinned);

/// A pin verified, and for a drift the platforms whose manifest changed, compared as `diff`
/// compares them (config, layers); empty otherwise.
struct PinCheck {
    Result<PinVerdict> verdict;          ///< verify_pin()'s answer
    std::vector<PlatformDiff> platforms; ///< a drift's changed platforms, compared
};

/// verify_pin(), then, for a drift whose changes are known, the comparison of each platform whose
/// manifest changed: its two manifests in one batch, their two configs in another, no layer, and
/// no document read twice (the drift check's reads are reused). Platforms that kept their
/// manifest are not read: Docker Hub counts every manifest GET as a pull.
PinCheck check_pin(Source &source, const Reference &reference, const Digest &pinned);

/// The platforms of an index's image entries (attestations and entries without a platform left
/// out), display form, mapped to their digests; the first entry wins when a platform repeats.
std::map<std::string, std::string> platform_digests(const Document &index);

/// What changed between two platform→digest maps: changed, added and removed platforms, sorted by
/// platform.
std::vector<PlatformChange> platform_changes(const std::map<std::string, std::string> &pinned,
                                             const std::map<std::string, std::string> &current);

} // namespace digestx

#pragma once
/// @file
/// A repository read through its mirrors: each read goes to the mirrors in order and falls back
/// to the next one, then to the primary location, when a mirror fails or lacks the document.
/// Every document is verified by digest whatever answered (Source::fetch_by_digest), and each
/// one says which mirror answered (FetchNote::mirror).
///
/// Peers: containerd tries the hosts of hosts.toml in order for each request; moby falls back
/// from a mirror to the next endpoint on almost any error (daemon/internal/distribution/
/// errors.go `continueOnError`, `mirrorEndpoint`), never on cancellation; containers/image
/// tries mirrors in order and the primary location last (containers-registries.conf(5)).

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "digestx/core/reference.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// How tags are read when mirrors exist.
enum class MirrorTags {
    MirrorsFirst, ///< as `docker pull`: a tag is read through the mirrors like anything else
    /// From the primary location only (the tag's current answer); a mirror is asked for the same
    /// tag with one HEAD and a differing answer is reported as a stale mirror. Documents below
    /// the tag still come through the mirrors, by digest.
    Upstream,
};

/// One place the repository is read from.
struct MirrorEndpointSource {
    std::unique_ptr<Source> source; ///< reads `reference`'s repository there
    Reference reference;            ///< the repository there (its tag or digest is replaced per read)
    std::string label;              ///< host[:port][/namespace] as output names it
    std::string origin;             ///< where the mirror was configured ("--mirror", a file)
};

/// Choices of a mirrored source.
struct MirroredSourceOptions {
    MirrorTags tags = MirrorTags::MirrorsFirst; ///< where tags are read
    std::ostream *diagnostics = nullptr;        ///< fallback warnings and stale-tag reports (stderr)
    bool verbose = false;                       ///< also note a mirror's 404 (a partial mirror is normal)
};

/// Reads one repository through mirrors, then its primary location. Not thread-safe.
class MirroredSource final : public Source {
public:
    /// `logical` is the repository as the user named it (references passed in name it);
    /// `mirrors` are tried in order, `upstream` last.
    MirroredSource(Reference logical, std::vector<MirrorEndpointSource> mirrors, MirrorEndpointSource upstream,
                   MirroredSourceOptions options = {});

    /// The tag's document (through the mirrors unless MirrorTags::Upstream) or the digest's.
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// What the reference names, through the mirrors unless MirrorTags::Upstream for a tag.
    Result<Observed> observe(const Reference &reference) override;
    /// The primary location's referrers: a mirror's list is whatever it happens to hold.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override;
    /// The primary location's tags, for the same reason.
    Result<TagList> list_tags(std::size_t page_size) override;
    /// Every endpoint's counters summed; `mirror_*` count what went to mirrors.
    [[nodiscard]] SourceStats stats() const override;

protected:
    /// Each item from the first endpoint that has it.
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override;

private:
    Result<Reference> at(const MirrorEndpointSource &endpoint, const Reference &reference) const;
    Result<void> check_reference(const Reference &reference) const;
    bool falls_back(const MirrorEndpointSource &mirror, const Error &error);
    void compare_tag(const Reference &reference, const Digest &upstream_digest);
    template <typename Answer, typename Read, typename MarkMirror>
    Result<Answer> read_through(const Reference &reference, Read read, MarkMirror mark_mirror);

    Reference m_logical;
    std::vector<MirrorEndpointSource> m_mirrors;
    MirrorEndpointSource m_upstream;
    MirroredSourceOptions m_options;
    std::set<std::string> m_reported; // mirrors whose failure was reported once
    std::set<std::string> m_down;     // mirrors unreachable or throttling: skipped for the rest of the run
};

} // namespace digestx

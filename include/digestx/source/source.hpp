#pragma once
/// @file
/// Where documents come from: a registry, an OCI image layout directory. Every command reads
/// through this interface only (the resolver, the platform selection, the pin logic), so none of
/// them knows (or tests need) whether bytes came over HTTP or from a disk.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/fetched.hpp"
#include "digestx/core/image_tree.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/reference.hpp"

namespace digestx {

/// The digest a reference names right now, as one tag resolution learnt it.
struct Observed {
    Digest digest;                          ///< the registry digest of the document the reference names
    std::string media_type;                 ///< its Content-Type, parameters stripped; "" when not sent
    std::optional<Fetched> fetched;         ///< the body, when it had to be fetched to learn the digest
    FetchMethod method = FetchMethod::Head; ///< HEAD, or GET/read when the body was hashed
    std::string mirror;                     ///< the mirror that answered; "" for the registry itself
};

/// A place documents are read from. A source reads one repository (or one layout): the one it
/// was made for, so no call depends on another having been made first.
class Source {
public:
    virtual ~Source() = default;
    /// Reads what the reference names right now: the document a tag points at, or the document
    /// with the reference's digest (verified). This is the one moment a mutable tag is read;
    /// everything below is fetched by digest (architecture principle 3, catalogue C17).
    virtual Result<Fetched> fetch_reference(const Reference &reference) = 0;
    /// What the reference names now, as cheaply as the source allows. The default reads the
    /// document and hashes it; a registry answers a HEAD instead, and is asked for the body only
    /// when the HEAD carries no usable Docker-Content-Digest (fault catalogue rule 13, C1–C3).
    virtual Result<Observed> observe(const Reference &reference);
    /// Fetches every item by digest, as one concurrent batch where the source can: exactly one
    /// result per item, in order, each checked here against the item's digest and size (fault
    /// catalogue B1, B16), whatever the source did. The only way callers fetch by digest.
    std::vector<Result<Fetched>> fetch_by_digest(const std::vector<FetchItem> &items);
    /// fetch_by_digest() of one item.
    Result<Fetched> fetch_one(const FetchItem &item);
    /// The referrers of each subject (manifests or indexes of this source), listed as one batch
    /// where the source can: one result per subject, in order. Sources without a way to list them
    /// answer ErrorCode::Usage for each.
    virtual std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects);
    /// Every tag of the repository (a layout: its `org.opencontainers.image.ref.name` values).
    /// `page_size` is the `n` a registry is asked for per page.
    virtual Result<TagList> list_tags(std::size_t page_size) = 0;
    /// Counters so far.
    [[nodiscard]] virtual SourceStats stats() const = 0;
    /// What the source knows about what it read that the documents do not say (the RepoTags of
    /// a `docker save` archive, a manifest it had to build): resolve() adds these to the tree.
    /// Most sources know nothing more.
    [[nodiscard]] virtual std::vector<Finding> findings() const { return {}; }

protected:
    /// The source's own batch read: fetch_by_digest() checks what it returns.
    virtual std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) = 0;
};

} // namespace digestx

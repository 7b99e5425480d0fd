#pragma once
/// @file
/// Where documents come from: a registry, an OCI image layout directory, later a docker-archive.
/// The resolver walks a reference through this interface only, so it never knows (or tests
/// need) whether bytes came over HTTP or from a disk.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/image_tree.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/reference.hpp"

namespace digestx {

/// A document's bytes with the record of how they were obtained. By-digest fetches are verified
/// by the source before they are returned: `bytes` hash to the requested digest.
struct Fetched {
    std::string bytes;      ///< the body, exactly as received
    std::string media_type; ///< Content-Type (parameters stripped) or the descriptor's mediaType
    FetchNote note;         ///< how it was obtained
};

/// What to fetch by digest: a manifest (index, manifest) or a blob (config).
struct FetchItem {
    /// The endpoint family: registries serve manifests and blobs from different URLs.
    enum class Kind { Manifest, Blob };
    Kind kind = Kind::Manifest; ///< manifest or blob
    Digest digest;              ///< what to fetch (already validated and verifiable)
    std::string media_type;     ///< the referring descriptor's mediaType, for the Accept header
};

/// What names a manifest as its `subject` (OCI 1.1 referrers): signatures, SBOMs, attestations
/// pushed after the image, listed by the registry rather than by the image.
struct ReferrerList {
    std::vector<Descriptor> manifests; ///< the referrer descriptors, as listed
    std::string via;                   ///< "referrers-api", "tag-schema" (`<alg>-<hex>` tag) or "oci-layout"
    std::optional<FetchNote> note;     ///< the exchange that produced the list, when one happened
};

/// A place documents are read from.
class Source {
public:
    virtual ~Source() = default;
    /// Reads what the reference names right now: the document a tag points at, or the document
    /// with the reference's digest (verified). This is the one moment a mutable tag is read;
    /// everything below is fetched by digest (architecture principle 3, catalogue C17).
    virtual Result<Fetched> fetch_reference(const Reference &reference) = 0;
    /// Fetches every item by digest, as one concurrent batch where the source can. Each result is
    /// verified against its digest (fault catalogue B1) and bounded in size.
    virtual std::vector<Result<Fetched>> fetch_by_digest(const std::vector<FetchItem> &items) = 0;
    /// Counters so far.
    [[nodiscard]] virtual SourceStats stats() const = 0;
    /// The referrers of `subject`, a manifest or index read through fetch_reference() or
    /// fetch_by_digest(). Sources without a way to list them answer ErrorCode::Usage.
    virtual Result<ReferrerList> referrers(const Digest &subject);
};

} // namespace digestx

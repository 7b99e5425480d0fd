#pragma once
/// @file
/// What a read of a document gives and asks, as plain values shared by every place documents
/// come from (the registry client, the sources) and the code that walks them (resolve).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/core/image_tree.hpp"
#include "digestx/core/model.hpp"

namespace digestx {

/// A document's bytes with the record of how they were obtained. Whoever returns one has
/// verified it: `digest` is computed from `bytes` (the registry digest: sha256, or of the signed
/// payload of a schema1 manifest; the pinned digest's algorithm when read by digest).
struct Fetched {
    std::string bytes;                         ///< the body, exactly as received
    Digest digest;                             ///< computed from `bytes`, never taken from a header
    std::string media_type;                    ///< Content-Type (parameters stripped), else the descriptor's mediaType
    FetchNote note;                            ///< how it was obtained
    std::optional<std::string> content_length; ///< Content-Length as received, sanitized
};

/// What to fetch by digest.
struct FetchItem {
    /// The endpoint family: registries serve manifests and blobs from different URLs.
    enum class Kind { Manifest, Blob };
    Kind kind = Kind::Manifest; ///< manifest (index, manifest) or blob (config)
    Digest digest;              ///< what to fetch (validated, verifiable)
    std::string media_type;     ///< the referring descriptor's mediaType; a manifest must match it
    /// The referring descriptor's size, when there is one: content of another size is refused
    /// (image-spec descriptor.md: it SHOULD NOT be trusted; fault catalogue B16).
    std::optional<std::int64_t> size;
};

/// The referrers of a manifest (OCI 1.1): what names it as `subject`, listed by the source.
struct ReferrerList {
    std::vector<Descriptor> manifests;        ///< the referrer descriptors, as listed
    ReferrerRoute route = ReferrerRoute::Api; ///< how they were listed
    std::optional<FetchNote> note;            ///< the exchange that produced the list, when one happened
};

/// Every tag of a repository, across pages.
struct TagList {
    std::vector<std::string> tags; ///< in the order served, duplicates removed
    std::size_t pages = 0;         ///< pages read
    std::size_t dropped = 0;       ///< entries refused (not strings, or not valid tags)
};

} // namespace digestx

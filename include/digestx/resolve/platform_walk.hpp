#pragma once
/// @file
/// The walk `docker pull [--platform P]` does from a reference to one platform's manifest, over a
/// Source: the top document read once, then by digest only what the selection (select.hpp)
/// needs: a nested index, the manifest of a platform-less entry and its config, or what the
/// caller asks for. Shared by `digest`, `manifest`, `config`, `verify` and `check`.

#include <cstddef>
#include <optional>

#include "digestx/core/fetched.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/resolve/select.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// What the caller needs beyond the chosen manifest's descriptor.
struct PlatformWalkOptions {
    bool fetch_manifest = false;             ///< read the chosen manifest even where its platform was declared
    bool fetch_config = false;               ///< read its config blob too (verified; parsed when an image config)
    std::size_t max_depth = max_index_depth; ///< index nesting followed at most (fault catalogue B12)
    bool strict = false;                     ///< `--strict`: a media type of the other flavour is an error
};

/// The manifest the platform pulls, and how it was reached.
struct PlatformManifest {
    FetchMethod top_method = FetchMethod::Get; ///< how the top document was read
    Digest digest;                             ///< the chosen manifest's digest
    std::string media_type;                    ///< its media type (the entry's, or the top document's)
    Platform platform;                         ///< its platform: as the entry declares it, else its own
    bool from_index = false;                   ///< false: the reference named this manifest itself
    std::optional<Document> manifest;          ///< the manifest, when read (see PlatformWalkOptions)
    std::optional<Fetched> config;             ///< the config blob as received, when read
};

/// Reads the reference once and walks to the manifest `request` selects: NotFound when the
/// index has no match or the image is of another platform (see select.hpp), Integrity for a
/// nesting deeper than allowed, and every read error as it comes.
Result<PlatformManifest> walk_to_platform(Source &source, const Reference &reference, const PlatformRequest &request,
                                          const PlatformWalkOptions &options = {});

/// The config blob of `manifest`, read by digest and checked against its descriptor's size;
/// NotFound for an artifact manifest, which has none.
Result<Fetched> fetch_config_blob(Source &source, const Manifest &manifest);

/// Parses a fetched manifest document, naming `what` in the error; its media type (Content-Type,
/// or the descriptor's for a layout) is the declaration checked against the body (ParseOptions).
Result<Document> parse_fetched(const Fetched &fetched, std::string_view what, bool strict = false);

} // namespace digestx

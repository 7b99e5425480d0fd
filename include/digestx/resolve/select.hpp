#pragma once
/// @file
/// The one platform selection every command uses: which manifest `docker pull [--platform P]`
/// takes from an index (nested indexes and entries without a platform included), and whether a
/// single manifest is of the wanted platform. Pure: it reads documents it is given and says what
/// it needs next; select_walk.hpp drives it over a Source.
///
/// The rules follow containerd's images.Manifest (core/images/image.go) and moby's classic puller
/// (distribution/pull_v2.go filterManifests + pullManifestList), which agree:
/// - an index's candidates are its entries that declare a matching platform, and its entries that
///   declare none; candidates are sorted by the matcher's preference, platform-less ones last
///   (a stable sort: document order among equals), and only the first is taken (limit 1);
/// - a platform-less candidate is decided by its content: a nested index is walked with the same
///   rules, a manifest's image config must be of a matching platform;
/// - attestation entries (buildx `vnd.docker.reference.type: attestation-manifest`, platform
///   `unknown/unknown`) are never taken.
/// This file is the only place that turns a descriptor's, a config's or a schema1 manifest's
/// platform into a Platform.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/platform.hpp"

namespace digestx {

/// How deep index→index nesting is followed, by the selection, the walk and the pin logic alike
/// (fault catalogue B12: bounded, so a hostile index cannot send a client down forever).
inline constexpr std::size_t max_index_depth = 4;

/// The platform a command asks for: `--platform`, or the platform of this machine.
struct PlatformRequest {
    Platform platform;                      ///< normalised
    MatchMode mode = MatchMode::Compatible; ///< how entries are matched
    bool given = false;                     ///< --platform was given (false: the host default)

    /// `--platform TEXT`, or `host` (the platform of this machine) when `text` is empty; a one-word
    /// TEXT takes its other half from `host`; unparsable text is ErrorCode::Usage naming --platform.
    static Result<PlatformRequest> from_option(std::string_view text, const Platform &host,
                                               MatchMode mode = MatchMode::Compatible);
    /// An explicit request for `platform` (normalised here).
    static PlatformRequest of(Platform platform, MatchMode mode = MatchMode::Compatible);
};

/// The normalised platform an index entry declares; nullopt when it declares none.
std::optional<Platform> descriptor_platform(const Descriptor &descriptor);

/// The normalised platform of an image config (`os`, `architecture`, `variant`, `os.version`,
/// `os.features`).
Platform config_platform(const ImageConfig &config);

/// The normalised platform of a schema1 manifest: its `architecture` on linux (schema1 has no
/// os field; every schema1 image Docker Hub served was a Linux image).
Platform schema1_platform(const Schema1Manifest &manifest);

/// The platforms the entries of an index declare, in document order, for selection and messages:
/// nullopt for entries that declare none, for attestations and for entries of a type that is not
/// an image manifest or an index (none of them is ever a candidate).
std::vector<std::optional<Platform>> entry_platforms(const Index &index);

/// The entry of one index that docker would take next.
struct EntryChoice {
    std::size_t position = 0; ///< in the index's `manifests`
    /// True when the entry declares a platform that matched. False for a platform-less entry:
    /// its content decides (a nested index is walked; a manifest's config must match).
    bool declared = false;
};

/// The candidate docker takes from `index` (see the file comment), or ErrorCode::NotFound naming
/// the request and the platforms the index offers (fault catalogue B13). `index_name` names the
/// index in that message (its digest).
Result<EntryChoice> choose_entry(const Index &index, const PlatformRequest &request, std::string_view index_name);

/// True when an image of `actual` satisfies the request.
bool platform_satisfies(const Platform &actual, const PlatformRequest &request);

/// Whether a manifest reached without a declared platform must have its own platform checked:
/// always when it was reached through a platform-less index entry (containerd reads its config
/// and skips it when it does not match), and for the top document only with --platform (docker
/// pulls a single-platform image of another architecture and warns; with --platform it refuses:
/// "image with reference … was found but does not match the specified platform").
bool needs_platform_check(bool from_index, const PlatformRequest &request);

/// ErrorCode::NotFound for an index whose only candidate, an entry without a platform, is the
/// manifest `manifest` of `actual` (none: not an image). containerd's images.Manifest reads that
/// entry's config and, limited to one candidate, has no other: "no match for platform in manifest".
Error undeclared_entry_mismatch(const PlatformRequest &request, const Digest &index, const Digest &manifest,
                                const std::optional<Platform> &actual);

/// ErrorCode::NotFound for an image whose own platform does not satisfy the request:
/// `no manifest for linux/arm64: <what> is single-platform linux/amd64`.
Error platform_mismatch(const PlatformRequest &request, std::string_view what, const Platform &actual);

} // namespace digestx

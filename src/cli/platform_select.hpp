#pragma once
/// @file
/// The walk `docker pull --platform` does from a tag to one platform's manifest, over a registry
/// client, shared by `manifest --platform` and `config`: from an index, the entry the platform
/// rules choose (nested indexes followed), fetched by digest and verified.

#include <optional>

#include "command.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/registry/client.hpp"

namespace digestx::cli {

/// The platform a command selects: --platform, or this machine's when it is not given.
struct WantedPlatform {
    Platform platform;  ///< normalised
    bool given = false; ///< --platform was given: a single-platform image must then match it
};

/// Reads --platform (ErrorCode::Usage when it does not parse), else the host platform.
Result<WantedPlatform> wanted_platform(const GlobalOptions &globals);

/// A manifest reached from the reference, with whether an index was walked to reach it.
struct PlatformManifest {
    registry::Fetch fetched; ///< the image manifest (or schema1 / artifact manifest) as verified
    Document document;       ///< its parsed form
    bool from_index = false; ///< false: the reference named a single-platform manifest directly
};

/// Reads the reference once and, while the answer is an index, fetches the entry the platform
/// rules choose, by digest (index nesting followed at most 4 deep, catalogue B12). No match is
/// ErrorCode::NotFound naming the platforms the index has.
Result<PlatformManifest> fetch_platform_manifest(registry::RegistryClient &client, const Reference &reference,
                                                 const WantedPlatform &wanted);

/// ErrorCode::NotFound when --platform was given and a single-platform image's config names
/// another platform ("the image is single-platform linux/arm64"), never a silent answer.
Result<void> check_single_platform(const ImageConfig &config, const WantedPlatform &wanted);

/// For a manifest the reference named directly (not reached through an index) while --platform
/// was given: reads its config (verified) and checks its platform; schema1 names its architecture
/// itself. Nothing to do otherwise.
Result<void> check_direct_manifest_platform(registry::RegistryClient &client, const Reference &reference,
                                            const PlatformManifest &reached, const WantedPlatform &wanted);

} // namespace digestx::cli

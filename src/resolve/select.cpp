// The platform selection of `docker pull`, pure: see select.hpp for the rules and their sources.
#include "digestx/resolve/select.hpp"

#include <algorithm>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// What docker's walk can take from an index: an image manifest, a nested index or schema1.
// containerd's images.Manifest fails on any other media type ("unexpected media type"), so such
// an entry (an artifact, a layer listed by mistake) is never a candidate. An entry without a
// mediaType is read as a manifest, as distribution's manifest list does.
bool walkable(const Descriptor &entry) {
    if (entry.media_type.empty()) return true;
    media::Kind kind = media::classify(entry.media_type);
    return kind == media::Kind::Index || kind == media::Kind::Manifest || kind == media::Kind::Schema1;
}

} // namespace

Result<PlatformRequest> PlatformRequest::from_option(std::string_view text, const Platform &host, MatchMode mode) {
    if (text.empty()) return PlatformRequest{normalize(host), mode, false};
    auto parsed = parse_platform(text, host);
    if (!parsed) return fail(std::move(parsed.error()).with_context("--platform"));
    return of(std::move(*parsed), mode);
}

PlatformRequest PlatformRequest::of(Platform platform, MatchMode mode) {
    return PlatformRequest{normalize(std::move(platform)), mode, true};
}

std::optional<Platform> descriptor_platform(const Descriptor &descriptor) {
    if (!descriptor.platform) return std::nullopt;
    const DescriptorPlatform &declared = *descriptor.platform;
    return normalize(
        Platform{declared.os, declared.architecture, declared.variant, declared.os_version, declared.os_features});
}

Platform config_platform(const ImageConfig &config) {
    return normalize(Platform{config.os, config.architecture, config.variant, config.os_version, config.os_features});
}

Platform schema1_platform(const Schema1Manifest &manifest) {
    return normalize(Platform{"linux", manifest.architecture, {}, {}, {}});
}

std::vector<std::optional<Platform>> entry_platforms(const Index &index) {
    std::vector<std::optional<Platform>> platforms;
    platforms.reserve(index.manifests.size());
    for (const auto &entry : index.manifests) {
        bool candidate = walkable(entry) && !entry.is_attestation();
        platforms.push_back(candidate ? descriptor_platform(entry) : std::nullopt);
    }
    return platforms;
}

Result<EntryChoice> choose_entry(const Index &index, const PlatformRequest &request, std::string_view index_name) {
    std::vector<std::optional<Platform>> platforms = entry_platforms(index);
    // Entries that declare a matching platform come first, best first (containerd sorts the
    // candidates with the matcher's Less; the first listed wins among equals).
    if (auto best = choose_platform(platforms, request.platform, request.mode)) return EntryChoice{*best, true};
    // Then the first entry that declares no platform at all: containerd and moby keep such
    // entries as candidates, sorted last, and take only the first of them.
    for (std::size_t i = 0; i < index.manifests.size(); ++i) {
        const Descriptor &entry = index.manifests[i];
        if (!entry.platform && walkable(entry) && !entry.is_attestation()) return EntryChoice{i, false};
    }
    return fail(no_platform_match(request.platform, index_name, platforms));
}

bool platform_satisfies(const Platform &actual, const PlatformRequest &request) {
    return PlatformMatcher::for_mode(request.platform, request.mode).matches(actual);
}

bool needs_platform_check(bool from_index, const PlatformRequest &request) {
    return from_index || request.given;
}

Error undeclared_entry_mismatch(const PlatformRequest &request, const Digest &index, const Digest &manifest,
                                const std::optional<Platform> &actual) {
    return Error::of(ErrorCode::NotFound,
                     "no manifest for " + sanitize(display_platform(request.platform), 100) + " in index " +
                         index.str() + " (its only candidate, the entry without a platform " + manifest.str() +
                         ", is " + (actual ? sanitize(display_platform(*actual), 100) : std::string("not an image")) +
                         ")");
}

Error platform_mismatch(const PlatformRequest &request, std::string_view what, const Platform &actual) {
    return Error::of(ErrorCode::NotFound, "no manifest for " + sanitize(display_platform(request.platform), 100) +
                                              ": " + sanitize(what, 200) + " is single-platform " +
                                              sanitize(display_platform(actual), 100));
}

} // namespace digestx

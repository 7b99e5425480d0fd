#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "pin_support.hpp"

namespace digestx {
namespace {

PinLevel top_level(std::string_view media_type) {
    return media::classify(media_type) == media::Kind::Index ? PinLevel::Index : PinLevel::Manifest;
}

// The entry `docker pull --platform` would take, read from the index without fetching it.
Result<PinTarget> choose_entry(const Document &index, const TargetOptions &options, const std::string &method) {
    std::vector<std::optional<Platform>> platforms;
    for (const auto &entry : index.index().manifests) {
        bool image = media::classify(entry.media_type) == media::Kind::Manifest || entry.media_type.empty();
        platforms.push_back(image && !entry.is_attestation() ? pin_detail::entry_platform(entry) : std::nullopt);
    }
    auto chosen = choose_platform(platforms, *options.platform, options.mode);
    if (!chosen) return fail(no_platform_match(*options.platform, index.digest().str(), platforms));
    const Descriptor &entry = index.index().manifests[*chosen];
    auto digest = entry.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    return PinTarget{*digest, entry.media_type, PinLevel::PlatformManifest, platforms[*chosen], method};
}

// A tag naming one manifest pins one platform: that must be the platform asked for, never a
// silent answer for another architecture.
Result<PinTarget> check_single(PinReader &reader, const Document &manifest, const TargetOptions &options,
                               const std::string &method) {
    auto actual = pin_detail::manifest_platform(reader, manifest);
    if (!actual) return fail(std::move(actual.error()));
    if (!PlatformMatcher::for_mode(*options.platform, options.mode).matches(*actual)) {
        return fail(ErrorCode::NotFound, "no manifest for " + display_platform(*options.platform) + " in " +
                                             manifest.digest().str() + ": the image is single-platform " +
                                             sanitize(display_platform(*actual), 100));
    }
    return PinTarget{manifest.digest(), manifest.media_type(), PinLevel::Manifest, *actual, method};
}

} // namespace

Result<PinTarget> pin_target(PinReader &reader, const Reference &reference, const TargetOptions &options) {
    if (!options.platform) {
        auto observed = reader.observe(reference);
        if (!observed) return fail(std::move(observed.error()));
        return PinTarget{observed->digest, observed->media_type, top_level(observed->media_type), std::nullopt,
                         observed->method};
    }
    // One GET: the index's bytes are needed to choose, and a HEAD would only add a request.
    auto fetched = reader.documents().fetch_reference(reference);
    if (!fetched) return fail(std::move(fetched.error()));
    auto document = pin_detail::parse_fetched(*fetched, reference.familiar());
    if (!document) return fail(std::move(document.error()));
    if (document->is_index()) return choose_entry(*document, options, "GET");
    return check_single(reader, *document, options, "GET");
}

} // namespace digestx

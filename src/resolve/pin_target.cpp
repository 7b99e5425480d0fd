#include "digestx/core/media_type.hpp"
#include "digestx/resolve/platform_walk.hpp"
#include "pin_support.hpp"

namespace digestx {
namespace {

PinLevel top_level(std::string_view media_type) {
    return media::classify(media_type) == media::Kind::Index ? PinLevel::Index : PinLevel::Manifest;
}

} // namespace

Result<PinTarget> pin_target(Source &source, const Reference &reference,
                             const std::optional<PlatformRequest> &platform) {
    if (!platform) {
        auto observed = source.observe(reference);
        if (!observed) return fail(std::move(observed.error()));
        return PinTarget{observed->digest, observed->media_type, top_level(observed->media_type), std::nullopt,
                         observed->method};
    }
    // One read of the reference: the index's bytes are needed to choose, and a HEAD would only add
    // a request. The chosen entry is not fetched where it declares its platform.
    auto walk = walk_to_platform(source, reference, *platform);
    if (!walk) return fail(std::move(walk.error()));
    PinLevel level = walk->from_index ? PinLevel::PlatformManifest : PinLevel::Manifest;
    return PinTarget{walk->digest, walk->media_type, level, walk->platform, walk->top_method};
}

} // namespace digestx

// From a tag to one platform's manifest, as `docker pull --platform` walks it.
#include "platform_select.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "digestx/core/media_type.hpp"

namespace digestx::cli {
namespace {

// Index nesting followed at most (fault catalogue B12).
constexpr int max_index_depth = 4;

std::optional<Platform> entry_platform(const Descriptor &entry) {
    if (!entry.platform || entry.is_attestation()) return std::nullopt;
    const DescriptorPlatform &p = *entry.platform;
    return normalize(Platform{p.os, p.architecture, p.variant, p.os_version, p.os_features});
}

// The index entry `docker pull --platform` would use, fetched by digest and verified.
Result<registry::Fetch> select_entry(registry::RegistryClient &client, const Reference &reference,
                                     const Document &index, const registry::Fetch &fetched,
                                     const WantedPlatform &wanted) {
    std::vector<std::optional<Platform>> platforms;
    for (const auto &entry : index.index().manifests)
        platforms.push_back(entry_platform(entry));
    auto chosen = choose_platform(platforms, wanted.platform, MatchMode::Compatible);
    if (!chosen) {
        // A nested index carries no platform of its own: look inside the first one.
        const auto &entries = index.index().manifests;
        auto nested = std::find_if(entries.begin(), entries.end(), [](const Descriptor &entry) {
            return media::classify(entry.media_type) == media::Kind::Index;
        });
        if (nested == entries.end()) return fail(no_platform_match(wanted.platform, fetched.digest.str(), platforms));
        chosen = static_cast<std::size_t>(nested - entries.begin());
    }
    const Descriptor &entry = index.index().manifests[*chosen];
    auto digest = entry.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    auto results = client.fetch_by_digest(reference.repository(),
                                          {{registry::DigestRequest::Kind::Manifest, *digest, entry.media_type}});
    return std::move(results.front());
}

} // namespace

Result<WantedPlatform> wanted_platform(const GlobalOptions &globals) {
    if (globals.platform.empty()) return WantedPlatform{host_platform(), false};
    auto platform = parse_platform(globals.platform);
    if (!platform) return fail(std::move(platform.error()));
    return WantedPlatform{normalize(std::move(*platform)), true};
}

Result<PlatformManifest> fetch_platform_manifest(registry::RegistryClient &client, const Reference &reference,
                                                 const WantedPlatform &wanted) {
    auto fetched = client.get_manifest(reference.repository(), registry::ManifestTarget::of(reference));
    bool from_index = false;
    for (int depth = 0;; ++depth) {
        if (!fetched) return fail(std::move(fetched.error()));
        auto document = parse_document(fetched->bytes, fetched->media_type);
        if (!document) return fail(std::move(document.error()));
        if (!document->is_index()) return PlatformManifest{std::move(*fetched), std::move(*document), from_index};
        if (depth == max_index_depth) {
            return fail(ErrorCode::Integrity, "index nesting deeper than " + std::to_string(max_index_depth));
        }
        from_index = true;
        fetched = select_entry(client, reference, *document, *fetched, wanted);
    }
}

Result<void> check_single_platform(const ImageConfig &config, const WantedPlatform &wanted) {
    if (!wanted.given) return {};
    Platform actual = normalize(Platform{config.os, config.architecture, config.variant, config.os_version, {}});
    if (PlatformMatcher::for_mode(wanted.platform, MatchMode::Compatible).matches(actual)) return {};
    return fail(ErrorCode::NotFound, "no manifest for " + display_platform(wanted.platform) +
                                         ": the image is single-platform " + display_platform(actual));
}

Result<void> check_direct_manifest_platform(registry::RegistryClient &client, const Reference &reference,
                                            const PlatformManifest &reached, const WantedPlatform &wanted) {
    if (reached.from_index || !wanted.given) return {};
    if (reached.document.is_schema1()) {
        // Schema1 carries no os or variant: the architecture is all there is to compare.
        Platform actual = normalize(Platform{"linux", reached.document.schema1().architecture, {}, {}, {}});
        if (actual.architecture == wanted.platform.architecture) return {};
        return fail(ErrorCode::NotFound, "no manifest for " + display_platform(wanted.platform) +
                                             ": the image is single-platform " + display_platform(actual));
    }
    if (!reached.document.is_manifest()) return {};
    const Descriptor &descriptor = reached.document.manifest().config;
    // An artifact's config is not an image config: it has no platform to disagree with.
    if (media::classify(descriptor.media_type) != media::Kind::Config) return {};
    auto digest = descriptor.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    auto blob = client.get_blob(reference.repository(), *digest);
    if (!blob) return fail(std::move(blob.error()));
    auto config = parse_image_config(blob->bytes);
    if (!config) return fail(std::move(config.error()).with_context("config " + digest->str()));
    return check_single_platform(*config, wanted);
}

} // namespace digestx::cli

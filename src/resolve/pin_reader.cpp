#include <algorithm>
#include <set>

#include "digestx/core/text.hpp"
#include "digestx/resolve/platform_walk.hpp"
#include "digestx/resolve/select.hpp"
#include "pin_support.hpp"

namespace digestx {

std::string_view pin_level_name(PinLevel level) noexcept {
    switch (level) {
    case PinLevel::Index: return "index";
    case PinLevel::Manifest: return "manifest";
    case PinLevel::PlatformManifest: return "platform-manifest";
    case PinLevel::NestedIndex: return "nested-index";
    case PinLevel::Attestation: return "attestation";
    case PinLevel::Entry: return "entry";
    }
    return "entry";
}

std::string_view pin_status_name(PinStatus status) noexcept {
    switch (status) {
    case PinStatus::Current: return "current";
    case PinStatus::PlatformPin: return "platform-pin";
    case PinStatus::Drifted: return "drifted";
    case PinStatus::Missing: return "missing";
    case PinStatus::Exists: return "exists";
    }
    return "drifted";
}

Result<Observed> ObservationCache::observe(const Reference &reference) {
    std::string key = reference.canonical();
    auto found = m_seen.find(key);
    if (found == m_seen.end()) found = m_seen.emplace(key, m_inner.observe(reference)).first;
    return found->second;
}

std::map<std::string, std::string> platform_digests(const Document &index) {
    std::map<std::string, std::string> digests;
    if (!index.is_index()) return digests;
    for (const auto &entry : index.index().manifests) {
        auto platform = descriptor_platform(entry);
        if (!platform || entry.is_attestation() || is_unknown_platform(*platform)) continue;
        digests.emplace(sanitize(display_platform(*platform), 100), entry.digest.str());
    }
    return digests;
}

std::vector<PlatformChange> platform_changes(const std::map<std::string, std::string> &pinned,
                                             const std::map<std::string, std::string> &current) {
    std::set<std::string> platforms;
    for (const auto &[platform, digest] : pinned)
        platforms.insert(platform);
    for (const auto &[platform, digest] : current)
        platforms.insert(platform);
    std::vector<PlatformChange> changes;
    for (const auto &platform : platforms) {
        auto was = pinned.find(platform);
        auto now = current.find(platform);
        PlatformChange change{platform, std::nullopt, std::nullopt};
        if (was != pinned.end()) change.pinned = was->second;
        if (now != current.end()) change.current = now->second;
        if (change.pinned != change.current) changes.push_back(std::move(change));
    }
    return changes;
}

namespace pin_detail {

Digest rehash(const Document &document, DigestAlgorithm algorithm) {
    if (document.digest().algorithm() == algorithm) return document.digest();
    if (document.is_schema1()) return Digest::compute(document.schema1().payload, algorithm);
    return Digest::compute(document.bytes(), algorithm);
}

Result<Platform> manifest_platform(Source &source, const Document &manifest) {
    if (manifest.is_schema1()) return schema1_platform(manifest.schema1());
    if (!manifest.is_manifest()) return fail(ErrorCode::Internal, "manifest_platform called on an index");
    auto fetched = fetch_config_blob(source, manifest.manifest());
    if (!fetched) return fail(std::move(fetched.error()));
    auto parsed = parse_image_config(fetched->bytes);
    if (!parsed) return fail(std::move(parsed.error()).with_context("image config " + fetched->digest.str()));
    return config_platform(*parsed);
}

Reference at_digest(const Reference &reference, const Digest &digest) {
    return reference.with_digest(digest);
}

} // namespace pin_detail
} // namespace digestx

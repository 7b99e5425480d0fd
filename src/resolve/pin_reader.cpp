#include <algorithm>
#include <set>

#include "digestx/core/text.hpp"
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

Result<Observed> SourcePinReader::observe(const Reference &reference) {
    auto fetched = m_source.fetch_reference(reference);
    if (!fetched) return fail(std::move(fetched.error()));
    auto document = pin_detail::parse_fetched(*fetched, reference.familiar());
    if (!document) return fail(std::move(document.error()));
    return Observed{document->digest(), document->media_type(), std::move(*fetched), "GET"};
}

Result<Observed> CachingPinReader::observe(const Reference &reference) {
    std::string key = reference.canonical();
    auto found = m_seen.find(key);
    if (found == m_seen.end()) found = m_seen.emplace(key, m_inner.observe(reference)).first;
    return found->second;
}

std::map<std::string, std::string> platform_digests(const Document &index) {
    std::map<std::string, std::string> digests;
    if (!index.is_index()) return digests;
    for (const auto &entry : index.index().manifests) {
        auto platform = pin_detail::entry_platform(entry);
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

std::optional<Platform> entry_platform(const Descriptor &entry) {
    if (!entry.platform) return std::nullopt;
    const DescriptorPlatform &declared = *entry.platform;
    return normalize(
        Platform{declared.os, declared.architecture, declared.variant, declared.os_version, declared.os_features});
}

Digest rehash(const Document &document, DigestAlgorithm algorithm) {
    if (document.digest().algorithm() == algorithm) return document.digest();
    if (document.is_schema1()) return Digest::compute(document.schema1().payload, algorithm);
    return Digest::compute(document.bytes(), algorithm);
}

Result<Document> parse_fetched(const Fetched &fetched, const std::string &what) {
    std::optional<std::string_view> declared;
    if (!fetched.media_type.empty()) declared = fetched.media_type;
    auto document = parse_document(fetched.bytes, declared);
    if (!document) return fail(std::move(document.error()).with_context(sanitize(what, 300)));
    return document;
}

Result<Platform> manifest_platform(PinReader &reader, const Document &manifest) {
    if (manifest.is_schema1()) {
        return normalize(Platform{"linux", manifest.schema1().architecture, {}, {}, {}});
    }
    if (!manifest.is_manifest()) return fail(ErrorCode::Internal, "manifest_platform called on an index");
    const Descriptor &config = manifest.manifest().config;
    auto digest = config.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    auto fetched = reader.documents().fetch_by_digest({FetchItem{FetchItem::Kind::Blob, *digest, config.media_type}});
    if (fetched.empty()) return fail(ErrorCode::Internal, "the source answered an empty batch");
    if (!fetched.front()) return fail(std::move(fetched.front().error()));
    auto parsed = parse_image_config(fetched.front()->bytes);
    if (!parsed) return fail(std::move(parsed.error()).with_context("image config " + digest->str()));
    return normalize(
        Platform{parsed->os, parsed->architecture, parsed->variant, parsed->os_version, parsed->os_features});
}

Reference at_digest(const Reference &reference, const Digest &digest) {
    return reference.with_digest(digest);
}

} // namespace pin_detail
} // namespace digestx

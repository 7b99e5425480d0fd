// What a drifted pin changed, platform by platform, read once: the documents the drift check read
// are kept (ContentMemo) and the comparison reuses them.

#include <cstddef>
#include <optional>
#include <utility>

#include "digestx/resolve/pin_check.hpp"

namespace digestx {
namespace {

// Registries serve manifests and blobs from different URLs, so the two are kept apart.
std::string memo_key(FetchItem::Kind kind, const Digest &digest) {
    return (kind == FetchItem::Kind::Manifest ? "manifest " : "blob ") + digest.str();
}

// A document read by digest through the source, parsed; none when it could not be.
template <typename T, typename Parse>
std::vector<std::optional<T>> read_all(Source &source, const std::vector<FetchItem> &items, Parse parse) {
    std::vector<std::optional<T>> out;
    for (auto &fetched : source.fetch_by_digest(items)) {
        if (!fetched) {
            out.emplace_back(std::nullopt);
            continue;
        }
        auto parsed = parse(*fetched);
        out.push_back(parsed ? std::optional<T>(std::move(*parsed)) : std::nullopt);
    }
    return out;
}

// The platforms whose manifest a drift changed, compared as `diff` compares them: their two
// manifests read in one batch, then their two configs in another, and nothing else.
std::vector<PlatformDiff> compare_drift(Source &source, const PinVerdict &verdict) {
    std::vector<const PlatformChange *> changed;
    std::vector<FetchItem> manifest_items;
    for (const auto &change : verdict.changes) {
        if (!change.pinned || !change.current) continue;
        auto pinned = Digest::parse(*change.pinned);
        auto current = Digest::parse(*change.current);
        if (!pinned || !current) continue;
        changed.push_back(&change);
        manifest_items.push_back({FetchItem::Kind::Manifest, *pinned, "", std::nullopt});
        manifest_items.push_back({FetchItem::Kind::Manifest, *current, "", std::nullopt});
    }
    auto documents = read_all<Document>(source, manifest_items, [](const Fetched &fetched) {
        std::optional<std::string_view> declared;
        if (!fetched.media_type.empty()) declared = fetched.media_type;
        return parse_document(fetched.bytes, declared);
    });
    std::vector<FetchItem> config_items;
    std::vector<std::size_t> config_of(documents.size(), documents.size());
    for (std::size_t i = 0; i < documents.size(); ++i) {
        if (!documents[i] || !documents[i]->is_manifest() || !documents[i]->manifest().config) continue;
        const Descriptor &config = *documents[i]->manifest().config;
        auto digest = config.digest.require_verifiable();
        if (!digest) continue;
        config_of[i] = config_items.size();
        config_items.push_back({FetchItem::Kind::Blob, *digest, config.media_type, config.size});
    }
    auto configs = read_all<ImageConfig>(source, config_items,
                                         [](const Fetched &fetched) { return parse_image_config(fetched.bytes); });
    auto image = [&](std::size_t i, const std::string &platform, const std::string &digest) {
        PlatformImage out{platform, digest, nullptr, nullptr, std::nullopt};
        if (documents[i] && documents[i]->is_manifest()) out.manifest = &documents[i]->manifest();
        if (config_of[i] < configs.size() && configs[config_of[i]]) out.config = &*configs[config_of[i]];
        return out;
    };
    std::vector<PlatformDiff> out;
    for (std::size_t k = 0; k < changed.size(); ++k) {
        const PlatformChange &change = *changed[k];
        out.push_back(compare_platform(image(2 * k, change.platform, *change.pinned),
                                       image(2 * k + 1, change.platform, *change.current)));
    }
    return out;
}

} // namespace

Result<Observed> ContentMemo::observe(const Reference &reference) {
    auto observed = m_inner.observe(reference);
    if (observed && observed->fetched) {
        m_kept.insert_or_assign(memo_key(FetchItem::Kind::Manifest, observed->fetched->digest), *observed->fetched);
    }
    return observed;
}

Result<Fetched> ContentMemo::fetch_reference(const Reference &reference) {
    if (!reference.digest()) return m_inner.fetch_reference(reference);
    std::string key = memo_key(FetchItem::Kind::Manifest, *reference.digest());
    if (auto kept = m_kept.find(key); kept != m_kept.end()) return kept->second;
    auto fetched = m_inner.fetch_reference(reference);
    if (fetched) m_kept.insert_or_assign(key, *fetched);
    return fetched;
}

std::vector<Result<Fetched>> ContentMemo::fetch_batch(const std::vector<FetchItem> &items) {
    std::vector<std::optional<Result<Fetched>>> results(items.size());
    std::vector<FetchItem> missing;
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (auto kept = m_kept.find(memo_key(items[i].kind, items[i].digest)); kept != m_kept.end()) {
            results[i] = Result<Fetched>(kept->second);
        } else {
            missing.push_back(items[i]);
            positions.push_back(i);
        }
    }
    if (!missing.empty()) {
        auto fetched = m_inner.fetch_by_digest(missing);
        for (std::size_t k = 0; k < fetched.size(); ++k) {
            if (fetched[k]) m_kept.insert_or_assign(memo_key(missing[k].kind, missing[k].digest), *fetched[k]);
            results[positions[k]] = std::move(fetched[k]);
        }
    }
    std::vector<Result<Fetched>> out;
    out.reserve(items.size());
    for (auto &result : results)
        out.push_back(std::move(*result));
    return out;
}

PinCheck check_pin(Source &source, const Reference &reference, const Digest &pinned) {
    ContentMemo memo(source);
    PinCheck checked{verify_pin(memo, reference, pinned), {}};
    if (checked.verdict && checked.verdict->status == PinStatus::Drifted && checked.verdict->note.empty()) {
        checked.platforms = compare_drift(memo, *checked.verdict);
    }
    return checked;
}

} // namespace digestx

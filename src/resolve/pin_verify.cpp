#include <utility>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/resolve/platform_walk.hpp"
#include "digestx/resolve/select.hpp"
#include "pin_support.hpp"

namespace digestx {
namespace {

using pin_detail::at_digest;
using pin_detail::rehash;

PinVerdict verdict_for(const Digest &pinned, PinStatus status) {
    return PinVerdict{status, pinned, std::nullopt, std::nullopt, PinLevel::Index, std::nullopt, {}, {}};
}

PinLevel entry_level(const Descriptor &entry) {
    if (entry.is_attestation()) return PinLevel::Attestation;
    auto kind = media::classify(entry.media_type);
    if (kind == media::Kind::Index) return PinLevel::NestedIndex;
    if ((kind == media::Kind::Manifest || kind == media::Kind::Schema1) && entry.platform) {
        return PinLevel::PlatformManifest;
    }
    return PinLevel::Entry;
}

// The entry that is the pinned digest, in `index` or in an index nested in it (the selection
// descends nested indexes, so a pin it produced can sit there; catalogue B12 bounds the depth).
// Entries are compared in the pin's algorithm: those written in another one are fetched (one
// batch) and rehashed, so a sha512 pin of a platform manifest listed by sha256 is still found.
Result<std::optional<Descriptor>> find_entry(Source &source, const Document &index, const Digest &pinned,
                                             std::size_t depth = 0) {
    const auto &entries = index.index().manifests;
    std::vector<FetchItem> items;
    std::vector<std::size_t> positions;
    std::vector<FetchItem> nested;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto &digest = entries[i].digest.digest();
        if (!digest) continue;
        if (*digest == pinned) return std::optional<Descriptor>(entries[i]);
        FetchItem item{FetchItem::Kind::Manifest, *digest, entries[i].media_type, entries[i].size};
        if (digest->algorithm() != pinned.algorithm()) {
            items.push_back(item);
            positions.push_back(i);
        }
        if (media::classify(entries[i].media_type) == media::Kind::Index) nested.push_back(item);
    }
    if (!items.empty()) {
        auto fetched = source.fetch_by_digest(items);
        for (std::size_t k = 0; k < fetched.size(); ++k) {
            if (!fetched[k]) return fail(std::move(fetched[k].error()));
            auto document = parse_fetched(*fetched[k], "index entry " + std::to_string(positions[k]));
            if (!document) return fail(std::move(document.error()));
            if (rehash(*document, pinned.algorithm()) == pinned) {
                return std::optional<Descriptor>(entries[positions[k]]);
            }
        }
    }
    if (nested.empty() || depth + 1 >= max_index_depth) return std::optional<Descriptor>();
    auto fetched = source.fetch_by_digest(nested);
    for (auto &one : fetched) {
        if (!one) return fail(std::move(one.error()));
        auto document = parse_fetched(*one, one->digest.str());
        if (!document) return fail(std::move(document.error()));
        if (!document->is_index()) continue;
        auto found = find_entry(source, *document, pinned, depth + 1);
        if (!found || *found) return found;
    }
    return std::optional<Descriptor>();
}

// A platform pin's level and platform: as its entry declares them, or, for an image entry that
// declares none, as its own config says (what the selection reads for such an entry).
Result<void> locate_platform(Source &source, const Descriptor &found, PinVerdict &verdict) {
    verdict.status = PinStatus::PlatformPin;
    verdict.level = entry_level(found);
    auto platform = descriptor_platform(found);
    media::Kind kind = media::classify(found.media_type);
    bool image = kind == media::Kind::Manifest || kind == media::Kind::Schema1;
    if (!platform && image && !found.is_attestation()) {
        auto digest = found.digest.require_verifiable();
        if (!digest) return fail(std::move(digest.error()));
        auto fetched = source.fetch_one(FetchItem{FetchItem::Kind::Manifest, *digest, found.media_type, found.size});
        if (!fetched) return fail(std::move(fetched.error()));
        auto manifest = parse_fetched(*fetched, digest->str());
        if (!manifest) return fail(std::move(manifest.error()));
        if (manifest->is_manifest() && manifest->manifest().is_artifact()) return {};
        auto own = pin_detail::manifest_platform(source, *manifest);
        if (!own) return fail(std::move(own.error()));
        platform = *own;
        verdict.level = PinLevel::PlatformManifest;
    }
    if (platform && !is_unknown_platform(*platform)) verdict.platform = *platform;
    return {};
}

// Platform → digest of a document: an index's image entries, or a single manifest's own platform.
std::map<std::string, std::string> platforms_of(Source &source, const Document &document, std::string &note) {
    if (document.is_index()) return platform_digests(document);
    auto platform = pin_detail::manifest_platform(source, document);
    if (!platform) {
        note = "the platform of " + document.digest().str() + " could not be read: " + platform.error().describe();
        return {};
    }
    return {{sanitize(display_platform(*platform), 100), document.digest().str()}};
}

// Drift: read the pinned content (gone means Missing) and say which platforms changed.
PinVerdict drift(Source &source, const Reference &reference, PinVerdict verdict, const Document &current) {
    verdict.status = PinStatus::Drifted;
    auto fetched = source.fetch_reference(at_digest(reference, verdict.pinned));
    if (!fetched) {
        if (fetched.error().code == ErrorCode::NotFound) {
            verdict.status = PinStatus::Missing;
        } else {
            verdict.note = "the pinned content could not be read: " + fetched.error().describe();
        }
        return verdict;
    }
    auto pinned = parse_fetched(*fetched, verdict.pinned.str());
    if (!pinned) {
        verdict.note = "the pinned content could not be read: " + pinned.error().describe();
        return verdict;
    }
    auto before = platforms_of(source, *pinned, verdict.note);
    auto after = platforms_of(source, current, verdict.note);
    if (!pinned->is_index() && current.is_index() && before.size() == 1) {
        // A platform pin that drifted: only its own platform is of interest.
        auto now = after.find(before.begin()->first);
        std::map<std::string, std::string> kept;
        if (now != after.end()) kept.insert(*now);
        after = std::move(kept);
    }
    verdict.changes = platform_changes(before, after);
    return verdict;
}

Result<PinVerdict> verify_content(Source &source, const Reference &reference, const Digest &pinned) {
    auto fetched = source.fetch_reference(at_digest(reference, pinned));
    if (!fetched) return fail(std::move(fetched.error()));
    auto document = parse_fetched(*fetched, pinned.str());
    if (!document) return fail(std::move(document.error()));
    PinVerdict verdict = verdict_for(pinned, PinStatus::Exists);
    verdict.level = document->is_index() ? PinLevel::Index : PinLevel::Manifest;
    return verdict;
}

// The tag is gone: the pin can no longer be compared, unless its content is gone too.
Result<PinVerdict> tag_gone(Source &source, const Reference &reference, const Digest &pinned, Error error) {
    auto content = source.fetch_reference(at_digest(reference, pinned));
    if (content) return fail(std::move(error).with_context("the pinned content still exists"));
    if (content.error().code != ErrorCode::NotFound) return fail(std::move(error));
    return verdict_for(pinned, PinStatus::Missing);
}

} // namespace

Result<Reference> tag_reference(const Reference &reference) {
    if (!reference.digest() || !reference.tag()) return reference;
    ReferenceParts parts = reference.parts();
    parts.digest.reset();
    return parse_reference(parts.str());
}

Result<PinVerdict> verify_pin(Source &source, const Reference &reference, const Digest &pinned) {
    if (!reference.tag()) return verify_content(source, reference, pinned);
    auto tagged = tag_reference(reference);
    if (!tagged) return fail(std::move(tagged.error()));
    auto observed = source.observe(*tagged);
    if (!observed) {
        if (observed.error().code != ErrorCode::NotFound) return fail(std::move(observed.error()));
        return tag_gone(source, reference, pinned, std::move(observed.error()));
    }
    PinVerdict verdict = verdict_for(pinned, PinStatus::Drifted);
    bool known_type = !observed->media_type.empty();
    if (observed->digest == pinned && known_type) {
        verdict.status = PinStatus::Current;
        verdict.current = pinned;
        verdict.level =
            media::classify(observed->media_type) == media::Kind::Index ? PinLevel::Index : PinLevel::Manifest;
        return verdict;
    }
    // One more read, by the digest just observed (never the tag again: fault catalogue C17).
    Result<Fetched> fetched = observed->fetched ? Result<Fetched>(*observed->fetched)
                                                : source.fetch_reference(at_digest(reference, observed->digest));
    if (!fetched) return fail(std::move(fetched.error()));
    auto current = parse_fetched(*fetched, observed->digest.str());
    if (!current) return fail(std::move(current.error()));
    verdict.current = rehash(*current, pinned.algorithm());
    if (*verdict.current != observed->digest) verdict.registry_digest = observed->digest;
    if (*verdict.current == pinned) {
        verdict.status = PinStatus::Current;
        verdict.level = current->is_index() ? PinLevel::Index : PinLevel::Manifest;
        return verdict;
    }
    if (current->is_index()) {
        auto entry = find_entry(source, *current, pinned);
        if (!entry) return fail(std::move(entry.error()));
        if (*entry) {
            if (auto located = locate_platform(source, **entry, verdict); !located) return fail(located.error());
            return verdict;
        }
    }
    return drift(source, reference, std::move(verdict), *current);
}

} // namespace digestx

#include "digestx/source/mirrored_source.hpp"

#include <ostream>

#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// Errors that end the read instead of trying the next place: the user's own mistake, an
// interruption, a bug, and output failures. Everything a mirror can do wrong (refuse, lack,
// corrupt, throttle, be down) moves on, as moby's continueOnError does for mirror endpoints.
bool ends_read(const Error &error) {
    switch (error.code) {
    case ErrorCode::Usage:
    case ErrorCode::Internal:
    case ErrorCode::Interrupted:
    case ErrorCode::Output: return true;
    default: return false;
    }
}

void mark(Fetched &fetched, const std::string &label) {
    fetched.note.mirror = label;
}

void add(SourceStats &total, const SourceStats &part, bool mirror) {
    total.requests += part.requests;
    total.manifest_gets += part.manifest_gets;
    total.manifest_heads += part.manifest_heads;
    total.blob_gets += part.blob_gets;
    total.bytes_received += part.bytes_received;
    if (mirror) {
        total.mirror_requests += part.requests;
        total.mirror_manifest_gets += part.manifest_gets;
    } else {
        // The rate-limit headers are the primary location's: a mirror's quota is not Docker Hub's.
        if (part.ratelimit_limit) total.ratelimit_limit = part.ratelimit_limit;
        if (part.ratelimit_remaining) total.ratelimit_remaining = part.ratelimit_remaining;
    }
}

} // namespace

MirroredSource::MirroredSource(Reference logical, std::vector<MirrorEndpointSource> mirrors,
                               MirrorEndpointSource upstream, MirroredSourceOptions options)
    : m_logical(std::move(logical)), m_mirrors(std::move(mirrors)), m_upstream(std::move(upstream)),
      m_options(options) {}

Result<void> MirroredSource::check_reference(const Reference &reference) const {
    if (reference.source() == SourceKind::Registry && reference.name() == m_logical.name()) return {};
    return fail(ErrorCode::Usage, "reference " + digestx::quoted(reference.canonical()) + " is not in repository " +
                                      digestx::quoted(m_logical.name()));
}

// The same tag and digest in the endpoint's repository.
Result<Reference> MirroredSource::at(const MirrorEndpointSource &endpoint, const Reference &reference) const {
    std::string text = endpoint.reference.name();
    if (reference.tag()) text += ":" + *reference.tag();
    if (reference.digest()) text += "@" + reference.digest()->str();
    return parse_reference(text);
}

bool MirroredSource::falls_back(const MirrorEndpointSource &mirror, const Error &error) {
    if (ends_read(error)) return false;
    // A mirror that cannot be reached, or throttles, will not do better on the next read of
    // this run: it is skipped from now on instead of costing every read its timeouts.
    if (error.code == ErrorCode::Network || error.code == ErrorCode::RateLimited) m_down.insert(mirror.label);
    if (m_options.diagnostics != nullptr) {
        // A partial mirror lacking a document is its normal state: only --verbose says so. Any
        // other failure is said once per mirror, so a broken mirror does not go unnoticed.
        bool lacking = error.code == ErrorCode::NotFound;
        if (lacking ? m_options.verbose : m_reported.insert(mirror.label).second) {
            *m_options.diagnostics << "digestx: " << (lacking ? "note" : "warning") << ": mirror "
                                   << sanitize(mirror.label, 300) << " (" << sanitize(mirror.origin, 300)
                                   << "): " << sanitize(error.message, 400) << "; trying the next source\n";
        }
    }
    return true;
}

void MirroredSource::compare_tag(const Reference &reference, const Digest &upstream_digest) {
    for (auto &mirror : m_mirrors) {
        if (m_down.count(mirror.label) != 0) continue;
        auto there = at(mirror, reference);
        if (!there) return;
        auto observed = mirror.source->observe(*there);
        if (!observed) {
            if (m_options.verbose && m_options.diagnostics != nullptr) {
                *m_options.diagnostics << "digestx: note: mirror " << sanitize(mirror.label, 300)
                                       << " could not be compared for tag " << sanitize(*reference.tag(), 200) << ": "
                                       << sanitize(observed.error().message, 300) << "\n";
            }
            continue;
        }
        if (observed->digest != upstream_digest && m_options.diagnostics != nullptr) {
            *m_options.diagnostics << "digestx: warning: mirror " << sanitize(mirror.label, 300) << " ("
                                   << sanitize(mirror.origin, 300) << ") serves tag " << sanitize(*reference.tag(), 200)
                                   << " as " << observed->digest.str() << ", but " << sanitize(m_upstream.label, 300)
                                   << " serves " << upstream_digest.str()
                                   << ": the mirror's tag is stale, and pulls through it get the other image\n";
        }
        return;
    }
}

// One read of a tag or digest: each live mirror in order, then the primary location. `read`
// asks one endpoint; `mark_mirror` records on the answer which mirror gave it.
template <typename Answer, typename Read, typename MarkMirror>
Result<Answer> MirroredSource::read_through(const Reference &reference, Read read, MarkMirror mark_mirror) {
    if (auto valid = check_reference(reference); !valid) return fail(std::move(valid.error()));
    bool tag_from_upstream = !reference.digest().has_value() && m_options.tags == MirrorTags::Upstream;
    if (!tag_from_upstream) {
        for (auto &mirror : m_mirrors) {
            if (m_down.count(mirror.label) != 0) continue;
            auto there = at(mirror, reference);
            if (!there) return fail(std::move(there.error()));
            Result<Answer> answer = read(*mirror.source, *there);
            if (answer) {
                mark_mirror(*answer, mirror.label);
                return answer;
            }
            if (!falls_back(mirror, answer.error())) return answer;
        }
    }
    auto there = at(m_upstream, reference);
    if (!there) return fail(std::move(there.error()));
    Result<Answer> answer = read(*m_upstream.source, *there);
    if (answer && tag_from_upstream) compare_tag(reference, answer->digest);
    return answer;
}

Result<Fetched> MirroredSource::fetch_reference(const Reference &reference) {
    return read_through<Fetched>(
        reference, [](Source &source, const Reference &there) { return source.fetch_reference(there); },
        [](Fetched &fetched, const std::string &label) { mark(fetched, label); });
}

Result<Observed> MirroredSource::observe(const Reference &reference) {
    return read_through<Observed>(
        reference, [](Source &source, const Reference &there) { return source.observe(there); },
        [](Observed &observed, const std::string &label) {
            observed.mirror = label;
            if (observed.fetched) mark(*observed.fetched, label);
        });
}

std::vector<Result<Fetched>> MirroredSource::fetch_batch(const std::vector<FetchItem> &items) {
    std::vector<std::optional<Result<Fetched>>> answers(items.size());
    std::vector<std::size_t> pending(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        pending[i] = i;
    for (auto &mirror : m_mirrors) {
        if (pending.empty()) break;
        if (m_down.count(mirror.label) != 0) continue;
        std::vector<FetchItem> asked;
        asked.reserve(pending.size());
        for (std::size_t index : pending)
            asked.push_back(items[index]);
        // Verified here by digest (and size) like any read: a mirror cannot substitute content.
        auto fetched = mirror.source->fetch_by_digest(asked);
        std::vector<std::size_t> still;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            if (fetched[k]) {
                mark(*fetched[k], mirror.label);
                answers[pending[k]] = std::move(fetched[k]);
            } else if (falls_back(mirror, fetched[k].error())) {
                still.push_back(pending[k]);
            } else {
                answers[pending[k]] = std::move(fetched[k]);
            }
        }
        pending = std::move(still);
    }
    if (!pending.empty()) {
        std::vector<FetchItem> asked;
        asked.reserve(pending.size());
        for (std::size_t index : pending)
            asked.push_back(items[index]);
        auto fetched = m_upstream.source->fetch_by_digest(asked);
        for (std::size_t k = 0; k < pending.size(); ++k)
            answers[pending[k]] = std::move(fetched[k]);
    }
    std::vector<Result<Fetched>> results;
    results.reserve(items.size());
    for (auto &answer : answers)
        results.push_back(std::move(*answer));
    return results;
}

std::vector<Result<ReferrerList>> MirroredSource::referrers(const std::vector<Digest> &subjects) {
    return m_upstream.source->referrers(subjects);
}

Result<TagList> MirroredSource::list_tags(std::size_t page_size) {
    return m_upstream.source->list_tags(page_size);
}

SourceStats MirroredSource::stats() const {
    SourceStats total;
    for (const auto &mirror : m_mirrors)
        add(total, mirror.source->stats(), true);
    add(total, m_upstream.source->stats(), false);
    return total;
}

} // namespace digestx

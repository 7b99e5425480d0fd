#include "digestx/source/registry_source.hpp"

#include <algorithm>
#include <cstddef>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {

RegistrySource::RegistrySource(std::unique_ptr<registry::RegistryClient> client, std::string repository,
                               RegistrySourceOptions options)
    : m_client(std::move(client)), m_repository(std::move(repository)), m_options(options) {}

Result<void> RegistrySource::check_reference(const Reference &reference) const {
    if (reference.source() == SourceKind::Registry && reference.endpoint() == m_client->endpoint() &&
        reference.repository() == m_repository) {
        return {};
    }
    return fail(ErrorCode::Usage, "reference " + digestx::quoted(reference.canonical()) + " is not in repository " +
                                      digestx::quoted(m_client->endpoint() + "/" + m_repository));
}

Result<Fetched> RegistrySource::fetch_reference(const Reference &reference) {
    if (auto valid = check_reference(reference); !valid) return fail(std::move(valid.error()));
    auto target = registry::ManifestTarget::of(reference);
    if (m_options.tag_read == TagRead::HeadThenGet && !target.digest) {
        return m_client->head_then_get(m_repository, target);
    }
    return m_client->get_manifest(m_repository, target);
}

Result<Observed> RegistrySource::observe(const Reference &reference) {
    if (auto valid = check_reference(reference); !valid) return fail(std::move(valid.error()));
    auto outcome = m_client->head_manifest(m_repository, registry::ManifestTarget::of(reference));
    if (!outcome) return fail(std::move(outcome.error()));
    if (outcome->fetched) {
        Fetched &fetched = *outcome->fetched;
        Observed observed{fetched.digest, fetched.media_type, std::nullopt, FetchMethod::Get, ""};
        observed.fetched = std::move(fetched);
        return observed;
    }
    if (!outcome->digest) return fail(ErrorCode::Integrity, "registry answered the HEAD without a digest");
    return Observed{*outcome->digest, std::string(media::essence(outcome->head.content_type)), std::nullopt,
                    FetchMethod::Head, ""};
}

std::vector<Result<Fetched>> RegistrySource::fetch_batch(const std::vector<FetchItem> &items) {
    std::vector<Result<Fetched>> results;
    results.reserve(items.size());
    std::size_t step = m_options.batch_limit == 0 ? items.size() : m_options.batch_limit;
    for (std::size_t first = 0; first < items.size(); first += step) {
        std::vector<FetchItem> part(items.begin() + static_cast<std::ptrdiff_t>(first),
                                    items.begin() + static_cast<std::ptrdiff_t>(std::min(first + step, items.size())));
        for (auto &fetched : m_client->fetch_by_digest(m_repository, part))
            results.push_back(std::move(fetched));
    }
    return results;
}

std::vector<Result<ReferrerList>> RegistrySource::referrers(const std::vector<Digest> &subjects) {
    return m_client->referrers(m_repository, subjects);
}

Result<TagList> RegistrySource::list_tags(std::size_t page_size) {
    return m_client->list_tags(m_repository, page_size);
}

SourceStats RegistrySource::stats() const {
    return m_client->stats();
}

} // namespace digestx

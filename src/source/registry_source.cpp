#include "digestx/source/registry_source.hpp"

#include <algorithm>
#include <cstddef>

#include "digestx/core/text.hpp"

namespace digestx {
namespace {

Result<Fetched> fetched_or_error(Result<registry::Fetch> fetch) {
    if (!fetch) return fail(std::move(fetch.error()));
    return digestx::to_fetched(std::move(*fetch));
}

} // namespace

Fetched to_fetched(registry::Fetch fetch) {
    return Fetched{std::move(fetch.bytes), std::move(fetch.media_type), std::move(fetch.note)};
}

std::vector<Result<Fetched>> fetch_items_by_digest(registry::RegistryClient &client, std::string_view repository,
                                                   const std::vector<FetchItem> &items, std::size_t batch_limit) {
    std::vector<registry::DigestRequest> requests;
    requests.reserve(items.size());
    for (const auto &item : items) {
        auto kind = item.kind == FetchItem::Kind::Manifest ? registry::DigestRequest::Kind::Manifest
                                                           : registry::DigestRequest::Kind::Blob;
        requests.push_back({kind, item.digest, item.media_type});
    }
    std::vector<Result<Fetched>> results;
    results.reserve(items.size());
    std::size_t step = batch_limit == 0 ? std::max<std::size_t>(requests.size(), 1) : batch_limit;
    for (std::size_t first = 0; first < requests.size(); first += step) {
        std::vector<registry::DigestRequest> part(
            requests.begin() + static_cast<std::ptrdiff_t>(first),
            requests.begin() + static_cast<std::ptrdiff_t>(std::min(first + step, requests.size())));
        for (auto &fetched : client.fetch_by_digest(repository, part))
            results.push_back(fetched_or_error(std::move(fetched)));
    }
    return results;
}

RegistrySource::RegistrySource(std::unique_ptr<registry::RegistryClient> client,
                               std::unique_ptr<net::Transport> transport, TagRead tag_read)
    : m_transport(std::move(transport)), m_client(std::move(client)), m_tag_read(tag_read) {}

RegistrySource::~RegistrySource() {
    m_client.reset(); // before the transport it uses
}

Result<Fetched> RegistrySource::fetch_reference(const Reference &reference) {
    if (reference.source() != SourceKind::Registry || reference.endpoint() != m_client->endpoint()) {
        return fail(ErrorCode::Usage, "reference " + digestx::quoted(reference.canonical()) + " is not on registry " +
                                          digestx::quoted(m_client->endpoint()));
    }
    // The by-digest batches that follow need the repository; a source reads one image.
    m_repository = reference.repository();
    auto target = registry::ManifestTarget::of(reference);
    if (m_tag_read == TagRead::HeadThenGet && !target.digest) {
        return fetched_or_error(m_client->head_then_get(m_repository, target));
    }
    return fetched_or_error(m_client->get_manifest(m_repository, target));
}

std::vector<Result<Fetched>> RegistrySource::fetch_by_digest(const std::vector<FetchItem> &items) {
    if (m_repository.empty()) {
        std::vector<Result<Fetched>> results;
        for (std::size_t i = 0; i < items.size(); ++i)
            results.emplace_back(fail(ErrorCode::Internal, "fetch_by_digest called before fetch_reference"));
        return results;
    }
    return fetch_items_by_digest(*m_client, m_repository, items);
}

Result<ReferrerList> RegistrySource::referrers(const Digest &subject) {
    if (m_repository.empty()) return fail(ErrorCode::Internal, "referrers called before fetch_reference");
    auto listed = m_client->referrers(m_repository, subject);
    if (!listed) return fail(std::move(listed.error()));
    return ReferrerList{std::move(listed->manifests), listed->from_api ? "referrers-api" : "tag-schema",
                        std::move(listed->note)};
}

SourceStats RegistrySource::stats() const {
    return m_client->stats();
}

} // namespace digestx

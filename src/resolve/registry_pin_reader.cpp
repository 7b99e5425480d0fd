#include "digestx/resolve/registry_pin_reader.hpp"

#include <algorithm>
#include <cstddef>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

Fetched to_fetched(registry::Fetch fetch) {
    return Fetched{std::move(fetch.bytes), std::move(fetch.media_type), std::move(fetch.note)};
}

} // namespace

RegistryPinReader::RegistryPinReader(std::unique_ptr<registry::RegistryClient> client, std::string repository,
                                     std::unique_ptr<net::Transport> transport, std::size_t batch_limit)
    : m_transport(std::move(transport)), m_client(std::move(client)), m_repository(std::move(repository)),
      m_batch_limit(batch_limit) {}

RegistryPinReader::~RegistryPinReader() {
    m_client.reset(); // before the transport it uses
}

Result<void> RegistryPinReader::check_reference(const Reference &reference) const {
    if (reference.source() == SourceKind::Registry && reference.endpoint() == m_client->endpoint() &&
        reference.repository() == m_repository) {
        return {};
    }
    return fail(ErrorCode::Usage, "reference " + digestx::quoted(reference.canonical()) + " is not in repository " +
                                      digestx::quoted(m_client->endpoint() + "/" + m_repository));
}

Result<Observed> RegistryPinReader::observe(const Reference &reference) {
    if (auto valid = check_reference(reference); !valid) return fail(std::move(valid.error()));
    auto outcome = m_client->head_manifest(m_repository, registry::ManifestTarget::of(reference));
    if (!outcome) return fail(std::move(outcome.error()));
    if (outcome->fetched) {
        registry::Fetch &fetched = *outcome->fetched;
        Observed observed{fetched.digest, fetched.media_type, std::nullopt, "GET"};
        observed.fetched = to_fetched(std::move(fetched));
        return observed;
    }
    if (!outcome->digest) return fail(ErrorCode::Integrity, "registry answered the HEAD without a digest");
    return Observed{*outcome->digest, std::string(media::essence(outcome->head.content_type)), std::nullopt, "HEAD"};
}

Result<Fetched> RegistryPinReader::fetch_reference(const Reference &reference) {
    if (auto valid = check_reference(reference); !valid) return fail(std::move(valid.error()));
    auto fetched = m_client->get_manifest(m_repository, registry::ManifestTarget::of(reference));
    if (!fetched) return fail(std::move(fetched.error()));
    return to_fetched(std::move(*fetched));
}

std::vector<Result<Fetched>> RegistryPinReader::fetch_by_digest(const std::vector<FetchItem> &items) {
    std::vector<registry::DigestRequest> requests;
    requests.reserve(items.size());
    for (const auto &item : items) {
        auto kind = item.kind == FetchItem::Kind::Manifest ? registry::DigestRequest::Kind::Manifest
                                                           : registry::DigestRequest::Kind::Blob;
        requests.push_back({kind, item.digest, item.media_type});
    }
    std::vector<Result<Fetched>> results;
    std::size_t step = m_batch_limit == 0 ? std::max<std::size_t>(requests.size(), 1) : m_batch_limit;
    for (std::size_t first = 0; first < requests.size(); first += step) {
        std::vector<registry::DigestRequest> part(
            requests.begin() + static_cast<std::ptrdiff_t>(first),
            requests.begin() + static_cast<std::ptrdiff_t>(std::min(first + step, requests.size())));
        for (auto &fetched : m_client->fetch_by_digest(m_repository, part)) {
            if (!fetched) {
                results.emplace_back(fail(std::move(fetched.error())));
            } else {
                results.emplace_back(to_fetched(std::move(*fetched)));
            }
        }
    }
    return results;
}

SourceStats RegistryPinReader::stats() const {
    return m_client->stats();
}

} // namespace digestx

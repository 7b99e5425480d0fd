#include "digestx/resolve/registry_pin_reader.hpp"

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/source/registry_source.hpp"

namespace digestx {

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
    return fetch_items_by_digest(*m_client, m_repository, items, m_batch_limit);
}

SourceStats RegistryPinReader::stats() const {
    return m_client->stats();
}

} // namespace digestx

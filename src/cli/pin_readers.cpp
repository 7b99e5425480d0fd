#include "pin_readers.hpp"

#include "source_factory.hpp"
#include "digestx/core/text.hpp"
#include "digestx/resolve/registry_pin_reader.hpp"

namespace digestx::cli {
namespace {

class RegistryHolder final : public OwnedPinReader {
public:
    explicit RegistryHolder(std::unique_ptr<RegistryPinReader> reader) : m_reader(std::move(reader)) {}
    PinReader &reader() override { return *m_reader; }

private:
    std::unique_ptr<RegistryPinReader> m_reader;
};

class SourceHolder final : public OwnedPinReader {
public:
    explicit SourceHolder(std::unique_ptr<Source> source) : m_source(std::move(source)), m_reader(*m_source) {}
    PinReader &reader() override { return m_reader; }

private:
    std::unique_ptr<Source> m_source;
    SourcePinReader m_reader;
};

Result<std::unique_ptr<OwnedPinReader>> local_reader(const Reference &reference, const GlobalOptions &globals,
                                                     Context &ctx) {
    auto source = make_source(reference, globals, ctx);
    if (!source) return fail(std::move(source.error()));
    return std::unique_ptr<OwnedPinReader>(std::make_unique<SourceHolder>(std::move(*source)));
}

} // namespace

Result<std::unique_ptr<OwnedPinReader>> make_pin_reader(const Reference &reference, const GlobalOptions &globals,
                                                        Context &ctx) {
    if (reference.source() != SourceKind::Registry) return local_reader(reference, globals, ctx);
    auto connection = connect_registry(reference, globals, ctx);
    if (!connection) return fail(std::move(connection.error()));
    auto reader = std::make_unique<RegistryPinReader>(std::move(connection->client), reference.repository(),
                                                      std::move(connection->transport));
    return std::unique_ptr<OwnedPinReader>(std::make_unique<RegistryHolder>(std::move(reader)));
}

Result<PinReaderFactory> PinReaderFactory::create(const GlobalOptions &globals, Context &ctx,
                                                  std::string auth_registry) {
    if (!auth_registry.empty()) {
        // Spelt as people write it (index.docker.io, docker.io, host:port): normalised like a reference's.
        auto probe = parse_reference(auth_registry + "/probe");
        if (!probe || probe->source() != SourceKind::Registry || probe->repository() != "probe") {
            return fail(ErrorCode::Usage,
                        "--auth-registry " + digestx::quoted(auth_registry) + " is not a registry host");
        }
        auth_registry = probe->registry();
    }
    auto settings = network_settings(globals, ctx);
    if (!settings) return fail(std::move(settings.error()));
    return PinReaderFactory(std::move(*settings), globals, ctx, std::move(auth_registry));
}

Result<std::unique_ptr<OwnedPinReader>> PinReaderFactory::make(const Reference &reference,
                                                               std::ostream &diagnostics) const {
    if (reference.source() != SourceKind::Registry) return local_reader(reference, m_globals, *m_ctx);
    net::TransportOptions transport_options = m_settings.transport;
    if (transport_options.trace != nullptr) transport_options.trace = &diagnostics;
    auto transport = net::make_curl_transport(std::move(transport_options));
    if (!transport) return fail(std::move(transport.error()));
    registry::ClientOptions client_options = m_settings.client;
    client_options.diagnostics = &diagnostics;
    // Credentials stay on their host (fault catalogue rule 7): only the registry they are for gets them.
    std::optional<auth::Credentials> credentials;
    if (m_auth_registry.empty() || m_auth_registry == reference.registry()) credentials = m_settings.credentials;
    auto client = std::make_unique<registry::RegistryClient>(**transport, reference.endpoint(), std::move(credentials),
                                                             std::move(client_options));
    // One request at a time per repository, so that `--jobs` repositories are `--jobs` requests in flight.
    auto reader = std::make_unique<RegistryPinReader>(std::move(client), reference.repository(),
                                                      std::unique_ptr<net::Transport>(std::move(*transport)), 1);
    return std::unique_ptr<OwnedPinReader>(std::make_unique<RegistryHolder>(std::move(reader)));
}

} // namespace digestx::cli

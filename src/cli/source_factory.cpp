#include "source_factory.hpp"

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/io/host_platform.hpp"
#include "digestx/source/archive_source.hpp"
#include "digestx/source/oci_layout_source.hpp"

namespace digestx::cli {

Result<std::unique_ptr<Source>> make_source(const Reference &reference, const GlobalOptions &globals, Context &ctx) {
    switch (reference.source()) {
    case SourceKind::OciLayout:
        return std::unique_ptr<Source>(
            std::make_unique<OciLayoutSource>(reference.source_path(), globals.max_manifest_bytes));
    case SourceKind::Registry: {
        auto source = make_registry_source(reference, globals, ctx);
        if (!source) return fail(std::move(source.error()));
        return std::unique_ptr<Source>(std::move(*source));
    }
    case SourceKind::DockerArchive:
        return std::unique_ptr<Source>(
            std::make_unique<DockerArchiveSource>(reference.source_path(), globals.max_manifest_bytes));
    case SourceKind::OciArchive: return make_oci_archive_source(reference.source_path(), globals.max_manifest_bytes);
    }
    return fail(ErrorCode::Internal, "unknown source kind");
}

Result<std::unique_ptr<RegistrySource>> make_registry_source(const Reference &reference, const GlobalOptions &globals,
                                                             Context &ctx, std::vector<std::string> accept) {
    // Transport, credentials (--password-stdin reads ctx.in) and diagnostics from the globals.
    auto client = connect_registry(reference, globals, ctx, std::move(accept));
    if (!client) return fail(std::move(client.error()));
    return std::make_unique<RegistrySource>(std::move(*client), reference.repository());
}

Result<PlatformRequest> platform_request(const GlobalOptions &globals) {
    return PlatformRequest::from_option(globals.platform, host_platform());
}

std::string accept_presets_help() {
    std::string help;
    for (const auto &preset : media::accept_presets()) {
        std::string aliases;
        for (const auto &alias : preset.aliases)
            aliases += (aliases.empty() ? " (also: " : ", ") + alias;
        help += "\n  " + preset.name + (aliases.empty() ? "" : aliases + ")") + ": " + preset.description;
    }
    return help;
}

Result<SourceFactory> SourceFactory::create(const GlobalOptions &globals, Context &ctx, std::string auth_registry) {
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
    return SourceFactory(std::move(*settings), globals, ctx, std::move(auth_registry));
}

Result<std::unique_ptr<Source>> SourceFactory::make(const Reference &reference, std::ostream &diagnostics) const {
    if (reference.source() != SourceKind::Registry) return make_source(reference, m_globals, *m_ctx);
    NetworkSettings settings = m_settings;
    if (settings.transport.trace != nullptr) settings.transport.trace = &diagnostics;
    settings.client.diagnostics = &diagnostics;
    // Credentials stay on their host (fault catalogue rule 7): only the registry they are for gets them.
    if (!m_auth_registry.empty() && m_auth_registry != reference.registry()) settings.credentials.reset();
    auto client = make_client(reference, std::move(settings));
    if (!client) return fail(std::move(client.error()));
    // One request at a time per repository, so that `--jobs` repositories are `--jobs` requests in flight.
    return std::unique_ptr<Source>(std::make_unique<RegistrySource>(std::move(*client), reference.repository(),
                                                                    RegistrySourceOptions{TagRead::Get, 1}));
}

} // namespace digestx::cli

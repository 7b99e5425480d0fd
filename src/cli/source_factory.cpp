#include "source_factory.hpp"

#include "network_setup.hpp"
#include "digestx/source/oci_layout_source.hpp"

namespace digestx::cli {

Result<std::unique_ptr<Source>> make_source(const Reference &reference, const GlobalOptions &globals, Context &ctx) {
    switch (reference.source()) {
    case SourceKind::OciLayout:
        return std::unique_ptr<Source>(std::make_unique<OciLayoutSource>(reference.source_path()));
    case SourceKind::Registry: {
        auto source = make_registry_source(reference, globals, ctx);
        if (!source) return fail(std::move(source.error()));
        return std::unique_ptr<Source>(std::move(*source));
    }
    case SourceKind::DockerArchive:
        return fail(ErrorCode::Usage, "docker-archive sources are not available in this build");
    }
    return fail(ErrorCode::Internal, "unknown source kind");
}

Result<std::unique_ptr<RegistrySource>> make_registry_source(const Reference &reference, const GlobalOptions &globals,
                                                             Context &ctx, std::vector<std::string> accept) {
    // Transport, credentials (--password-stdin reads ctx.in) and diagnostics from the globals.
    auto connection = connect_registry(reference, globals, ctx, std::move(accept));
    if (!connection) return fail(std::move(connection.error()));
    return std::make_unique<RegistrySource>(std::move(connection->client), std::move(connection->transport));
}

} // namespace digestx::cli

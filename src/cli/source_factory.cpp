#include "source_factory.hpp"

#include "digestx/source/oci_layout_source.hpp"

namespace digestx::cli {

Result<std::unique_ptr<Source>> make_source(const Reference &reference, const GlobalOptions &globals, Context &ctx) {
    // The registry source will need the transport and auth settings from globals and the
    // context's streams (--password-stdin, --verbose); a layout needs neither.
    static_cast<void>(globals);
    static_cast<void>(ctx);
    switch (reference.source()) {
    case SourceKind::OciLayout:
        return std::unique_ptr<Source>(std::make_unique<OciLayoutSource>(reference.source_path()));
    case SourceKind::Registry: return fail(ErrorCode::Usage, "registry sources are not available in this build");
    case SourceKind::DockerArchive:
        return fail(ErrorCode::Usage, "docker-archive sources are not available in this build");
    }
    return fail(ErrorCode::Internal, "unknown source kind");
}

} // namespace digestx::cli

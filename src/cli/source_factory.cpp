#include "source_factory.hpp"

#include <algorithm>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/io/host_platform.hpp"
#include "digestx/source/archive_source.hpp"
#include "digestx/source/oci_layout_source.hpp"

namespace digestx::cli {
namespace {

// The settings of one endpoint of a route. --username credentials belong to the registry the user
// named (or --auth-registry): a mirror, or a relocation to another host, never gets them, and
// asks the stored credentials of its own host instead (fault catalogue rule 7). moby sends the
// docker.io credentials to its registry-mirrors; digestx deliberately does not.
NetworkSettings endpoint_settings(const NetworkSettings &settings, const Reference &named,
                                  const mirror::Endpoint &endpoint, bool is_mirror) {
    NetworkSettings copy = settings;
    // A mirror that fails has a next source: one retry, not the registry's patient four, so a
    // mirror that is down costs a moment (containerd moves to the next host at once).
    if (is_mirror) copy.transport.retry.max_retries = std::min(copy.transport.retry.max_retries, 1);
    if (endpoint.reference.registry() != named.registry()) copy.credentials.reset();
    if (endpoint.plain_http) copy.client.plain_http = true;
    if (endpoint.insecure) copy.transport.insecure = true;
    return copy;
}

bool plain(const mirror::Route &route, const Reference &reference) {
    return route.mirrors.empty() && route.upstream.origin.empty() && !route.upstream.insecure &&
           route.upstream.reference.name() == reference.name();
}

void note_route(const mirror::Route &route, const Reference &reference, const NetworkSettings &settings) {
    if (!settings.client.verbose || settings.client.diagnostics == nullptr) return;
    std::ostream &out = *settings.client.diagnostics;
    out << "digestx: note: reading " << sanitize(reference.canonical(), 600) << " from ";
    for (const auto &mirror : route.mirrors)
        out << "mirror " << sanitize(mirror.label, 300) << " (" << sanitize(mirror.origin, 300) << "), then ";
    out << sanitize(route.upstream.reference.endpoint(), 300);
    if (!route.upstream.origin.empty()) out << " (relocated by " << sanitize(route.upstream.origin, 300) << ")";
    out << "\n";
}

// A registry source for `reference` through the route the mirror configuration gives it, each
// endpoint with its own client; one request in flight per endpoint when batch_limit is 1.
Result<std::unique_ptr<Source>> open_registry(const Reference &reference, const NetworkSettings &settings,
                                              MirrorTags tags, RegistrySourceOptions options) {
    auto route = mirror::route(reference, settings.mirrors);
    if (!route) return fail(std::move(route.error()));
    note_route(*route, reference, settings);
    if (plain(*route, reference)) {
        auto client = make_client(reference, settings);
        if (!client) return fail(std::move(client.error()));
        return std::unique_ptr<Source>(
            std::make_unique<RegistrySource>(std::move(*client), reference.repository(), options));
    }
    auto open = [&](const mirror::Endpoint &endpoint, bool is_mirror) -> Result<MirrorEndpointSource> {
        auto client = make_client(endpoint.reference, endpoint_settings(settings, reference, endpoint, is_mirror));
        if (!client) return fail(std::move(client.error()));
        return MirrorEndpointSource{
            std::make_unique<RegistrySource>(std::move(*client), endpoint.reference.repository(), options),
            endpoint.reference, endpoint.label, endpoint.origin};
    };
    std::vector<MirrorEndpointSource> mirrors;
    for (const auto &endpoint : route->mirrors) {
        auto opened = open(endpoint, true);
        if (!opened) return fail(std::move(opened.error()));
        mirrors.push_back(std::move(*opened));
    }
    auto upstream = open(route->upstream, false);
    if (!upstream) return fail(std::move(upstream.error()));
    MirroredSourceOptions mirrored{tags, settings.client.diagnostics, settings.client.verbose};
    return std::unique_ptr<Source>(
        std::make_unique<MirroredSource>(reference, std::move(mirrors), std::move(*upstream), mirrored));
}

} // namespace

MirrorTags pin_tags_policy(const GlobalOptions &globals) {
    return globals.tags_from_mirror ? MirrorTags::MirrorsFirst : MirrorTags::Upstream;
}

Result<std::unique_ptr<Source>> make_source(const Reference &reference, const GlobalOptions &globals, Context &ctx,
                                            SourceChoice choice) {
    switch (reference.source()) {
    case SourceKind::OciLayout:
        return std::unique_ptr<Source>(
            std::make_unique<OciLayoutSource>(reference.source_path(), globals.max_manifest_bytes));
    case SourceKind::Registry: {
        auto settings = network_settings(globals, ctx);
        if (!settings) return fail(std::move(settings.error()));
        settings->client.accept = std::move(choice.accept);
        return open_registry(reference, *settings, choice.tags, RegistrySourceOptions{});
    }
    case SourceKind::DockerArchive:
        return std::unique_ptr<Source>(std::make_unique<DockerArchiveSource>(
            reference.source_path(), ArchiveSelection{reference.archive_image(), reference.archive_index()},
            globals.max_manifest_bytes));
    case SourceKind::OciArchive: return make_oci_archive_source(reference.source_path(), globals.max_manifest_bytes);
    }
    return fail(ErrorCode::Internal, "unknown source kind");
}

Result<std::unique_ptr<RegistrySource>> make_registry_source(const Reference &reference, const GlobalOptions &globals,
                                                             Context &ctx, std::vector<std::string> accept) {
    // Transport, credentials (--password-stdin reads ctx.in) and diagnostics from the globals.
    auto settings = network_settings(globals, ctx);
    if (!settings) return fail(std::move(settings.error()));
    settings->client.accept = std::move(accept);
    auto route = mirror::route(reference, settings->mirrors);
    if (!route) return fail(std::move(route.error()));
    const mirror::Endpoint &upstream = route->upstream;
    if (globals.verbose) {
        ctx.err << "digestx: note: reading " << sanitize(reference.canonical(), 600) << " from "
                << sanitize(upstream.reference.endpoint(), 300) << " (the registry itself, not a mirror)\n";
    }
    auto client = make_client(upstream.reference, endpoint_settings(*settings, reference, upstream, false));
    if (!client) return fail(std::move(client.error()));
    return std::make_unique<RegistrySource>(std::move(*client), upstream.reference.repository());
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
        auto registry = canonical_registry(auth_registry);
        if (!registry) {
            return fail(ErrorCode::Usage,
                        "--auth-registry " + digestx::quoted(auth_registry) + " is not a registry host");
        }
        auth_registry = std::move(*registry);
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
    // One request at a time per repository, so that `--jobs` repositories are `--jobs` requests in flight.
    return open_registry(reference, settings, pin_tags_policy(m_globals), RegistrySourceOptions{TagRead::Get, 1});
}

} // namespace digestx::cli

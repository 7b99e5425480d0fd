#pragma once
/// @file
/// Which Source reads a reference: the one place that maps a reference's kind to an
/// implementation, so commands never construct sources, clients or transports themselves.

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "command.hpp"
#include "network_setup.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/resolve/select.hpp"
#include "digestx/source/mirrored_source.hpp"
#include "digestx/source/registry_source.hpp"
#include "digestx/source/source.hpp"

namespace digestx::cli {

/// What a command asks of its source beyond the global options.
struct SourceChoice {
    std::vector<std::string> accept; ///< the manifest Accept list; empty: digestx's default list
    /// Where tags are read when mirrors exist: verify, check and pin read them from the registry
    /// itself unless --tags-from-mirror (pin_tags_policy()).
    MirrorTags tags = MirrorTags::MirrorsFirst;
};

/// MirrorTags::Upstream for verify, check and pin unless --tags-from-mirror.
MirrorTags pin_tags_policy(const GlobalOptions &globals);

/// The source for `reference`: an OciLayoutSource for `oci:DIR`, an archive source for
/// `docker-archive:FILE` and `oci-archive:FILE`; for a registry reference a
/// RegistrySource of its repository (transport, credentials and diagnostics from the global
/// options), or a MirroredSource when mirrors serve it or registries.conf relocates it. Kinds this
/// build cannot read are ErrorCode::Usage errors naming the kind.
Result<std::unique_ptr<Source>> make_source(const Reference &reference, const GlobalOptions &globals, Context &ctx,
                                            SourceChoice choice = {});

/// The RegistrySource of the registry itself for a registry `reference` (relocated by
/// registries.conf, never a mirror), sending `accept` as the manifest Accept list (empty:
/// digestx's default list), for callers that report how that registry answers and use its
/// client (`inspect --accept`, `manifest --head`).
Result<std::unique_ptr<RegistrySource>> make_registry_source(const Reference &reference, const GlobalOptions &globals,
                                                             Context &ctx, std::vector<std::string> accept = {});

/// The platform request of the global options: --platform, else this machine's platform.
Result<PlatformRequest> platform_request(const GlobalOptions &globals);

/// The presets `--accept` takes, one "\n  name (also: alias): description" line each, for the
/// help of every command that has the option.
std::string accept_presets_help();

/// Makes one source per repository for `check` and `pin`, each with its own transport and
/// token, from settings read once (so `--password-stdin` reads stdin once). Used from several
/// threads: make() only reads shared state.
class SourceFactory {
public:
    /// Reads the global options once. `auth_registry` names the registry the credentials are
    /// for ("" when the caller has established that there is only one). Tags are read as
    /// pin_tags_policy() says.
    static Result<SourceFactory> create(const GlobalOptions &globals, Context &ctx, std::string auth_registry);

    /// A source of the reference's repository, one request in flight at a time; warnings and
    /// the --verbose trace go to `diagnostics`. A local source is made by make_source().
    Result<std::unique_ptr<Source>> make(const Reference &reference, std::ostream &diagnostics) const;

private:
    SourceFactory(NetworkSettings settings, GlobalOptions globals, Context &ctx, std::string auth_registry)
        : m_settings(std::move(settings)), m_globals(std::move(globals)), m_ctx(&ctx),
          m_auth_registry(std::move(auth_registry)) {}

    NetworkSettings m_settings;
    GlobalOptions m_globals;
    Context *m_ctx;
    std::string m_auth_registry;
};

} // namespace digestx::cli

#pragma once
/// @file
/// PinReaders for the commands `digest`, `verify`, `check` and `pin`: a registry reference gets a
/// RegistryPinReader (HEAD first), a local source a SourcePinReader over make_source(). The global
/// network options are read once per command, so `--password-stdin` reads stdin once however many
/// repositories are checked, and credentials go to one registry only.

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "command.hpp"
#include "network_setup.hpp"
#include "pin_jobs.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx::cli {

/// A reader for the one reference of `digest` and `verify`; diagnostics go to ctx.err.
Result<std::unique_ptr<OwnedPinReader>> make_pin_reader(const Reference &reference, const GlobalOptions &globals,
                                                        Context &ctx);

/// Makes one reader per repository for `check` and `pin`, each with its own transport and
/// token, from settings read once. Used from several threads: make() only reads shared state.
class PinReaderFactory {
public:
    /// Reads the global options once (the password from stdin with --password-stdin).
    /// `auth_registry` names the registry the credentials are for ("" when the caller has
    /// established that there is only one).
    static Result<PinReaderFactory> create(const GlobalOptions &globals, Context &ctx, std::string auth_registry);

    /// A reader of the reference's repository; warnings and the --verbose trace go to
    /// `diagnostics`. A local source is read through make_source().
    Result<std::unique_ptr<OwnedPinReader>> make(const Reference &reference, std::ostream &diagnostics) const;

private:
    PinReaderFactory(NetworkSettings settings, GlobalOptions globals, Context &ctx, std::string auth_registry)
        : m_settings(std::move(settings)), m_globals(std::move(globals)), m_ctx(&ctx),
          m_auth_registry(std::move(auth_registry)) {}

    NetworkSettings m_settings;
    GlobalOptions m_globals;
    Context *m_ctx;
    std::string m_auth_registry;
};

} // namespace digestx::cli

#pragma once
/// @file
/// The global network options (`--timeout`, `--cacert`, `--insecure`, `--plain-http`,
/// `--username`/`--password-stdin`, `--verbose`, `--strict`, `--max-manifest-bytes`) turned into
/// a transport, credentials and a registry client: one place, so every command behaves alike.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "digestx/auth/credential_store.hpp"
#include "digestx/auth/credentials.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/mirror/mirrors.hpp"
#include "digestx/net/curl_transport.hpp"
#include "digestx/registry/client.hpp"

namespace digestx::cli {

/// What the global options ask of the network.
struct NetworkSettings {
    net::TransportOptions transport;              ///< deadline, TLS, trace
    std::optional<auth::Credentials> credentials; ///< --username with the password read from stdin
    /// Stored credentials (config files, helpers), looked up per host where --username does not apply.
    std::shared_ptr<auth::CredentialStore> store;
    registry::ClientOptions client; ///< --plain-http, --strict, caps, diagnostics
    mirror::MirrorConfig mirrors;   ///< --mirror, daemon.json and registries.conf (mirror_setup.hpp)
};

/// The default overall deadline when --timeout is not given.
inline constexpr double default_timeout_seconds = 300;

/// Reads the global options; with --password-stdin, reads one line from ctx.in (never echoed).
/// Also sets up the stored-credentials search, used for every registry --username is not for
/// (nothing is read until a registry asks for credentials).
/// Also reads the mirror configuration (load_mirror_config).
/// Errors are ErrorCode::Usage: --username without --password-stdin or the reverse, an empty
/// password, credentials check_credentials() refuses, a broken mirror configuration. --insecure
/// prints a warning on ctx.err.
Result<NetworkSettings> network_settings(const GlobalOptions &globals, Context &ctx);

/// A client for the registry of `reference` from settings already read, owning its transport.
/// With stored credentials, the client asks the store for the reference's registry and
/// repository on the registry's first challenge, and with --verbose says on
/// settings.client.diagnostics where they came from (never what they are).
Result<std::unique_ptr<registry::RegistryClient>> make_client(const Reference &reference, NetworkSettings settings);

} // namespace digestx::cli

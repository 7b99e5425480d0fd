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
#include "digestx/auth/credentials.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/net/curl_transport.hpp"
#include "digestx/registry/client.hpp"

namespace digestx::cli {

/// What the global options ask of the network.
struct NetworkSettings {
    net::TransportOptions transport;              ///< deadline, TLS, trace
    std::optional<auth::Credentials> credentials; ///< --username with the password read from stdin
    registry::ClientOptions client;               ///< --plain-http, --strict, caps, diagnostics
};

/// The default overall deadline when --timeout is not given.
inline constexpr double default_timeout_seconds = 300;

/// Reads the global options; with --password-stdin, reads one line from ctx.in (never echoed).
/// Errors are ErrorCode::Usage: --username without --password-stdin or the reverse, an empty
/// password, credentials check_credentials() refuses. --insecure prints a warning on ctx.err.
Result<NetworkSettings> network_settings(const GlobalOptions &globals, Context &ctx);

/// A client for the registry of `reference` from settings already read, owning its transport.
Result<std::unique_ptr<registry::RegistryClient>> make_client(const Reference &reference, NetworkSettings settings);

/// A client for the registry of `reference` (a registry reference) from the global options,
/// sending `accept` as the manifest Accept list (empty: digestx's default list).
Result<std::unique_ptr<registry::RegistryClient>> connect_registry(const Reference &reference,
                                                                   const GlobalOptions &globals, Context &ctx,
                                                                   std::vector<std::string> accept = {});

} // namespace digestx::cli

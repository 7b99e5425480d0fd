#pragma once
/// @file
/// Where the mirrors of this run come from: `--mirror`, then docker's daemon.json
/// (`registry-mirrors`, docker.io only), then containers' registries.conf and its drop-in
/// directories, found where docker and podman look for them.

#include "command.hpp"
#include "digestx/cli/context.hpp"
#include "digestx/mirror/mirrors.hpp"

namespace digestx::cli {

/// A directory that stands in for `/` when reading /etc/docker/daemon.json and
/// /etc/containers/registries.conf(.d) (containers/image's RootForImplicitAbsolutePaths): tests
/// point it at their own files so that the machine's configuration never leaks into them.
inline constexpr const char *system_root_variable = "DIGESTX_SYSTEM_ROOT";

/// Reads every mirror source into one configuration. Missing files are no mirrors; a file that
/// cannot be read or parsed is ErrorCode::Usage naming it; entries digestx cannot use are skipped
/// with one warning each on ctx.err. `--no-mirrors` reads no file; with `--mirror` it is a usage error.
///
/// registries.conf is found as containers/image finds it (sysregistriesv2): $CONTAINERS_REGISTRIES_CONF;
/// else $XDG_CONFIG_HOME (or ~/.config)/containers/registries.conf when it exists, with only the
/// user's registries.conf.d; else /etc/containers/registries.conf, /etc/containers/registries.conf.d
/// and the user's registries.conf.d. Drop-in files are the `*.conf` files, in lexical order.
Result<mirror::MirrorConfig> load_mirror_config(const GlobalOptions &globals, Context &ctx);

} // namespace digestx::cli

#pragma once
/// @file
/// Per-registry certificate directories, read as docker and podman read them.
///
/// - docker (moby registry/registry.go `loadTLSConfig`, called by `newTLSConfig` for
///   `/etc/docker/certs.d/HOST[:PORT]`): `*.crt` are CA certificates added to the system pool;
///   `*.cert` is a client certificate whose `*.key` (same base name) must exist, else an error;
///   a `*.key` without its `*.cert` is an error too.
/// - podman/skopeo (containers/image docker/docker_client.go `dockerCertDir`, then
///   pkg/tlsclientconfig `SetupCertificates`, same file rules): the per-host directories
///   `/etc/containers/certs.d` and then `/etc/docker/certs.d` are tried in that order and the
///   FIRST one holding a `HOST[:PORT]` directory is used alone.
///
/// digestx does what containers/image does: first existing directory wins, nothing is merged.
/// `DIGESTX_CERTS_D` (colon-separated roots) replaces the two defaults. libcurl takes one client
/// certificate per connection: the first `*.cert` by name is used.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"

namespace digestx::net {

/// The environment variable that replaces the default certificate roots.
inline constexpr std::string_view certs_dirs_variable = "DIGESTX_CERTS_D";

/// What one host's certificate directory supplies.
struct HostTls {
    std::string directory;          ///< the directory used, "" when none exists for the host
    std::string ca_pem;             ///< every `*.crt`, concatenated in name order
    std::string client_certificate; ///< the first `*.cert`, "" for none
    std::string client_key;         ///< its `*.key`
};

/// The roots to search: `DIGESTX_CERTS_D` split on ':' (empty parts dropped) when `value` is set,
/// otherwise `/etc/containers/certs.d` then `/etc/docker/certs.d`.
std::vector<std::string> certs_roots(const std::optional<std::string> &value);

/// The directory name of a URL's host as docker names it: `host` for the scheme's default port,
/// `host:port` otherwise (IPv6 literals keep their brackets).
std::string certs_dir_name(std::string_view host, int port, bool default_port);

/// Reads the first `ROOT/<name>` directory that exists. A `.cert` without its `.key` (or the
/// reverse), or an unreadable file, is ErrorCode::Usage naming the directory and file.
Result<HostTls> read_host_tls(const std::vector<std::string> &roots, const std::string &name);

} // namespace digestx::net

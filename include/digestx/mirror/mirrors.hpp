#pragma once
/// @file
/// Registry mirrors: where they come from (`--mirror`, docker's daemon.json, containers'
/// registries.conf), which of them serve a given reference, and at which repository. Pure: the
/// files are read by the CLI and handed in as text.
///
/// Two peers, two models, both kept:
/// - docker (moby daemon/pkg/registry/service_v2.go `lookupV2Endpoints`): `registry-mirrors`
///   serve docker.io only, tried in order before registry-1.docker.io; a mirror is a URL with a
///   scheme (config.go `ValidateMirror`) and the repository keeps its name on the mirror.
/// - containers/image (containers-registries.conf(5)): a `[[registry]]` table chosen by the
///   longest `prefix` of the image name, optionally relocated (`location`), with `mirror` tables
///   whose `location` replaces the prefix (so a mirror may hold the namespace under a path:
///   `mirror.example/dockerhub/library/alpine`), tried in order, the primary location last.

#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/reference.hpp"

namespace digestx::mirror {

/// Which pulls a mirror serves (containers-registries.conf(5) `pull-from-mirror`, and the
/// registry-wide `mirror-by-digest-only`). Decided by the reference the user gave, not per request:
/// a digest-only mirror serves `alpine@sha256:…` whole and `alpine:3.12` not at all.
enum class MirrorPulls {
    All,        ///< every pull (the default)
    DigestOnly, ///< only references with a digest: a tag on a mirror may be stale
    TagOnly,    ///< only references without a digest
};

/// One mirror as configured.
struct MirrorSpec {
    std::string location;                 ///< host[:port][/namespace…]: replaces the matched prefix
    bool plain_http = false;              ///< reached over http (an `http://` URL)
    bool insecure = false;                ///< TLS not verified, http allowed (`insecure = true`, insecure-registries)
    MirrorPulls pulls = MirrorPulls::All; ///< which references it serves
    std::string origin;                   ///< where it was configured: "--mirror", a file path
};

/// The settings of one registry namespace: the `[[registry]]` table of registries.conf, or the
/// docker.io entry that daemon.json and `--mirror` fill.
struct RegistryRule {
    std::string prefix;              ///< host[:port][/namespace…], or `*.domain`; matched on the image name
    std::string location;            ///< where the namespace really is; "" or the prefix: unchanged
    bool insecure = false;           ///< the primary location: TLS not verified, http allowed
    bool blocked = false;            ///< pulls of matching images are refused
    std::vector<MirrorSpec> mirrors; ///< in the order they are tried
    std::string origin;              ///< the file (or option) the table came from
};

/// Every rule known, in the order `--mirror`, daemon.json, registries.conf. The longest matching
/// prefix is chosen; rules with that same prefix are combined: their mirrors in this order, the
/// first location that relocates, blocked or insecure when any says so.
struct MirrorConfig {
    std::vector<RegistryRule> rules; ///< the tables
};

/// A place to read one repository from.
struct Endpoint {
    Reference reference;     ///< the reference there: the user's tag or digest at this registry and repository
    bool plain_http = false; ///< http for this endpoint
    bool insecure = false;   ///< TLS not verified for this endpoint
    std::string label;       ///< host[:port][/namespace]: how output names it
    std::string origin;      ///< where a mirror was configured; "" for the primary location
};

/// Where a reference is read: its mirrors in order, then the primary location.
struct Route {
    std::vector<Endpoint> mirrors; ///< tried first, in order
    Endpoint upstream;             ///< the primary location (the reference itself unless relocated)
};

/// The route of a registry `reference`: the rule with the longest matching prefix (exact
/// host[:port], never another port of the same host), its location and the mirrors that serve
/// this kind of reference. No rule: the reference itself, no mirror. ErrorCode::Usage when the
/// rule blocks the image or a rewritten name is not a valid reference (naming the rule's origin).
Result<Route> route(const Reference &reference, const MirrorConfig &config);

/// Parses a `--mirror` value: `[REGISTRY=]LOCATION`, LOCATION being `[http://|https://]host[:port][/namespace…]`.
/// Without `REGISTRY=` the mirror serves docker.io, as docker's registry-mirrors do. ErrorCode::Usage
/// for an empty part, a query, credentials in the URL, or a REGISTRY or LOCATION that is not a registry name.
Result<RegistryRule> parse_mirror_option(std::string_view value);

/// What a daemon.json declares about mirrors.
struct DaemonMirrors {
    RegistryRule rule;                 ///< docker.io with the file's registry-mirrors (none: no mirrors)
    std::vector<std::string> warnings; ///< entries skipped, one sentence each
};

/// Reads docker's daemon.json (`origin` is its path, for messages): `registry-mirrors` serve
/// docker.io; a mirror listed in `insecure-registries` (by host[:port]) is reached without TLS
/// verification, as moby's `isSecureIndex`. A mirror URL with a path is skipped with a warning:
/// moby puts that path before `/v2/`, which digestx does not do. A file that is not a JSON object,
/// or a `registry-mirrors` that is not an array of strings, is ErrorCode::Usage naming the file
/// and the key.
Result<DaemonMirrors> parse_daemon_json(std::string_view text, const std::string &origin);

/// Reads one registries.conf (version 2; `origin` is its path): its `[[registry]]` tables with
/// their `mirror` tables. Files of the version 1 format, which has no mirrors, yield no rules.
/// Invalid TOML, or a key of the wrong type, is ErrorCode::Usage naming the file and the key.
Result<std::vector<RegistryRule>> parse_registries_conf(std::string_view text, const std::string &origin);

/// Merges registries.conf files in load order (the main file, then registries.conf.d in
/// lexical order): a later file's table with the same prefix replaces the earlier one, as
/// containers/image's `updateWithConfigurationFrom` does.
std::vector<RegistryRule> merge_registries_conf(std::vector<std::vector<RegistryRule>> files);

} // namespace digestx::mirror

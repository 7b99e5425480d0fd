#include "digestx/core/media_type.hpp"

#include "digestx/core/text.hpp"

namespace digestx::media {

std::string_view essence(std::string_view media_type) noexcept {
    auto semicolon = media_type.find(';');
    if (semicolon != std::string_view::npos) media_type = media_type.substr(0, semicolon);
    while (!media_type.empty() && (media_type.front() == ' ' || media_type.front() == '\t'))
        media_type.remove_prefix(1);
    while (!media_type.empty() && (media_type.back() == ' ' || media_type.back() == '\t'))
        media_type.remove_suffix(1);
    return media_type;
}

Kind classify(std::string_view media_type) noexcept {
    std::string_view type = essence(media_type);
    if (type == oci_index || type == docker_manifest_list) return Kind::Index;
    if (type == oci_manifest || type == docker_manifest_v2) return Kind::Manifest;
    if (type == oci_artifact_manifest) return Kind::ArtifactManifest;
    // Registries served schema1 as prettyjws, v1+json, and historically application/json.
    if (type == docker_manifest_v1_signed || type == docker_manifest_v1) return Kind::Schema1;
    if (type == oci_config || type == docker_config) return Kind::Config;
    if (type == oci_layer_tar || type == oci_layer_gzip || type == oci_layer_zstd || type == docker_layer_gzip ||
        type == docker_layer_tar || type == docker_layer_foreign ||
        type.starts_with("application/vnd.oci.image.layer.") ||
        type.starts_with("application/vnd.oci.image.layer.nondistributable.")) {
        return Kind::Layer;
    }
    return Kind::Other;
}

bool is_manifest_type(std::string_view media_type) noexcept {
    Kind kind = classify(media_type);
    return kind == Kind::Index || kind == Kind::Manifest || kind == Kind::ArtifactManifest || kind == Kind::Schema1;
}

namespace {

std::string type(std::string_view media_type) {
    return std::string(media_type);
}

} // namespace

// Each list is copied type for type, in order, from the file named in its `source`; the
// preset table test (tests/unit/media_type_test.cpp) holds every header byte for byte.
const std::vector<AcceptPreset> &accept_presets() {
    static const std::vector<AcceptPreset> presets = {
        // Every type classify() reads as a manifest, so no registry that chooses by Accept
        // hands digestx less than it could read. That includes the OCI artifact manifest of
        // image-spec 1.1.0-rc1/rc2: withdrawn before 1.1.0, but pushed by tools of that time
        // and served to oras-go v2, which asks for it. The default-preset test in
        // tests/unit/media_type_test.cpp ties this list to classify().
        {"digestx",
         {"full"},
         {type(oci_index), type(docker_manifest_list), type(oci_manifest), type(docker_manifest_v2),
          type(oci_artifact_manifest), type(docker_manifest_v1_signed), type(docker_manifest_v1)},
         "every manifest type digestx reads (the default)",
         "digestx: src/core/media_type.cpp classify()"},
        // `*/*` is part of the list: containerd takes whatever the registry sends and sorts it
        // out by Content-Type, so the withdrawn OCI artifact manifest reaches it this way.
        {"containerd",
         {},
         {type(docker_manifest_v2), type(docker_manifest_list), type(oci_manifest), type(oci_index), "*/*"},
         "containerd 1.6 to 2.x, and docker with the containerd image store (the default of new installs since "
         "Engine 29)",
         "containerd: core/remotes/docker/resolver.go NewResolver (remotes/docker/ before 2.0); moby: "
         "daemon/containerd/resolver.go sets no Accept of its own"},
        // docker/distribution's client sends ManifestMediaTypes(), one Accept line per type, in
        // Go map order (random): the types registered by the manifest packages moby imports.
        {"docker-classic",
         {},
         {type(docker_manifest_v2), type(docker_manifest_list), type(oci_index), type(oci_manifest)},
         "docker Engine 29 with the classic image store, and `docker manifest inspect` (20.10 to 28 also "
         "sent the signed schema1 type and application/json)",
         "moby: daemon/internal/distribution/pull_v2.go through vendor/github.com/docker/distribution/"
         "registry/client/repository.go ManifestMediaTypes(); docker/cli: internal/registryclient/fetcher.go"},
        // The name `docker` keeps what it always selected: Docker types only, no OCI type.
        {"docker-18.09",
         {"docker"},
         {type(docker_manifest_v2), type(docker_manifest_list), type(docker_manifest_v1_signed), "application/json"},
         "docker 1.10 to 18.09: Docker types only, no OCI type",
         "moby v1.10.0 to v18.09.0: distribution/pull_v2.go, ManifestMediaTypes() of the vendored schema1, "
         "schema2 and manifestlist packages"},
        {"docker-v2",
         {},
         {type(docker_manifest_v2)},
         "the Docker schema2 type alone, as distribution's API spec tells scripts to ask before a delete; no "
         "docker release sends it alone",
         "distribution: docs/spec/api.md, Deleting an Image"},
        {"schema1",
         {},
         {type(docker_manifest_v1_signed), type(docker_manifest_v1)},
         "the Docker schema1 types alone; distribution answers it as it answered docker 1.9 and older, which "
         "sent no Accept",
         "moby v1.9.0: the vendored distribution client sets no Accept header"},
        {"oci",
         {},
         {type(oci_index), type(oci_manifest)},
         "the OCI index and manifest types alone (no client sends exactly this; a probe of OCI-only answers)",
         "digestx"},
        {"crane",
         {},
         {type(docker_manifest_v1), type(docker_manifest_v1_signed), type(docker_manifest_v2), type(oci_manifest),
          type(docker_manifest_list), type(oci_index)},
         "crane and go-containerregistry's remote.Get and remote.Head (joined with \",\")",
         "go-containerregistry: pkg/v1/remote/descriptor.go allManifestMediaTypes, fetcher.go"},
        {"skopeo",
         {},
         {type(oci_manifest), type(docker_manifest_v2), type(docker_manifest_v1_signed), type(docker_manifest_v1),
          type(docker_manifest_list), type(oci_index)},
         "skopeo and the other containers/image clients: podman, buildah, cri-o (one Accept line per type)",
         "containers/image: manifest/manifest.go DefaultRequestedManifestMIMETypes, docker/docker_client.go"},
        {"oras",
         {},
         {type(docker_manifest_v2), type(docker_manifest_list), type(oci_manifest), type(oci_index),
          type(oci_artifact_manifest)},
         "oras 1.x and other oras-go v2 clients, which still ask for the OCI artifact manifest",
         "oras-go v2: registry/remote/manifest.go defaultManifestMediaTypes"},
    };
    return presets;
}

const AcceptPreset &default_accept_preset() {
    return accept_presets().front();
}

std::optional<AcceptPreset> find_accept_preset(std::string_view name) {
    for (const auto &preset : accept_presets()) {
        if (preset.name == name) return preset;
        for (const auto &alias : preset.aliases) {
            if (alias == name) return preset;
        }
    }
    return std::nullopt;
}

Result<AcceptPreset> require_accept_preset(std::string_view name) {
    if (auto preset = find_accept_preset(name)) return *preset;
    std::string known;
    for (const auto &preset : accept_presets()) {
        known += (known.empty() ? "" : ", ") + preset.name;
        for (const auto &alias : preset.aliases)
            known += ", " + alias;
    }
    return fail(ErrorCode::Usage, "unknown Accept preset " + digestx::quoted(name) + " (known: " + known + ")");
}

std::string accept_header(const std::vector<std::string> &types) {
    std::string header;
    for (const auto &type : types) {
        if (!header.empty()) header += ", ";
        header += type;
    }
    return header;
}

} // namespace digestx::media

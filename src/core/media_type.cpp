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
        type == docker_layer_foreign || type.starts_with("application/vnd.oci.image.layer.") ||
        type.starts_with("application/vnd.oci.image.layer.nondistributable.")) {
        return Kind::Layer;
    }
    return Kind::Other;
}

bool is_manifest_type(std::string_view media_type) noexcept {
    Kind kind = classify(media_type);
    return kind == Kind::Index || kind == Kind::Manifest || kind == Kind::ArtifactManifest || kind == Kind::Schema1;
}

const std::vector<AcceptPreset> &accept_presets() {
    static const std::vector<AcceptPreset> presets = {
        {"full",
         {std::string(oci_index), std::string(docker_manifest_list), std::string(oci_manifest),
          std::string(docker_manifest_v2), std::string(docker_manifest_v1_signed), std::string(docker_manifest_v1)},
         "every type digestx reads (the default; what a current docker or containerd sends)"},
        {"oci", {std::string(oci_index), std::string(oci_manifest)}, "OCI index and manifest only"},
        {"docker",
         {std::string(docker_manifest_list), std::string(docker_manifest_v2)},
         "Docker manifest list and schema2 manifest only (no OCI types)"},
        {"docker-v2",
         {std::string(docker_manifest_v2)},
         "Docker schema2 manifest only, as an old single-platform client sends"},
        {"schema1",
         {std::string(docker_manifest_v1_signed), std::string(docker_manifest_v1)},
         "Docker schema1 only, as a pre-2016 client sends"},
    };
    return presets;
}

std::optional<AcceptPreset> find_accept_preset(std::string_view name) {
    for (const auto &preset : accept_presets()) {
        if (preset.name == name) return preset;
    }
    return std::nullopt;
}

Result<AcceptPreset> require_accept_preset(std::string_view name) {
    if (auto preset = find_accept_preset(name)) return *preset;
    std::string known;
    for (const auto &preset : accept_presets())
        known += (known.empty() ? "" : ", ") + preset.name;
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

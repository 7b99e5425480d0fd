#pragma once
// `docker save` archives and a tarred OCI layout built from the bundled alpine:3.12 example
// (examples/alpine-3.12: its real linux/amd64 manifest and config), for the archive tests.

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"
#include "support/tar_writer.hpp"

namespace digestx::test::alpine {

/// The example's manifest list.
inline const std::string list_hex = "407b6b6a6e2df8eb050faf799c3c1241e19a677226b70c0908b8c2c1fb21631f";
/// Its linux/amd64 manifest, as the registry serves it.
inline const std::string manifest_hex = "74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18";
/// Its linux/amd64 config: the image ID.
inline const std::string config_hex = "b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507";
/// Its one layer's diff_id.
inline const std::string diff_id_hex = "eb4bde6b29a6746e0779f80a09ca6f0806de61475059f7d56d6e20f6cc2e15f7";
/// The size `docker save` gives alpine 3.12's one layer uncompressed is not on record; any size
/// serves, since digestx never reads a layer body (the member is a hole in a sparse file).
inline constexpr std::uint64_t layer_size = 5611520;

/// A blob of the example layout.
inline std::string blob(const std::string &hex) {
    return read_file(source_dir() + "/examples/alpine-3.12/blobs/sha256/" + hex);
}

/// moby image/tarexport save.go before Docker 25: `<id>.json`, `<id>/layer.tar`, manifest.json
/// and `repositories`; `config` is the config's bytes (the example's by default), saved as `tag`.
inline TarWriter classic_archive(const std::string &config = blob(config_hex), const std::string &tag = "alpine:3.12") {
    std::string layer_dir = std::string(64, 'a');
    std::string config_name = digestx::Digest::compute(config).hex() + ".json";
    nlohmann::json manifest =
        nlohmann::json::array({{{"Config", config_name}, {"RepoTags", {tag}}, {"Layers", {layer_dir + "/layer.tar"}}}});
    TarWriter writer;
    writer.directory(layer_dir + "/")
        .file(layer_dir + "/VERSION", "1.0")
        .large_file(layer_dir + "/layer.tar", layer_size)
        .file(config_name, config)
        .file("manifest.json", manifest.dump())
        .file("repositories", R"({"alpine":{"3.12":")" + layer_dir + R"("}})");
    return writer;
}

/// Docker 25+: an OCI layout (index.json naming the image) beside manifest.json.
inline TarWriter layout_archive() {
    nlohmann::json index = {{"schemaVersion", 2},
                            {"mediaType", "application/vnd.oci.image.index.v1+json"},
                            {"manifests",
                             {{{"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                               {"digest", "sha256:" + manifest_hex},
                               {"size", 528},
                               {"annotations",
                                {{"io.containerd.image.name", "docker.io/library/alpine:3.12"},
                                 {"org.opencontainers.image.ref.name", "3.12"}}}}}}};
    nlohmann::json manifest = nlohmann::json::array({{{"Config", "blobs/sha256/" + config_hex},
                                                      {"RepoTags", {"alpine:3.12"}},
                                                      {"Layers", {"blobs/sha256/" + diff_id_hex}}}});
    TarWriter writer;
    writer.directory("blobs/")
        .directory("blobs/sha256/")
        .file("blobs/sha256/" + manifest_hex, blob(manifest_hex))
        .file("blobs/sha256/" + config_hex, blob(config_hex))
        .large_file("blobs/sha256/" + diff_id_hex, layer_size)
        .file("index.json", index.dump())
        .file("manifest.json", manifest.dump())
        .file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})")
        .file("repositories", R"({"alpine":{"3.12":")" + manifest_hex + R"("}})");
    return writer;
}

/// The whole example layout, tarred as `tar -C examples/alpine-3.12 -cf alpine.tar .` would.
inline TarWriter oci_archive() {
    std::string root = source_dir() + "/examples/alpine-3.12";
    TarWriter writer;
    writer.directory("./")
        .file("./oci-layout", read_file(root + "/oci-layout"))
        .file("./index.json", read_file(root + "/index.json"));
    for (const auto &entry : std::filesystem::directory_iterator(root + "/blobs/sha256"))
        writer.file("./blobs/sha256/" + entry.path().filename().string(), read_file(entry.path().string()));
    return writer;
}

} // namespace digestx::test::alpine

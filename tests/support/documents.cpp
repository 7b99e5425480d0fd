#include "support/documents.hpp"

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "digestx/core/media_type.hpp"

namespace digestx::test {
namespace {

nlohmann::ordered_json platform_object(const std::string &platform) {
    nlohmann::ordered_json object;
    auto first = platform.find('/');
    auto second = platform.find('/', first + 1);
    object["architecture"] =
        platform.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    object["os"] = platform.substr(0, first);
    if (second != std::string::npos) object["variant"] = platform.substr(second + 1);
    return object;
}

} // namespace

std::string sha256_of(const std::string &text) {
    return Digest::compute(text).str();
}

std::string make_config(const std::string &platform, const std::vector<std::string> &diff_ids,
                        const std::string &marker) {
    nlohmann::ordered_json config = platform_object(platform);
    config["created"] = "2021-11-12T17:20:08Z";
    config["config"] = {{"Labels", {{"org.digestx.test", marker}}}};
    config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
    config["history"] = nlohmann::ordered_json::array({{{"created_by", "digestx test fixture " + marker}}});
    return config.dump();
}

std::string make_manifest(const std::string &media_type, const std::string &config_digest, std::size_t config_size,
                          const std::vector<std::pair<std::string, std::size_t>> &layers,
                          const std::string &config_media_type, const std::string &artifact_type) {
    bool oci = media_type == media::oci_manifest;
    nlohmann::ordered_json manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = media_type;
    if (!artifact_type.empty()) manifest["artifactType"] = artifact_type;
    std::string config_type = !config_media_type.empty() ? config_media_type
                              : oci                      ? std::string(media::oci_config)
                                                         : std::string(media::docker_config);
    manifest["config"] = {{"mediaType", config_type}, {"size", config_size}, {"digest", config_digest}};
    manifest["layers"] = nlohmann::ordered_json::array();
    for (const auto &[digest, size] : layers) {
        manifest["layers"].push_back({{"mediaType", oci ? media::oci_layer_gzip : media::docker_layer_gzip},
                                      {"size", size},
                                      {"digest", digest}});
    }
    return manifest.dump(3);
}

std::string make_index(const std::string &media_type, const std::vector<EntrySpec> &entries) {
    nlohmann::ordered_json index;
    index["schemaVersion"] = 2;
    index["mediaType"] = media_type;
    index["manifests"] = nlohmann::ordered_json::array();
    for (const auto &entry : entries) {
        nlohmann::ordered_json item{{"mediaType", entry.media_type}, {"digest", entry.digest}, {"size", entry.size}};
        if (!entry.platform.empty()) item["platform"] = platform_object(entry.platform);
        if (!entry.attests.empty()) {
            item["platform"] = {{"architecture", "unknown"}, {"os", "unknown"}};
            item["annotations"] = {{"vnd.docker.reference.digest", entry.attests},
                                   {"vnd.docker.reference.type", "attestation-manifest"}};
        }
        index["manifests"].push_back(item);
    }
    return index.dump(3);
}

} // namespace digestx::test

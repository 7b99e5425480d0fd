#include "digestx/render/inspect_json.hpp"

#include <ostream>
#include <string>

#include "digestx/render/labels.hpp"

namespace digestx::render {
namespace {

using Json = nlohmann::ordered_json;

// jq users test `.x == null` more easily than `has("x")`: optional values are null, not absent.
Json text_or_null(const std::string &value) {
    return value.empty() ? Json(nullptr) : Json(value);
}

Json fetch_json(const FetchNote &note) {
    Json out;
    out["method"] = fetch_method_name(note.method);
    out["location"] = note.location;
    out["accept"] = text_or_null(note.accept);
    out["contentType"] = text_or_null(note.content_type);
    out["headerDigest"] = note.header_digest ? Json(*note.header_digest) : Json(nullptr);
    out["answeredBy"] = text_or_null(note.answered_by);
    out["mirror"] = text_or_null(note.mirror);
    out["status"] = note.status == 0 ? Json(nullptr) : Json(note.status);
    return out;
}

Json error_json(const Error &error) {
    Json out;
    out["code"] = std::string(error_code_name(error.code));
    out["exitCode"] = exit_code(error.code);
    out["message"] = error.describe();
    out["httpStatus"] = error.http_status == 0 ? Json(nullptr) : Json(error.http_status);
    out["registryCodes"] = error.registry_codes;
    return out;
}

Json layer_json(const Descriptor &layer, const std::optional<DeclaredDigest> &diff_id) {
    Json out;
    out["digest"] = layer.digest.str();
    out["size"] = layer.size;
    out["mediaType"] = text_or_null(layer.media_type);
    out["diffId"] = diff_id ? Json(diff_id->str()) : Json(nullptr);
    return out;
}

// Layers of a read manifest, compressed digest beside the diff_id when the config was read;
// schema1 manifests list their fsLayers (bare digests, newest first, no sizes).
void add_layers(Json &out, const TreeNode &node, const NodeExplanation &words) {
    Json layers = Json::array();
    if (node.document->is_schema1()) {
        for (const auto &digest : node.document->schema1().fs_layers)
            layers.push_back(
                {{"digest", digest.str()}, {"size", nullptr}, {"mediaType", nullptr}, {"diffId", nullptr}});
        out["layers"] = std::move(layers);
        out["compressedSize"] = nullptr;
        out["artifactType"] = nullptr;
        return;
    }
    const auto &manifest_layers = node.document->manifest().layers;
    for (std::size_t i = 0; i < manifest_layers.size(); ++i) {
        std::optional<DeclaredDigest> diff_id;
        if (i < words.layers.size()) diff_id = words.layers[i].diff_id;
        layers.push_back(layer_json(manifest_layers[i], diff_id));
    }
    out["layers"] = std::move(layers);
    auto compressed = compressed_size(node);
    out["compressedSize"] = compressed ? Json(*compressed) : Json(nullptr);
    out["artifactType"] = text_or_null(std::string(node.document->artifact_type()));
}

void add_config(Json &out, const TreeNode &node) {
    out["imageId"] = node.digest_text();
    const ImageConfig *config = node.config ? &*node.config : nullptr;
    out["os"] = config ? text_or_null(config->os) : Json(nullptr);
    out["architecture"] = config ? text_or_null(config->architecture) : Json(nullptr);
    out["variant"] = config ? text_or_null(config->variant) : Json(nullptr);
    out["created"] = config ? text_or_null(config->created) : Json(nullptr);
    if (!config) {
        out["diffIds"] = nullptr;
        return;
    }
    Json diff_ids = Json::array();
    for (const auto &diff_id : config->diff_ids)
        diff_ids.push_back(diff_id.str());
    out["diffIds"] = std::move(diff_ids);
}

Json node_json(const ImageTree &tree, const Explanation &explanation, std::size_t id) {
    const TreeNode &node = tree.nodes[id];
    const NodeExplanation &words = explanation.nodes[id];
    Json out;
    out["id"] = id;
    out["digest"] = node.digest_text();
    out["mediaType"] = text_or_null(node_media_type(node));
    out["size"] = node_size(node);
    out["platform"] = node.platform ? platform_json(*node.platform) : Json(nullptr);
    out["role"] = std::string(role_name(words.role));
    out["title"] = words.title;
    out["explanation"] = words.sentence;
    out["annotations"] = node.descriptor ? Json(node.descriptor->annotations) : Json::object();
    out["fetch"] = node.note ? fetch_json(*node.note) : Json(nullptr);
    out["error"] = node.error ? error_json(*node.error) : Json(nullptr);
    out["skipped"] = text_or_null(node.skipped);
    if (node.document && (node.document->is_manifest() || node.document->is_schema1())) add_layers(out, node, words);
    if (words.role == Role::ImageConfig) add_config(out, node);
    if (node.is_referrer()) {
        out["artifactType"] = text_or_null(node.descriptor->artifact_type);
        out["referrersVia"] = referrer_route_name(*node.referrer_via);
    }
    if (node.descriptor && node.descriptor->is_attestation()) {
        auto attests = attested_digest(node);
        out["attests"] = attests ? Json(*attests) : Json(nullptr);
    }
    Json children = Json::array();
    for (std::size_t child : node.children)
        children.push_back(node_json(tree, explanation, child));
    out["children"] = std::move(children);
    return out;
}

Json requests_json(const SourceStats &stats) {
    Json out;
    out["total"] = stats.requests;
    out["manifestHeads"] = stats.manifest_heads;
    out["manifestGets"] = stats.manifest_gets;
    out["blobGets"] = stats.blob_gets;
    // What reached the registry itself: GETs a mirror answered never count on Docker Hub.
    out["dockerHubPulls"] = stats.manifest_gets - stats.mirror_manifest_gets;
    out["mirrorRequests"] = stats.mirror_requests;
    out["bytesReceived"] = stats.bytes_received;
    out["ratelimitLimit"] = stats.ratelimit_limit ? Json(*stats.ratelimit_limit) : Json(nullptr);
    out["ratelimitRemaining"] = stats.ratelimit_remaining ? Json(*stats.ratelimit_remaining) : Json(nullptr);
    return out;
}

} // namespace

Json reference_json(const Reference &reference, std::string_view input) {
    Json out;
    out["input"] = std::string(input);
    out["canonical"] = reference.canonical();
    out["familiar"] = reference.familiar();
    out["registry"] = text_or_null(reference.registry());
    out["endpoint"] = text_or_null(reference.endpoint());
    out["repository"] = text_or_null(reference.repository());
    out["tag"] = reference.tag() ? Json(*reference.tag()) : Json(nullptr);
    out["digest"] = reference.digest() ? Json(reference.digest()->str()) : Json(nullptr);
    if (reference.source() == SourceKind::Registry) {
        out["source"] = nullptr;
    } else {
        out["source"] = {{"kind", std::string(source_kind_name(reference.source()))},
                         {"path", reference.source_path()}};
    }
    return out;
}

Json platform_json(const Platform &platform) {
    Json out;
    out["os"] = platform.os;
    out["architecture"] = platform.architecture;
    out["variant"] = text_or_null(platform.variant);
    out["osVersion"] = text_or_null(platform.os_version);
    out["osFeatures"] = platform.os_features;
    return out;
}

Json inspect_json(const ImageTree &tree, const Explanation &explanation, std::string_view input) {
    Json out;
    out["schemaVersion"] = inspect_schema_version;
    out["reference"] = reference_json(tree.reference, input);
    out["platform"] = tree.platform ? platform_json(*tree.platform) : Json(nullptr);
    out["selected"] = tree.selected ? Json(tree.nodes[*tree.selected].digest_text()) : Json(nullptr);
    out["root"] = node_json(tree, explanation, 0);
    Json findings = Json::array();
    for (const auto &finding : explanation.findings) {
        findings.push_back({{"level", std::string(finding_level_name(finding.level))},
                            {"code", finding.code},
                            {"message", finding.message},
                            {"node", finding.node ? Json(*finding.node) : Json(nullptr)}});
    }
    out["findings"] = std::move(findings);
    out["accept"] = nullptr;
    if (tree.accept) {
        out["accept"] = {{"preset", tree.accept->preset},
                         {"fullListDigest", text_or_null(tree.accept->full_digest)},
                         {"fullListMediaType", text_or_null(tree.accept->full_media_type)}};
    }
    out["requests"] = requests_json(tree.stats);
    return out;
}

void write_json(std::ostream &out, const ImageTree &tree, const Explanation &explanation, std::string_view input) {
    out << inspect_json(tree, explanation, input).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

} // namespace digestx::render

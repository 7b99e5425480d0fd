#include "digestx/render/diff.hpp"

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"

namespace digestx::render {
namespace {

using Json = nlohmann::ordered_json;

Json optional_json(const std::optional<std::string> &value) {
    return value ? Json(*value) : Json(nullptr);
}

class DiffText {
public:
    DiffText(std::ostream &out, bool full) : m_out(out), m_full(full) {}

    void write(const std::string &name_a, const std::string &name_b, const GraphDiff &diff) {
        m_out << "A  " << sanitize(name_a, 1000) << "  " << shown(diff.top_a) << "\n";
        m_out << "B  " << sanitize(name_b, 1000) << "  " << shown(diff.top_b) << "\n";
        m_out << sanitize(diff.summary, 2000) << "\n";
        if (diff.platforms.empty()) return;
        m_out << "\n";
        std::size_t width = 0;
        for (const auto &platform : diff.platforms)
            width = std::max(width, platform.platform.size());
        for (const auto &platform : diff.platforms)
            write_platform(platform, width);
        if (!diff.annotations.empty()) {
            std::string keys;
            for (const auto &key : diff.annotations)
                keys += (keys.empty() ? "" : ", ") + key;
            m_out << "index annotations changed: " << sanitize(keys, 1000) << "\n";
        }
        if (diff.reordered) m_out << "index entries reordered\n";
        if (diff.other_entries_changed > 0) {
            m_out << "other index entries changed: " << diff.other_entries_changed << "\n";
        }
        if (!diff.not_local.empty()) {
            std::string platforms;
            for (const auto &platform : diff.not_local)
                platforms += (platforms.empty() ? "" : ", ") + platform;
            m_out << "not in the archive, not compared: " << sanitize(platforms, 1000) << "\n";
        }
    }

private:
    [[nodiscard]] std::string shown(const std::string &digest) const { return m_full ? digest : short_digest(digest); }
    [[nodiscard]] std::string shown(const std::optional<std::string> &digest) const {
        return digest ? shown(*digest) : std::string("-");
    }

    void write_platform(const PlatformDiff &platform, std::size_t width) {
        m_out << platform.platform << std::string(width - platform.platform.size() + 2, ' ')
              << platform_verdict_name(platform.verdict);
        switch (platform.verdict) {
        case PlatformVerdict::Identical: m_out << "  " << shown(platform.manifest_b) << "\n"; break;
        case PlatformVerdict::Added: m_out << "  " << shown(platform.manifest_b) << "\n"; break;
        case PlatformVerdict::Removed: m_out << "  " << shown(platform.manifest_a) << "\n"; break;
        default: write_change(platform); break;
        }
        if (platform.attestation_changed) m_out << "  attestation changed\n";
    }

    void write_change(const PlatformDiff &platform) {
        m_out << "\n  manifest  " << shown(platform.manifest_a) << " → " << shown(platform.manifest_b) << "\n";
        if (platform.config_a != platform.config_b) {
            m_out << "  config    " << shown(platform.config_a) << " → " << shown(platform.config_b) << "\n";
        }
        for (const auto &field : platform.config_fields)
            m_out << "    " << field.field << ": " << field.before << " → " << field.after << "\n";
        if (platform.layers.empty()) {
            m_out << "  layers    " << platform.layers_b << ", the same\n";
            return;
        }
        m_out << "  layers    " << platform.layers_a << " → " << platform.layers_b << "\n";
        for (const auto &layer : platform.layers) {
            m_out << "    " << layer.position << ": ";
            if (layer.before && layer.after) {
                m_out << shown(*layer.before) << " → " << shown(*layer.after);
            } else if (layer.after) {
                m_out << "added " << shown(*layer.after);
            } else {
                m_out << "removed " << shown(layer.before);
            }
            m_out << "\n";
        }
        if (platform.verdict == PlatformVerdict::Recompressed || platform.verdict == PlatformVerdict::SameLayers) {
            // docker save stores layers uncompressed and registries compressed: the diff_ids, not
            // the compressed digests, say whether the content is the same (image-spec config.md).
            m_out << "  the compressed layers differ but their diff_ids are the same: the same content, "
                     "compressed differently\n";
        }
    }

    std::ostream &m_out;
    bool m_full;
};

} // namespace

nlohmann::ordered_json platform_diff_json(const PlatformDiff &platform) {
    Json out;
    out["platform"] = sanitize(platform.platform, 200);
    out["verdict"] = platform_verdict_name(platform.verdict);
    out["manifest"] = {{"a", optional_json(platform.manifest_a)}, {"b", optional_json(platform.manifest_b)}};
    out["config"] = {{"a", optional_json(platform.config_a)}, {"b", optional_json(platform.config_b)}};
    Json fields = Json::array();
    for (const auto &field : platform.config_fields)
        fields.push_back({{"field", field.field}, {"a", field.before}, {"b", field.after}});
    out["configFields"] = std::move(fields);
    out["layerCount"] = {{"a", platform.layers_a}, {"b", platform.layers_b}};
    Json layers = Json::array();
    for (const auto &layer : platform.layers)
        layers.push_back(
            {{"position", layer.position}, {"a", optional_json(layer.before)}, {"b", optional_json(layer.after)}});
    out["layers"] = std::move(layers);
    out["attestationChanged"] = platform.attestation_changed;
    return out;
}

void write_diff_text(std::ostream &out, const std::string &name_a, const std::string &name_b, const GraphDiff &diff,
                     bool full_digests) {
    DiffText(out, full_digests).write(name_a, name_b, diff);
}

void write_diff_json(std::ostream &out, const std::string &name_a, const std::string &name_b, const GraphDiff &diff) {
    Json document;
    document["schemaVersion"] = 1;
    document["a"] = {{"reference", sanitize(name_a, 1000)}, {"digest", diff.top_a}};
    document["b"] = {{"reference", sanitize(name_b, 1000)}, {"digest", diff.top_b}};
    document["identical"] = diff.identical;
    document["comparedBy"] = diff.basis == DiffBasis::ImageId ? "image-id" : "digest";
    document["sameImage"] = diff.same_image;
    document["summary"] = sanitize(diff.summary, 2000);
    Json platforms = Json::array();
    for (const auto &platform : diff.platforms)
        platforms.push_back(platform_diff_json(platform));
    document["platforms"] = std::move(platforms);
    document["annotationsChanged"] = diff.annotations;
    document["reordered"] = diff.reordered;
    document["otherEntriesChanged"] = diff.other_entries_changed;
    document["notInArchive"] = diff.not_local;
    out << document.dump(2) << "\n";
}

} // namespace digestx::render

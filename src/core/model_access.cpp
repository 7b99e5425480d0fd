#include <array>

#include "digestx/core/media_type.hpp"
#include "digestx/core/model.hpp"

namespace digestx {

// moby daemon/internal/distribution/registry.go `defaultImageTypes`: `docker push` of Docker 1.10
// and 1.11.0 wrote application/octet-stream (distribution#1621), the other strings are what
// moby#22378 and moby#30083 met, and docker has pulled such configs as image configs ever since.
// pull_v2.go `validateMediaType` compares the string exactly (no parameters, no case folding).
bool is_legacy_config_type(std::string_view media_type) noexcept {
    constexpr std::array<std::string_view, 4> types = {"application/octet-stream", "application/json", "text/html", ""};
    for (std::string_view type : types) {
        if (media_type == type) return true;
    }
    return false;
}

Document::Document(DocumentKind kind, std::string media_type, bool media_type_in_body, std::string bytes, Digest digest,
                   Body body, std::vector<DocumentNote> notes)
    : m_kind(kind), m_media_type(std::move(media_type)), m_media_type_in_body(media_type_in_body),
      m_bytes(std::move(bytes)), m_digest(std::move(digest)), m_body(std::move(body)), m_notes(std::move(notes)) {}

std::vector<DescriptorRef> Document::descriptors() const {
    std::vector<DescriptorRef> refs;
    if (const auto *index = std::get_if<Index>(&m_body)) {
        for (std::size_t i = 0; i < index->manifests.size(); ++i)
            refs.push_back({DescriptorRole::IndexEntry, i, &index->manifests[i]});
    } else if (const auto *manifest = std::get_if<Manifest>(&m_body)) {
        if (manifest->config) refs.push_back({DescriptorRole::Config, 0, &*manifest->config});
        for (std::size_t i = 0; i < manifest->layers.size(); ++i)
            refs.push_back({DescriptorRole::Layer, i, &manifest->layers[i]});
    }
    if (const Descriptor *found = subject()) refs.push_back({DescriptorRole::Subject, 0, found});
    return refs;
}

const Descriptor *Document::subject() const noexcept {
    if (const auto *index = std::get_if<Index>(&m_body)) return index->subject ? &*index->subject : nullptr;
    if (const auto *manifest = std::get_if<Manifest>(&m_body)) return manifest->subject ? &*manifest->subject : nullptr;
    return nullptr;
}

std::string_view Document::artifact_type() const noexcept {
    if (const auto *index = std::get_if<Index>(&m_body)) return index->artifact_type;
    if (const auto *manifest = std::get_if<Manifest>(&m_body)) return manifest->artifact_type;
    return {};
}

const std::map<std::string, std::string> &Document::annotations() const noexcept {
    static const std::map<std::string, std::string> none;
    if (const auto *index = std::get_if<Index>(&m_body)) return index->annotations;
    if (const auto *manifest = std::get_if<Manifest>(&m_body)) return manifest->annotations;
    return none;
}

bool Manifest::is_artifact() const {
    return !config || !artifact_type.empty() || media::essence(config->media_type) == media::oci_empty;
}

ConfigKind Manifest::config_kind() const {
    if (is_artifact()) return ConfigKind::Other;
    if (media::classify(config->media_type) == media::Kind::Config) return ConfigKind::Image;
    return is_legacy_config_type(config->media_type) ? ConfigKind::LegacyImage : ConfigKind::Other;
}

} // namespace digestx

#include "digestx/render/which.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"

namespace digestx::render {
namespace {

using Json = nlohmann::ordered_json;

std::string shown(const std::string &digest, bool full) {
    return full ? digest : short_digest(digest);
}

void write_place(std::ostream &out, const WhichFound &image, const WhichPlace &place, bool full) {
    out << "  " << sanitize(place.title, 200) << ": " << sanitize(place.sentence, 1000) << "\n";
    // An attestation is about the image it describes; a config belongs to its manifest.
    if (place.describes) {
        out << "    " << (place.role == Role::Attestation ? "about " : "of ") << shown(*place.describes, full) << "\n";
    }
    for (const auto &holder : place.holders) {
        out << "    " << (place.kind == WhichKind::DiffId ? "diff_id " : "layer ") << holder.position << " of "
            << sanitize(holder.title, 200) << " " << shown(image.tree->nodes[holder.node].digest_text(), full);
        if (place.kind == WhichKind::DiffId) out << " (compressed " << shown(holder.compressed, full) << ")";
        out << "\n";
    }
}

Json place_json(const WhichFound &image, const WhichPlace &place) {
    Json out;
    out["kind"] = which_kind_name(place.kind);
    out["role"] = place.kind == WhichKind::Document ? Json(role_name(place.role)) : Json(nullptr);
    out["title"] = sanitize(place.title, 200);
    out["sentence"] = sanitize(place.sentence, 1000);
    out["describes"] = place.describes ? Json(*place.describes) : Json(nullptr);
    Json holders = Json::array();
    for (const auto &holder : place.holders) {
        holders.push_back({{"manifest", image.tree->nodes[holder.node].digest_text()},
                           {"title", sanitize(holder.title, 200)},
                           {"position", holder.position},
                           {"layer", holder.compressed},
                           {"diffId", holder.id ? Json(*holder.id) : Json(nullptr)}});
    }
    out["holders"] = std::move(holders);
    out["imageCount"] = place.kind == WhichKind::Document ? Json(nullptr) : Json(place.image_count);
    return out;
}

} // namespace

void write_which_text(std::ostream &out, const std::string &digest, const std::vector<WhichFound> &found,
                      bool full_digests) {
    for (const auto &image : found) {
        out << digest << " in " << sanitize(image.reference, 1000);
        if (!image.origins.empty()) {
            std::string origins;
            for (const auto &origin : image.origins)
                origins += (origins.empty() ? "" : ", ") + sanitize(origin, 300);
            out << " (" << origins << ")";
        }
        out << "\n";
        for (const auto &place : image.places)
            write_place(out, image, place, full_digests);
    }
}

void write_which_json(std::ostream &out, const std::string &query, const std::string &digest,
                      const std::vector<WhichFound> &found) {
    Json document;
    document["schemaVersion"] = 1;
    document["query"] = sanitize(query, 200);
    document["digest"] = digest;
    Json images = Json::array();
    for (const auto &image : found) {
        Json entry;
        entry["reference"] = sanitize(image.reference, 1000);
        Json origins = Json::array();
        for (const auto &origin : image.origins)
            origins.push_back(sanitize(origin, 300));
        entry["origins"] = std::move(origins);
        Json places = Json::array();
        for (const auto &place : image.places)
            places.push_back(place_json(image, place));
        entry["places"] = std::move(places);
        images.push_back(std::move(entry));
    }
    document["images"] = std::move(images);
    out << document.dump(2) << "\n";
}

} // namespace digestx::render

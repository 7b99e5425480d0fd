// The image config subset that explains digests: the config's own sha256 is the image ID
// `docker images` shows, and rootfs.diff_ids are the uncompressed layer digests (image-spec
// config.md), which differ from the compressed layer digests of the manifest.

#include "digestx/core/json.hpp"
#include "digestx/core/model.hpp"
#include "model_fields.hpp"

namespace digestx {
namespace {

using model_detail::json;

Result<std::vector<DeclaredDigest>> read_rootfs(const json &root, ImageConfig &config) {
    std::vector<DeclaredDigest> diff_ids;
    const json *rootfs = model_detail::find_field(root, "rootfs");
    if (rootfs == nullptr) return diff_ids;
    if (!rootfs->is_object()) return fail(ErrorCode::Integrity, "field \"rootfs\" must be an object in image config");
    if (auto ok = model_detail::check_spelling(*rootfs, {"type", "diff_ids"}, "image config rootfs", "image config");
        !ok) {
        return fail(std::move(ok.error()));
    }
    auto type = model_detail::read_string(*rootfs, "type", "image config rootfs");
    if (!type) return fail(std::move(type.error()));
    config.rootfs_type = std::move(*type);
    auto texts = model_detail::read_strings(*rootfs, "diff_ids", "image config rootfs");
    if (!texts) return fail(std::move(texts.error()));
    for (std::size_t i = 0; i < texts->size(); ++i) {
        auto digest = DeclaredDigest::parse((*texts)[i]);
        if (!digest) {
            return fail(ErrorCode::Integrity,
                        "invalid digest in rootfs.diff_ids entry " + std::to_string(i) + ": " + digest.error().message);
        }
        diff_ids.push_back(std::move(*digest));
    }
    return diff_ids;
}

Result<HistoryEntry> read_history_entry(const json &value, std::size_t position) {
    std::string where = "image config history entry " + std::to_string(position);
    if (!value.is_object()) return fail(ErrorCode::Integrity, where + " is not an object");
    if (auto ok = model_detail::check_spelling(value, {"created", "created_by", "author", "comment", "empty_layer"},
                                               where, "image config");
        !ok) {
        return fail(std::move(ok.error()));
    }
    HistoryEntry entry;
    for (auto [key, target] : {std::pair{"created", &entry.created}, std::pair{"created_by", &entry.created_by},
                               std::pair{"author", &entry.author}, std::pair{"comment", &entry.comment}}) {
        auto text = model_detail::read_string(value, key, where);
        if (!text) return fail(std::move(text.error()));
        *target = std::move(*text);
    }
    if (const json *empty = model_detail::find_field(value, "empty_layer")) {
        if (!empty->is_boolean())
            return fail(ErrorCode::Integrity, "field \"empty_layer\" must be a boolean in " + where);
        entry.empty_layer = empty->get<bool>();
    }
    return entry;
}

Result<std::vector<HistoryEntry>> read_history(const json &root) {
    std::vector<HistoryEntry> history;
    const json *entries = model_detail::find_field(root, "history");
    if (entries == nullptr) return history;
    if (!entries->is_array()) return fail(ErrorCode::Integrity, "field \"history\" must be an array in image config");
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto entry = read_history_entry((*entries)[i], i);
        if (!entry) return fail(std::move(entry.error()));
        history.push_back(std::move(*entry));
    }
    return history;
}

} // namespace

Result<ImageConfig> parse_image_config(std::string_view bytes) {
    auto root = parse_json_strict(bytes, JsonReadOptions{"image config", json_max_depth, true});
    if (!root) return fail(std::move(root.error()));
    if (!root->is_object()) return fail(ErrorCode::Integrity, "image config is not a JSON object");
    if (auto ok = model_detail::check_spelling(
            *root, {"os", "architecture", "variant", "os.version", "os.features", "created", "rootfs", "history"}, "",
            "image config");
        !ok) {
        return fail(std::move(ok.error()));
    }
    ImageConfig config{std::string(bytes), Digest::compute(bytes), {}, {}, {}, {}, {}, {}, {}, {}, {}};
    for (auto [key, target] : {std::pair{"os", &config.os}, std::pair{"architecture", &config.architecture},
                               std::pair{"variant", &config.variant}, std::pair{"os.version", &config.os_version},
                               std::pair{"created", &config.created}}) {
        auto text = model_detail::read_string(*root, key, "image config");
        if (!text) return fail(std::move(text.error()));
        *target = std::move(*text);
    }
    auto os_features = model_detail::read_strings(*root, "os.features", "image config");
    if (!os_features) return fail(std::move(os_features.error()));
    config.os_features = std::move(*os_features);
    auto diff_ids = read_rootfs(*root, config);
    if (!diff_ids) return fail(std::move(diff_ids.error()));
    config.diff_ids = std::move(*diff_ids);
    auto history = read_history(*root);
    if (!history) return fail(std::move(history.error()));
    config.history = std::move(*history);
    return config;
}

} // namespace digestx

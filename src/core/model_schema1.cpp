// Docker schema1 manifests. A signed one is a libtrust "pretty signature": the manifest JSON
// with a `signatures` array spliced in before its closing brace. Each signature's protected
// header records `formatLength` (the bytes of the original JSON before the splice) and
// `formatTail` (base64url of what followed them, usually "\n}"); the manifest digest registries
// compute is the sha256 of that original JSON (distribution manifest/schema1 SignedManifest
// .Canonical, docker/libtrust ParsePrettySignature).
//
// Anything else outside the signed bytes is not covered by the digest or the signatures. moby
// reads the fields from the payload alone (distribution/pull_v2.go verifySchema1Manifest, and
// TestValidateManifest accepts fixtures/validate_manifest/extra_data_manifest, whose unsigned part
// repeats `fsLayers`), as does the registry (SignedManifest.UnmarshalJSON); containers/image reads
// the whole text (manifest/docker_schema1.go Schema1FromManifest, Go's last-key-wins). Here the
// payload is what is read, and the unsigned keys are reported.

#include <algorithm>
#include <array>

#include "digestx/core/json.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/text.hpp"
#include "model_fields.hpp"

namespace digestx {
namespace {

using model_detail::json;

struct PrettyFormat {
    std::int64_t length = 0;
    std::string tail;
};

Result<PrettyFormat> read_protected_header(const json &signature, std::size_t position) {
    std::string where = "schema1 signature " + std::to_string(position);
    if (!signature.is_object()) return fail(ErrorCode::Integrity, "invalid " + where + ": not an object");
    const json *protected_value = model_detail::find_field(signature, "protected");
    const json *signature_value = model_detail::find_field(signature, "signature");
    const json *header = model_detail::find_field(signature, "header");
    if (protected_value == nullptr || !protected_value->is_string() || signature_value == nullptr ||
        !signature_value->is_string() || header == nullptr || !header->is_object()) {
        return fail(ErrorCode::Integrity, "invalid " + where + ": needs header, signature and protected");
    }
    auto decoded = model_detail::decode_base64(protected_value->get_ref<const std::string &>(), true);
    if (!decoded) return fail(ErrorCode::Integrity, "invalid " + where + ": protected header is not base64url");
    auto fields = parse_json_strict(*decoded, JsonReadOptions{"schema1 protected header", json_max_depth, false});
    if (!fields) return fail(std::move(fields.error()));
    if (!fields->is_object())
        return fail(ErrorCode::Integrity, "invalid " + where + ": protected header is not an object");
    const json *length = model_detail::find_field(*fields, "formatLength");
    std::optional<std::int64_t> format_length = length ? as_non_negative_integer(*length) : std::nullopt;
    if (!format_length) {
        return fail(ErrorCode::Integrity, "invalid " + where + ": formatLength must be a non-negative integer");
    }
    const json *tail = model_detail::find_field(*fields, "formatTail");
    std::optional<std::string> format_tail;
    if (tail != nullptr && tail->is_string()) {
        format_tail = model_detail::decode_base64(tail->get_ref<const std::string &>(), true);
    }
    if (!format_tail) return fail(ErrorCode::Integrity, "invalid " + where + ": formatTail must be base64url");
    return PrettyFormat{*format_length, std::move(*format_tail)};
}

struct SignedPayload {
    std::string bytes;
    std::size_t format_length = 0;
};

Result<SignedPayload> payload_of(std::string_view bytes, const json &root) {
    const json *signatures = model_detail::find_field(root, "signatures");
    if (signatures == nullptr || !signatures->is_array()) {
        return fail(ErrorCode::Integrity, "invalid schema1 signatures: expected an array");
    }
    // libtrust accepts an empty array and then hashes an empty payload; no registry would
    // serve that, so it is refused here.
    if (signatures->empty()) return fail(ErrorCode::Integrity, "invalid schema1 signatures: the array is empty");
    std::optional<PrettyFormat> agreed;
    for (std::size_t i = 0; i < signatures->size(); ++i) {
        auto format = read_protected_header((*signatures)[i], i);
        if (!format) return fail(std::move(format.error()));
        if (agreed && (agreed->length != format->length || agreed->tail != format->tail)) {
            return fail(ErrorCode::Integrity, "invalid schema1 signatures: formatLength or formatTail differ");
        }
        agreed = std::move(*format);
    }
    if (static_cast<std::uint64_t>(agreed->length) > bytes.size()) {
        return fail(ErrorCode::Integrity, "invalid schema1 signatures: formatLength " + std::to_string(agreed->length) +
                                              " exceeds the manifest's " + std::to_string(bytes.size()) + " bytes");
    }
    auto length = static_cast<std::size_t>(agreed->length);
    std::string payload(bytes.substr(0, length));
    payload += agreed->tail;
    return SignedPayload{std::move(payload), length};
}

// Keys that decide what kind of document a reader of the whole text sees: outside the signature
// they could make it another document than the signed one (CVE-2021-41190), so they are refused.
constexpr std::array<std::string_view, 5> kind_keys{"schemaversion", "mediatype", "config", "layers", "manifests"};

// The members after the signed payload. libtrust's PrettySignature writes the payload up to its
// last member, then `,`, the `signatures` member and the closing brace; whatever else sits there
// is unsigned. Those members are read as an object of their own, strictly: a key repeated among
// them, or anything that is not object members, is refused.
Result<std::vector<std::string>> unsigned_keys_of(std::string_view bytes, std::size_t format_length) {
    std::string_view rest = bytes.substr(format_length);
    std::size_t first = rest.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && rest[first] == '}' &&
        rest.find_first_not_of(" \t\r\n", first + 1) == std::string_view::npos) {
        return std::vector<std::string>{}; // the signatures lie inside the payload: nothing is unsigned
    }
    if (first == std::string_view::npos || rest[first] != ',') {
        return fail(ErrorCode::Integrity, "invalid schema1 signatures: formatLength " + std::to_string(format_length) +
                                              " does not end the payload where a member of the manifest ends");
    }
    std::string members = "{" + std::string(rest.substr(first + 1));
    auto outside = parse_json_strict(members, JsonReadOptions{"schema1 unsigned part", json_max_depth, false});
    if (!outside) return fail(std::move(outside.error()));
    std::vector<std::string> keys;
    for (const auto &item : outside->items()) {
        if (item.key() == "signatures") continue;
        std::string folded = fold_json_key(item.key());
        if (std::find(kind_keys.begin(), kind_keys.end(), folded) != kind_keys.end()) {
            return fail(ErrorCode::Integrity, "ambiguous manifest: key " + digestx::quoted(item.key()) +
                                                  " outside the signed payload of a schema1 manifest");
        }
        keys.push_back(item.key());
    }
    return keys;
}

Result<std::vector<DeclaredDigest>> read_fs_layers(const json &manifest) {
    std::vector<DeclaredDigest> layers;
    const json *fs_layers = model_detail::find_field(manifest, "fsLayers");
    if (fs_layers == nullptr) return layers;
    if (!fs_layers->is_array()) return fail(ErrorCode::Integrity, "field \"fsLayers\" must be an array");
    for (std::size_t i = 0; i < fs_layers->size(); ++i) {
        std::string where = "schema1 fsLayer " + std::to_string(i);
        const json &layer = (*fs_layers)[i];
        if (!layer.is_object()) return fail(ErrorCode::Integrity, where + " is not an object");
        if (auto ok = model_detail::check_spelling(layer, {"blobSum"}, where); !ok) return fail(std::move(ok.error()));
        auto text = model_detail::read_string(layer, "blobSum", where);
        if (!text) return fail(std::move(text.error()));
        auto digest = DeclaredDigest::parse(*text);
        if (!digest) return fail(ErrorCode::Integrity, "invalid digest in " + where + ": " + digest.error().message);
        layers.push_back(std::move(*digest));
    }
    return layers;
}

Result<std::vector<std::string>> read_history(const json &manifest) {
    std::vector<std::string> history;
    const json *entries = model_detail::find_field(manifest, "history");
    if (entries == nullptr) return history;
    if (!entries->is_array()) return fail(ErrorCode::Integrity, "field \"history\" must be an array");
    for (std::size_t i = 0; i < entries->size(); ++i) {
        std::string where = "schema1 history entry " + std::to_string(i);
        const json &entry = (*entries)[i];
        if (!entry.is_object()) return fail(ErrorCode::Integrity, where + " is not an object");
        if (auto ok = model_detail::check_spelling(entry, {"v1Compatibility"}, where); !ok) {
            return fail(std::move(ok.error()));
        }
        auto text = model_detail::read_string(entry, "v1Compatibility", where);
        if (!text) return fail(std::move(text.error()));
        history.push_back(std::move(*text));
    }
    return history;
}

Result<Schema1Manifest> read_fields(const json &manifest, std::string payload) {
    if (auto ok = model_detail::check_spelling(
            manifest,
            {"schemaVersion", "mediaType", "name", "tag", "architecture", "fsLayers", "history", "signatures"}, "");
        !ok) {
        return fail(std::move(ok.error()));
    }
    Schema1Manifest schema1;
    for (auto [key, target] : {std::pair{"name", &schema1.name}, std::pair{"tag", &schema1.tag},
                               std::pair{"architecture", &schema1.architecture}}) {
        auto text = model_detail::read_string(manifest, key, "the schema1 manifest");
        if (!text) return fail(std::move(text.error()));
        *target = std::move(*text);
    }
    auto layers = read_fs_layers(manifest);
    if (!layers) return fail(std::move(layers.error()));
    auto history = read_history(manifest);
    if (!history) return fail(std::move(history.error()));
    // Each fsLayer has its v1Compatibility entry; distribution refuses a manifest where they
    // do not pair up.
    if (layers->size() != history->size()) {
        return fail(ErrorCode::Integrity, "schema1 manifest has " + std::to_string(layers->size()) + " fsLayers but " +
                                              std::to_string(history->size()) + " history entries");
    }
    schema1.fs_layers = std::move(*layers);
    schema1.history = std::move(*history);
    schema1.payload = std::move(payload);
    return schema1;
}

} // namespace

Result<std::string> schema1_signed_payload(std::string_view bytes) {
    // libtrust reads the outer text as a Go map, so a key repeated outside the payload is no
    // obstacle to finding the signatures; what the payload holds is parse_document's concern.
    JsonReadOptions options{"manifest", json_max_depth, false};
    options.allow_duplicate_keys = true;
    auto root = parse_json_strict(bytes, options);
    if (!root) return fail(std::move(root.error()));
    if (!root->is_object()) return fail(ErrorCode::Integrity, "manifest is not a JSON object");
    auto payload = payload_of(bytes, *root);
    if (!payload) return fail(std::move(payload.error()));
    return std::move(payload->bytes);
}

namespace model_detail {

Result<Schema1Manifest> read_schema1(std::string_view bytes, const json &root, bool is_signed) {
    if (!is_signed) return read_fields(root, std::string(bytes));
    auto payload = payload_of(bytes, root);
    if (!payload) return fail(std::move(payload.error()));
    std::size_t signature_count = root["signatures"].size();
    // The payload is what registries and docker read; the fields come from it, not from the
    // outer document (anything outside the signed bytes is ignored by them too).
    auto signed_root = parse_json_strict(payload->bytes, JsonReadOptions{"schema1 payload", json_max_depth, false});
    if (!signed_root) return fail(std::move(signed_root.error()));
    if (!signed_root->is_object()) return fail(ErrorCode::Integrity, "schema1 payload is not a JSON object");
    const json *version = find_field(*signed_root, "schemaVersion");
    if (version == nullptr || as_non_negative_integer(*version) != std::optional<std::int64_t>(1)) {
        return fail(ErrorCode::Integrity, "schema1 payload must have schemaVersion 1");
    }
    auto unsigned_keys = unsigned_keys_of(bytes, payload->format_length);
    if (!unsigned_keys) return fail(std::move(unsigned_keys.error()));
    auto schema1 = read_fields(*signed_root, std::move(payload->bytes));
    if (!schema1) return fail(std::move(schema1.error()));
    schema1->signature_count = signature_count;
    schema1->unsigned_keys = std::move(*unsigned_keys);
    return schema1;
}

} // namespace model_detail
} // namespace digestx

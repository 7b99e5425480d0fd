#include <algorithm>

#include "digestx/core/json.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/text.hpp"
#include "model_fields.hpp"

namespace digestx {
namespace {

// Longer digests are refused outright: the longest registered one (sha512) is 135 characters,
// and a 1 MB "digest" must not reach a message, a path or a URL (fault catalogue B10).
constexpr std::size_t max_digest_length = 256;

bool is_lower_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// go-digest's grammar: algorithm components [a-z0-9]+ joined by one of [+._-], then ':', then
// an encoded part of [a-zA-Z0-9=_-]+.
bool is_digest_grammar(std::string_view algorithm, std::string_view encoded) {
    if (algorithm.empty() || encoded.empty()) return false;
    bool after_separator = true;
    for (char c : algorithm) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        bool separator = c == '+' || c == '.' || c == '_' || c == '-';
        if (!alnum && !separator) return false;
        if (separator && after_separator) return false;
        after_separator = separator;
    }
    if (after_separator) return false;
    return std::all_of(encoded.begin(), encoded.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' || c == '_' ||
               c == '-';
    });
}

// Registered algorithms digestx cannot hash still have a fixed encoding (image-spec
// descriptor.md "Registered algorithms"; go-digest for sha384): check it, so a malformed
// blake3 digest is refused rather than shown as merely unverifiable.
std::optional<std::size_t> registered_hex_length(std::string_view algorithm) {
    if (algorithm == "sha384") return 96;
    if (algorithm == "blake3") return 64;
    return std::nullopt;
}

Result<DescriptorPlatform> read_platform(const nlohmann::json &value, const std::string &where) {
    std::string at = where + " platform";
    if (!value.is_object()) return fail(ErrorCode::Integrity, "platform must be an object in " + where);
    if (auto ok = model_detail::check_spelling(
            value, {"os", "architecture", "variant", "os.version", "os.features", "features"}, at);
        !ok) {
        return fail(std::move(ok.error()));
    }
    DescriptorPlatform platform;
    for (auto [key, target] :
         {std::pair{"os", &platform.os}, std::pair{"architecture", &platform.architecture},
          std::pair{"variant", &platform.variant}, std::pair{"os.version", &platform.os_version}}) {
        auto text = model_detail::read_string(value, key, at);
        if (!text) return fail(std::move(text.error()));
        *target = std::move(*text);
    }
    auto os_features = model_detail::read_strings(value, "os.features", at);
    if (!os_features) return fail(std::move(os_features.error()));
    auto features = model_detail::read_strings(value, "features", at);
    if (!features) return fail(std::move(features.error()));
    platform.os_features = std::move(*os_features);
    platform.features = std::move(*features);
    return platform;
}

Result<DeclaredDigest> read_digest_field(const nlohmann::json &object, const std::string &where) {
    const nlohmann::json *value = model_detail::find_field(object, "digest");
    if (value == nullptr) return fail(ErrorCode::Integrity, "invalid digest in " + where + ": digest is missing");
    if (!value->is_string()) return fail(ErrorCode::Integrity, "invalid digest in " + where + ": not a string");
    auto digest = DeclaredDigest::parse(value->get_ref<const std::string &>());
    if (!digest) return fail(ErrorCode::Integrity, "invalid digest in " + where + ": " + digest.error().message);
    return digest;
}

Result<std::int64_t> read_size_field(const nlohmann::json &object, const std::string &where) {
    const nlohmann::json *value = model_detail::find_field(object, "size");
    if (value == nullptr) return fail(ErrorCode::Integrity, "descriptor size is missing in " + where);
    auto size = as_non_negative_integer(*value);
    if (!size) return fail(ErrorCode::Integrity, "descriptor size must be a non-negative integer in " + where);
    return *size;
}

// Reads the annotations, and the buildx reference digest among them, validated like any
// digest a later step may look up (fault catalogue rule 5).
Result<void> read_annotations(const nlohmann::json &object, const std::string &where, Descriptor &descriptor) {
    auto annotations = model_detail::read_string_map(object, "annotations", where);
    if (!annotations) return fail(std::move(annotations.error()));
    descriptor.annotations = std::move(*annotations);
    for (std::string_view key : {annotation_reference_digest, annotation_reference_digest_com}) {
        auto found = descriptor.annotations.find(std::string(key));
        if (found == descriptor.annotations.end()) continue;
        auto digest = DeclaredDigest::parse(found->second);
        if (!digest) {
            return fail(ErrorCode::Integrity, "invalid digest in annotation " + std::string(key) + " of " + where +
                                                  ": " + digest.error().message);
        }
        if (!descriptor.reference_digest) descriptor.reference_digest = std::move(*digest);
    }
    return {};
}

} // namespace

Result<DeclaredDigest> DeclaredDigest::parse(std::string_view text) {
    if (text.size() > max_digest_length) {
        return fail(ErrorCode::Integrity,
                    "invalid digest format: longer than " + std::to_string(max_digest_length) + " characters");
    }
    auto colon = text.find(':');
    std::string_view algorithm = text.substr(0, colon == std::string_view::npos ? 0 : colon);
    std::string_view encoded = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!is_digest_grammar(algorithm, encoded)) {
        return fail(ErrorCode::Integrity, "invalid digest format: expected algorithm:encoded");
    }
    if (algorithm == "sha256" || algorithm == "sha512") {
        auto digest = Digest::parse(text);
        if (!digest) return fail(ErrorCode::Integrity, digest.error().message);
        return DeclaredDigest(std::string(text), std::move(*digest));
    }
    if (auto length = registered_hex_length(algorithm);
        length && (encoded.size() != *length || !is_lower_hex(encoded))) {
        return fail(ErrorCode::Integrity, "invalid digest format: " + std::string(algorithm) + " digest must be " +
                                              std::to_string(*length) + " lowercase hex characters");
    }
    return DeclaredDigest(std::string(text), std::nullopt);
}

DeclaredDigest::DeclaredDigest(Digest digest) : m_text(digest.str()), m_digest(std::move(digest)) {}

Result<Digest> DeclaredDigest::require_verifiable() const {
    if (m_digest) return *m_digest;
    return fail(ErrorCode::Integrity, "cannot verify digest algorithm " + digestx::quoted(algorithm()));
}

std::string_view DeclaredDigest::algorithm() const noexcept {
    return std::string_view(m_text).substr(0, m_text.find(':'));
}

std::optional<std::string_view> Descriptor::annotation(std::string_view key) const {
    auto found = annotations.find(std::string(key));
    if (found == annotations.end()) return std::nullopt;
    return std::string_view(found->second);
}

std::string_view Descriptor::reference_type() const {
    return annotation(annotation_reference_type).value_or(std::string_view());
}

bool Descriptor::is_attestation() const {
    return reference_type() == reference_type_attestation;
}

std::optional<DeclaredDigest> Descriptor::attests() const {
    if (!is_attestation()) return std::nullopt;
    return reference_digest;
}

bool Descriptor::data_matches() const {
    if (!data || !digest.verifiable()) return false;
    auto decoded = model_detail::decode_base64(*data, false);
    return decoded && static_cast<std::int64_t>(decoded->size()) == size && digest.digest()->matches(*decoded);
}

namespace model_detail {

Result<Descriptor> read_descriptor(const json &value, std::string_view where_view) {
    std::string where(where_view);
    if (!value.is_object()) return fail(ErrorCode::Integrity, where + " is not a descriptor object");
    if (auto ok = check_spelling(
            value, {"mediaType", "digest", "size", "platform", "annotations", "artifactType", "urls", "data"}, where);
        !ok) {
        return fail(std::move(ok.error()));
    }
    auto media_type = read_string(value, "mediaType", where);
    if (!media_type) return fail(std::move(media_type.error()));
    auto digest = read_digest_field(value, where);
    if (!digest) return fail(std::move(digest.error()));
    auto size = read_size_field(value, where);
    if (!size) return fail(std::move(size.error()));
    Descriptor descriptor{std::move(*media_type), std::move(*digest), *size, {}, {}, {}, {}, {}, {}};
    if (const json *platform = find_field(value, "platform")) {
        auto parsed = read_platform(*platform, where);
        if (!parsed) return fail(std::move(parsed.error()));
        descriptor.platform = std::move(*parsed);
    }
    if (auto ok = read_annotations(value, where, descriptor); !ok) return fail(std::move(ok.error()));
    auto artifact_type = read_string(value, "artifactType", where);
    if (!artifact_type) return fail(std::move(artifact_type.error()));
    descriptor.artifact_type = std::move(*artifact_type);
    auto urls = read_strings(value, "urls", where);
    if (!urls) return fail(std::move(urls.error()));
    descriptor.urls = std::move(*urls);
    if (const json *data = find_field(value, "data")) {
        // Go decodes a []byte field as padded standard base64 and fails the whole document
        // otherwise; so does this reader.
        if (!data->is_string() || !decode_base64(data->get_ref<const std::string &>(), false)) {
            return fail(ErrorCode::Integrity, "field \"data\" must be base64 in " + where);
        }
        descriptor.data = data->get<std::string>();
    }
    return descriptor;
}

} // namespace model_detail
} // namespace digestx

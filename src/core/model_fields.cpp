#include "model_fields.hpp"

#include <array>

#include "digestx/core/json.hpp"
#include "digestx/core/text.hpp"

namespace digestx::model_detail {
namespace {

std::string in(std::string_view where) {
    return where.empty() ? std::string() : " in " + std::string(where);
}

Error type_error(std::string_view key, std::string_view expected, std::string_view where) {
    return Error::of(ErrorCode::Integrity,
                     "field " + digestx::quoted(key) + " must be " + std::string(expected) + in(where));
}

// Value of a base64 digit, or -1.
int base64_digit(char c, bool url_alphabet) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url_alphabet ? '-' : '+')) return 62;
    if (c == (url_alphabet ? '_' : '/')) return 63;
    return -1;
}

} // namespace

const json *find_field(const json &object, std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

bool has_field_folded(const json &object, std::string_view folded_name) {
    for (const auto &[key, value] : object.items()) {
        if (!value.is_null() && fold_json_key(key) == folded_name) return true;
    }
    return false;
}

Result<void> check_spelling(const json &object, std::initializer_list<std::string_view> known, std::string_view where,
                            std::string_view document) {
    for (const auto &item : object.items()) {
        const std::string &key = item.key();
        std::string folded = fold_json_key(key);
        for (std::string_view name : known) {
            if (key != name && folded == fold_json_key(name)) {
                return fail(ErrorCode::Integrity, "ambiguous " + std::string(document) + ": key " +
                                                      digestx::quoted(key) + " differs only in case from " +
                                                      digestx::quoted(name) + in(where));
            }
        }
    }
    return {};
}

Result<std::string> read_string(const json &object, std::string_view key, std::string_view where) {
    const json *value = find_field(object, key);
    if (value == nullptr) return std::string();
    if (!value->is_string()) return fail(type_error(key, "a string", where));
    return value->get<std::string>();
}

Result<std::vector<std::string>> read_strings(const json &object, std::string_view key, std::string_view where) {
    std::vector<std::string> out;
    const json *value = find_field(object, key);
    if (value == nullptr) return out;
    if (!value->is_array()) return fail(type_error(key, "an array of strings", where));
    for (const auto &element : *value) {
        if (!element.is_string()) return fail(type_error(key, "an array of strings", where));
        out.push_back(element.get<std::string>());
    }
    return out;
}

Result<std::map<std::string, std::string>> read_string_map(const json &object, std::string_view key,
                                                           std::string_view where) {
    std::map<std::string, std::string> out;
    const json *value = find_field(object, key);
    if (value == nullptr) return out;
    if (!value->is_object()) return fail(type_error(key, "an object of strings", where));
    for (const auto &[name, element] : value->items()) {
        if (!element.is_string()) return fail(type_error(key, "an object of strings", where));
        out.emplace(name, element.get<std::string>());
    }
    return out;
}

Result<std::vector<Descriptor>> read_descriptors(const json &object, std::string_view key, std::string_view label) {
    std::vector<Descriptor> out;
    const json *value = find_field(object, key);
    if (value == nullptr) return out;
    if (!value->is_array()) return fail(type_error(key, "an array of descriptors", ""));
    out.reserve(value->size());
    for (std::size_t i = 0; i < value->size(); ++i) {
        auto descriptor = read_descriptor((*value)[i], std::string(label) + " " + std::to_string(i));
        if (!descriptor) return fail(std::move(descriptor.error()));
        out.push_back(std::move(*descriptor));
    }
    return out;
}

Result<std::optional<Descriptor>> read_optional_descriptor(const json &object, std::string_view key,
                                                           std::string_view where) {
    const json *value = find_field(object, key);
    if (value == nullptr) return std::optional<Descriptor>();
    auto descriptor = read_descriptor(*value, where);
    if (!descriptor) return fail(std::move(descriptor.error()));
    return std::optional<Descriptor>(std::move(*descriptor));
}

std::optional<std::string> decode_base64(std::string_view text, bool url_alphabet) {
    std::size_t padding = 0;
    while (!text.empty() && text.back() == '=' && padding < 2) {
        text.remove_suffix(1);
        ++padding;
    }
    // With padding the whole must be a multiple of 4; without (base64url only) a remainder of
    // 1 digit can never encode a byte.
    if (padding > 0 && (text.size() + padding) % 4 != 0) return std::nullopt;
    if (padding == 0 && !url_alphabet && text.size() % 4 != 0) return std::nullopt;
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (char c : text) {
        int digit = base64_digit(c, url_alphabet);
        if (digit < 0) return std::nullopt;
        accumulator = (accumulator << 6U) | static_cast<std::uint32_t>(digit);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((accumulator >> static_cast<unsigned>(bits)) & 0xFFU));
        }
    }
    // Leftover bits are ignored, as Go's non-Strict encodings ignore them.
    return out;
}

} // namespace digestx::model_detail

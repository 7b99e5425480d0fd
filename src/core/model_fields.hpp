#pragma once
// Internal to the model module: typed field readers over strict JSON, shared by the document,
// schema1 and image-config parsers. Go's encoding/json is the reference for what a field
// means: a null reads as absent, struct field names match case-insensitively.

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/error.hpp"
#include "digestx/core/model.hpp"

namespace digestx::model_detail {

using nlohmann::json;

// The member `key`, or nullptr when absent or null.
const json *find_field(const json &object, std::string_view key);

// True when the object has a non-null member whose name folds (Go-style) to `folded_name`.
bool has_field_folded(const json &object, std::string_view folded_name);

// Refuses keys that differ only in case from a field the reader knows: Go would read `Layers`
// as `layers`, a reader matching exactly would not see it.
// `document` names the kind in the message ("ambiguous manifest: …").
Result<void> check_spelling(const json &object, std::initializer_list<std::string_view> known, std::string_view where,
                            std::string_view document = "manifest");

// Typed readers; an absent or null member gives the empty value, a wrong type an Integrity error
// naming the field and `where`.
Result<std::string> read_string(const json &object, std::string_view key, std::string_view where);
Result<std::vector<std::string>> read_strings(const json &object, std::string_view key, std::string_view where);
Result<std::map<std::string, std::string>> read_string_map(const json &object, std::string_view key,
                                                           std::string_view where);

// One descriptor object; `where` names it in messages ("index entry 3", "config descriptor").
Result<Descriptor> read_descriptor(const json &value, std::string_view where);

// An array of descriptors under `key` (absent or null: none); entry i is "<label> i".
Result<std::vector<Descriptor>> read_descriptors(const json &object, std::string_view key, std::string_view label);

// An optional descriptor object under `key`.
Result<std::optional<Descriptor>> read_optional_descriptor(const json &object, std::string_view key,
                                                           std::string_view where);

// Base64 with padding (RFC 4648 §4, Go's StdEncoding as used for []byte fields), or base64url
// with optional padding (RFC 4648 §5, JOSE). nullopt when the text is not canonical base64.
std::optional<std::string> decode_base64(std::string_view text, bool url_alphabet);

// A schema1 document read from its root object; `is_signed` when it carries `signatures`.
Result<Schema1Manifest> read_schema1(std::string_view bytes, const json &root, bool is_signed);

} // namespace digestx::model_detail

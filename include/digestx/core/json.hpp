#pragma once
/// @file
/// A strict JSON reader: bytes → nlohmann::json, refusing what Go clients (containerd, docker,
/// containers/image) would read differently from nlohmann, so that digestx never explains a
/// document other than the one a registry client acts on (fault catalogue rules 3 and 4, B5, B7,
/// B8, B9).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "digestx/core/error.hpp"

namespace digestx {

/// The nesting cap (objects and arrays together): nlohmann parses iteratively, but its copy
/// constructor and dump() recurse (nlohmann/json#5387), so deeper documents are refused while
/// they are read, before anything deeper is built.
inline constexpr std::size_t json_max_depth = 64;

/// How strict JSON is read.
struct JsonReadOptions {
    /// What the bytes are, for messages: "malformed JSON in <what> at byte N", "empty <what>".
    std::string_view what = "manifest";
    /// Deepest nesting accepted; the top-level value counts as depth 1.
    std::size_t max_depth = json_max_depth;
    /// Whether one object may hold keys that differ only in case (`mediaType`, `MediaType`).
    /// Go's encoding/json matches struct fields case-insensitively, so in a manifest such keys
    /// are two readings of one field. Image configs carry free-form maps (Labels, Env-like
    /// objects) where such keys are legitimate, so their reader allows them and checks its known
    /// fields itself.
    bool allow_case_variant_keys = false;
    /// Whether a key may repeat in one object, the last value winning as in Go's encoding/json.
    /// Only for finding the `signatures` of a signed schema1 manifest the way libtrust
    /// ParsePrettySignature does (a Go map of the whole text); every part of the document that is
    /// interpreted is then read again without it.
    bool allow_duplicate_keys = false;
};

/// Parses `bytes` as one JSON value, strictly. Refused, with ErrorCode::Integrity:
/// an empty input ("empty manifest"); a leading UTF-8 byte order mark (nlohmann skips it, Go
/// fails); anything after the value but whitespace; a NUL byte anywhere (nlohmann stops reading
/// at it); invalid UTF-8; NaN, Infinity, comments and
/// other non-JSON (`malformed JSON in manifest at byte N: …`, N counting the bytes read up to
/// and including the offending one, like Go's SyntaxError.Offset); nesting deeper than
/// `options.max_depth` (`JSON nesting deeper than 64`); a key repeated in one object
/// (`duplicate JSON key "mediaType"`; Go keeps the last, others the first) unless allowed;
/// case-variant keys in
/// one object unless allowed; numbers out of the float range (`1e400`).
/// Numbers keep their lexical class: nlohmann stores an unsigned integer, a negative integer and
/// a float as distinct value types (is_number_unsigned(), is_number_integer(), is_number_float()).
Result<nlohmann::json> parse_json_strict(std::string_view bytes, const JsonReadOptions &options = {});

/// The key as Go's encoding/json compares struct field names: ASCII letters folded to lower
/// case, and the two non-ASCII runes that fold onto ASCII letters (U+017F LATIN SMALL LETTER LONG
/// S onto `s`, U+212A KELVIN SIGN onto `k`) replaced by them, so `"ſize"` reads as `"size"`.
std::string fold_json_key(std::string_view key);

/// The value as a non-negative int64, or nullopt: refuses floats (even `1e3` and `1.0`),
/// negative integers, strings such as `"12"`, and unsigned values above INT64_MAX (Go reads
/// descriptor sizes as int64, and 18446744073709551615 does not fit). Never casts a float.
std::optional<std::int64_t> as_non_negative_integer(const nlohmann::json &value) noexcept;

} // namespace digestx

#include "digestx/core/json.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "digestx/core/text.hpp"

namespace digestx {
namespace {

using nlohmann::json;

// Builds the value through nlohmann's SAX interface, like its own json_sax_dom_parser, but
// checks each event first: the parse stops at the first refusal, so a hostile document never
// grows deeper than the cap, and the caller gets the first cause.
class StrictBuilder {
public:
    StrictBuilder(const JsonReadOptions &options, std::size_t size) : m_options(options), m_size(size) {}

    bool null() { return add(json(nullptr)); }
    bool boolean(bool value) { return add(json(value)); }
    bool number_integer(json::number_integer_t value) { return add(json(value)); }
    bool number_unsigned(json::number_unsigned_t value) { return add(json(value)); }
    // nlohmann reports a float beyond the double range (1e400) as a parse error itself, as Go
    // does ("value out of range").
    bool number_float(json::number_float_t value, const json::string_t & /*text*/) { return add(json(value)); }
    bool string(json::string_t &value) { return add(json(std::move(value))); }
    bool binary(json::binary_t & /*value*/) { return refuse("binary values are not JSON"); }

    bool start_object(std::size_t /*elements*/) {
        if (!open(json(json::value_t::object))) return false;
        m_folded_keys.emplace_back();
        return true;
    }
    bool key(json::string_t &name) {
        const json &object = *m_stack.back();
        bool repeated = object.contains(name);
        if (repeated && !m_options.allow_duplicate_keys) {
            return refuse("duplicate JSON key " + digestx::quoted(name));
        }
        if (!m_options.allow_case_variant_keys) {
            auto [it, inserted] = m_folded_keys.back().emplace(fold_json_key(name), name);
            if (!inserted && !repeated)
                return refuse("case-variant JSON keys " + digestx::quoted(it->second) + " and " +
                              digestx::quoted(name));
        }
        m_key = std::move(name);
        return true;
    }
    bool end_object() {
        m_folded_keys.pop_back();
        m_stack.pop_back();
        return true;
    }
    bool start_array(std::size_t /*elements*/) { return open(json(json::value_t::array)); }
    bool end_array() {
        m_stack.pop_back();
        return true;
    }

    bool parse_error(std::size_t position, const std::string & /*last_token*/, const nlohmann::detail::exception &ex) {
        m_failed_at_end = position > m_size;
        // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 3:
        // <cause>" or "[json.exception.out_of_range.406] <cause>"; keep the cause (which may quote input bytes, hence
        // sanitize). The position counts the bytes read up to and including the offending one, like Go's
        // SyntaxError.Offset; nlohmann counts the end of input as one more byte.
        std::string cause = ex.what();
        if (cause.starts_with('[')) cause.erase(0, std::min(cause.size(), cause.find("] ") + 2));
        if (cause.starts_with("parse error")) cause.erase(0, std::min(cause.size(), cause.find(": ") + 2));
        return refuse("malformed JSON in " + std::string(m_options.what) + " at byte " +
                      std::to_string(std::min(position, m_size)) + ": " + sanitize(cause, 200));
    }

    [[nodiscard]] const std::optional<Error> &error() const { return m_error; }
    /// True when the parse failed because the input ended early.
    [[nodiscard]] bool failed_at_end() const { return m_failed_at_end; }
    json take() { return std::move(m_root); }

private:
    bool refuse(std::string message) {
        if (!m_error) m_error = Error::of(ErrorCode::Integrity, std::move(message));
        return false;
    }

    // Places a scalar or a new container where the parser is; returns where it now lives.
    json *place(json value) {
        if (m_stack.empty()) {
            m_root = std::move(value);
            return &m_root;
        }
        json &parent = *m_stack.back();
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            return &parent.back();
        }
        json &slot = parent[m_key];
        slot = std::move(value);
        return &slot;
    }

    bool add(json value) {
        place(std::move(value));
        return true;
    }

    bool open(json container) {
        if (m_stack.size() >= m_options.max_depth) {
            return refuse("JSON nesting deeper than " + std::to_string(m_options.max_depth));
        }
        m_stack.push_back(place(std::move(container)));
        return true;
    }

    const JsonReadOptions &m_options;
    std::size_t m_size;
    json m_root;
    std::vector<json *> m_stack;
    std::vector<std::map<std::string, std::string>> m_folded_keys;
    std::string m_key;
    std::optional<Error> m_error;
    bool m_failed_at_end = false;
};

} // namespace

Result<nlohmann::json> parse_json_strict(std::string_view bytes, const JsonReadOptions &options) {
    if (bytes.empty()) return fail(ErrorCode::Integrity, "empty " + std::string(options.what));
    if (bytes.starts_with("\xEF\xBB\xBF")) {
        return fail(ErrorCode::Integrity,
                    "malformed JSON in " + std::string(options.what) + " at byte 1: leading UTF-8 byte order mark");
    }
    // nlohmann's lexer takes a NUL byte for the end of input and would accept "{}\0garbage";
    // JSON has no place for a raw NUL (inside strings it is an unescaped control character).
    // So only the bytes before the first NUL are given to it, and the NUL is the fault when
    // they parse or end too early; an earlier fault is reported first.
    auto nul = bytes.find('\0');
    std::string_view readable = bytes.substr(0, nul);
    StrictBuilder builder(options, readable.size());
    bool ok = json::sax_parse(readable.begin(), readable.end(), &builder, json::input_format_t::json, true, false);
    if (nul != std::string_view::npos && (ok || builder.failed_at_end())) {
        return fail(ErrorCode::Integrity, "malformed JSON in " + std::string(options.what) + " at byte " +
                                              std::to_string(nul + 1) + ": NUL byte");
    }
    if (builder.error()) return fail(*builder.error());
    if (!ok) return fail(ErrorCode::Integrity, "malformed JSON in " + std::string(options.what));
    return builder.take();
}

std::string fold_json_key(std::string_view key) {
    std::string folded;
    folded.reserve(key.size());
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c >= 'A' && c <= 'Z') {
            folded.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (key.substr(i).starts_with("\xC5\xBF")) { // U+017F ſ
            folded.push_back('s');
            i += 1;
        } else if (key.substr(i).starts_with("\xE2\x84\xAA")) { // U+212A KELVIN SIGN
            folded.push_back('k');
            i += 2;
        } else {
            folded.push_back(c);
        }
    }
    return folded;
}

std::optional<std::int64_t> as_non_negative_integer(const nlohmann::json &value) noexcept {
    if (value.is_number_unsigned()) {
        auto number = value.get<json::number_unsigned_t>();
        if (number > static_cast<json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(number);
    }
    if (value.is_number_integer() && !value.is_number_unsigned()) {
        auto number = value.get<json::number_integer_t>();
        if (number < 0) return std::nullopt;
        return number;
    }
    return std::nullopt;
}

} // namespace digestx

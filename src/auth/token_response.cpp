// Reading a token endpoint's JSON answer with nlohmann's SAX interface: no document tree is
// built, nesting is bounded, and only the four top-level fields digestx uses are kept.

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "digestx/auth/token.hpp"
#include "digestx/core/text.hpp"

namespace digestx::auth {
namespace {

using Json = nlohmann::json;

// Integers too large for 64 bits arrive as doubles; casting one back would be undefined, so clamp
// (token_expiry caps the lifetime anyway). NaN and infinities count as absent.
std::optional<long long> clamp_to_integer(double value) {
    constexpr double limit = 1e18;
    if (!std::isfinite(value)) return std::nullopt;
    if (value >= limit) return static_cast<long long>(limit);
    if (value <= -limit) return -static_cast<long long>(limit);
    return static_cast<long long>(value);
}

// One of the top-level fields of interest, as read.
struct Field {
    bool seen = false;
    bool is_string = false;
    std::string text;
    std::optional<long long> number;
};

class TokenResponseReader final : public nlohmann::json_sax<Json> {
public:
    std::string failure;
    Field token, access_token, expires_in, issued_at;

    bool null() override {
        return scalar([](Field &) {});
    }
    bool boolean(bool /*value*/) override {
        return scalar([](Field &) {});
    }
    bool number_integer(number_integer_t value) override {
        return scalar([&](Field &f) { f.number = static_cast<long long>(value); });
    }
    bool number_unsigned(number_unsigned_t value) override {
        constexpr auto largest = static_cast<number_unsigned_t>(std::numeric_limits<long long>::max());
        return scalar([&](Field &f) { f.number = static_cast<long long>(value > largest ? largest : value); });
    }
    bool number_float(number_float_t value, const string_t & /*text*/) override {
        return scalar([&](Field &f) { f.number = clamp_to_integer(value); });
    }
    bool string(string_t &value) override {
        return scalar([&](Field &f) {
            f.is_string = true;
            f.text = value;
        });
    }
    bool binary(binary_t & /*value*/) override {
        return scalar([](Field &) {});
    }
    bool start_object(std::size_t /*elements*/) override { return enter(true); }
    bool start_array(std::size_t /*elements*/) override { return enter(false); }
    bool end_object() override { return leave(); }
    bool end_array() override { return leave(); }
    bool key(string_t &value) override {
        if (m_depth == 1) {
            m_field = field_named(value);
            if (m_field != nullptr && m_field->seen) {
                // Go clients keep the last duplicate and nlohmann the last too, but a response
                // with two tokens has no single meaning: refuse it.
                failure = "duplicate " + value + " field";
                return false;
            }
        }
        return true;
    }
    bool parse_error(std::size_t /*position*/, const std::string & /*token*/,
                     const nlohmann::detail::exception & /*error*/) override {
        if (failure.empty()) failure = "not JSON";
        return false;
    }

private:
    template <class Assign> bool scalar(Assign assign) {
        if (m_depth == 0) {
            failure = "not a JSON object";
            return false;
        }
        if (m_depth == 1 && m_field != nullptr) {
            m_field->seen = true;
            assign(*m_field);
        }
        m_field = nullptr;
        return true;
    }

    bool enter(bool object) {
        if (m_depth == 0 && !object) {
            failure = "not a JSON object";
            return false;
        }
        if (m_depth == 1 && m_field != nullptr) m_field->seen = true; // a nested value: wrong type
        m_field = nullptr;
        if (++m_depth > max_token_json_depth) {
            failure = "JSON nested deeper than " + std::to_string(max_token_json_depth) + " levels";
            return false;
        }
        return true;
    }

    bool leave() {
        --m_depth;
        m_field = nullptr;
        return true;
    }

    Field *field_named(const std::string &name) {
        if (name == "token") return &token;
        if (name == "access_token") return &access_token;
        if (name == "expires_in") return &expires_in;
        if (name == "issued_at") return &issued_at;
        return nullptr;
    }

    std::size_t m_depth = 0;
    Field *m_field = nullptr;
};

// RFC 9110 field-value characters minus spaces: what a bearer token may contain without
// splitting or injecting a header (fault catalogue D4).
bool is_header_safe(const std::string &token) {
    for (char c : token) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte > 0x7E) return false;
    }
    return true;
}

tl::unexpected<Error> unusable(const std::string &why) {
    return fail(ErrorCode::Auth, "token endpoint returned no usable token (" + sanitize(why, 120) + ")");
}

} // namespace

Result<IssuedToken> parse_token_response(std::string_view body, Clock::time_point now) {
    TokenResponseReader reader;
    bool complete = false;
    try {
        complete = Json::sax_parse(body, &reader);
    } catch (const Json::exception &) {
        complete = false;
    }
    if (!complete) return unusable(reader.failure.empty() ? "not JSON" : reader.failure);
    // The specification allows both names; prefer `token` and fall back to `access_token`.
    const Field *chosen = &reader.token;
    bool token_usable = reader.token.is_string && !reader.token.text.empty();
    if (!token_usable && reader.access_token.seen) chosen = &reader.access_token;
    if (!chosen->seen) return unusable("no token field");
    if (!chosen->is_string) return unusable("the token is not a string");
    if (chosen->text.empty()) return unusable("the token is empty");
    if (chosen->text.size() > max_token_bytes) {
        return unusable("the token is longer than " + std::to_string(max_token_bytes) + " bytes");
    }
    if (!is_header_safe(chosen->text)) return unusable("the token contains characters not allowed in a header");
    std::optional<Clock::time_point> issued_at;
    if (reader.issued_at.is_string) issued_at = parse_rfc3339(reader.issued_at.text);
    return IssuedToken{chosen->text, token_expiry(now, reader.expires_in.number, issued_at)};
}

} // namespace digestx::auth

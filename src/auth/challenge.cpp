#include "digestx/auth/challenge.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "digestx/core/text.hpp"
#include "strings.hpp"

namespace digestx::auth {
namespace {

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x80 && std::isalnum(byte) != 0) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

// RFC 9110 §11.2 token68.
bool is_token68_char(char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x80 && std::isalnum(byte) != 0) || (c != '\0' && std::strchr("-._~+/", c) != nullptr);
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// Walks one header value; every read is bounds-checked, so malformed input ends in an Error.
class ChallengeParser {
public:
    explicit ChallengeParser(std::string_view text) : m_text(text) {}

    Result<std::vector<Challenge>> run() {
        std::vector<Challenge> challenges;
        while (true) {
            skip_separators();
            if (at_end()) break;
            auto challenge = read_challenge();
            if (!challenge) return fail(std::move(challenge.error()));
            challenges.push_back(std::move(*challenge));
        }
        return challenges;
    }

private:
    [[nodiscard]] bool at_end() const { return m_pos >= m_text.size(); }
    [[nodiscard]] char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

    void skip_spaces() {
        while (!at_end() && is_space(peek()))
            ++m_pos;
    }

    // OWS and the empty list elements RFC 9110 §5.6.1 tells recipients to accept.
    void skip_separators() {
        while (!at_end() && (is_space(peek()) || peek() == ','))
            ++m_pos;
    }

    std::string_view read_token() {
        std::size_t start = m_pos;
        while (!at_end() && is_tchar(peek()))
            ++m_pos;
        return m_text.substr(start, m_pos - start);
    }

    [[nodiscard]] tl::unexpected<Error> malformed(const std::string &what) const {
        return fail(ErrorCode::Auth,
                    "malformed WWW-Authenticate header: " + what + " (byte " + std::to_string(m_pos) + ")");
    }

    Result<Challenge> read_challenge() {
        Challenge challenge;
        challenge.scheme = ascii_lowercase(read_token());
        if (challenge.scheme.empty())
            return malformed("expected an auth scheme, found " + quoted(m_text.substr(m_pos, 1)));
        if (at_end() || peek() == ',') return challenge;
        if (!is_space(peek())) return malformed("unexpected " + quoted(m_text.substr(m_pos, 1)) + " after the scheme");
        skip_spaces();
        if (at_end() || peek() == ',') return challenge;
        if (token68_ahead()) {
            std::size_t start = m_pos;
            while (!at_end() && (is_token68_char(peek()) || peek() == '='))
                ++m_pos;
            challenge.token68 = std::string(m_text.substr(start, m_pos - start));
            skip_spaces();
            if (!at_end() && peek() != ',') return malformed("unexpected text after a token68 value");
            return challenge;
        }
        auto params = read_params(challenge);
        if (!params) return fail(std::move(params.error()));
        return challenge;
    }

    // token68 = 1*tchar68 *"=" followed by the end of the challenge; `name=value` is a parameter.
    [[nodiscard]] bool token68_ahead() const {
        std::size_t pos = m_pos;
        while (pos < m_text.size() && is_token68_char(m_text[pos]))
            ++pos;
        if (pos == m_pos) return false;
        while (pos < m_text.size() && m_text[pos] == '=')
            ++pos;
        while (pos < m_text.size() && is_space(m_text[pos]))
            ++pos;
        return pos >= m_text.size() || m_text[pos] == ',';
    }

    // After a comma: `name =` starts another parameter of this challenge, anything else a new one.
    [[nodiscard]] bool param_ahead() const {
        std::size_t pos = m_pos;
        while (pos < m_text.size() && is_tchar(m_text[pos]))
            ++pos;
        if (pos == m_pos) return false;
        while (pos < m_text.size() && is_space(m_text[pos]))
            ++pos;
        return pos < m_text.size() && m_text[pos] == '=';
    }

    Result<void> read_params(Challenge &challenge) {
        while (true) {
            std::string name = ascii_lowercase(read_token());
            if (name.empty()) return malformed("expected a parameter name");
            skip_spaces();
            if (peek() != '=') return malformed("expected '=' after parameter " + quoted(name));
            ++m_pos;
            skip_spaces();
            auto value = read_value(name);
            if (!value) return fail(std::move(value.error()));
            // RFC 7235 §2.1: each parameter name occurs once; two realms would be ambiguous.
            if (challenge.param(name)) return malformed("duplicate parameter " + quoted(name));
            challenge.params.emplace_back(std::move(name), std::move(*value));
            skip_spaces();
            if (at_end()) return {};
            if (peek() != ',') return malformed("expected ',' after a parameter value");
            skip_separators();
            if (at_end() || !param_ahead()) return {};
        }
    }

    Result<std::string> read_value(const std::string &name) {
        std::string value;
        if (peek() != '"') {
            // Unquoted: a token in the RFC, but servers send bare URLs, so read up to `,` or space.
            while (!at_end() && peek() != ',' && !is_space(peek())) {
                if (peek() == '"' || peek() == '\\')
                    return malformed("unexpected quote in the value of " + quoted(name));
                value += m_text[m_pos++];
            }
            if (value.empty()) return malformed("missing value for parameter " + quoted(name));
            return value;
        }
        ++m_pos;
        while (!at_end()) {
            char c = m_text[m_pos++];
            if (c == '"') return value;
            if (c == '\\') {
                if (at_end()) break;
                c = m_text[m_pos++];
            }
            value += c;
        }
        return malformed("unterminated quoted string in the value of " + quoted(name));
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> scopes;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find(' ', pos);
        if (end == std::string_view::npos) end = text.size();
        if (end > pos) scopes.emplace_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return scopes;
}

AuthChallenge to_auth_challenge(const Challenge &challenge, AuthScheme scheme) {
    AuthChallenge out;
    out.scheme = scheme;
    out.realm = challenge.param("realm").value_or("");
    if (scheme == AuthScheme::Bearer) {
        out.service = challenge.param("service").value_or("");
        out.scopes = split_scopes(challenge.param("scope").value_or(""));
        out.error = challenge.param("error").value_or("");
        out.error_description = challenge.param("error_description").value_or("");
    }
    return out;
}

std::string scheme_list(const std::vector<Challenge> &challenges) {
    std::string list;
    for (const auto &challenge : challenges) {
        if (!list.empty()) list += ", ";
        list += challenge.scheme;
        if (list.size() > 100) break;
    }
    return sanitize(list, 120);
}

} // namespace

std::optional<std::string> Challenge::param(std::string_view name) const {
    for (const auto &[key, value] : params) {
        if (key == name) return value;
    }
    return std::nullopt;
}

Result<std::vector<Challenge>> parse_challenges(std::string_view header) {
    if (header.size() > max_challenge_header_bytes) {
        return fail(ErrorCode::Auth, "WWW-Authenticate header too long (" + std::to_string(header.size()) +
                                         " bytes, limit " + std::to_string(max_challenge_header_bytes) + ")");
    }
    auto control = std::find_if(header.begin(), header.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7F;
    });
    if (control != header.end()) {
        return fail(ErrorCode::Auth, "malformed WWW-Authenticate header: control character (byte " +
                                         std::to_string(control - header.begin()) + ")");
    }
    return ChallengeParser(header).run();
}

Result<AuthChallenge> select_challenge(const std::vector<std::string> &headers) {
    if (headers.empty()) return fail(ErrorCode::Auth, "401 response without a WWW-Authenticate challenge");
    std::size_t total = 0;
    for (const auto &header : headers)
        total += header.size();
    if (total > max_challenge_header_bytes) {
        return fail(ErrorCode::Auth, "WWW-Authenticate header too long (" + std::to_string(total) + " bytes, limit " +
                                         std::to_string(max_challenge_header_bytes) + ")");
    }
    std::vector<Challenge> challenges;
    std::optional<Error> first_error;
    for (const auto &header : headers) {
        auto parsed = parse_challenges(header);
        if (!parsed) {
            if (!first_error) first_error = std::move(parsed.error());
            continue;
        }
        challenges.insert(challenges.end(), parsed->begin(), parsed->end());
    }
    auto with_scheme = [&](std::string_view scheme, bool need_realm) {
        return std::find_if(challenges.begin(), challenges.end(), [&](const Challenge &c) {
            return c.scheme == scheme && (!need_realm || !c.param("realm").value_or("").empty());
        });
    };
    if (auto bearer = with_scheme("bearer", true); bearer != challenges.end()) {
        return to_auth_challenge(*bearer, AuthScheme::Bearer);
    }
    if (auto basic = with_scheme("basic", false); basic != challenges.end()) {
        return to_auth_challenge(*basic, AuthScheme::Basic);
    }
    if (with_scheme("bearer", false) != challenges.end()) return fail(ErrorCode::Auth, "bearer challenge has no realm");
    if (first_error) return fail(std::move(*first_error));
    if (challenges.empty()) return fail(ErrorCode::Auth, "unsupported auth challenge (empty WWW-Authenticate header)");
    return fail(ErrorCode::Auth, "unsupported auth challenge (" + scheme_list(challenges) + ")");
}

} // namespace digestx::auth

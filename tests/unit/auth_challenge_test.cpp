#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "digestx/auth/challenge.hpp"

using digestx::ErrorCode;
using digestx::auth::AuthScheme;
using digestx::auth::Challenge;
using digestx::auth::parse_challenges;
using digestx::auth::select_challenge;

namespace {

// A compact, unambiguous rendering of parsed challenges: `scheme{name=value;...}` or `scheme[token68]`.
std::string render(const std::vector<Challenge> &challenges) {
    std::string out;
    for (const auto &challenge : challenges) {
        if (!out.empty()) out += '|';
        out += challenge.scheme;
        if (!challenge.token68.empty()) {
            out += '[' + challenge.token68 + ']';
            continue;
        }
        out += '{';
        bool first = true;
        for (const auto &[name, value] : challenge.params) {
            if (!first) out += ';';
            first = false;
            out += name + '=' + value;
        }
        out += '}';
    }
    return out;
}

// The result of parse_challenges as a string: the rendering, or "ERR:" and the message.
std::string parse_text(const std::string &header) {
    auto parsed = parse_challenges(header);
    if (!parsed) return "ERR:" + parsed.error().message;
    return render(*parsed);
}

// Quotes a value as a server would: backslash before `"` and `\`.
std::string quote(const std::string &value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + '"';
}

} // namespace

TEST_CASE("WWW-Authenticate values parse into schemes and parameters", "[auth][challenge]") {
    struct Case {
        std::string header;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io")",
         "bearer{realm=https://auth.docker.io/token;service=registry.docker.io}"},
        {R"(Bearer realm="https://a/token",service="s",scope="repository:library/alpine:pull")",
         "bearer{realm=https://a/token;service=s;scope=repository:library/alpine:pull}"},
        {R"(Basic realm="Registry Realm")", "basic{realm=Registry Realm}"},
        {"Basic", "basic{}"},
        {"basic", "basic{}"},
        {"BEARER realm=\"x\"", "bearer{realm=x}"},
        {"Bearer REALM=\"x\" ,  Service=\"y\"", "bearer{realm=x;service=y}"},
        {"Bearer realm = \"x\"", "bearer{realm=x}"},
        {"Bearer realm=\t\"x\"", "bearer{realm=x}"},
        {"Bearer\trealm=\"x\"", "bearer{realm=x}"},
        {R"(Bearer realm="a\"b")", "bearer{realm=a\"b}"},
        {R"(Bearer realm="a\\b")", "bearer{realm=a\\b}"},
        {R"(Bearer realm="a\bc")", "bearer{realm=abc}"},
        {R"(Bearer realm="",service="s")", "bearer{realm=;service=s}"},
        {R"(Bearer realm="a,b",service="c")", "bearer{realm=a,b;service=c}"},
        {R"(Bearer realm="a b c")", "bearer{realm=a b c}"},
        {R"(Bearer realm="é")", "bearer{realm=é}"},
        {"Bearer realm=token68like", "bearer{realm=token68like}"},
        {"Bearer realm=https://auth.example/token,service=reg", "bearer{realm=https://auth.example/token;service=reg}"},
        {"Bearer realm=https://auth.example/token?a=b", "bearer{realm=https://auth.example/token?a=b}"},
        {"Negotiate", "negotiate{}"},
        {"Negotiate YIIBhgYGKwYBBQUC==", "negotiate[YIIBhgYGKwYBBQUC==]"},
        {"Negotiate abc/def+ghi", "negotiate[abc/def+ghi]"},
        {"NTLM TlRMTVNTUAABAAAAB4IIog==", "ntlm[TlRMTVNTUAABAAAAB4IIog==]"},
        {"Negotiate abc, Bearer realm=\"x\"", "negotiate[abc]|bearer{realm=x}"},
        {"Negotiate, Basic realm=\"r\"", "negotiate{}|basic{realm=r}"},
        {R"(Basic realm="r", Bearer realm="x", service="s")", "basic{realm=r}|bearer{realm=x;service=s}"},
        {R"(Bearer realm="x", Basic realm="r")", "bearer{realm=x}|basic{realm=r}"},
        {R"(Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple")",
         "newauth{realm=apps;type=1;title=Login to \"apps\"}|basic{realm=simple}"},
        {R"(Digest realm="d", qop="auth,auth-int", nonce="n", Bearer realm="b")",
         "digest{realm=d;qop=auth,auth-int;nonce=n}|bearer{realm=b}"},
        {", , Bearer realm=\"x\" , ,", "bearer{realm=x}"},
        {"Bearer realm=\"x\",,,service=\"y\"", "bearer{realm=x;service=y}"},
        {"  Bearer   realm=\"x\"  ", "bearer{realm=x}"},
        {"", ""},
        {"   ", ""},
        {",", ""},
        {R"(Bearer error="invalid_token",error_description="The access token expired",realm="x")",
         "bearer{error=invalid_token;error_description=The access token expired;realm=x}"},
        {R"(Bearer realm="x",error="insufficient_scope",scope="repository:a:pull repository:b:pull")",
         "bearer{realm=x;error=insufficient_scope;scope=repository:a:pull repository:b:pull}"},
        {"Bearer realm=\"x\", token=abc==", "bearer{realm=x;token=abc==}"},
        {"Bearer realm=\"unterminated",
         "ERR:malformed WWW-Authenticate header: unterminated quoted string in the value of \"realm\" (byte 26)"},
        {"Bearer realm=\"ends with backslash\\",
         "ERR:malformed WWW-Authenticate header: unterminated quoted string in the value of \"realm\" (byte 34)"},
        {"Bearer realm=\"x\" service=\"y\"",
         "ERR:malformed WWW-Authenticate header: expected ',' after a parameter value (byte 17)"},
        // `realm=` with no value is, by the grammar, a token68.
        {"Bearer realm=", "bearer[realm=]"},
        {"Bearer realm=,service=x",
         "ERR:malformed WWW-Authenticate header: unexpected \"=\" after the scheme (byte 21)"},
        {"Bearer realm=\"x\",service=",
         "ERR:malformed WWW-Authenticate header: missing value for parameter \"service\" (byte 25)"},
        {"Bearer realm=x\"y\"",
         "ERR:malformed WWW-Authenticate header: unexpected quote in the value of \"realm\" (byte 14)"},
        {"Bearer =x", "ERR:malformed WWW-Authenticate header: expected a parameter name (byte 7)"},
        {"=Bearer", "ERR:malformed WWW-Authenticate header: expected an auth scheme, found \"=\" (byte 0)"},
        {"\"Bearer\"", "ERR:malformed WWW-Authenticate header: expected an auth scheme, found \"\"\" (byte 0)"},
        {"Bearer\"x\"", "ERR:malformed WWW-Authenticate header: unexpected \"\"\" after the scheme (byte 6)"},
        {"Bearer=x", "ERR:malformed WWW-Authenticate header: unexpected \"=\" after the scheme (byte 6)"},
        {"Bearer realm=\"x\", realm=\"y\"",
         "ERR:malformed WWW-Authenticate header: duplicate parameter \"realm\" (byte 27)"},
        {"Bearer realm=\"x\", REALM=\"y\"",
         "ERR:malformed WWW-Authenticate header: duplicate parameter \"realm\" (byte 27)"},
        {"Bearer realm=\"a\r\nInjected: 1\"", "ERR:malformed WWW-Authenticate header: control character (byte 15)"},
        {std::string("Bearer realm=\"a\0b\"", 18),
         "ERR:malformed WWW-Authenticate header: control character (byte 15)"},
        {"Bearer realm=\"a\x7f\"", "ERR:malformed WWW-Authenticate header: control character (byte 15)"},
        {"Bearer realm=\"x\" junk",
         "ERR:malformed WWW-Authenticate header: expected ',' after a parameter value (byte 17)"},
        {"Negotiate abc def", "ERR:malformed WWW-Authenticate header: expected '=' after parameter \"abc\" (byte 14)"},
        {"Bearer ,realm=\"x\"", "bearer{}|ERR"},
    };
    for (const auto &c : cases) {
        INFO("header: " << c.header);
        if (c.expected == "bearer{}|ERR") {
            // `Bearer ,realm=...`: an empty challenge, then a list element that is not a challenge.
            auto parsed = parse_challenges(c.header);
            REQUIRE_FALSE(parsed);
            CHECK(parsed.error().code == ErrorCode::Auth);
            continue;
        }
        CHECK(parse_text(c.header) == c.expected);
        auto parsed = parse_challenges(c.header);
        if (!parsed) CHECK(parsed.error().code == ErrorCode::Auth);
    }
}

TEST_CASE("quoted values survive any printable content and escaping", "[auth][challenge]") {
    // Round trip: a server quoting arbitrary printable text must get it back unchanged.
    std::mt19937 random(20240501);
    std::uniform_int_distribution<int> printable(0x20, 0x7E);
    std::uniform_int_distribution<int> length(0, 40);
    for (int round = 0; round < 300; ++round) {
        std::string realm, service;
        for (int i = length(random); i > 0; --i)
            realm += static_cast<char>(printable(random));
        for (int i = length(random); i > 0; --i)
            service += static_cast<char>(printable(random));
        std::string header = "Bearer realm=" + quote(realm) + ", service=" + quote(service);
        INFO("header: " << header);
        auto parsed = parse_challenges(header);
        REQUIRE(parsed);
        REQUIRE(parsed->size() == 1);
        CHECK(parsed->front().param("realm") == realm);
        CHECK(parsed->front().param("service") == service);
    }
}

TEST_CASE("every truncation of a valid header parses or fails cleanly", "[auth][challenge]") {
    const std::string header =
        R"(Negotiate YII=, Bearer realm="https://auth.example/token?x=\"1\"", service="reg.example", )"
        R"(scope="repository:a/b:pull,push", Basic realm="r")";
    for (std::size_t cut = 0; cut <= header.size(); ++cut) {
        std::string prefix = header.substr(0, cut);
        INFO("prefix: " << prefix);
        auto parsed = parse_challenges(prefix);
        if (!parsed) {
            CHECK(parsed.error().code == ErrorCode::Auth);
            CHECK(parsed.error().message.rfind("malformed WWW-Authenticate header", 0) == 0);
        } else {
            CHECK(parsed->size() <= 3);
        }
    }
}

TEST_CASE("random bytes never crash the parser", "[auth][challenge]") {
    std::mt19937 random(7235);
    const std::string alphabet = "Bearer Basic realm=\"\\,= \t\r\nxyz/:;-_.~+%\x01\x7f\xc3\xa9";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<int> length(0, 80);
    for (int round = 0; round < 400; ++round) {
        std::string header;
        for (int i = length(random); i > 0; --i)
            header += alphabet[pick(random)];
        INFO("round " << round);
        auto parsed = parse_challenges(header);
        if (!parsed) CHECK(parsed.error().code == ErrorCode::Auth);
        auto selected = select_challenge({header});
        if (!selected) CHECK(selected.error().code == ErrorCode::Auth);
        if (selected && selected->scheme == AuthScheme::Bearer) CHECK_FALSE(selected->realm.empty());
    }
}

TEST_CASE("oversized WWW-Authenticate headers are refused, not truncated", "[auth][challenge]") {
    std::string huge = "Bearer realm=\"https://auth.example/token\", service=\"" + std::string(100 * 1024, 'a') + "\"";
    auto parsed = parse_challenges(huge);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::Auth);
    CHECK(parsed.error().message.find("too long") != std::string::npos);
    auto selected = select_challenge({huge});
    REQUIRE_FALSE(selected);
    CHECK(selected.error().message.find("too long") != std::string::npos);
    // The limit applies to all headers of one response together.
    std::vector<std::string> many(40, "Basic realm=\"" + std::string(500, 'r') + "\"");
    auto total = select_challenge(many);
    REQUIRE_FALSE(total);
    CHECK(total.error().message.find("too long") != std::string::npos);
    // Just under the limit still parses.
    std::string fits = "Basic realm=\"" + std::string(digestx::auth::max_challenge_header_bytes - 14, 'r') + "\"";
    CHECK(fits.size() == digestx::auth::max_challenge_header_bytes);
    CHECK(parse_challenges(fits));
}

TEST_CASE("the challenge to answer is Bearer, else Basic", "[auth][challenge]") {
    struct Case {
        std::vector<std::string> headers;
        std::string expected; // "bearer <realm> <service> <scopes...> !<error>" / "basic <realm>" / "ERR:<message>"
    };
    const std::vector<Case> cases = {
        {{R"(Bearer realm="https://a/t",service="s")"}, "bearer https://a/t s"},
        {{R"(Basic realm="r")"}, "basic r"},
        {{"Basic"}, "basic "},
        {{R"(Basic realm="r", Bearer realm="https://a/t")"}, "bearer https://a/t "},
        {{R"(Basic realm="r")", R"(Bearer realm="https://a/t")"}, "bearer https://a/t "},
        {{"Negotiate abc", R"(Basic realm="r")"}, "basic r"},
        {{"Negotiate abc, NTLM", R"(Bearer realm="https://a/t",scope="repository:x:pull")"},
         "bearer https://a/t  repository:x:pull"},
        {{R"(Bearer realm="https://a/t",scope="repository:x:pull  repository:y:pull,push ")"},
         "bearer https://a/t  repository:x:pull repository:y:pull,push"},
        {{R"(Bearer realm="https://a/t",error="insufficient_scope")"}, "bearer https://a/t  !insufficient_scope"},
        {{R"(Bearer realm="https://a/t",error="invalid_token",error_description="expired")"},
         "bearer https://a/t  !invalid_token"},
        {{R"(Bearer service="s")", R"(Basic realm="r")"}, "basic r"},
        {{R"(Bearer realm="", service="s")", R"(Bearer realm="https://b/t")"}, "bearer https://b/t "},
        {{"Bearer realm=\"unterminated", R"(Basic realm="r")"}, "basic r"},
        {{"Bearer realm=\"unterminated", R"(Bearer realm="https://b/t")"}, "bearer https://b/t "},
        {{R"(Bearer service="s")"}, "ERR:bearer challenge has no realm"},
        {{"Bearer"}, "ERR:bearer challenge has no realm"},
        {{R"(Bearer realm="")"}, "ERR:bearer challenge has no realm"},
        {{"Negotiate"}, "ERR:unsupported auth challenge (negotiate)"},
        {{"Negotiate abc==", "NTLM"}, "ERR:unsupported auth challenge (negotiate, ntlm)"},
        {{R"(Digest realm="d", nonce="n")"}, "ERR:unsupported auth challenge (digest)"},
        {{""}, "ERR:unsupported auth challenge (empty WWW-Authenticate header)"},
        {{}, "ERR:401 response without a WWW-Authenticate challenge"},
        {{"Bearer realm=\"unterminated"},
         "ERR:malformed WWW-Authenticate header: unterminated quoted string in the value of \"realm\" (byte 26)"},
        {{"Negotiate", "Bearer realm=\"unterminated"},
         "ERR:malformed WWW-Authenticate header: unterminated quoted string in the value of \"realm\" (byte 26)"},
    };
    for (const auto &c : cases) {
        std::string shown;
        for (const auto &h : c.headers)
            shown += "[" + h + "]";
        INFO("headers: " << shown);
        auto selected = select_challenge(c.headers);
        std::string got;
        if (!selected) {
            CHECK(selected.error().code == ErrorCode::Auth);
            got = "ERR:" + selected.error().message;
        } else if (selected->scheme == AuthScheme::Basic) {
            got = "basic " + selected->realm;
        } else {
            got = "bearer " + selected->realm + " " + selected->service;
            for (const auto &scope : selected->scopes)
                got += " " + scope;
            if (!selected->error.empty()) got += " !" + selected->error;
        }
        CHECK(got == c.expected);
    }
}

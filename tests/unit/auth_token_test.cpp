#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "digestx/auth/credentials.hpp"
#include "digestx/auth/token.hpp"
#include "digestx/auth/token_cache.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;
using digestx::ErrorCode;
using digestx::auth::Clock;
using digestx::auth::Credentials;
using digestx::auth::parse_rfc3339;
using digestx::auth::parse_token_response;
using digestx::auth::token_expiry;
using digestx::auth::token_url;
using digestx::auth::TokenRequest;
using digestx::test::ManualClock;

TEST_CASE("token URLs carry service, every scope and the account, encoded", "[auth][token]") {
    struct Case {
        TokenRequest request;
        std::string expected;
    };
    Credentials bob{"bob", "secret"};
    const std::vector<Case> cases = {
        {{"https://auth.docker.io/token", "registry.docker.io", {"repository:library/alpine:pull"}, std::nullopt},
         "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull"},
        {{"https://auth.example/token", "reg", {"repository:a:pull", "repository:b:pull,push"}, std::nullopt},
         "https://auth.example/token?service=reg&scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apull%2Cpush"},
        {{"https://auth.example/token", "", {"repository:a:pull"}, std::nullopt},
         "https://auth.example/token?scope=repository%3Aa%3Apull"},
        {{"https://auth.example/token", "reg", {}, std::nullopt}, "https://auth.example/token?service=reg"},
        {{"https://auth.example/token", "", {}, std::nullopt}, "https://auth.example/token"},
        {{"https://auth.example/token", "reg", {"", "repository:a:pull"}, std::nullopt},
         "https://auth.example/token?service=reg&scope=repository%3Aa%3Apull"},
        {{"https://auth.example/token", "reg", {"repository:a:pull"}, bob},
         "https://auth.example/token?service=reg&scope=repository%3Aa%3Apull&account=bob"},
        {{"https://auth.example/token", "reg", {}, Credentials{"me@example.com", "x"}},
         "https://auth.example/token?service=reg&account=me%40example.com"},
        {{"https://auth.example/token?tenant=1", "reg", {}, std::nullopt},
         "https://auth.example/token?tenant=1&service=reg"},
        {{"https://auth.example/token?", "reg", {}, std::nullopt}, "https://auth.example/token?service=reg"},
        {{"https://auth.example/token?a=1&", "reg", {}, std::nullopt}, "https://auth.example/token?a=1&service=reg"},
        {{"https://auth.example/token#frag", "reg", {}, std::nullopt}, "https://auth.example/token?service=reg"},
        {{"https://auth.example/token", "a b&c=d", {"x y"}, std::nullopt},
         "https://auth.example/token?service=a%20b%26c%3Dd&scope=x%20y"},
        {{"https://auth.example/token", "caf\xC3\xA9~-._", {}, std::nullopt},
         "https://auth.example/token?service=caf%C3%A9~-._"},
    };
    for (const auto &c : cases) {
        INFO("realm: " << c.request.realm << " service: " << c.request.service);
        CHECK(token_url(c.request) == c.expected);
    }
}

TEST_CASE("token HTTP requests are capped, unredirected, and carry Basic only with credentials", "[auth][token]") {
    auto anonymous = digestx::auth::token_http_request("https://auth.example/token", std::nullopt);
    CHECK(anonymous.method == "GET");
    CHECK(anonymous.headers.empty());
    CHECK(anonymous.max_body_bytes == 1024U * 1024U);
    CHECK_FALSE(anonymous.follow_redirects);
    auto with = digestx::auth::token_http_request("https://auth.example/token", Credentials{"Aladdin", "open sesame"});
    REQUIRE(with.headers.size() == 1);
    CHECK(with.headers[0].first == "Authorization");
    CHECK(with.headers[0].second == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_CASE("token responses yield a header-safe token or a clear error", "[auth][token]") {
    struct Case {
        std::string body;
        std::string expected; // the token, or "ERR:<reason>"
    };
    const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    const std::vector<Case> cases = {
        {R"({"token":")" + jwt + R"("})", jwt},
        {R"({"access_token":"abc"})", "abc"},
        {R"({"token":"t1","access_token":"t2"})", "t1"},
        {R"({"token":"","access_token":"t2"})", "t2"},
        {R"({"token":null,"access_token":"t2"})", "t2"},
        {R"({"token":"abc","expires_in":300,"issued_at":"2024-05-01T12:00:00Z","refresh_token":"r"})", "abc"},
        {R"({"nested":{"token":"inner"},"token":"outer"})", "outer"},
        {R"({"list":[{"token":"x"}],"token":"t"})", "t"},
        {"  {\"token\" : \"abc\"}  \n", "abc"},
        {R"({"token":"a\u0062c"})", "abc"},
        {R"({"token":"!#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~"})", "!#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~"},
        {"", "ERR:not JSON"},
        {"not json", "ERR:not JSON"},
        {"<html>502 Bad Gateway</html>", "ERR:not JSON"},
        {R"({"token":"abc")", "ERR:not JSON"},
        {R"({"token":"abc"} trailing)", "ERR:not JSON"},
        {R"({"token":"abc",})", "ERR:not JSON"},
        {R"(["token","abc"])", "ERR:not a JSON object"},
        {R"("abc")", "ERR:not a JSON object"},
        {"42", "ERR:not a JSON object"},
        {"null", "ERR:not a JSON object"},
        {"{}", "ERR:no token field"},
        {R"({"expires_in":60})", "ERR:no token field"},
        {R"({"nested":{"token":"inner"}})", "ERR:no token field"},
        {R"({"token":42})", "ERR:the token is not a string"},
        {R"({"token":{"value":"x"}})", "ERR:the token is not a string"},
        {R"({"token":["x"]})", "ERR:the token is not a string"},
        {R"({"token":true})", "ERR:the token is not a string"},
        {R"({"token":null})", "ERR:the token is not a string"},
        {R"({"token":""})", "ERR:the token is empty"},
        {R"({"token":"","access_token":""})", "ERR:the token is empty"},
        {R"({"token":"abc\r\nX-Injected: 1"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"abc\ndef"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"abc def"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"abc\tdef"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"abc\u0000def"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"abc\u007f"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"caf\u00e9"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"access_token":"a b"})", "ERR:the token contains characters not allowed in a header"},
        {R"({"token":"a","token":"b"})", "ERR:duplicate token field"},
        {R"({"token":"a","expires_in":1,"expires_in":2})", "ERR:duplicate expires_in field"},
        {std::string(20, '[') + std::string(20, ']'), "ERR:not a JSON object"},
        {"{\"a\":" + std::string(100, '[') + std::string(100, ']') + ",\"token\":\"t\"}",
         "ERR:JSON nested deeper than 16 levels"},
        {"{\"a\":" + std::string(100000, '['), "ERR:JSON nested deeper than 16 levels"},
        {R"({"token":")" + std::string(16 * 1024, 'a') + R"("})", std::string(16 * 1024, 'a')},
        {R"({"token":")" + std::string(16 * 1024 + 1, 'a') + R"("})", "ERR:the token is longer than 16384 bytes"},
    };
    auto now = ManualClock::start();
    for (const auto &c : cases) {
        INFO("body: " << c.body.substr(0, 200));
        auto parsed = parse_token_response(c.body, now);
        if (c.expected.rfind("ERR:", 0) == 0) {
            REQUIRE_FALSE(parsed);
            CHECK(parsed.error().code == ErrorCode::Auth);
            CHECK(parsed.error().message == "token endpoint returned no usable token (" + c.expected.substr(4) + ")");
        } else {
            REQUIRE(parsed);
            CHECK(parsed->token == c.expected);
        }
    }
}

TEST_CASE("token lifetimes follow expires_in with a floor, a cap and a 60 s default", "[auth][token]") {
    struct Case {
        std::string fields;   // extra JSON members
        long long expected_s; // expiry minus the time of the exchange
    };
    const std::vector<Case> cases = {
        {"", 60},
        {R"(,"expires_in":300)", 300},
        {R"(,"expires_in":3600)", 3600},
        {R"(,"expires_in":60)", 60},
        {R"(,"expires_in":61)", 61},
        {R"(,"expires_in":59)", 60},
        {R"(,"expires_in":10)", 60},
        {R"(,"expires_in":0)", 60},
        {R"(,"expires_in":-5)", 60},
        {R"(,"expires_in":-9223372036854775808)", 60},
        {R"(,"expires_in":3601)", 3600},
        {R"(,"expires_in":86400)", 3600},
        {R"(,"expires_in":9223372036854775807)", 3600},
        {R"(,"expires_in":18446744073709551615)", 3600},
        {R"(,"expires_in":1e300)", 3600},
        {R"(,"expires_in":-1e300)", 60},
        {R"(,"expires_in":300.9)", 300},
        {R"(,"expires_in":"300")", 60},
        {R"(,"expires_in":null)", 60},
        {R"(,"expires_in":true)", 60},
        {R"(,"expires_in":{"s":300})", 60},
        // issued_at: the past shortens the lifetime, the future is ignored.
        {R"(,"expires_in":300,"issued_at":"2024-05-01T12:00:00Z")", 300},
        {R"(,"expires_in":300,"issued_at":"2024-05-01T11:59:00Z")", 240},
        {R"(,"expires_in":300,"issued_at":"2024-05-01T11:59:00.500Z")", 240},
        {R"(,"expires_in":300,"issued_at":"2024-05-01T13:59:00+02:00")", 240},
        {R"(,"expires_in":300,"issued_at":"2024-05-01T07:59:00-04:00")", 240},
        {R"(,"expires_in":300,"issued_at":"2024-05-01T12:10:00Z")", 300},
        {R"(,"expires_in":300,"issued_at":"2099-01-01T00:00:00Z")", 300},
        {R"(,"expires_in":300,"issued_at":"2024-05-01T11:00:00Z")", -3300},
        {R"(,"expires_in":300,"issued_at":"not a date")", 300},
        {R"(,"expires_in":300,"issued_at":1714564740)", 300},
        {R"(,"issued_at":"2024-05-01T11:59:30Z")", 30},
    };
    auto now = ManualClock::start();
    for (const auto &c : cases) {
        std::string body = R"({"token":"abc")" + c.fields + "}";
        INFO("body: " << body);
        auto parsed = parse_token_response(body, now);
        REQUIRE(parsed);
        auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(parsed->expires_at - now);
        CHECK(lifetime.count() == c.expected_s);
    }
}

TEST_CASE("token_expiry directly", "[auth][token]") {
    auto now = ManualClock::start();
    CHECK(token_expiry(now, std::nullopt, std::nullopt) == now + 60s);
    CHECK(token_expiry(now, 120, std::nullopt) == now + 120s);
    CHECK(token_expiry(now, 120, now - 20s) == now + 100s);
    CHECK(token_expiry(now, 120, now + 20s) == now + 120s);
    CHECK(token_expiry(now, 1LL << 62, std::nullopt) == now + digestx::auth::maximum_token_lifetime);
}

TEST_CASE("RFC 3339 times", "[auth][token]") {
    using std::chrono::sys_days;
    using std::chrono::year;
    struct Case {
        std::string text;
        std::optional<Clock::time_point> expected;
    };
    auto day = [](int y, unsigned m, unsigned d) {
        return Clock::time_point{sys_days{year{y} / static_cast<int>(m) / static_cast<int>(d)}};
    };
    const std::vector<Case> cases = {
        {"2024-05-01T12:00:00Z", day(2024, 5, 1) + 12h},
        {"2024-05-01t12:00:00z", day(2024, 5, 1) + 12h},
        {"1970-01-01T00:00:00Z", day(1970, 1, 1)},
        {"2024-02-29T23:59:59Z", day(2024, 2, 29) + 23h + 59min + 59s},
        {"2024-05-01T12:00:00.25Z", day(2024, 5, 1) + 12h + 250ms},
        {"2024-05-01T12:00:00.123456789123Z", day(2024, 5, 1) + 12h + std::chrono::nanoseconds{123456789}},
        {"2024-05-01T12:00:00+01:30", day(2024, 5, 1) + 10h + 30min},
        {"2024-05-01T00:00:00-05:00", day(2024, 5, 1) + 5h},
        {"2023-02-29T00:00:00Z", std::nullopt},
        {"2024-13-01T00:00:00Z", std::nullopt},
        {"2024-05-32T00:00:00Z", std::nullopt},
        {"2024-05-01T24:00:00Z", std::nullopt},
        {"2024-05-01T12:60:00Z", std::nullopt},
        {"2024-05-01T12:00:61Z", std::nullopt},
        {"2024-05-01 12:00:00Z", std::nullopt},
        {"2024-05-01T12:00:00", std::nullopt},
        {"2024-05-01T12:00:00.Z", std::nullopt},
        {"2024-05-01T12:00:00+0100", std::nullopt},
        {"2024-05-01T12:00:00+24:00", std::nullopt},
        {"2024-05-01T12:00:00Zjunk", std::nullopt},
        {"9999-12-31T23:59:59Z", std::nullopt},
        {"0001-01-01T00:00:00Z", std::nullopt},
        {"", std::nullopt},
        {"x024-05-01T12:00:00Z", std::nullopt},
    };
    for (const auto &c : cases) {
        INFO("text: " << c.text);
        CHECK(parse_rfc3339(c.text) == c.expected);
    }
}

TEST_CASE("the token cache keys on realm, service, scope set and identity, and expires", "[auth][token][cache]") {
    ManualClock clock;
    digestx::auth::TokenCache cache(clock);
    using digestx::auth::make_token_key;
    auto key = make_token_key("https://a/t", "s", {"repository:b:pull", "repository:a:pull", "repository:a:pull"}, "");
    CHECK(key.scopes == std::vector<std::string>{"repository:a:pull", "repository:b:pull"});
    CHECK(digestx::auth::scope_text(key) == "repository:a:pull repository:b:pull");
    cache.store(key, {"tok", clock.now() + 60s});
    CHECK(cache.find(make_token_key("https://a/t", "s", {"repository:a:pull", "repository:b:pull"}, "")) == "tok");
    CHECK_FALSE(cache.find(make_token_key("https://a/t", "s", {"repository:a:pull"}, "")));
    CHECK_FALSE(cache.find(make_token_key("https://a/t", "s", {"repository:a:pull", "repository:b:pull"}, "bob")));
    CHECK_FALSE(cache.find(make_token_key("https://other/t", "s", {"repository:a:pull", "repository:b:pull"}, "")));
    CHECK_FALSE(cache.find(make_token_key("https://a/t", "s2", {"repository:a:pull", "repository:b:pull"}, "")));
    clock.advance(49s);
    CHECK(cache.find(key) == "tok");
    clock.advance(1s); // 10 s safety margin reached
    CHECK_FALSE(cache.find(key));
    cache.store(make_token_key("https://a/t", "s", {}, ""), {"later", clock.now() + 60s});
    CHECK(cache.size() == 2);
    clock.advance(11s); // the first token is now past its real expiry and is dropped on the next store
    cache.store(make_token_key("https://b/t", "s", {}, ""), {"b", clock.now() + 60s});
    CHECK(cache.size() == 2);
    cache.erase(make_token_key("https://b/t", "s", {}, ""));
    CHECK(cache.size() == 1);
}

TEST_CASE("credentials never show the password", "[auth][credentials]") {
    Credentials credentials{"bob", "hunter2-very-secret"};
    CHECK(credentials.describe() == "user \"bob\" (password redacted)");
    std::ostringstream out;
    out << credentials;
    CHECK(out.str().find("hunter2") == std::string::npos);
    CHECK(out.str() == credentials.describe());
    CHECK(Catch::Detail::stringify(credentials).find("hunter2") == std::string::npos);
}

TEST_CASE("credentials are checked before use", "[auth][credentials]") {
    struct Case {
        Credentials credentials;
        std::string error; // "" when accepted
    };
    const std::vector<Case> cases = {
        {{"bob", "pw"}, ""},
        {{"me@example.com", "p:a:s:s"}, ""},
        {{"bob", "pässwörd"}, ""},
        {{"", "pw"}, "username is empty"},
        {{"bob", ""}, "password is empty"},
        {{"a:b", "pw"}, "username \"a:b\" must not contain ':'"},
        {{"bob\n", "pw"}, "username \"bob\\n\" contains control characters"},
        {{"bob", "pw\n"}, "password contains control characters"},
        {{"bob", "pw\r"}, "password contains control characters"},
        {{"bob", std::string("p\0w", 3)}, "password contains control characters"},
    };
    for (const auto &c : cases) {
        INFO("username: " << c.credentials.username);
        auto checked = digestx::auth::check_credentials(c.credentials);
        CHECK(checked.has_value() == c.error.empty());
        if (!checked) {
            CHECK(checked.error().code == ErrorCode::Usage);
            CHECK(checked.error().message == c.error);
            CHECK(checked.error().message.find("pw") == std::string::npos);
        }
    }
}

TEST_CASE("Basic credentials are base64 of user:password", "[auth][credentials]") {
    struct Case {
        Credentials credentials;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {{"Aladdin", "open sesame"}, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}, // RFC 7617 §2
        {{"a", "b"}, "Basic YTpi"},
        {{"ab", "c"}, "Basic YWI6Yw=="},
        {{"ab", "cd"}, "Basic YWI6Y2Q="},
        {{"test", "123\xC2\xA3"}, "Basic dGVzdDoxMjPCow=="}, // RFC 7617 §2.1 UTF-8 example
        {{"user", "p+/="}, "Basic dXNlcjpwKy89"},
        {{"u", "\xFF\xFE\xFD"}, "Basic dTr//v0="},
    };
    for (const auto &c : cases) {
        INFO("username: " << c.credentials.username);
        CHECK(digestx::auth::basic_authorization(c.credentials) == c.expected);
    }
}

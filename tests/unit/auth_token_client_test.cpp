#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/auth/realm.hpp"
#include "digestx/auth/token_client.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

using digestx::ErrorCode;
using digestx::auth::Credentials;
using digestx::auth::fetch_tokens;
using digestx::auth::origin_of;
using digestx::auth::TokenFetch;
using digestx::auth::TokenRequest;
using digestx::test::FakeTransport;
using digestx::test::ManualClock;
using digestx::test::redirect_reply;
using digestx::test::reply;

namespace {

const std::string realm = "https://auth.example/token";
const std::string token_query = "?service=reg.example&scope=repository%3Afoo%3Apull";
const std::string anonymous_url = realm + token_query;
const std::string bob_url = realm + token_query + "&account=bob";
const Credentials bob{"bob", "s3cret-password"};

TokenFetch fetch_for(std::optional<Credentials> credentials, std::string realm_url = realm,
                     std::string registry = "https://reg.example") {
    return TokenFetch{
        TokenRequest{std::move(realm_url), "reg.example", {"repository:foo:pull"}, std::move(credentials)},
        *origin_of(registry)};
}

} // namespace

TEST_CASE("an anonymous token request carries no credentials", "[auth][token-client]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", anonymous_url, reply(200, R"({"token":"anon-token","expires_in":300})"));
    auto tokens = fetch_tokens(transport, {fetch_for(std::nullopt)}, clock);
    REQUIRE(tokens.size() == 1);
    REQUIRE(tokens[0]);
    CHECK(tokens[0]->token == "anon-token");
    CHECK(tokens[0]->expires_at == clock.now() + std::chrono::seconds{300});
    REQUIRE(transport.requests().size() == 1);
    const auto &seen = transport.requests()[0];
    CHECK_FALSE(seen.header("authorization"));
    CHECK_FALSE(seen.request.follow_redirects);
    CHECK(seen.request.max_body_bytes == digestx::auth::max_token_response_bytes);
}

TEST_CASE("a token request with credentials sends Basic and the account", "[auth][token-client]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", bob_url, reply(200, R"({"access_token":"bob-token"})"));
    auto tokens = fetch_tokens(transport, {fetch_for(bob)}, clock);
    REQUIRE(tokens[0]);
    CHECK(tokens[0]->token == "bob-token");
    REQUIRE(transport.requests().size() == 1);
    CHECK(transport.requests()[0].header("authorization") == "Basic Ym9iOnMzY3JldC1wYXNzd29yZA==");
}

TEST_CASE("several token requests go out in one batch", "[auth][token-client]") {
    FakeTransport transport;
    ManualClock clock;
    std::vector<TokenFetch> fetches;
    for (const char *name : {"a", "b", "c"}) {
        std::string scope = std::string("repository:") + name + ":pull";
        fetches.push_back(
            TokenFetch{TokenRequest{realm, "reg.example", {scope}, std::nullopt}, *origin_of("https://reg.example")});
        transport.on("GET", realm + "?service=reg.example&scope=repository%3A" + name + "%3Apull",
                     reply(200, std::string(R"({"token":"t-)") + name + R"("})"));
    }
    auto tokens = fetch_tokens(transport, fetches, clock);
    REQUIRE(tokens.size() == 3);
    CHECK(tokens[0]->token == "t-a");
    CHECK(tokens[1]->token == "t-b");
    CHECK(tokens[2]->token == "t-c");
    CHECK(transport.batches() == 1);
}

TEST_CASE("token endpoint statuses map to error codes", "[auth][token-client]") {
    struct Case {
        int status;
        bool with_credentials;
        ErrorCode code;
        std::string message;
    };
    const std::vector<Case> cases = {
        {401, true, ErrorCode::Auth, "credentials rejected by registry reg.example"},
        {401, false, ErrorCode::Auth,
         "registry reg.example requires authentication; no credentials given or stored (use --username with "
         "--password-stdin, or docker login / podman login)"},
        {403, true, ErrorCode::Auth,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED&account=REDACTED\" answered 403"},
        {404, false, ErrorCode::Auth,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED\" answered 404"},
        {400, false, ErrorCode::Auth,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED\" answered 400"},
        {429, false, ErrorCode::RateLimited,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED\" answered 429"},
        {500, false, ErrorCode::Network,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED\" answered 500"},
        {503, true, ErrorCode::Network,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED&account=REDACTED\" answered 503"},
        {304, false, ErrorCode::Auth,
         "token endpoint \"https://auth.example/token?service=REDACTED&scope=REDACTED\" answered 304"},
    };
    for (const auto &c : cases) {
        INFO("status " << c.status << (c.with_credentials ? " with credentials" : " anonymous"));
        FakeTransport transport;
        ManualClock clock;
        transport.on("GET", c.with_credentials ? bob_url : anonymous_url, reply(c.status, R"({"token":"ignored"})"));
        auto tokens = fetch_tokens(
            transport, {fetch_for(c.with_credentials ? std::optional<Credentials>(bob) : std::nullopt)}, clock);
        REQUIRE_FALSE(tokens[0]);
        CHECK(tokens[0].error().code == c.code);
        CHECK(tokens[0].error().message == c.message);
        CHECK(tokens[0].error().http_status == c.status);
        CHECK(tokens[0].error().describe().find("s3cret") == std::string::npos);
    }
}

TEST_CASE("oversized and broken token bodies are no usable token", "[auth][token-client]") {
    FakeTransport transport;
    ManualClock clock;
    digestx::test::FakeReply huge = reply(200, R"({"token":")");
    huge.extra_body_bytes = 50U * 1024U * 1024U; // 50 MB: the fake refuses it like the real cap would
    transport.on("GET", anonymous_url, huge);
    auto capped = fetch_tokens(transport, {fetch_for(std::nullopt)}, clock);
    REQUIRE_FALSE(capped[0]);
    CHECK(capped[0].error().code == ErrorCode::Auth);
    CHECK(capped[0].error().message.rfind("token endpoint returned no usable token (", 0) == 0);

    FakeTransport injected;
    injected.on("GET", anonymous_url, reply(200, R"({"token":"abc\r\nX-Evil: 1"})"));
    auto bad = fetch_tokens(injected, {fetch_for(std::nullopt)}, clock);
    REQUIRE_FALSE(bad[0]);
    CHECK(bad[0].error().message ==
          "token endpoint returned no usable token (the token contains characters not allowed in a header)");
}

TEST_CASE("transport failures keep their code and say where", "[auth][token-client]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", anonymous_url, digestx::test::failure_reply(ErrorCode::Network, "connection refused"));
    auto tokens = fetch_tokens(transport, {fetch_for(std::nullopt)}, clock);
    REQUIRE_FALSE(tokens[0]);
    CHECK(tokens[0].error().code == ErrorCode::Network);
    CHECK(tokens[0].error().describe() ==
          "fetching a token from \"https://auth.example/token?service=REDACTED&scope=REDACTED\": connection refused");
}

TEST_CASE("a weaker realm is asked without credentials and warned about", "[auth][token-client][D2]") {
    for (const std::string weak :
         {"http://auth.example/token", "https://169.254.169.254/token", "https://0.0.0.0:9999/token",
          "https://[::1]/token", "https://127.0.0.1/token", "https://10.1.2.3/token", "https://localhost/token"}) {
        INFO("realm: " << weak);
        std::vector<std::string> warnings;
        digestx::auth::set_warning_sink([&](const std::string &text) { warnings.push_back(text); });
        FakeTransport transport;
        ManualClock clock;
        transport.otherwise([](const digestx::net::HttpRequest &) { return reply(200, R"({"token":"x"})"); });
        auto tokens = fetch_tokens(transport, {fetch_for(bob, weak)}, clock);
        digestx::auth::set_warning_sink({});
        REQUIRE(tokens[0]);
        REQUIRE(transport.requests().size() == 1);
        CHECK_FALSE(transport.requests()[0].header("authorization"));
        CHECK(transport.requests()[0].request.url.find("account=") == std::string::npos);
        CHECK(warnings.size() == 1);
    }
}

TEST_CASE("a realm that is not http(s) or carries userinfo is refused before anything is sent",
          "[auth][token-client][D2]") {
    for (const std::string hostile : {"ftp://auth.example/token", "https://u:p@auth.example/token"}) {
        INFO("realm: " << hostile);
        FakeTransport transport;
        ManualClock clock;
        transport.otherwise([](const digestx::net::HttpRequest &) { return reply(200, R"({"token":"x"})"); });
        auto tokens = fetch_tokens(transport, {fetch_for(bob, hostile)}, clock);
        REQUIRE_FALSE(tokens[0]);
        CHECK(tokens[0].error().code == ErrorCode::Auth);
        CHECK(tokens[0].error().message.rfind("refusing token realm ", 0) == 0);
        CHECK(transport.requests().empty());
    }
}

TEST_CASE("token endpoint redirects are checked hop by hop", "[auth][token-client][D2]") {
    struct Case {
        std::string location;
        bool with_credentials;
        std::string outcome; // "ok", "anonymous" (followed without credentials) or the error's start
        std::string target;  // the URL prefix that must (ok) or must not (error) be reached
    };
    const std::vector<Case> cases = {
        {"https://auth.example/v2/token?x=1", true, "ok", "https://auth.example/v2/token"},
        {"/v2/token", true, "ok", "https://auth.example/v2/token"},
        {"https://auth2.example/token", false, "anonymous", "https://auth2.example/token"},
        {"https://auth2.example/token", true, "anonymous", "https://auth2.example"},
        {"https://auth.example:8443/token", true, "anonymous", "https://auth.example:8443"},
        {"http://auth.example/token", true, "anonymous", "http://auth.example"},
        {"http://auth.example/token", false, "anonymous", "http://auth.example"},
        {"https://169.254.169.254/latest/meta-data/", false, "anonymous", "https://169.254.169.254"},
        {"https://169.254.169.254/latest/meta-data/", true, "anonymous", "https://169.254.169.254"},
        {"https://0.0.0.0:9999/token", true, "anonymous", "https://0.0.0.0"},
        {"https://[::1]/token", true, "anonymous", "https://[::1]"},
        {"https://127.1/token", true, "anonymous", "https://127.0.0.1"},
        {"https://u:p@auth.example/token", true, "refusing token realm", "https://u:p@"},
        {"ftp://auth.example/token", false, "token endpoint sent an invalid redirect location", "ftp://"},
    };
    for (const auto &c : cases) {
        INFO("location: " << c.location << (c.with_credentials ? " with credentials" : " anonymous"));
        digestx::auth::set_warning_sink([](const std::string &) {});
        FakeTransport transport;
        ManualClock clock;
        const std::string first = c.with_credentials ? bob_url : anonymous_url;
        transport.on("GET", first, redirect_reply(302, c.location));
        transport.otherwise([](const digestx::net::HttpRequest &) { return reply(200, R"({"token":"redirected"})"); });
        auto tokens = fetch_tokens(
            transport, {fetch_for(c.with_credentials ? std::optional<Credentials>(bob) : std::nullopt)}, clock);
        digestx::auth::set_warning_sink({});
        if (c.outcome == "ok" || c.outcome == "anonymous") {
            REQUIRE(tokens[0]);
            CHECK(tokens[0]->token == "redirected");
            auto reached = transport.requests_to(c.target);
            REQUIRE(reached.size() == 1);
            CHECK(reached[0].header("authorization").has_value() == (c.with_credentials && c.outcome == "ok"));
        } else {
            REQUIRE_FALSE(tokens[0]);
            CHECK(tokens[0].error().code == ErrorCode::Auth);
            CHECK(tokens[0].error().message.rfind(c.outcome, 0) == 0);
            CHECK(transport.requests_to(c.target).empty());
            CHECK(transport.requests().size() == 1);
        }
        for (const auto &seen : transport.requests())
            CHECK_FALSE(seen.request.follow_redirects);
    }
}

TEST_CASE("token redirect chains end", "[auth][token-client]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", anonymous_url, redirect_reply(302, "https://auth.example/loop"));
    transport.on("GET", "https://auth.example/loop", redirect_reply(307, "https://auth.example/loop"));
    auto tokens = fetch_tokens(transport, {fetch_for(std::nullopt)}, clock);
    REQUIRE_FALSE(tokens[0]);
    CHECK(tokens[0].error().message == "token endpoint redirected more than 5 times");
    CHECK(transport.requests().size() == 6);

    FakeTransport no_location;
    no_location.on("GET", anonymous_url, reply(302));
    auto missing = fetch_tokens(no_location, {fetch_for(std::nullopt)}, clock);
    REQUIRE_FALSE(missing[0]);
    CHECK(missing[0].error().message == "token endpoint answered 302 without a Location");
}

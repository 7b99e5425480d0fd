// The Authenticator with stored credentials: looked up only when the registry asks, registry
// tokens used as they are, identity tokens exchanged by OAuth POST with containerd's GET fallback
// (fault catalogue D11).

#include <catch2/catch.hpp>

#include <string>

#include "digestx/auth/authenticator.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

using digestx::ErrorCode;
using digestx::Result;
using digestx::auth::Authenticator;
using digestx::auth::CredentialKind;
using digestx::auth::CredentialProvider;
using digestx::auth::Credentials;
using digestx::auth::origin_of;
using digestx::auth::repository_scope;
using digestx::net::HttpRequest;
using digestx::test::challenge_reply;
using digestx::test::FakeTransport;
using digestx::test::ManualClock;
using digestx::test::reply;

namespace {

const std::string registry = "https://reg.example";
const std::string manifest = registry + "/v2/foo/manifests/latest";
const std::string bearer = R"(Bearer realm="https://auth.example/token",service="reg.example")";
const std::string realm = "https://auth.example/token";
const std::string get_url = realm + "?service=reg.example&scope=repository%3Afoo%3Apull";

HttpRequest get(const std::string &url) {
    HttpRequest request;
    request.url = url;
    return request;
}

FakeTransport::Handler registry_accepting(std::string authorization, std::string challenge = bearer) {
    return [authorization = std::move(authorization), challenge = std::move(challenge)](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value == authorization) return reply(200, "ok");
        }
        return challenge_reply(challenge);
    };
}

CredentialProvider counting(int &calls, Result<std::optional<Credentials>> answer) {
    return [&calls, answer]() {
        ++calls;
        return answer;
    };
}

} // namespace

TEST_CASE("stored credentials are looked up only when the registry asks, and once", "[auth][stored]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, reply(200, "open"));
    int calls = 0;
    Authenticator open(transport, *origin_of(registry), counting(calls, std::optional<Credentials>()), clock);
    REQUIRE(open.perform_one(get(manifest), repository_scope("foo")));
    CHECK(calls == 0);

    FakeTransport basic;
    basic.on("GET", manifest, registry_accepting("Basic Ym9iOnB3", R"(Basic realm="r")"));
    Authenticator asked(basic, *origin_of(registry),
                        counting(calls, std::optional<Credentials>(Credentials{"bob", "pw"})), clock);
    for (int i = 0; i < 3; ++i) {
        auto response = asked.perform_one(get(manifest), repository_scope("foo"));
        REQUIRE(response);
        CHECK(response->status == 200);
    }
    CHECK(calls == 1);

    // A lookup that fails is the request's error, with the registry named.
    int failed_calls = 0;
    Authenticator broken(basic, *origin_of(registry),
                         counting(failed_calls, digestx::fail(ErrorCode::Auth, "config.json: auths[\"x\"] broken")),
                         clock);
    auto refused = broken.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Auth);
    CHECK(refused.error().describe().find("reg.example") != std::string::npos);
    REQUIRE_FALSE(broken.perform_one(get(manifest), repository_scope("foo")));
    CHECK(failed_calls == 1);
}

TEST_CASE("a registry token answers a Bearer challenge as it is", "[auth][stored]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, registry_accepting("Bearer stored-token"));
    Authenticator auth(transport, *origin_of(registry),
                       std::optional<Credentials>(Credentials{"", "stored-token", CredentialKind::RegistryToken}),
                       clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(transport.requests_to(realm).empty());
    // Known now: the next request carries it from the start.
    std::size_t before = transport.requests().size();
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    CHECK(transport.requests().size() == before + 1);

    FakeTransport refusing;
    refusing.on("GET", manifest, challenge_reply(bearer));
    Authenticator rejected(refusing, *origin_of(registry),
                           std::optional<Credentials>(Credentials{"", "stale", CredentialKind::RegistryToken}), clock);
    auto failed = rejected.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == ErrorCode::Auth);
    CHECK_THAT(failed.error().message, Catch::Contains("credentials rejected") && !Catch::Contains("stale"));
}

TEST_CASE("an identity token is exchanged by OAuth POST", "[auth][stored][D11]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, registry_accepting("Bearer access-1"));
    transport.on("POST", realm, [](const HttpRequest &request) {
        CHECK(request.body ==
              "scope=repository%3Afoo%3Apull&service=reg.example&client_id=digestx&grant_type=refresh_token&"
              "refresh_token=refresh-secret");
        return reply(200, R"({"access_token":"access-1","expires_in":300})");
    });
    Authenticator auth(transport, *origin_of(registry),
                       std::optional<Credentials>(Credentials{"bob", "refresh-secret", CredentialKind::IdentityToken}),
                       clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(transport.count("POST", realm) == 1);
    CHECK(transport.count("GET", get_url + "&account=bob") == 0);
    for (const auto &seen : transport.requests_to(registry))
        CHECK(seen.request.body.find("refresh-secret") == std::string::npos);
}

TEST_CASE("a refused OAuth POST falls back to GET with Basic as containerd does", "[auth][stored][D11]") {
    struct Row {
        int status;
        std::string username;
        bool falls_back;
    };
    for (const Row &row : std::vector<Row>{{404, "", true},
                                           {401, "bob", true},
                                           {400, "bob", true},
                                           {405, "bob", true},
                                           {405, "", false},
                                           {403, "bob", false}}) {
        INFO(row.status << " username \"" << row.username << "\"");
        FakeTransport transport;
        ManualClock clock;
        transport.on("GET", manifest, registry_accepting("Bearer access-2"));
        transport.on("POST", realm, reply(row.status, "{}"));
        std::string fallback = get_url + (row.username.empty() ? "" : "&account=" + row.username);
        transport.on("GET", fallback, reply(200, R"({"token":"access-2"})"));
        Authenticator auth(
            transport, *origin_of(registry),
            std::optional<Credentials>(Credentials{row.username, "refresh-secret", CredentialKind::IdentityToken}),
            clock);
        auto response = auth.perform_one(get(manifest), repository_scope("foo"));
        CHECK(transport.count("POST", realm) == 1);
        if (!row.falls_back) {
            REQUIRE_FALSE(response);
            CHECK(response.error().code == ErrorCode::Auth);
            CHECK(transport.count("GET", fallback) == 0);
            continue;
        }
        INFO((response ? std::string() : response.error().describe()));
        for (const auto &seen : transport.requests())
            INFO(seen.request.method << " " << seen.request.url);
        REQUIRE(response);
        CHECK(response->status == 200);
        REQUIRE(transport.count("GET", fallback) == 1);
        for (const auto &seen : transport.requests_to(fallback)) {
            CHECK(seen.header("authorization").value_or("").rfind("Basic ", 0) == 0);
        }
    }
}

TEST_CASE("a token credential does not answer a Basic challenge", "[auth][stored]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, challenge_reply(R"(Basic realm="r")"));
    Authenticator auth(transport, *origin_of(registry),
                       std::optional<Credentials>(Credentials{"bob", "refresh-secret", CredentialKind::IdentityToken}),
                       clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::Auth);
    CHECK_THAT(response.error().message,
               Catch::Contains("asks for Basic credentials") && !Catch::Contains("refresh-secret"));
    for (const auto &seen : transport.requests())
        CHECK_FALSE(seen.header("authorization"));
}

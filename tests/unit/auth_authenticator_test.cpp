#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/auth/authenticator.hpp"
#include "digestx/auth/realm.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;
using digestx::ErrorCode;
using digestx::auth::Authenticator;
using digestx::auth::Credentials;
using digestx::auth::origin_of;
using digestx::auth::repository_scope;
using digestx::net::HttpRequest;
using digestx::test::challenge_reply;
using digestx::test::FakeTransport;
using digestx::test::ManualClock;
using digestx::test::reply;
using digestx::test::SeenRequest;

namespace {

const std::string registry = "https://reg.example";
const std::string manifest = registry + "/v2/foo/manifests/latest";
const std::string bearer =
    R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:foo:pull")";
const std::string token_url = "https://auth.example/token?service=reg.example&scope=repository%3Afoo%3Apull";
const std::string bob_token_url = token_url + "&account=bob";
const Credentials bob{"bob", "s3cret-password"};
const std::string bob_basic = "Basic Ym9iOnMzY3JldC1wYXNzd29yZA==";

HttpRequest get(const std::string &url) {
    HttpRequest request;
    request.url = url;
    return request;
}

// A registry that wants `Bearer <token>` and challenges everything else.
FakeTransport::Handler registry_accepting(std::string token, std::string challenge = bearer) {
    return [token = std::move(token), challenge = std::move(challenge)](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value == "Bearer " + token) return reply(200, "{\"manifest\":true}");
        }
        return challenge_reply(challenge);
    };
}

std::optional<std::string> authorization(const SeenRequest &seen) {
    return seen.header("authorization");
}

// Rule 7, checked on every recorded request: the password and the registry's token go only to
// where they belong.
void check_no_leak(const FakeTransport &transport, const std::string &registry_token) {
    for (const auto &seen : transport.requests()) {
        INFO("request: " << seen.request.method << " " << seen.request.url);
        auto value = authorization(seen);
        if (!value) continue;
        bool to_registry = origin_of(seen.request.url) == origin_of(registry);
        bool to_realm = seen.request.url.rfind("https://auth.example/", 0) == 0;
        if (*value == bob_basic) CHECK((to_registry || to_realm));
        if (!registry_token.empty() && *value == "Bearer " + registry_token) CHECK(to_registry);
        CHECK((to_registry || to_realm || value->rfind("Bearer cdn-", 0) == 0));
    }
}

} // namespace

TEST_CASE("an anonymous pull answers the Bearer challenge once", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, registry_accepting("anon-1"));
    transport.on("GET", token_url, reply(200, R"({"token":"anon-1","expires_in":300})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
    const auto &seen = transport.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].request.url == manifest);
    CHECK_FALSE(authorization(seen[0]));
    CHECK(seen[1].request.url == token_url);
    CHECK_FALSE(authorization(seen[1]));
    CHECK(seen[2].request.url == manifest);
    CHECK(authorization(seen[2]) == "Bearer anon-1");
    CHECK(transport.unscripted().empty());
}

TEST_CASE("credentials go to the token realm as Basic, the registry gets the token", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, registry_accepting("bob-1"));
    transport.on("GET", bob_token_url, reply(200, R"({"token":"bob-1"})"));
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
    REQUIRE(transport.requests().size() == 3);
    CHECK(authorization(transport.requests()[1]) == bob_basic);
    CHECK(authorization(transport.requests()[2]) == "Bearer bob-1");
    // A Bearer registry never sees the password, only the token.
    for (const auto &seen : transport.requests_to(registry))
        CHECK(authorization(seen) != bob_basic);
    check_no_leak(transport, "bob-1");
}

TEST_CASE("tokens are reused until they near expiry", "[auth][authenticator][D5]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, [](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value.rfind("Bearer t", 0) == 0) return reply(200, "ok");
        }
        return challenge_reply(bearer);
    });
    transport.on("GET", token_url, reply(200, R"({"token":"t1","expires_in":60})"));
    transport.on("GET", token_url, reply(200, R"({"token":"t2","expires_in":60})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    CHECK(transport.count("GET", token_url) == 1);

    // Known challenge, cached token: one request, no 401.
    std::size_t before = transport.requests().size();
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    REQUIRE(transport.requests().size() == before + 1);
    CHECK(authorization(transport.requests().back()) == "Bearer t1");

    clock.advance(49s);
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    CHECK(transport.count("GET", token_url) == 1);

    // Inside the 10 s safety margin: a new token is fetched before the request, not after a 401.
    clock.advance(2s);
    before = transport.requests().size();
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    CHECK(transport.count("GET", token_url) == 2);
    REQUIRE(transport.requests().size() == before + 2);
    CHECK(authorization(transport.requests().back()) == "Bearer t2");
}

TEST_CASE("a known challenge serves other scopes without a 401", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    const std::string other = registry + "/v2/bar/manifests/1";
    transport.on("GET", manifest, registry_accepting("foo-token"));
    transport.on("GET", other, registry_accepting("bar-token"));
    transport.on("GET", token_url, reply(200, R"({"token":"foo-token"})"));
    transport.on("GET", "https://auth.example/token?service=reg.example&scope=repository%3Abar%3Apull",
                 reply(200, R"({"token":"bar-token"})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    std::size_t before = transport.requests().size();
    auto response = auth.perform_one(get(other), repository_scope("bar"));
    REQUIRE(response);
    CHECK(response->status == 200);
    REQUIRE(transport.requests().size() == before + 2); // token, then the request with it
    CHECK(transport.requests()[before].request.url.find("repository%3Abar%3Apull") != std::string::npos);
    CHECK(authorization(transport.requests().back()) == "Bearer bar-token");
}

TEST_CASE("a second 401 after a fresh token is a hard failure", "[auth][authenticator][D1]") {
    struct Case {
        std::optional<Credentials> credentials;
        std::string challenge;
        std::string message;
    };
    const std::string base =
        R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:foo:pull")";
    const std::vector<Case> cases = {
        {bob, base + R"(,error="insufficient_scope")",
         "authorization failed for repository:foo:pull (server: insufficient_scope)"},
        {bob, base + R"(,error="invalid_token")",
         "authorization failed for repository:foo:pull (server: invalid_token)"},
        {bob, base, "authorization failed for repository:foo:pull"},
        {bob,
         base + ",error=\"a\xE2\x80\xAE"
                "b\"",
         "authorization failed for repository:foo:pull (server: a\\u{202e}b)"},
        {std::nullopt, base + R"(,error="insufficient_scope")",
         "authorization failed for repository:foo:pull (server: insufficient_scope): repository does not exist or "
         "requires authentication"},
        {std::nullopt, base,
         "authorization failed for repository:foo:pull: repository does not exist or requires authentication"},
    };
    for (const auto &c : cases) {
        INFO("challenge: " << c.challenge << (c.credentials ? " with credentials" : " anonymous"));
        FakeTransport transport;
        ManualClock clock;
        transport.on("GET", manifest, challenge_reply(c.challenge));
        transport.on("GET", c.credentials ? bob_token_url : token_url, reply(200, R"({"token":"never-enough"})"));
        Authenticator auth(transport, *origin_of(registry), c.credentials, clock);
        auto response = auth.perform_one(get(manifest), repository_scope("foo"));
        REQUIRE_FALSE(response);
        CHECK(response.error().code == ErrorCode::Auth);
        CHECK(response.error().http_status == 401);
        CHECK(response.error().message.rfind(c.message, 0) == 0);
        CHECK(response.error().message.find("\xE2\x80\xAE") == std::string::npos);
        CHECK(transport.count("GET", manifest) == 2);
        CHECK(transport.requests().size() == 3);

        // Next call: the cached token goes first, its 401 earns exactly one refresh, then it stops.
        auto again = auth.perform_one(get(manifest), repository_scope("foo"));
        REQUIRE_FALSE(again);
        CHECK(again.error().code == ErrorCode::Auth);
        CHECK(again.error().message.rfind(c.message, 0) == 0);
        CHECK(transport.count("GET", manifest) == 4);
        CHECK(transport.requests().size() == 6);
    }
}

TEST_CASE("a revoked cached token is refreshed once", "[auth][authenticator][D5]") {
    FakeTransport transport;
    ManualClock clock;
    std::string accepted = "t1";
    transport.on("GET", manifest, [&](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value == "Bearer " + accepted) return reply(200, "ok");
        }
        return challenge_reply(bearer + R"(,error="invalid_token")");
    });
    transport.on("GET", token_url, reply(200, R"({"token":"t1","expires_in":3600})"));
    transport.on("GET", token_url, reply(200, R"({"token":"t2","expires_in":3600})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    accepted = "t2"; // the registry revokes t1
    std::size_t before = transport.requests().size();
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
    REQUIRE(transport.requests().size() == before + 3);
    CHECK(authorization(transport.requests()[before]) == "Bearer t1");
    CHECK(authorization(transport.requests()[before + 2]) == "Bearer t2");
}

TEST_CASE("a fresh proactive token refused for the same scope is not fetched again", "[auth][authenticator][D1]") {
    FakeTransport transport;
    ManualClock clock;
    const std::string other = registry + "/v2/bar/manifests/1";
    const std::string bar_token_url = "https://auth.example/token?service=reg.example&scope=repository%3Abar%3Apull";
    transport.on("GET", manifest, registry_accepting("foo-token"));
    transport.on(
        "GET", other,
        challenge_reply(
            R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:bar:pull",error="insufficient_scope")"));
    transport.on("GET", token_url, reply(200, R"({"token":"foo-token"})"));
    transport.on("GET", bar_token_url, reply(200, R"({"token":"bar-token"})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    REQUIRE(auth.perform_one(get(manifest), repository_scope("foo")));
    auto denied = auth.perform_one(get(other), repository_scope("bar"));
    REQUIRE_FALSE(denied);
    CHECK(denied.error().message.rfind("authorization failed for repository:bar:pull (server: insufficient_scope)",
                                       0) == 0);
    CHECK(transport.count("GET", bar_token_url) == 1);
    CHECK(transport.count("GET", other) == 1);
}

TEST_CASE("the challenge's own scope is requested with the caller's", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    const std::string merged =
        "https://auth.example/token?service=reg.example&scope=repository%3Afoo%3Apull&scope=repository%3Ashared%3Apull";
    transport.on(
        "GET", manifest,
        registry_accepting(
            "both",
            R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:shared:pull repository:foo:pull")"));
    transport.on("GET", merged, reply(200, R"({"token":"both"})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(transport.count("GET", merged) == 1);
}

TEST_CASE("a batch that hits 401 fetches each token once", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    std::vector<HttpRequest> batch;
    for (int i = 0; i < 5; ++i) {
        std::string url = registry + "/v2/foo/blobs/sha256:" + std::string(63, 'a') + std::to_string(i);
        transport.on("GET", url, registry_accepting("shared"));
        batch.push_back(get(url));
    }
    transport.on("GET", token_url, reply(200, R"({"token":"shared"})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    auto results = auth.perform(batch, repository_scope("foo"));
    REQUIRE(results.size() == 5);
    for (const auto &result : results) {
        REQUIRE(result);
        CHECK(result->status == 200);
    }
    CHECK(transport.count("GET", token_url) == 1);
    CHECK(transport.batches() == 3); // the batch, the token, the retried batch
    CHECK(transport.requests().size() == 11);
}

TEST_CASE("different scopes in one batch fetch their tokens in one token batch", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    const std::string a = registry + "/v2/a/manifests/1";
    const std::string b = registry + "/v2/b/manifests/1";
    transport.on(
        "GET", a,
        registry_accepting(
            "ta", R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:a:pull")"));
    transport.on(
        "GET", b,
        registry_accepting(
            "tb", R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:b:pull")"));
    transport.on("GET", "https://auth.example/token?service=reg.example&scope=repository%3Aa%3Apull",
                 reply(200, R"({"token":"ta"})"));
    transport.on("GET", "https://auth.example/token?service=reg.example&scope=repository%3Ab%3Apull",
                 reply(200, R"({"token":"tb"})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    auto results = auth.perform({get(a), get(b)}, "");
    REQUIRE(results[0]);
    REQUIRE(results[1]);
    CHECK(results[0]->status == 200);
    CHECK(results[1]->status == 200);
    CHECK(transport.batches() == 3);
}

TEST_CASE("Basic challenges get Basic credentials, on the registry origin only", "[auth][authenticator][D6]") {
    FakeTransport transport;
    ManualClock clock;
    auto basic_registry = [](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value == bob_basic) return reply(200, "ok");
        }
        return challenge_reply(R"(Basic realm="Registry Realm")");
    };
    transport.on("GET", manifest, basic_registry);
    const std::vector<std::string> elsewhere = {"https://reg.example:5000/v2/foo/manifests/latest",
                                                "http://reg.example/v2/foo/manifests/latest",
                                                "https://reg.example.evil.com/v2/foo/manifests/latest",
                                                "https://cdn.example/layer.tar.gz", "https://evil.example/v2/"};
    for (const auto &url : elsewhere)
        transport.on("GET", url, reply(200, "public"));
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto first = auth.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE(first);
    CHECK(first->status == 200);
    REQUIRE(transport.requests().size() == 2);
    CHECK(authorization(transport.requests()[1]) == bob_basic);

    std::vector<HttpRequest> batch = {get(manifest)};
    for (const auto &url : elsewhere)
        batch.push_back(get(url));
    batch.back().headers.emplace_back("Authorization", "Bearer caller-supplied");
    auto results = auth.perform(batch, repository_scope("foo"));
    for (const auto &result : results) {
        REQUIRE(result);
        CHECK(result->status == 200);
    }
    const auto &seen = transport.requests();
    REQUIRE(seen.size() == 2 + batch.size());
    CHECK_FALSE(authorization(seen[0])); // before the challenge was known
    for (std::size_t i = 1; i < seen.size(); ++i) {
        INFO("request: " << seen[i].request.url);
        if (seen[i].request.url == manifest) {
            CHECK(authorization(seen[i]) == bob_basic);
        } else {
            CHECK_FALSE(authorization(seen[i]));
        }
    }
}

TEST_CASE("Basic without credentials, or with wrong ones, fails clearly", "[auth][authenticator][D6]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, challenge_reply(R"(Basic realm="Registry Realm")"));
    Authenticator anonymous(transport, *origin_of(registry), std::nullopt, clock);
    auto missing = anonymous.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::Auth);
    CHECK(missing.error().message == "registry reg.example requires authentication; no credentials given or stored "
                                     "(use --username with --password-stdin, or docker login / podman login)");
    CHECK(transport.count("GET", manifest) == 1);

    FakeTransport wrong_transport;
    wrong_transport.on("GET", manifest, challenge_reply(R"(Basic realm="Registry Realm")"));
    Authenticator wrong(wrong_transport, *origin_of(registry), Credentials{"bob", "wrong"}, clock);
    auto rejected = wrong.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE_FALSE(rejected);
    CHECK(rejected.error().code == ErrorCode::Auth);
    CHECK(rejected.error().message == "credentials rejected by registry reg.example");
    CHECK(rejected.error().describe().find("wrong") == std::string::npos);
    CHECK(wrong_transport.count("GET", manifest) == 2);
    // Known to be Basic now: the next request sends the credentials at once, and a 401 is final.
    auto again = wrong.perform_one(get(manifest), repository_scope("foo"));
    REQUIRE_FALSE(again);
    CHECK(again.error().message == "credentials rejected by registry reg.example");
    CHECK(wrong_transport.count("GET", manifest) == 3);
}

TEST_CASE("token endpoint failures surface through the authenticator", "[auth][authenticator][D4]") {
    struct Case {
        std::optional<Credentials> credentials;
        digestx::test::FakeReply token_answer;
        ErrorCode code;
        std::string message;
    };
    digestx::test::FakeReply huge = reply(200, R"({"token":")");
    huge.extra_body_bytes = 50U * 1024U * 1024U;
    const std::vector<Case> cases = {
        {bob, reply(401, R"({"details":"incorrect username or password"})"), ErrorCode::Auth,
         "credentials rejected by registry reg.example"},
        {std::nullopt, reply(401), ErrorCode::Auth,
         "registry reg.example requires authentication; no credentials given or stored (use --username with "
         "--password-stdin, or docker login / podman login)"},
        {std::nullopt, reply(503), ErrorCode::Network, "token endpoint"},
        {std::nullopt, reply(200, "{}"), ErrorCode::Auth, "token endpoint returned no usable token (no token field)"},
        {std::nullopt, reply(200, "<html>"), ErrorCode::Auth, "token endpoint returned no usable token (not JSON)"},
        {std::nullopt, reply(200, R"({"token":"a\r\nX-Injected: yes"})"), ErrorCode::Auth,
         "token endpoint returned no usable token (the token contains characters not allowed in a header)"},
        {std::nullopt, reply(200, R"({"token":"a b"})"), ErrorCode::Auth,
         "token endpoint returned no usable token (the token contains characters not allowed in a header)"},
        {std::nullopt, huge, ErrorCode::Auth, "token endpoint returned no usable token (response body"},
    };
    for (const auto &c : cases) {
        INFO("expected: " << c.message);
        FakeTransport transport;
        ManualClock clock;
        transport.on("GET", manifest, challenge_reply(bearer));
        transport.on("GET", c.credentials ? bob_token_url : token_url, c.token_answer);
        Authenticator auth(transport, *origin_of(registry), c.credentials, clock);
        auto response = auth.perform_one(get(manifest), repository_scope("foo"));
        REQUIRE_FALSE(response);
        CHECK(response.error().code == c.code);
        CHECK(response.error().message.rfind(c.message, 0) == 0);
        CHECK(transport.count("GET", manifest) == 1);
        for (const auto &seen : transport.requests()) {
            for (const auto &[name, value] : seen.request.headers) {
                CHECK(value.find('\n') == std::string::npos);
                CHECK(value.find('\r') == std::string::npos);
            }
        }
    }
}

TEST_CASE("realms that are not http(s) or carry userinfo get zero requests", "[auth][authenticator][D2]") {
    const std::vector<std::string> realms = {
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_x",
        "https://user:pw@auth.example/token",
    };
    for (const auto &realm : realms) {
        for (bool with_credentials : {false, true}) {
            INFO("realm: " << realm << (with_credentials ? " with credentials" : " anonymous"));
            FakeTransport transport;
            ManualClock clock;
            transport.on("GET", manifest, challenge_reply("Bearer realm=\"" + realm + "\",service=\"reg.example\""));
            transport.otherwise([](const HttpRequest &) { return reply(200, R"({"token":"stolen"})"); });
            Authenticator auth(transport, *origin_of(registry),
                               with_credentials ? std::optional<Credentials>(bob) : std::nullopt, clock);
            auto response = auth.perform_one(get(manifest), repository_scope("foo"));
            REQUIRE_FALSE(response);
            CHECK(response.error().code == ErrorCode::Auth);
            CHECK(response.error().message.rfind("refusing token realm ", 0) == 0);
            REQUIRE(transport.requests().size() == 1);
            CHECK(transport.requests()[0].request.url == manifest);
            CHECK_FALSE(authorization(transport.requests()[0]));
            CHECK(transport.unscripted().empty());
        }
    }
}

// docker follows whatever realm the challenge names (distribution registry/client/auth/session.go
// fetchToken); here the credentials stay home and the user is told once.
TEST_CASE("weaker realms are followed, warned about, and never get credentials", "[auth][authenticator][D2]") {
    const std::vector<std::string> realms = {
        "http://auth.example/token",
        "https://169.254.169.254/latest/meta-data/iam",
        "https://0.0.0.0:9999/token",
        "https://[::1]/token",
        "https://127.0.0.1:5001/token",
        "https://10.0.0.1/token",
        "https://localhost/token",
        "https://[fe80::1]/token",
        "https://[::ffff:169.254.169.254]/x",
        "https://2130706433/token",
    };
    for (const auto &realm : realms) {
        for (bool with_credentials : {false, true}) {
            INFO("realm: " << realm << (with_credentials ? " with credentials" : " anonymous"));
            std::vector<std::string> warnings;
            digestx::auth::set_warning_sink([&](const std::string &text) { warnings.push_back(text); });
            FakeTransport transport;
            ManualClock clock;
            transport.on("GET", manifest,
                         registry_accepting("weak-token", "Bearer realm=\"" + realm + "\",service=\"reg.example\""));
            transport.otherwise([](const HttpRequest &) { return reply(200, R"({"token":"weak-token"})"); });
            Authenticator auth(transport, *origin_of(registry),
                               with_credentials ? std::optional<Credentials>(bob) : std::nullopt, clock);
            auto response = auth.perform_one(get(manifest), repository_scope("foo"));
            auto again = auth.perform_one(get(manifest), repository_scope("foo"));
            digestx::auth::set_warning_sink({});
            REQUIRE(response);
            CHECK(response->status == 200);
            REQUIRE(again);
            REQUIRE(transport.requests().size() == 4);
            const auto &asked = transport.requests()[1];
            CHECK_FALSE(authorization(asked));
            CHECK(asked.request.url.find("account=") == std::string::npos);
            CHECK(asked.request.method == "GET");
            for (const auto &seen : transport.requests())
                CHECK(authorization(seen) != bob_basic);
            REQUIRE(warnings.size() == 1);
            CHECK(warnings[0].find("is weaker than registry reg.example") != std::string::npos);
            CHECK(warnings[0].find("without credentials") != std::string::npos);
        }
    }
}

TEST_CASE("a plain-http realm that still leaves the registry at 401 says why", "[auth][authenticator][D2]") {
    digestx::auth::set_warning_sink([](const std::string &) {});
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, challenge_reply(R"(Bearer realm="http://auth.example/token",service="reg.example")"));
    transport.otherwise([](const HttpRequest &) { return reply(200, R"({"token":"anonymous"})"); });
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    digestx::auth::set_warning_sink({});
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::Auth);
    CHECK(response.error().message ==
          "authorization failed for repository:foo:pull: credentials withheld from token realm "
          "\"http://auth.example/token\" (plain-http realm for an https registry)");
    for (const auto &seen : transport.requests())
        CHECK(authorization(seen) != bob_basic);
}

TEST_CASE("an identity token is never sent to a plain-http realm", "[auth][authenticator][D2]") {
    digestx::auth::set_warning_sink([](const std::string &) {});
    Credentials identity{"", "refresh-secret", digestx::auth::CredentialKind::IdentityToken};
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, challenge_reply(R"(Bearer realm="http://auth.example/token",service="reg.example")"));
    transport.otherwise([](const HttpRequest &) { return reply(401, ""); });
    Authenticator auth(transport, *origin_of(registry), identity, clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    digestx::auth::set_warning_sink({});
    REQUIRE_FALSE(response);
    CHECK(response.error().message.rfind("registry reg.example requires authentication; credentials withheld from "
                                         "token realm \"http://auth.example/token",
                                         0) == 0);
    CHECK(response.error().message.ends_with("(plain-http realm for an https registry)"));
    for (const auto &seen : transport.requests()) {
        CHECK(seen.request.method == "GET");
        CHECK(seen.request.body.find("refresh-secret") == std::string::npos);
        CHECK(seen.request.url.find("refresh-secret") == std::string::npos);
        CHECK_FALSE(authorization(seen));
    }
}

TEST_CASE("a registry on 127.0.0.1 may use a realm on 127.0.0.1", "[auth][authenticator][D2]") {
    FakeTransport transport;
    ManualClock clock;
    const std::string local = "http://127.0.0.1:5000/v2/foo/manifests/latest";
    const std::string local_token =
        "http://127.0.0.1:5001/token?service=local&scope=repository%3Afoo%3Apull&account=bob";
    transport.on("GET", local,
                 registry_accepting("local-token", R"(Bearer realm="http://127.0.0.1:5001/token",service="local")"));
    transport.on("GET", local_token, reply(200, R"({"token":"local-token"})"));
    Authenticator auth(transport, *origin_of("http://127.0.0.1:5000"), bob, clock);
    auto response = auth.perform_one(get(local), repository_scope("foo"));
    REQUIRE(response);
    CHECK(response->status == 200);
}

TEST_CASE("a token endpoint redirect to a weaker host is followed without credentials", "[auth][authenticator][D2]") {
    std::vector<std::string> warnings;
    digestx::auth::set_warning_sink([&](const std::string &text) { warnings.push_back(text); });
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, challenge_reply(bearer));
    transport.on("GET", bob_token_url, digestx::test::redirect_reply(302, "https://169.254.169.254/latest/meta-data/"));
    transport.otherwise([](const HttpRequest &) { return reply(200, R"({"token":"elsewhere"})"); });
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto response = auth.perform_one(get(manifest), repository_scope("foo"));
    digestx::auth::set_warning_sink({});
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::Auth);
    auto followed = transport.requests_to("https://169.254.169.254");
    REQUIRE(followed.size() == 1);
    CHECK_FALSE(authorization(followed.front()));
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("link-local address for a registry on a public address") != std::string::npos);
    check_no_leak(transport, "");
}

TEST_CASE("a redirect target's challenge never gets the registry's credentials", "[auth][authenticator][D12]") {
    const std::string blob = registry + "/v2/foo/blobs/sha256:" + std::string(64, 'b');
    const std::string cdn = "https://cdn.example/blobs/b?X-Amz-Signature=sig";
    const std::string cdn_token = "https://cdn-auth.example/token?service=cdn&scope=blob%3Ab%3Aread";
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", blob, [&](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value == "Bearer reg-token") return digestx::test::redirect_reply(307, cdn);
        }
        return challenge_reply(bearer);
    });
    transport.on("GET", cdn, [](const HttpRequest &request) {
        for (const auto &[name, value] : request.headers) {
            if (name == "Authorization" && value == "Bearer cdn-token") return reply(200, "layer bytes");
        }
        return challenge_reply(R"(Bearer realm="https://cdn-auth.example/token",service="cdn",scope="blob:b:read")");
    });
    transport.on("GET", bob_token_url, reply(200, R"({"token":"reg-token"})"));
    transport.on("GET", cdn_token, reply(200, R"({"token":"cdn-token"})"));
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto response = auth.perform_one(get(blob), repository_scope("foo"));
    if (!response) FAIL(response.error().describe());
    CHECK(response->status == 200);
    CHECK(response->body == "layer bytes");
    for (const auto &seen : transport.requests_to("https://cdn")) {
        INFO("request: " << seen.request.url);
        auto value = authorization(seen);
        CHECK((!value || *value == "Bearer cdn-token"));
    }
    REQUIRE(transport.count("GET", cdn_token) == 1);
    CHECK(transport.requests_to(cdn_token).front().header("authorization") == std::nullopt);
    check_no_leak(transport, "reg-token");
    CHECK(transport.unscripted().empty());
}

TEST_CASE("redirect targets that want Basic, or a hostile realm, fail without credentials",
          "[auth][authenticator][D12]") {
    const std::string blob = registry + "/v2/foo/blobs/sha256:" + std::string(64, 'c');
    const std::string cdn = "https://cdn.example/blobs/c";
    struct Case {
        std::string cdn_challenge;
        std::string message;
    };
    const std::vector<Case> cases = {
        {R"(Basic realm="cdn")", "redirect target cdn.example asks for Basic credentials; credentials for registry "
                                 "reg.example are never sent to another host"},
        {R"(Bearer realm="ftp://169.254.169.254/token")",
         "redirect target cdn.example: refusing token realm \"ftp://169.254.169.254/token\": not an absolute"},
        {R"(Bearer realm="https://u:p@cdn-auth.example/token")", "redirect target cdn.example: refusing token realm"},
        {"Negotiate", "redirect target cdn.example: unsupported auth challenge (negotiate)"},
    };
    for (const auto &c : cases) {
        INFO("challenge: " << c.cdn_challenge);
        FakeTransport transport;
        ManualClock clock;
        transport.on("GET", blob, digestx::test::redirect_reply(302, cdn));
        transport.on("GET", cdn, challenge_reply(c.cdn_challenge));
        transport.otherwise([](const HttpRequest &) { return reply(200, R"({"token":"stolen"})"); });
        Authenticator auth(transport, *origin_of(registry), bob, clock);
        auto response = auth.perform_one(get(blob), repository_scope("foo"));
        REQUIRE_FALSE(response);
        CHECK(response.error().code == ErrorCode::Auth);
        INFO("got: " << response.error().describe());
        CHECK(response.error().describe().rfind(c.message, 0) == 0);
        CHECK(transport.requests().size() == 2);
        for (const auto &seen : transport.requests())
            CHECK_FALSE(authorization(seen));
    }
}

TEST_CASE("a redirect target that refuses its anonymous token fails once", "[auth][authenticator][D12]") {
    const std::string blob = registry + "/v2/foo/blobs/sha256:" + std::string(64, 'd');
    const std::string cdn = "https://cdn.example/blobs/d";
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", blob, digestx::test::redirect_reply(302, cdn));
    transport.on("GET", cdn,
                 challenge_reply(R"(Bearer realm="https://cdn-auth.example/token",error="insufficient_scope")"));
    transport.on("GET", "https://cdn-auth.example/token", reply(200, R"({"token":"cdn-anon"})"));
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto response = auth.perform_one(get(blob), repository_scope("foo"));
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::Auth);
    CHECK(response.error().message ==
          "redirect target cdn.example refused its anonymous token for registry access (server: insufficient_scope)");
    CHECK(transport.count("GET", cdn) == 2);
    check_no_leak(transport, "");
}

TEST_CASE("non-401 answers pass through untouched", "[auth][authenticator][D7]") {
    struct Case {
        int status;
        std::string body;
    };
    const std::vector<Case> cases = {
        {403, R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]})"},
        {403, ""},
        {404, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"},
        {429, R"({"errors":[{"code":"TOOMANYREQUESTS"}]})"},
        {500, "oops"},
        {200, "{}"},
        {302, ""},
    };
    for (const auto &c : cases) {
        INFO("status " << c.status);
        FakeTransport transport;
        ManualClock clock;
        auto request = get(manifest);
        request.follow_redirects = false;
        transport.on("GET", manifest, reply(c.status, c.body, {{"Docker-Distribution-Api-Version", "registry/2.0"}}));
        Authenticator auth(transport, *origin_of(registry), bob, clock);
        auto response = auth.perform_one(request, repository_scope("foo"));
        REQUIRE(response);
        CHECK(response->status == c.status);
        CHECK(response->body == c.body);
        CHECK(response->header("docker-distribution-api-version") == "registry/2.0");
        CHECK(transport.requests().size() == 1);
    }
}

TEST_CASE("malformed and missing challenges are auth errors", "[auth][authenticator][D3]") {
    struct Case {
        std::vector<digestx::net::Header> headers;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{}, "registry reg.example: 401 response without a WWW-Authenticate challenge"},
        {{{"WWW-Authenticate", "Negotiate abc=="}}, "registry reg.example: unsupported auth challenge (negotiate)"},
        {{{"WWW-Authenticate", "Bearer realm=\"https://auth.example/tok"}},
         "registry reg.example: malformed WWW-Authenticate header: unterminated quoted string"},
        {{{"WWW-Authenticate", "Bearer service=\"x\""}}, "registry reg.example: bearer challenge has no realm"},
        {{{"WWW-Authenticate", "Bearer realm=\"" + std::string(100000, 'x') + "\""}},
         "registry reg.example: WWW-Authenticate header too long"},
    };
    for (const auto &c : cases) {
        INFO("expected: " << c.message);
        FakeTransport transport;
        ManualClock clock;
        transport.on("GET", manifest, reply(401, "", c.headers));
        Authenticator auth(transport, *origin_of(registry), bob, clock);
        auto response = auth.perform_one(get(manifest), repository_scope("foo"));
        REQUIRE_FALSE(response);
        CHECK(response.error().code == ErrorCode::Auth);
        CHECK(response.error().http_status == 401);
        CHECK(response.error().describe().rfind(c.message, 0) == 0);
        CHECK(transport.requests().size() == 1);
    }
}

TEST_CASE("transport failures are returned as they are", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, digestx::test::failure_reply(ErrorCode::Network, "connection reset"));
    Authenticator auth(transport, *origin_of(registry), bob, clock);
    auto results = auth.perform({get(manifest), get(registry + "/v2/")}, repository_scope("foo"));
    REQUIRE(results.size() == 2);
    REQUIRE_FALSE(results[0]);
    CHECK(results[0].error().code == ErrorCode::Network);
    CHECK(results[0].error().message == "connection reset");
    REQUIRE_FALSE(results[1]); // unscripted in the fake: also a Network error
    CHECK(transport.unscripted().size() == 1);
}

TEST_CASE("a scope-less ping asks for a token without scope", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    const std::string ping = registry + "/v2/";
    transport.on("GET", ping,
                 registry_accepting("ping", R"(Bearer realm="https://auth.example/token",service="reg.example")"));
    transport.on("GET", "https://auth.example/token?service=reg.example", reply(200, R"({"token":"ping"})"));
    Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
    auto response = auth.perform_one(get(ping), "");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(auth.registry().display() == "reg.example");
    CHECK_FALSE(auth.has_credentials());
}

TEST_CASE("repository scopes", "[auth][authenticator]") {
    CHECK(repository_scope("library/alpine") == "repository:library/alpine:pull");
    CHECK(repository_scope("org/app", "pull,push") == "repository:org/app:pull,push");
}

namespace {

const std::string bar_manifest = registry + "/v2/bar/manifests/1";
const std::string bar_challenge =
    R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:bar:pull")";
const std::string bar_token_url = "https://auth.example/token?service=reg.example&scope=repository%3Abar%3Apull";

// The requests of one perform() call of the transport.
std::vector<std::string> batch_urls(const FakeTransport &transport, std::size_t batch) {
    std::vector<std::string> urls;
    for (const auto &seen : transport.requests()) {
        if (seen.batch == batch) urls.push_back(seen.request.url);
    }
    return urls;
}

} // namespace

TEST_CASE("a challenge another client met is answered beside the first request", "[auth][authenticator]") {
    auto credentials = GENERATE(as<std::optional<Credentials>>{}, std::nullopt, bob);
    INFO((credentials ? "with credentials" : "anonymous"));
    FakeTransport transport;
    ManualClock clock;
    transport.on("GET", manifest, registry_accepting("foo-token"));
    transport.on("GET", bar_manifest, registry_accepting("bar-token", bar_challenge));
    std::string account = credentials ? "&account=bob" : "";
    transport.on("GET", token_url + account, reply(200, R"({"token":"foo-token"})"));
    transport.on("GET", bar_token_url + account, reply(200, R"({"token":"bar-token"})"));
    auto memory = std::make_shared<digestx::auth::ChallengeMemory>();

    Authenticator first(transport, *origin_of(registry), credentials, clock);
    first.share_challenges(memory);
    REQUIRE(first.perform_one(get(manifest), repository_scope("foo")));
    REQUIRE(transport.batches() == 3); // 401, token, retry: nothing was known yet

    // Another client of the same registry, as `check` makes one per repository.
    Authenticator second(transport, *origin_of(registry), credentials, clock);
    second.share_challenges(memory);
    auto response = second.perform_one(get(bar_manifest), repository_scope("bar"));
    REQUIRE(response);
    CHECK(response->status == 200);
    // The token request and the registry request share one batch; the retry needs no other one.
    CHECK(transport.batches() == 5);
    CHECK(batch_urls(transport, 3) == std::vector<std::string>{bar_token_url + account, bar_manifest});
    CHECK(batch_urls(transport, 4) == std::vector<std::string>{bar_manifest});
    CHECK(transport.count("GET", bar_token_url + account) == 1);
    const auto &seen = transport.requests();
    CHECK_FALSE(authorization(seen[seen.size() - 2])); // the first try goes without credentials
    CHECK(authorization(seen.back()) == "Bearer bar-token");
    check_no_leak(transport, "bar-token");

    // Later requests of that client use the cached token at once.
    REQUIRE(second.perform_one(get(bar_manifest), repository_scope("bar")));
    CHECK(transport.batches() == 6);
    CHECK(authorization(transport.requests().back()) == "Bearer bar-token");
    CHECK(transport.unscripted().empty());
}

TEST_CASE("a remembered challenge serves only its own origin, once", "[auth][authenticator]") {
    FakeTransport transport;
    ManualClock clock;
    auto memory = std::make_shared<digestx::auth::ChallengeMemory>();
    digestx::auth::AuthChallenge challenge;
    challenge.realm = "https://auth.example/token";
    challenge.service = "reg.example";
    memory->remember(*origin_of(registry), challenge);

    SECTION("another registry origin starts from nothing") {
        const std::string elsewhere = "https://reg.example:5000/v2/bar/manifests/1";
        transport.on("GET", elsewhere, reply(200, "open"));
        Authenticator auth(transport, *origin_of(elsewhere), std::nullopt, clock);
        auth.share_challenges(memory);
        REQUIRE(auth.perform_one(get(elsewhere), repository_scope("bar")));
        CHECK(transport.requests().size() == 1);
    }
    SECTION("a registry that answers without a challenge costs one unused token request") {
        transport.on("GET", bar_manifest, reply(200, "open"));
        transport.on("GET", bar_token_url, reply(200, R"({"token":"unused"})"));
        Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
        auth.share_challenges(memory);
        REQUIRE(auth.perform_one(get(bar_manifest), repository_scope("bar")));
        REQUIRE(auth.perform_one(get(bar_manifest), repository_scope("bar")));
        CHECK(transport.count("GET", bar_token_url) == 1);
        CHECK(transport.count("GET", bar_manifest) == 2);
        CHECK_FALSE(authorization(transport.requests().back()));
    }
    SECTION("a token request that fails is asked again after the registry's own 401, which it reports") {
        transport.on("GET", bar_manifest, registry_accepting("bar-token", bar_challenge));
        transport.on("GET", bar_token_url, reply(503));
        Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
        auth.share_challenges(memory);
        auto response = auth.perform_one(get(bar_manifest), repository_scope("bar"));
        REQUIRE_FALSE(response);
        CHECK(response.error().message.find("answered 503") != std::string::npos);
        CHECK(transport.count("GET", bar_token_url) == 2);
    }
    SECTION("a weaker realm is left to the registry's own challenge") {
        digestx::auth::AuthChallenge weak = challenge;
        weak.realm = "http://auth.example/token";
        memory->remember(*origin_of(registry), weak);
        transport.on("GET", bar_manifest, reply(200, "open"));
        Authenticator auth(transport, *origin_of(registry), std::nullopt, clock);
        auth.share_challenges(memory);
        REQUIRE(auth.perform_one(get(bar_manifest), repository_scope("bar")));
        CHECK(transport.requests().size() == 1);
    }
}

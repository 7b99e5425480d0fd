// Fault catalogue section D (authentication failures), end to end: the real binary against a
// scripted registry and token endpoints of ours. 401 loops (D1), hostile realms (D2), malformed
// challenges (D3), broken token endpoints (D4), token lifetimes (D5), Basic (D6), 403 (D7) and
// challenges from a redirect target (D12). Every realm case asserts that a refused endpoint saw
// no request at all, that a weaker realm was asked without Authorization, and that no foreign
// host saw Authorization.

#include <catch2/catch.hpp>

#include <atomic>

#include "faults_support.hpp"

using namespace digestx::test;

namespace {

ScriptedResponse challenge_401(const std::string &challenge) {
    auto response = error_response(401, "UNAUTHORIZED", "authentication required");
    if (!challenge.empty()) response.headers.emplace_back("WWW-Authenticate", challenge);
    return response;
}

std::string bearer_challenge(const std::string &realm, const std::string &extra = {}) {
    return "Bearer realm=\"" + realm + "\",service=\"fake-registry\",scope=\"repository:library/app:pull\"" + extra;
}

const std::vector<std::string> with_user = {"--username", "alice", "--password-stdin"};
const std::string password = "s3cr3t-pass\n";

std::vector<std::string> args(std::vector<std::string> front, const std::vector<std::string> &more = {}) {
    front.insert(front.end(), more.begin(), more.end());
    return front;
}

ScriptedResponse json_answer(int status, std::string body) {
    ScriptedResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = std::move(body);
    return response;
}

} // namespace

TEST_CASE("D1: a registry that keeps answering 401 gets one token refresh, then exit 4", "[faults][D1]") {
    TestHttpServer token(token_endpoint());
    std::string error = GENERATE(std::string("insufficient_scope"), std::string("invalid_token"));
    bool credentials = GENERATE(false, true);
    INFO("error=" << error << (credentials ? " with credentials" : " anonymous"));
    FakeRegistry registry;
    std::string challenge = bearer_challenge(token.base_url() + "/token", ",error=\"" + error + "\"");
    registry.on(
        "GET", app_manifests + "1.0", [challenge](const RecordedRequest &, int) { return challenge_401(challenge); },
        true);
    TestHttpServer server(registry.handler());

    auto result = run_timed(args(args({"--timeout", "5"}, credentials ? with_user : std::vector<std::string>{}),
                                 {"manifest", app_ref(server, ":1.0")}),
                            credentials ? password : std::string());
    check_failure(result.result, 4);
    CHECK_THAT(error_line(result.result),
               Catch::Contains("authorization failed for repository:library/app:pull (server: " + error + ")"));
    CHECK(token.requests().size() == 1);
    CHECK(count_requests(server, "GET", app_manifests + "1.0") == 2);
}

// docker follows any realm (distribution registry/client/auth/session.go fetchToken); so does
// digestx, with one warning, and the weaker realm is asked anonymously: the password never
// reaches it.
TEST_CASE("D2: weaker token realms are followed, warned about, and get no credentials", "[faults][D2]") {
    auto image = SampleImage::make("d2");
    SECTION("an http realm for an https registry") {
        TestHttpServer target(token_endpoint());
        TempDir dir;
        TestPki pki = make_test_pki(dir.path());
        FakeRegistry registry;
        registry.image("1.0", image).bearer(target.base_url() + "/token");
        TestHttpServer server(registry.handler(), pki.server_files());
        auto run = run_timed(args({"--timeout", "5", "--cacert", pki.ca_certificate},
                                  args(with_user, {"manifest", app_ref(server, ":1.0")})),
                             password);
        check_success(run.result, 1);
        CHECK_THAT(run.result.err,
                   Catch::Contains("plain-http realm for an https registry") && Catch::Contains("without credentials"));
        REQUIRE(target.requests().size() == 1);
        CHECK_FALSE(target.requests()[0].header("authorization"));
        CHECK(target.requests()[0].target.find("alice") == std::string::npos);
    }
    SECTION("an http realm that does not help says the credentials were withheld") {
        TestHttpServer target([](const RecordedRequest &) { return challenge_401(""); });
        TempDir dir;
        TestPki pki = make_test_pki(dir.path());
        FakeRegistry registry;
        registry.image("1.0", image).bearer(target.base_url() + "/token");
        TestHttpServer server(registry.handler(), pki.server_files());
        auto run = run_timed(args({"--timeout", "5", "--cacert", pki.ca_certificate},
                                  args(with_user, {"manifest", app_ref(server, ":1.0")})),
                             password);
        check_failure(run.result, 4, 1);
        CHECK_THAT(error_line(run.result), Catch::Contains("credentials withheld from token realm") &&
                                               Catch::Contains("plain-http realm for an https registry"));
        for (const auto &request : target.requests())
            CHECK_FALSE(request.header("authorization"));
        CHECK(run.result.err.find("s3cr3t") == std::string::npos);
    }
    SECTION("link-local, unspecified, private and loopback realms for a public registry") {
        // Everything goes through the proxy on 127.0.0.1: nothing reaches the addresses named.
        auto realm = GENERATE(as<std::string>(), "http://169.254.169.254/latest/meta-data/token",
                              "http://0.0.0.0:9/token", "http://10.0.0.1/token", "http://[::ffff:169.254.169.254]/t",
                              "http://127.0.0.1:9/token", "http://[::1]:9/token", "http://localhost:9/token");
        INFO("realm " << realm);
        FakeRegistry registry;
        registry.image("1.0", image).bearer(realm);
        Handler registry_handler = registry.handler();
        Handler tokens = token_endpoint();
        TestHttpServer proxy([&](const RecordedRequest &request) {
            return request.target.find("/token") != std::string::npos || request.target.find("/t?") != std::string::npos
                       ? tokens(request)
                       : registry_handler(request);
        });
        auto run = run_timed(args({"--timeout", "5", "--plain-http"},
                                  args(with_user, {"manifest", "registry.example.com/library/app:1.0"})),
                             password, through_proxy(proxy));
        check_success(run.result, 1);
        CHECK_THAT(run.result.err,
                   Catch::Contains("for a registry on a public address") && Catch::Contains("without credentials"));
        std::size_t asked = 0;
        for (const auto &request : proxy.requests()) {
            if (request.target.find("/v2/") != std::string::npos) continue;
            ++asked;
            CHECK_FALSE(request.header("authorization"));
            CHECK(request.target.find("account=") == std::string::npos);
        }
        CHECK(asked == 1);
    }
    SECTION("a token endpoint that redirects elsewhere is followed without credentials") {
        struct Row {
            std::string location;
            std::size_t warnings;
        };
        auto row = GENERATE(Row{"http://0.0.0.0:{port}/token", 1}, Row{"http://127.0.0.1:{port}/token", 0});
        TestHttpServer other(token_endpoint());
        std::string location = with_port(row.location, other.port());
        INFO("redirect to " << location);
        TestHttpServer realm([location](const RecordedRequest &) { return redirect_response(location, 302); });
        FakeRegistry registry;
        registry.image("1.0", image).bearer(realm.base_url() + "/token");
        TestHttpServer server(registry.handler());
        auto run =
            run_timed(args({"--timeout", "5"}, args(with_user, {"manifest", app_ref(server, ":1.0")})), password);
        check_success(run.result, row.warnings);
        REQUIRE(realm.requests().size() == 1);
        CHECK(realm.requests()[0].header("authorization"));
        REQUIRE(other.requests().size() == 1);
        CHECK_FALSE(other.requests()[0].header("authorization"));
    }
}

TEST_CASE("D2: realms that are not http(s) or carry userinfo are refused", "[faults][D2]") {
    TestHttpServer target(token_endpoint());
    auto realm =
        with_port(GENERATE(as<std::string>(), "http://user:pw@127.0.0.1:{port}/token", "ftp://127.0.0.1:{port}/token"),
                  target.port());
    INFO("realm " << realm);
    FakeRegistry registry;
    registry.bearer(realm);
    TestHttpServer server(registry.handler());
    auto run = run_timed(args({"--timeout", "5"}, args(with_user, {"manifest", app_ref(server, ":1.0")})), password);
    check_failure(run.result, 4);
    CHECK_THAT(error_line(run.result), Catch::Contains("refusing token realm"));
    CHECK(error_line(run.result).find(":pw@") == std::string::npos);
    CHECK(target.requests().empty());
}

TEST_CASE("D3: malformed or unsupported challenges fail cleanly", "[faults][D3]") {
    struct Row {
        std::string challenge;
        std::string expected;
    };
    auto row =
        GENERATE(Row{"Negotiate", "unsupported auth challenge"},
                 Row{"Bearer service=\"fake-registry\"", "bearer challenge has no realm"},
                 Row{"Bearer realm=\"http://127.0.0.1:{port}/token", "WWW-Authenticate"},
                 Row{"Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"" + std::string(100000, 's') + "\"",
                     "WWW-Authenticate header too long"},
                 Row{"", "401 response without a WWW-Authenticate challenge"},
                 Row{"Basic realm=\"registry\"", "requires authentication"});
    TestHttpServer token(token_endpoint());
    std::string challenge = with_port(row.challenge, token.port());
    INFO("WWW-Authenticate: " << challenge.substr(0, 80));
    FakeRegistry registry;
    registry.on(
        "GET", app_manifests + "1.0", [challenge](const RecordedRequest &, int) { return challenge_401(challenge); },
        true);
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 4);
    CHECK_THAT(error_line(run.result), Catch::Contains(row.expected));
    CHECK(token.requests().empty());
}

TEST_CASE("D3: among several challenges Bearer is picked", "[faults][D3]") {
    auto image = SampleImage::make("d3");
    std::string bearer = "Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"fake \\\"registry\\\"\"";
    struct Row {
        const char *name;
        std::vector<std::string> headers;
    };
    auto row = GENERATE_COPY(Row{"one header", {"Negotiate, Basic realm=\"x\", " + bearer}},
                             Row{"several headers", {"Negotiate", "Basic realm=\"x\"", bearer}});
    INFO(row.name);
    TestHttpServer token(token_endpoint());
    for (auto &value : row.headers)
        value = with_port(value, token.port());
    FakeRegistry registry;
    registry.image("1.0", image)
        .on(
            "GET", app_manifests + "1.0",
            [&, row](const RecordedRequest &request, int) {
                if (request.header("authorization") == "Bearer registry-token") {
                    ScriptedResponse ok;
                    ok.headers = {{"Content-Type", oci_manifest_type}};
                    ok.body = image.manifest;
                    return ok;
                }
                auto response = error_response(401, "UNAUTHORIZED", "authentication required");
                for (const auto &value : row.headers)
                    response.headers.emplace_back("WWW-Authenticate", value);
                return response;
            },
            true);
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_success(run.result);
    CHECK(run.result.out == image.manifest);
    REQUIRE(token.requests().size() == 1);
    // The escaped quotes of the service were read as the value `fake "registry"`.
    CHECK_THAT(token.requests()[0].target, Catch::Contains("service=fake%20%22registry%22"));
}

TEST_CASE("D4: a token endpoint that gives no usable token is an auth failure", "[faults][D4]") {
    struct Row {
        const char *name;
        ScriptedResponse answer;
    };
    ScriptedResponse endless = json_answer(200, R"({"token":")");
    endless.endless_bytes = 50U << 20U;
    endless.piece_size = 1U << 20U;
    auto row = GENERATE_COPY(
        Row{"not JSON", json_answer(200, "<html>token service</html>")}, Row{"empty object", json_answer(200, "{}")},
        Row{"token with CR/LF", json_answer(200, R"({"token":"abc\r\nX-Injected: 1"})")},
        Row{"token with a space", json_answer(200, R"({"token":"abc def"})")},
        Row{"token not a string", json_answer(200, R"({"token":42})")}, Row{"50 MB body", endless});
    INFO(row.name);
    TestHttpServer token([row](const RecordedRequest &) { return row.answer; });
    FakeRegistry registry;
    registry.bearer(token.base_url() + "/token");
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "10", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 4);
    CHECK_THAT(error_line(run.result), Catch::Contains("token"));
    CHECK(run.seconds < 8);
    // Nothing the token endpoint said was put into a request.
    for (const auto &request : server.requests()) {
        CHECK(!request.header("x-injected"));
        CHECK(!request.header("authorization"));
    }
}

TEST_CASE("D4: a token endpoint failing with 5xx is retried like C6, then a network error", "[faults][D4]") {
    // Persistent 5xx is the contract's exit 6 wherever it happens; the token client maps it so.
    TestHttpServer token([](const RecordedRequest &) {
        auto response = json_answer(503, R"({"details":"token service down"})");
        response.headers.emplace_back("Retry-After", "0");
        return response;
    });
    FakeRegistry registry;
    registry.bearer(token.base_url() + "/token");
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
    check_failure(run.result, 6);
    CHECK_THAT(error_line(run.result), Catch::Contains("token endpoint") && Catch::Contains("answered 503"));
    CHECK(token.requests().size() == 5);
    CHECK(authorized_requests(server) == 0);
}

TEST_CASE("D5: tokens work whatever their announced lifetime", "[faults][D5]") {
    auto image = SampleImage::make("d5");
    auto body = GENERATE(
        std::string(R"({"token":"registry-token"})"), std::string(R"({"token":"registry-token","expires_in":0})"),
        std::string(R"({"token":"registry-token","expires_in":-5})"),
        std::string(R"({"token":"registry-token","expires_in":10})"),
        std::string(R"({"token":"registry-token","expires_in":9223372036854775807})"),
        std::string(R"({"access_token":"registry-token","expires_in":300,"issued_at":"2099-01-01T00:00:00Z"})"));
    INFO("token response " << body);
    TestHttpServer token(token_endpoint("", body));
    FakeRegistry registry;
    registry.bearer(token.base_url() + "/token").image("1.0", image);
    TestHttpServer server(registry.handler());

    // config makes two registry requests with the token: the manifest and the config blob.
    auto run = run_timed({"--timeout", "5", "config", app_ref(server, ":1.0")});
    check_success(run.result);
    CHECK(run.result.out == image.config);
    CHECK(token.requests().size() <= 2);
}

TEST_CASE("D5: a token that expires mid-run is refreshed once", "[faults][D5]") {
    auto image = SampleImage::make("d5-expiry");
    std::atomic<int> issued{0};
    TestHttpServer token([&](const RecordedRequest &) {
        return json_answer(200, R"({"token":"token-)" + std::to_string(++issued) + R"(","expires_in":300})");
    });
    std::string challenge = bearer_challenge(token.base_url() + "/token");
    // The registry revokes token-1 after the manifest: the blob needs a fresh one.
    auto serve = [&](const std::string &wanted, const std::string &bytes, const std::string &type) {
        return [&, wanted, bytes, type](const RecordedRequest &request, int) {
            if (request.header("authorization") != "Bearer " + wanted)
                return challenge_401(challenge + (request.header("authorization") ? ",error=\"invalid_token\"" : ""));
            ScriptedResponse ok;
            ok.headers = {{"Content-Type", type}};
            ok.body = bytes;
            return ok;
        };
    };
    FakeRegistry registry;
    registry.on("GET", app_manifests + "1.0", serve("token-1", image.manifest, oci_manifest_type), true)
        .on("GET", app_blobs + image.config_digest, serve("token-2", image.config, oci_config_type), true);
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "5", "config", app_ref(server, ":1.0")});
    check_success(run.result);
    CHECK(run.result.out == image.config);
    CHECK(token.requests().size() == 2);
}

TEST_CASE("D6: Basic authentication without or with wrong credentials", "[faults][D6]") {
    auto image = SampleImage::make("d6");
    FakeRegistry registry;
    registry.basic("alice", "s3cr3t-pass").image("1.0", image);
    TestHttpServer server(registry.handler());

    SECTION("no credentials: exit 4 with the hint") {
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result),
                   Catch::Contains("registry " + server.host() + " requires authentication; no credentials given") &&
                       Catch::Contains("--username with --password-stdin, or docker login / podman login"));
        CHECK(server.requests().size() == 1);
    }
    SECTION("a wrong password: rejected after one try") {
        auto run =
            run_timed(args({"--timeout", "5"}, args(with_user, {"manifest", app_ref(server, ":1.0")})), "wrong-pass\n");
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result), Catch::Contains("credentials rejected by registry " + server.host()));
        CHECK(server.requests().size() == 2);
        CHECK(run.result.err.find("wrong-pass") == std::string::npos);
    }
    SECTION("the right password works") {
        auto run =
            run_timed(args({"--timeout", "5"}, args(with_user, {"manifest", app_ref(server, ":1.0")})), password);
        check_success(run.result);
        CHECK(run.result.out == image.manifest);
    }
}

TEST_CASE("D7: 403 DENIED is an auth failure and is not retried", "[faults][D7]") {
    SECTION("with a body: the registry's message is shown, sanitized") {
        FakeRegistry registry;
        registry.on("", app_manifests + "1.0", [](const RecordedRequest &, int) {
            return error_response(403, "DENIED", "requested access to the resource is denied\x1b[2J");
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result), Catch::Contains("DENIED: requested access to the resource is denied"));
        CHECK(server.requests().size() == 1);

        auto head = run_timed({"--timeout", "5", "manifest", "--head", app_ref(server, ":1.0")});
        check_failure(head.result, 4);
        CHECK_THAT(error_line(head.result), Catch::Contains("DENIED: requested access to the resource is denied"));
        // One HEAD and the one GET that fetched the message.
        CHECK(server.requests().size() == 3);
    }
    SECTION("without a body") {
        FakeRegistry registry;
        registry.on("GET", app_manifests + "1.0", [](const RecordedRequest &, int) {
            ScriptedResponse response;
            response.status = 403;
            return response;
        });
        TestHttpServer server(registry.handler());
        auto run = run_timed({"--timeout", "5", "manifest", app_ref(server, ":1.0")});
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result), Catch::Contains("HTTP 403 Forbidden"));
        CHECK(server.requests().size() == 1);
    }
}

TEST_CASE("D12: a redirect target's own challenge gets an anonymous token, never the registry's credentials",
          "[faults][D12]") {
    auto image = SampleImage::make("d12");
    auto row = GENERATE(as<std::string>(),
                        "Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"cdn\",scope=\"blob:read\"",
                        "Basic realm=\"cdn\"");
    TestHttpServer cdn_token(token_endpoint("cdn-token"));
    std::string cdn_challenge = with_port(row, cdn_token.port());
    INFO("CDN challenge " << cdn_challenge);
    TestHttpServer cdn([&](const RecordedRequest &request) {
        if (request.header("authorization") == "Bearer cdn-token") {
            ScriptedResponse ok;
            ok.headers = {{"Content-Type", oci_manifest_type}};
            ok.body = image.manifest;
            return ok;
        }
        return challenge_401(cdn_challenge);
    });
    FakeRegistry registry;
    registry.basic("alice", "s3cr3t-pass").on("GET", app_manifests + "1.0", [&](const RecordedRequest &, int) {
        return redirect_response(cdn.base_url() + "/blobs/manifest");
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed(args({"--timeout", "5"}, args(with_user, {"manifest", app_ref(server, ":1.0")})), password);
    if (cdn_challenge.starts_with("Bearer")) {
        check_success(run.result);
        CHECK(run.result.out == image.manifest);
        REQUIRE(cdn_token.requests().size() == 1);
    } else {
        check_failure(run.result, 4);
        CHECK_THAT(error_line(run.result), Catch::Contains("asks for Basic credentials"));
    }
    CHECK(authorized_requests(cdn_token) == 0);
    for (const auto &request : cdn.requests())
        CHECK(!request.header("authorization").value_or("").starts_with("Basic"));
    CHECK(authorized_requests(server) >= 1);
}

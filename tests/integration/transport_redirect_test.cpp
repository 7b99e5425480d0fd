// Redirects through the libcurl transport (C10, C11; rules 7 and 8): relative locations, the
// hop limit, credentials dropped for good once a chain leaves the origin, and refused
// downgrades and public→private hops, where the refused target must see no request at all.

#include <catch2/catch.hpp>

#include "support/http_server.hpp"
#include "transport_support.hpp"

using namespace digestx;
using namespace digestx::test;

namespace {

std::unique_ptr<net::CurlTransport> make_transport(net::TransportOptions options) {
    auto transport = net::make_curl_transport(std::move(options));
    REQUIRE(transport);
    return std::move(*transport);
}

ScriptedResponse redirect_to(std::string location, int status = 302) {
    ScriptedResponse response;
    response.status = status;
    response.headers = {{"Location", std::move(location)}};
    return response;
}

ScriptedResponse ok(std::string body) {
    ScriptedResponse response;
    response.body = std::move(body);
    return response;
}

net::HttpRequest with_credentials(std::string url) {
    auto r = request(std::move(url));
    r.headers = {{"Authorization", "Bearer origin-token"},
                 {"Cookie", "session=abc"},
                 {"Proxy-Authorization", "Basic cHJveHk6cHc="},
                 {"Accept", "application/vnd.oci.image.index.v1+json"}};
    return r;
}

bool has_credentials(const RecordedRequest &request) {
    return request.header("authorization") || request.header("cookie") || request.header("proxy-authorization");
}

} // namespace

TEST_CASE("relative locations resolve against the current URL", "[net][transport][redirect]") {
    TestHttpServer server([](const RecordedRequest &request) {
        if (request.path() == "/v2/app/blobs/sha256:aa") return redirect_to("../storage/blob?sig=1", 307);
        if (request.path() == "/v2/app/storage/blob") return redirect_to("/final", 301);
        return ok("at " + request.target);
    });
    auto transport = make_transport(fast_options());
    auto result = transport->perform_one(with_credentials(server.base_url() + "/v2/app/blobs/sha256:aa"));
    REQUIRE(result);
    CHECK(result->status == 200);
    CHECK(result->body == "at /final");
    CHECK(result->effective_url == server.base_url() + "/final");
    CHECK(result->redirects ==
          std::vector<std::string>{server.base_url() + "/v2/app/storage/blob?sig=1", server.base_url() + "/final"});
    // Same origin all the way: the credentials stay, and so do the other headers.
    for (const auto &seen : server.requests()) {
        INFO(seen.target);
        CHECK(seen.header("authorization") == "Bearer origin-token");
        CHECK(seen.header("accept") == "application/vnd.oci.image.index.v1+json");
    }
}

TEST_CASE("credentials are dropped for the rest of a chain once it leaves the origin (C10 a, d)",
          "[net][transport][redirect]") {
    TestHttpServer cdn([](const RecordedRequest &) { return ok("not yet scripted"); });
    std::string cdn_url = cdn.base_url();
    std::string origin_url;
    TestHttpServer registry([&](const RecordedRequest &request) {
        if (request.path() == "/v2/a/blobs/x") return redirect_to(cdn_url + "/1");       // A → B → B
        if (request.path() == "/v2/a/blobs/y") return redirect_to(cdn_url + "/back");    // A → B → A
        if (request.path() == "/v2/a/blobs/z") return redirect_to(origin_url + "/home"); // A → A
        return ok("home");
    });
    origin_url = registry.base_url();
    cdn.set_handler([&](const RecordedRequest &request) {
        if (request.path() == "/1") return redirect_to("/2");
        if (request.path() == "/back") return redirect_to(origin_url + "/returned");
        return ok("blob");
    });
    auto transport = make_transport(fast_options());

    auto chain = transport->perform_one(with_credentials(registry.base_url() + "/v2/a/blobs/x"));
    REQUIRE(chain);
    CHECK(chain->body == "blob");
    CHECK(chain->redirects.size() == 2);
    auto back = transport->perform_one(with_credentials(registry.base_url() + "/v2/a/blobs/y"));
    REQUIRE(back);
    CHECK(back->body == "home");
    auto same = transport->perform_one(with_credentials(registry.base_url() + "/v2/a/blobs/z"));
    REQUIRE(same);

    auto cdn_seen = cdn.requests();
    REQUIRE(cdn_seen.size() == 3);
    for (const auto &seen : cdn_seen) {
        INFO(seen.target);
        CHECK_FALSE(has_credentials(seen));
        CHECK(seen.header("accept") == "application/vnd.oci.image.index.v1+json");
    }
    for (const auto &seen : registry.requests()) {
        INFO(seen.target);
        // Only /returned came back to the origin after leaving it: still without credentials.
        CHECK(has_credentials(seen) == (seen.path() != "/returned"));
    }
}

TEST_CASE("https to http redirects are refused unless explicitly allowed (C10 b)", "[net][transport][redirect]") {
    TempDir dir;
    TestPki pki = make_test_pki(dir.path());
    TestHttpServer plain([](const RecordedRequest &) { return ok("plain"); });
    std::string target = plain.base_url() + "/v2/x?token=secret";
    TestHttpServer secure([&](const RecordedRequest &) { return redirect_to(target); }, pki.server_files());
    for (bool allow : {false, true}) {
        INFO(allow);
        auto options = fast_options();
        options.ca_file = pki.ca_certificate;
        options.allow_plain_http_redirects = allow;
        auto transport = make_transport(options);
        auto result = transport->perform_one(with_credentials(secure.base_url() + "/v2/x"));
        if (!allow) {
            REQUIRE_FALSE(result);
            CHECK(result.error().code == ErrorCode::Integrity);
            CHECK(result.error().message == "refusing redirect from " + secure.base_url() + "/v2/x to " +
                                                plain.base_url() + "/v2/x?token=REDACTED");
            CHECK(plain.requests().empty());
        } else {
            REQUIRE(result);
            CHECK(result->body == "plain");
            REQUIRE(plain.requests().size() == 1);
            CHECK_FALSE(has_credentials(plain.requests()[0]));
        }
    }
}

TEST_CASE("a public host cannot redirect to private addresses (C10 c)", "[net][transport][redirect]") {
    TestHttpServer internal([](const RecordedRequest &) { return ok("metadata"); });
    std::vector<std::string> targets = {internal.base_url() + "/latest",
                                        "http://169.254.169.254/latest/meta-data/",
                                        "http://10.0.0.1/admin",
                                        "http://172.16.5.4/",
                                        "http://192.168.1.1/",
                                        "http://[::1]:" + std::to_string(internal.port()) + "/",
                                        "http://[fd00::1]/",
                                        "http://[::ffff:127.0.0.1]/",
                                        "http://0.0.0.0:" + std::to_string(internal.port()) + "/",
                                        "http://localhost:" + std::to_string(internal.port()) + "/",
                                        "http://2130706433:" + std::to_string(internal.port()) + "/"};
    std::string location;
    TestHttpServer registry([&](const RecordedRequest &) { return redirect_to(location); });
    auto options = fast_options();
    options.resolve = {"registry.example:" + std::to_string(registry.port()) + ":127.0.0.1"};
    auto transport = make_transport(options);
    std::string public_url = "http://registry.example:" + std::to_string(registry.port()) + "/v2/";
    for (const auto &target : targets) {
        INFO(target);
        location = target;
        auto result = transport->perform_one(request(public_url));
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::Integrity);
        CHECK_THAT(result.error().message,
                   Catch::StartsWith("refusing redirect from " + public_url + " to private address"));
    }
    CHECK(internal.requests().empty());
    CHECK(registry.requests().size() == targets.size());
    // A private registry may redirect within its own network.
    auto local = transport->perform_one(request(internal.base_url() + "/direct"));
    REQUIRE(local);
    location = internal.base_url() + "/latest";
    auto hop = transport->perform_one(request(registry.base_url() + "/v2/"));
    REQUIRE(hop);
    CHECK(hop->body == "metadata");
}

TEST_CASE("at most 10 redirects are followed (C11)", "[net][transport][redirect]") {
    int chain_length = 0;
    TestHttpServer server([&](const RecordedRequest &request) {
        int hop = std::stoi(request.path().substr(3));
        if (hop < chain_length) return redirect_to("/r/" + std::to_string(hop + 1));
        return ok("end");
    });
    auto transport = make_transport(fast_options());
    for (int length : {0, 1, 10, 11, 50}) {
        INFO(length);
        chain_length = length;
        auto before = server.requests().size();
        auto result = transport->perform_one(request(server.base_url() + "/r/0"));
        if (length <= 10) {
            REQUIRE(result);
            CHECK(result->body == "end");
            CHECK(result->redirects.size() == static_cast<std::size_t>(length));
        } else {
            REQUIRE_FALSE(result);
            CHECK(result.error().code == ErrorCode::Network);
            CHECK_THAT(result.error().message, Catch::StartsWith("too many redirects (10)"));
            CHECK(server.requests().size() - before == 11);
        }
    }
}

TEST_CASE("redirect methods: 303 and 302 after POST become GET, 307 keeps POST", "[net][transport][redirect]") {
    TestHttpServer server([](const RecordedRequest &request) {
        if (request.path() == "/303") return redirect_to("/landing", 303);
        if (request.path() == "/302") return redirect_to("/landing", 302);
        if (request.path() == "/307") return redirect_to("/landing", 307);
        return ok(request.method + ":" + request.body);
    });
    auto transport = make_transport(fast_options());
    struct Case {
        std::string path;
        std::string method;
        std::string expected;
    };
    for (const auto &c : std::vector<Case>{{"/303", "POST", "GET:"},
                                           {"/302", "POST", "GET:"},
                                           {"/307", "POST", "POST:form=1"},
                                           {"/303", "HEAD", ""},
                                           {"/302", "GET", "GET:"}}) {
        INFO(c.path << " " << c.method);
        auto r = request(server.base_url() + c.path, c.method);
        if (c.method == "POST") {
            r.body = "form=1";
            r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        }
        auto result = transport->perform_one(r);
        REQUIRE(result);
        CHECK(result->body == c.expected);
        CHECK(server.requests().back().method ==
              (c.expected.empty() ? "HEAD" : c.expected.substr(0, c.expected.find(':'))));
    }
}

TEST_CASE("redirects are returned as responses when not followed or without Location", "[net][transport][redirect]") {
    TestHttpServer server([](const RecordedRequest &request) {
        if (request.path() == "/nowhere") {
            ScriptedResponse response;
            response.status = 302;
            return response;
        }
        return redirect_to("/elsewhere");
    });
    auto transport = make_transport(fast_options());
    auto r = request(server.base_url() + "/somewhere");
    r.follow_redirects = false;
    auto kept = transport->perform_one(r);
    REQUIRE(kept);
    CHECK(kept->status == 302);
    CHECK(kept->header("location") == "/elsewhere");
    auto bare = transport->perform_one(request(server.base_url() + "/nowhere"));
    REQUIRE(bare);
    CHECK(bare->status == 302);
    CHECK(server.requests().size() == 2);
}

#include <catch2/catch.hpp>

#include "digestx/net/redirect_policy.hpp"

using namespace digestx;
using namespace digestx::net;

TEST_CASE("is_private_host knows loopback, link-local, private and unspecified literals", "[net][redirect]") {
    struct Case {
        std::string host;
        bool expected;
    };
    std::vector<Case> cases = {
        {"127.0.0.1", true},
        {"127.255.0.9", true},
        {"10.1.2.3", true},
        {"172.16.0.1", true},
        {"172.31.255.255", true},
        {"172.15.0.1", false},
        {"172.32.0.1", false},
        {"192.168.0.10", true},
        {"192.169.0.1", false},
        {"169.254.169.254", true},
        {"0.0.0.0", true},
        {"[::1]", true},
        {"::1", true},
        {"[::]", true},
        {"[fe80::1]", true},
        {"[febf::1]", true},
        {"[fec0::1]", false},
        {"[fc00::1]", true},
        {"[fd12:3456::1]", true},
        {"[::ffff:127.0.0.1]", true},
        {"[::ffff:8.8.8.8]", false},
        {"[2001:db8::1]", false},
        {"localhost", true},
        {"LOCALHOST", true},
        {"localhost.", true},
        {"api.localhost", true},
        {"notlocalhost", false},
        {"registry-1.docker.io", false},
        {"8.8.8.8", false},
        {"", false},
        {"127.0.0.1.example", false},
    };
    for (const auto &c : cases) {
        INFO(c.host);
        CHECK(is_private_host(c.host) == c.expected);
    }
}

TEST_CASE("origin_of and host_of normalise what curl would connect to", "[net][redirect]") {
    CHECK(origin_of("https://Registry.Example/v2/") == "https://registry.example:443");
    CHECK(origin_of("http://registry.example/v2/") == "http://registry.example:80");
    CHECK(origin_of("https://user:pw@registry.example:5000/x?y") == "https://registry.example:5000");
    CHECK(origin_of("https://registry.example:443/") == origin_of("https://registry.example/"));
    CHECK(origin_of("ftp://registry.example/") == "");
    CHECK(origin_of("not a url") == "");
    CHECK(host_of("http://127.1:5000/") == "127.0.0.1");
    CHECK(host_of("http://2130706433/") == "127.0.0.1");
    CHECK(host_of("http://[::1]:5000/") == "[::1]");
}

TEST_CASE("resolve_location resolves relative references against the current URL", "[net][redirect]") {
    std::string base = "https://registry.example/v2/app/blobs/sha256:aa?x=1";
    struct Case {
        std::string location;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"/other", "https://registry.example/other"},
        {"other", "https://registry.example/v2/app/blobs/other"},
        {"../manifests/latest", "https://registry.example/v2/app/manifests/latest"},
        {"//cdn.example/blob?sig=1", "https://cdn.example/blob?sig=1"},
        {"https://cdn.example:8443/b", "https://cdn.example:8443/b"},
        {"?page=2", "https://registry.example/v2/app/blobs/sha256:aa?page=2"},
    };
    for (const auto &c : cases) {
        INFO(c.location);
        auto resolved = resolve_location(base, c.location);
        REQUIRE(resolved);
        CHECK(*resolved == c.expected);
    }
    for (std::string bad : {"ftp://x/", "file:///etc/passwd", "gopher://x/", "http://"}) {
        INFO(bad);
        auto resolved = resolve_location(base, bad);
        REQUIRE_FALSE(resolved);
        CHECK(resolved.error().code == ErrorCode::Integrity);
    }
}

TEST_CASE("check_redirect refuses downgrades and public-to-private hops", "[net][redirect]") {
    struct Case {
        std::string from;
        std::string to;
        bool allow_plain_http;
        std::string refusal; // "" when allowed
    };
    std::vector<Case> cases = {
        {"https://reg.example/v2/", "https://cdn.example/b", false, ""},
        {"http://reg.example/v2/", "http://cdn.example/b", false, ""},
        {"http://reg.example/v2/", "https://cdn.example/b", false, ""},
        {"https://reg.example/v2/", "http://cdn.example/b?sig=s", false,
         "refusing redirect from https://reg.example/v2/ to http://cdn.example/b?sig=REDACTED"},
        {"https://reg.example/v2/", "http://cdn.example/b", true, ""},
        {"https://reg.example/v2/", "https://169.254.169.254/latest", false,
         "refusing redirect from https://reg.example/v2/ to private address https://169.254.169.254/latest"},
        {"https://reg.example/", "https://localhost/", false,
         "refusing redirect from https://reg.example/ to private address https://localhost/"},
        {"https://127.0.0.1:5000/", "https://127.0.0.1:5001/", false, ""},
        {"https://10.0.0.5/", "https://cdn.example/", false, ""},
        {"https://10.0.0.5/", "https://192.168.0.1/", false, ""},
        {"https://reg.example/", "ftp://reg.example/", false,
         "refusing redirect from https://reg.example/ to ftp://reg.example/: not an http(s) URL"},
    };
    for (const auto &c : cases) {
        INFO(c.from << " -> " << c.to);
        auto decision = check_redirect(c.from, c.to, c.allow_plain_http);
        CHECK(decision.has_value() == c.refusal.empty());
        if (!decision) {
            CHECK(decision.error().code == ErrorCode::Integrity);
            CHECK(decision.error().message == c.refusal);
        }
    }
}

TEST_CASE("credential headers and redirect statuses", "[net][redirect]") {
    for (std::string name : {"Authorization", "authorization", "COOKIE", "Proxy-Authorization"}) {
        INFO(name);
        CHECK(is_credential_header(name));
    }
    for (std::string name : {"Accept", "User-Agent", "X-Authorization-Hint", "Set-Cookie"}) {
        INFO(name);
        CHECK_FALSE(is_credential_header(name));
    }
    for (int status : {301, 302, 303, 307, 308})
        CHECK(is_redirect_status(status));
    for (int status : {200, 300, 304, 305, 306, 400})
        CHECK_FALSE(is_redirect_status(status));
}

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/auth/origin.hpp"
#include "digestx/auth/realm.hpp"

using digestx::ErrorCode;
using digestx::auth::classify_host;
using digestx::auth::HostClass;
using digestx::auth::Origin;
using digestx::auth::origin_of;
using digestx::auth::realm_problem;
using digestx::auth::realm_weakness;
using digestx::auth::validate_realm;

TEST_CASE("origins are scheme, host and port as libcurl reads them", "[auth][origin]") {
    struct Case {
        std::string url;
        std::string origin; // str(), or "" when there is none
        std::string display;
    };
    const std::vector<Case> cases = {
        {"https://registry-1.docker.io/v2/", "https://registry-1.docker.io:443", "registry-1.docker.io"},
        {"https://Registry.Example/v2/x", "https://registry.example:443", "registry.example"},
        {"HTTPS://reg.example:443/v2/", "https://reg.example:443", "reg.example"},
        {"https://reg.example:5000/v2/", "https://reg.example:5000", "reg.example:5000"},
        {"http://127.0.0.1:5000/v2/", "http://127.0.0.1:5000", "127.0.0.1:5000"},
        {"http://reg.example/v2/", "http://reg.example:80", "reg.example"},
        {"http://reg.example:443/", "http://reg.example:443", "reg.example:443"},
        {"https://127.1/", "https://127.0.0.1:443", "127.0.0.1"},
        {"https://2130706433:8443/", "https://127.0.0.1:8443", "127.0.0.1:8443"},
        {"https://0x7f.0.0.1/", "https://127.0.0.1:443", "127.0.0.1"},
        {"https://[::1]:5000/v2/", "https://[::1]:5000", "[::1]:5000"},
        {"https://[FE80::1%25eth0]/", "https://[fe80::1%25eth0]:443", "[fe80::1%25eth0]"},
        {"https://reg.example./v2/", "https://reg.example.:443", "reg.example."},
        {"https://user:pass@reg.example/", "", ""},
        {"https://user@reg.example/", "", ""},
        {"ftp://reg.example/", "", ""},
        {"file:///etc/passwd", "", ""},
        {"reg.example/v2/", "", ""},
        {"//reg.example/v2/", "", ""},
        {"https://reg.example:0/", "", ""},
        {"https://reg.example:99999/", "", ""},
        {"https://reg example/", "", ""},
        {"https://reg.example/\r\nX: y", "", ""},
        {"", "", ""},
    };
    for (const auto &c : cases) {
        INFO("url: " << c.url);
        auto origin = origin_of(c.url);
        if (c.origin.empty()) {
            CHECK_FALSE(origin);
            continue;
        }
        REQUIRE(origin);
        CHECK(origin->str() == c.origin);
        CHECK(origin->display() == c.display);
    }
    CHECK(origin_of("https://reg.example/a") == origin_of("https://REG.example:443/b?c"));
    CHECK(origin_of("https://reg.example/a") != origin_of("http://reg.example/a"));
    CHECK(origin_of("https://reg.example/a") != origin_of("https://reg.example:5000/a"));
    CHECK(origin_of("https://reg.example/a") != origin_of("https://reg.example.evil.com/a"));
}

TEST_CASE("hosts are classified without DNS", "[auth][realm]") {
    struct Case {
        std::string host;
        HostClass expected;
    };
    const std::vector<Case> cases = {
        {"registry-1.docker.io", HostClass::Public},
        {"auth.docker.io", HostClass::Public},
        {"8.8.8.8", HostClass::Public},
        {"1.0.0.1", HostClass::Public},
        {"172.15.255.255", HostClass::Public},
        {"172.32.0.1", HostClass::Public},
        {"192.167.1.1", HostClass::Public},
        {"169.253.1.1", HostClass::Public},
        {"11.0.0.1", HostClass::Public},
        {"[2001:4860:4860::8888]", HostClass::Public},
        {"[fec0::1]", HostClass::Public},
        {"[::2]", HostClass::Public},
        {"localhost.example.com", HostClass::Public},
        {"mylocalhost", HostClass::Public},
        {"0.0.0.0", HostClass::Unspecified},
        {"0.1.2.3", HostClass::Unspecified},
        {"[::]", HostClass::Unspecified},
        {"[::ffff:0.0.0.0]", HostClass::Unspecified},
        {"127.0.0.1", HostClass::Loopback},
        {"127.255.255.254", HostClass::Loopback},
        {"[::1]", HostClass::Loopback},
        {"[0:0:0:0:0:0:0:1]", HostClass::Loopback},
        {"[::ffff:127.0.0.1]", HostClass::Loopback},
        {"[::ffff:7f00:1]", HostClass::Loopback},
        {"localhost", HostClass::Loopback},
        {"LOCALHOST", HostClass::Loopback},
        {"localhost.", HostClass::Loopback},
        {"registry.localhost", HostClass::Loopback},
        {"169.254.169.254", HostClass::LinkLocal},
        {"169.254.0.1", HostClass::LinkLocal},
        {"[fe80::1]", HostClass::LinkLocal},
        {"[fe80::1%25eth0]", HostClass::LinkLocal},
        {"[febf::1]", HostClass::LinkLocal},
        {"[::ffff:169.254.169.254]", HostClass::LinkLocal},
        {"10.0.0.1", HostClass::Private},
        {"10.255.255.255", HostClass::Private},
        {"172.16.0.1", HostClass::Private},
        {"172.31.255.255", HostClass::Private},
        {"192.168.0.1", HostClass::Private},
        {"[fc00::1]", HostClass::Private},
        {"[fd00:ec2::254]", HostClass::Private},
        {"[::ffff:10.1.2.3]", HostClass::Private},
    };
    for (const auto &c : cases) {
        INFO("host: " << c.host);
        CHECK(classify_host(c.host) == c.expected);
    }
}

TEST_CASE("token realms that could steer credentials are refused", "[auth][realm]") {
    struct Case {
        std::string realm;
        std::string registry;
        std::string problem; // "" when the realm is acceptable
    };
    const std::vector<Case> cases = {
        // Accepted.
        {"https://auth.docker.io/token", "https://registry-1.docker.io", ""},
        {"https://ghcr.io/token", "https://ghcr.io", ""},
        {"https://auth.example/token?x=1", "https://reg.example", ""},
        {"http://auth.example/token", "http://reg.example", ""},
        {"https://auth.example/token", "http://reg.example", ""},
        {"http://127.0.0.1:5001/token", "http://127.0.0.1:5000", ""},
        {"https://127.0.0.1:5001/token", "https://127.0.0.1:5000", ""},
        {"https://localhost:5001/token", "https://127.0.0.1:5000", ""},
        {"https://127.0.0.1/token", "https://localhost:5000", ""},
        {"https://[::1]:5001/token", "https://127.0.0.1:5000", ""},
        {"https://10.0.0.2/token", "https://10.0.0.1", ""},
        {"https://192.168.1.2/token", "https://10.0.0.1:5000", ""},
        {"https://169.254.1.2/token", "https://169.254.1.1", ""},
        {"https://8.8.8.8/token", "https://127.0.0.1:5000", ""},
        // Not an http(s) URL.
        {"ftp://auth.example/token", "https://reg.example", "not an absolute http(s) URL"},
        {"file:///etc/passwd", "https://reg.example", "not an absolute http(s) URL"},
        {"/token", "https://reg.example", "not an absolute http(s) URL"},
        {"auth.example/token", "https://reg.example", "not an absolute http(s) URL"},
        {"", "https://reg.example", "not an absolute http(s) URL"},
        {"https://auth example/token", "https://reg.example", "not an absolute http(s) URL"},
        {"gopher://127.0.0.1:6379/_FLUSHALL", "https://reg.example", "not an absolute http(s) URL"},
        {"https://user:pw@auth.example/token", "https://reg.example", "the URL carries userinfo"},
        // Downgrade.
        {"http://auth.docker.io/token", "https://registry-1.docker.io", "plain-http realm for an https registry"},
        {"HTTP://auth.example/token", "https://reg.example", "plain-http realm for an https registry"},
        {"http://127.0.0.1:5001/token", "https://127.0.0.1:5000", "plain-http realm for an https registry"},
        // This machine, the metadata service, the local network.
        {"https://169.254.169.254/latest/meta-data/", "https://reg.example",
         "link-local address for a registry on a public address"},
        {"https://[::ffff:169.254.169.254]/", "https://reg.example",
         "link-local address for a registry on a public address"},
        {"https://[fe80::1]/token", "https://reg.example", "link-local address for a registry on a public address"},
        {"https://0.0.0.0:9999/token", "https://reg.example", "unspecified address for a registry on a public address"},
        {"https://0/token", "https://reg.example", "unspecified address for a registry on a public address"},
        {"https://[::]/token", "https://reg.example", "unspecified address for a registry on a public address"},
        {"https://[::1]/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://127.0.0.1/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://127.1/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://2130706433/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://0x7f000001/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://localhost/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://LocalHost./token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://a.localhost/token", "https://reg.example", "loopback address for a registry on a public address"},
        {"https://10.0.0.1/token", "https://reg.example", "private address for a registry on a public address"},
        {"https://172.16.5.4/token", "https://reg.example", "private address for a registry on a public address"},
        {"https://192.168.0.1/token", "https://reg.example", "private address for a registry on a public address"},
        {"https://[fd00::1]/token", "https://reg.example", "private address for a registry on a public address"},
        // A non-public registry may use a realm of its own class only.
        {"https://169.254.169.254/", "https://127.0.0.1:5000",
         "link-local address for a registry on a loopback address"},
        {"https://127.0.0.1/token", "https://10.0.0.1", "loopback address for a registry on a private address"},
        {"https://0.0.0.0/token", "https://127.0.0.1:5000", "unspecified address for a registry on a loopback address"},
        {"https://10.0.0.1/token", "https://127.0.0.1:5000", "private address for a registry on a loopback address"},
    };
    for (const auto &c : cases) {
        INFO("realm: " << c.realm << " registry: " << c.registry);
        auto registry = origin_of(c.registry);
        REQUIRE(registry);
        // Only a non-http(s) URL and userinfo are refused; every other row is a weakness: followed
        // anonymously with a warning, as docker follows it (distribution session.go fetchToken).
        bool refused = c.problem == "not an absolute http(s) URL" || c.problem == "the URL carries userinfo";
        CHECK(realm_problem(c.realm) == (refused ? c.problem : std::string()));
        if (!refused) CHECK(realm_weakness(c.realm, *registry) == c.problem);
        auto valid = validate_realm(c.realm);
        CHECK(valid.has_value() == !refused);
        if (!valid) {
            CHECK(valid.error().code == ErrorCode::Auth);
            CHECK(valid.error().message.rfind("refusing token realm \"", 0) == 0);
            CHECK(valid.error().message.ends_with(": " + c.problem));
        }
    }
}

TEST_CASE("refused realms and weak-realm warnings are shown redacted and escaped", "[auth][realm]") {
    auto registry = origin_of("https://reg.example");
    REQUIRE(registry);
    auto valid = validate_realm("https://user:pw@auth.example/token?secret=abc");
    REQUIRE_FALSE(valid);
    CHECK(valid.error().message.find("pw") == std::string::npos);
    CHECK(valid.error().message.find("abc") == std::string::npos);
    CHECK(digestx::auth::weak_realm_warning("https://169.254.169.254/token?secret=abc&scope=x", *registry,
                                            "link-local address for a registry on a public address") ==
          "token realm \"https://169.254.169.254/token?secret=REDACTED&scope=REDACTED\" is weaker than registry "
          "reg.example (link-local address for a registry on a public address); following it as docker does, "
          "without credentials");
    auto injected = validate_realm("ftp://x/\x1b[31m\n::error::");
    REQUIRE_FALSE(injected);
    CHECK(injected.error().message.find('\n') == std::string::npos);
    CHECK(injected.error().message.find('\x1b') == std::string::npos);
}

TEST_CASE("a weak realm is warned about once", "[auth][realm]") {
    std::vector<std::string> seen;
    digestx::auth::set_warning_sink([&](const std::string &text) { seen.push_back(text); });
    auto registry = origin_of("https://reg.example");
    REQUIRE(registry);
    digestx::auth::warn_weak_realm("http://auth.example/token", *registry, "plain-http realm for an https registry");
    digestx::auth::warn_weak_realm("http://auth.example/token", *registry, "plain-http realm for an https registry");
    digestx::auth::warn_weak_realm("https://10.0.0.1/token", *registry, "private address");
    digestx::auth::set_warning_sink({});
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].rfind("token realm \"http://auth.example/token\" is weaker than registry reg.example", 0) == 0);
}

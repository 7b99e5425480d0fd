// Mirror configuration: `--mirror` values, daemon.json, registries.conf (parsing and merging), and
// the route a reference takes (prefix choice, relocation, mirror namespaces, pull-from-mirror).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/mirror/mirrors.hpp"

using namespace digestx;
using namespace digestx::mirror;

namespace {

Reference parsed_ref(const std::string &text) {
    auto parsed = parse_reference(text);
    REQUIRE(parsed);
    return *parsed;
}

MirrorConfig conf(const std::string &toml) {
    auto rules = parse_registries_conf(toml, "/etc/containers/registries.conf");
    REQUIRE(rules);
    return MirrorConfig{*rules};
}

std::vector<std::string> mirror_refs(const Route &route) {
    std::vector<std::string> out;
    for (const auto &endpoint : route.mirrors)
        out.push_back(endpoint.reference.canonical());
    return out;
}

} // namespace

TEST_CASE("mirror option values name a mirror of docker.io, or of the registry before the equals sign") {
    struct Row {
        std::string value;
        std::string prefix;
        std::string location;
        bool plain_http;
    };
    const std::vector<Row> rows = {
        {"mirror.gcr.io", "docker.io", "mirror.gcr.io", false},
        {"https://mirror.gcr.io/", "docker.io", "mirror.gcr.io", false},
        {"http://127.0.0.1:5001", "docker.io", "127.0.0.1:5001", true},
        {"localhost:5000/dockerhub", "docker.io", "localhost:5000/dockerhub", false},
        {"ghcr.io=ghcr-cache.example/ghcr", "ghcr.io", "ghcr-cache.example/ghcr", false},
        {"index.docker.io=mirror.example", "docker.io", "mirror.example", false},
    };
    for (const auto &row : rows) {
        INFO(row.value);
        auto rule = parse_mirror_option(row.value);
        REQUIRE(rule);
        CHECK(rule->prefix == row.prefix);
        REQUIRE(rule->mirrors.size() == 1);
        CHECK(rule->mirrors[0].location == row.location);
        CHECK(rule->mirrors[0].plain_http == row.plain_http);
        CHECK(rule->mirrors[0].origin == "--mirror");
    }
    for (const std::string bad : {"", "=mirror.example", "not a host", "mirror", "https://user:pw@mirror.example",
                                  "mirror.example?x=1", "ghcr.io=", "UPPER.example/Repo"}) {
        INFO(bad);
        auto rule = parse_mirror_option(bad);
        REQUIRE_FALSE(rule);
        CHECK(rule.error().code == ErrorCode::Usage);
        CHECK(rule.error().message.find("--mirror") == 0);
        // A password in a mistyped URL is never echoed back.
        CHECK(rule.error().message.find("pw@") == std::string::npos);
    }
}

TEST_CASE("daemon.json registry-mirrors serve docker.io, with moby's URL rules") {
    auto read = parse_daemon_json(R"({"registry-mirrors": ["https://mirror.gcr.io", "http://10.0.0.5:5000/",
        "mirror.noscheme", "https://mirror.example/with/path"],
        "insecure-registries": ["10.0.0.5:5000"], "debug": true})",
                                  "/etc/docker/daemon.json");
    REQUIRE(read);
    CHECK(read->rule.prefix == "docker.io");
    REQUIRE(read->rule.mirrors.size() == 2);
    CHECK(read->rule.mirrors[0].location == "mirror.gcr.io");
    CHECK_FALSE(read->rule.mirrors[0].insecure);
    CHECK(read->rule.mirrors[1].location == "10.0.0.5:5000");
    CHECK(read->rule.mirrors[1].plain_http);
    CHECK(read->rule.mirrors[1].insecure);
    REQUIRE(read->warnings.size() == 2);
    CHECK(read->warnings[0].find("no http:// or https:// scheme") != std::string::npos);
    CHECK(read->warnings[1].find("has a path") != std::string::npos);

    auto none = parse_daemon_json(R"({"log-level": "warn"})", "/etc/docker/daemon.json");
    REQUIRE(none);
    CHECK(none->rule.mirrors.empty());

    for (const std::string bad : {"[]", "{", R"({"registry-mirrors": "https://m.example"})",
                                  R"({"registry-mirrors": [1]})", R"({"insecure-registries": {}})"}) {
        INFO(bad);
        auto parsed = parse_daemon_json(bad, "/etc/docker/daemon.json");
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::Usage);
        CHECK(parsed.error().message.find("/etc/docker/daemon.json") == 0);
    }
}

TEST_CASE("registries.conf tables: prefix, location, insecure, blocked, mirrors and pull-from-mirror") {
    auto rules = parse_registries_conf(R"(
unqualified-search-registries = ["docker.io"]

[[registry]]
prefix = "docker.io"
location = "docker.io"
mirror-by-digest-only = false

[[registry.mirror]]
location = "mirror-0.example/dockerhub"

[[registry.mirror]]
location = "mirror-1.example:5000"
insecure = true
pull-from-mirror = "tag-only"

[[registry]]
location = "quay.io"
blocked = true

[[registry]]
prefix = "example.com/foo"
location = 'internal.example.net/bar'
insecure = true
mirror-by-digest-only = true
mirror = [ { location = "cache.example/foo", pull-from-mirror = "all" } ]
)",
                                       "/etc/containers/registries.conf");
    REQUIRE(rules);
    REQUIRE(rules->size() == 3);
    const auto &hub = (*rules)[0];
    CHECK(hub.prefix == "docker.io");
    REQUIRE(hub.mirrors.size() == 2);
    CHECK(hub.mirrors[0].location == "mirror-0.example/dockerhub");
    CHECK(hub.mirrors[0].pulls == MirrorPulls::All);
    CHECK(hub.mirrors[1].insecure);
    CHECK(hub.mirrors[1].pulls == MirrorPulls::TagOnly);
    CHECK((*rules)[1].prefix == "quay.io"); // a missing prefix is the location
    CHECK((*rules)[1].blocked);
    const auto &foo = (*rules)[2];
    CHECK(foo.location == "internal.example.net/bar");
    CHECK(foo.insecure);
    REQUIRE(foo.mirrors.size() == 1);
    // mirror-by-digest-only overrides the mirror's own pull-from-mirror.
    CHECK(foo.mirrors[0].pulls == MirrorPulls::DigestOnly);

    // The version 1 format has no mirrors: no rules, no error.
    auto v1 = parse_registries_conf("[registries.search]\nregistries = ['docker.io']\n", "v1.conf");
    REQUIRE(v1);
    CHECK(v1->empty());

    struct Bad {
        std::string text;
        std::string says;
    };
    for (const Bad &bad : std::vector<Bad>{
             {"[[registry]\nprefix = 1", "invalid TOML at line 1"},
             {"[[registry]]\nprefix = 1\n", "\"prefix\" must be a string"},
             {"[[registry]]\nlocation = \"a.example\"\ninsecure = \"yes\"\n", "\"insecure\" must be true or false"},
             {"[[registry]]\nblocked = true\n", "\"registry.prefix\" must be set"},
             {"[[registry]]\nlocation = \"a.example\"\n[[registry.mirror]]\ninsecure = true\n",
              "\"mirror.location\" must be a non-empty string"},
             {"[[registry]]\nlocation = \"a.example\"\n[[registry.mirror]]\nlocation = \"m.example\"\n"
              "pull-from-mirror = \"sometimes\"\n",
              "\"pull-from-mirror\" must be"},
             {"registry = 3\n", "\"registry\" must be an array of tables"},
         }) {
        INFO(bad.text);
        auto parsed = parse_registries_conf(bad.text, "/etc/containers/registries.conf.d/50-x.conf");
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::Usage);
        CHECK(parsed.error().message.find("/etc/containers/registries.conf.d/50-x.conf: ") == 0);
        CHECK(parsed.error().message.find(bad.says) != std::string::npos);
    }
}

TEST_CASE("registries.conf drop-ins replace the tables of the same prefix, in load order") {
    auto main = parse_registries_conf("[[registry]]\nprefix = \"docker.io\"\nlocation = \"docker.io\"\n"
                                      "[[registry.mirror]]\nlocation = \"old.example\"\n"
                                      "[[registry]]\nlocation = \"quay.io\"\n",
                                      "main");
    auto drop_in = parse_registries_conf("[[registry]]\nprefix = \"docker.io\"\nlocation = "
                                         "\"docker.io\"\n[[registry.mirror]]\nlocation = \"new.example\"\n",
                                         "50-mirror.conf");
    REQUIRE(main);
    REQUIRE(drop_in);
    auto merged = merge_registries_conf({*main, *drop_in});
    REQUIRE(merged.size() == 2);
    CHECK(merged[0].prefix == "docker.io");
    REQUIRE(merged[0].mirrors.size() == 1);
    CHECK(merged[0].mirrors[0].location == "new.example");
    CHECK(merged[0].origin == "50-mirror.conf");
    CHECK(merged[1].prefix == "quay.io");
}

TEST_CASE("a route is the longest matching prefix, relocated, with its mirrors in order") {
    MirrorConfig config = conf(R"(
[[registry]]
prefix = "docker.io"
[[registry.mirror]]
location = "hub-mirror.example"
[[registry.mirror]]
location = "cache.example:5000/dockerhub"

[[registry]]
prefix = "docker.io/library/busybox"
location = "internal.example/busybox"

[[registry]]
prefix = "example.com/foo"
location = "internal.example.net/bar"
[[registry.mirror]]
location = "example-mirror-0.local/mirror-for-foo"

[[registry]]
prefix = "*.wild.example"
[[registry.mirror]]
location = "wild-cache.example/any"
)");
    SECTION("docker.io: the repository keeps its name, under the mirror's namespace") {
        auto route = digestx::mirror::route(parsed_ref("alpine:3.12"), config);
        REQUIRE(route);
        CHECK(mirror_refs(*route) == std::vector<std::string>{"hub-mirror.example/library/alpine:3.12",
                                                              "cache.example:5000/dockerhub/library/alpine:3.12"});
        CHECK(route->mirrors[1].label == "cache.example:5000/dockerhub");
        CHECK(route->mirrors[1].origin == "/etc/containers/registries.conf");
        CHECK(route->upstream.reference.canonical() == "docker.io/library/alpine:3.12");
        CHECK(route->upstream.origin.empty());
    }
    SECTION("the longest prefix wins: a repository relocated, without the registry's mirrors") {
        auto route = digestx::mirror::route(parsed_ref("busybox@sha256:" + std::string(64, 'a')), config);
        REQUIRE(route);
        CHECK(route->mirrors.empty());
        CHECK(route->upstream.reference.canonical() == "internal.example/busybox@sha256:" + std::string(64, 'a'));
        CHECK(route->upstream.label == "internal.example/busybox");
    }
    SECTION("the man page's example: mirror first, then the relocated primary") {
        auto route = digestx::mirror::route(parsed_ref("example.com/foo/image:latest"), config);
        REQUIRE(route);
        CHECK(mirror_refs(*route) == std::vector<std::string>{"example-mirror-0.local/mirror-for-foo/image:latest"});
        CHECK(route->upstream.reference.canonical() == "internal.example.net/bar/image:latest");
    }
    SECTION("a prefix ends at a separator: foobar and another port do not match") {
        auto route = digestx::mirror::route(parsed_ref("example.com/foobar/image:1"), config);
        REQUIRE(route);
        CHECK(route->mirrors.empty());
        CHECK(route->upstream.reference.canonical() == "example.com/foobar/image:1");
        auto port = digestx::mirror::route(parsed_ref("example.com:5000/foo/image:1"), config);
        REQUIRE(port);
        CHECK(port->upstream.reference.canonical() == "example.com:5000/foo/image:1");
    }
    SECTION("a wildcard prefix covers subdomains, not the domain itself") {
        auto route = digestx::mirror::route(parsed_ref("a.wild.example/team/app:2"), config);
        REQUIRE(route);
        CHECK(mirror_refs(*route) == std::vector<std::string>{"wild-cache.example/any/team/app:2"});
        auto bare = digestx::mirror::route(parsed_ref("wild.example/team/app:2"), config);
        REQUIRE(bare);
        CHECK(bare->mirrors.empty());
    }
    SECTION("a registry without a rule has no mirror") {
        auto route = digestx::mirror::route(parsed_ref("ghcr.io/org/app:1"), config);
        REQUIRE(route);
        CHECK(route->mirrors.empty());
        CHECK(route->upstream.reference.canonical() == "ghcr.io/org/app:1");
    }
}

TEST_CASE("pull-from-mirror is decided by the reference the user gave") {
    MirrorConfig config = conf(R"(
[[registry]]
prefix = "docker.io"
[[registry.mirror]]
location = "digests.example"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tags.example"
pull-from-mirror = "tag-only"
[[registry.mirror]]
location = "all.example"
)");
    auto by_tag = digestx::mirror::route(parsed_ref("alpine:3.12"), config);
    REQUIRE(by_tag);
    CHECK(mirror_refs(*by_tag) ==
          std::vector<std::string>{"tags.example/library/alpine:3.12", "all.example/library/alpine:3.12"});
    const std::string pinned = "alpine@sha256:" + std::string(64, 'b');
    auto by_digest = digestx::mirror::route(parsed_ref(pinned), config);
    REQUIRE(by_digest);
    REQUIRE(by_digest->mirrors.size() == 2);
    CHECK(by_digest->mirrors[0].label == "digests.example");
    CHECK(by_digest->mirrors[1].label == "all.example");
}

TEST_CASE("rules of the same prefix combine: --mirror first, a block from any file refuses") {
    auto option = parse_mirror_option("first.example");
    REQUIRE(option);
    auto daemon = parse_daemon_json(R"({"registry-mirrors": ["https://second.example"]})", "/etc/docker/daemon.json");
    REQUIRE(daemon);
    MirrorConfig config =
        conf("[[registry]]\nprefix = \"docker.io\"\n[[registry.mirror]]\nlocation = \"third.example\"\n");
    config.rules.insert(config.rules.begin(), daemon->rule);
    config.rules.insert(config.rules.begin(), *option);
    auto route = digestx::mirror::route(parsed_ref("alpine"), config);
    REQUIRE(route);
    REQUIRE(route->mirrors.size() == 3);
    CHECK(route->mirrors[0].label == "first.example");
    CHECK(route->mirrors[1].label == "second.example");
    CHECK(route->mirrors[2].label == "third.example");

    MirrorConfig blocked = conf("[[registry]]\nprefix = \"docker.io/library\"\nblocked = true\n");
    auto refused = digestx::mirror::route(parsed_ref("alpine"), blocked);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Usage);
    CHECK(refused.error().message ==
          "pulls of \"docker.io/library/alpine:latest\" are blocked by /etc/containers/registries.conf (prefix "
          "\"docker.io/library\")");
    auto other = digestx::mirror::route(parsed_ref("someone/alpine"), blocked);
    CHECK(other);

    MirrorConfig broken = conf("[[registry]]\nprefix = \"docker.io\"\nlocation = \"Not A Host\"\n");
    auto invalid = digestx::mirror::route(parsed_ref("alpine"), broken);
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().message.find("/etc/containers/registries.conf: location \"Not A Host\"") == 0);
}

// Table tests of parse_reference(): Docker's normalisation, sources, and every refusal of fault
// catalogue A1-A9 with the words and position the message must carry.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "digestx/core/reference.hpp"

using digestx::ErrorCode;
using digestx::parse_reference;
using digestx::SourceKind;

namespace {

const std::string hex64 = "e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
const std::string hex128 = hex64 + "86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
const std::string sha256 = "sha256:" + hex64;
const std::string sha512 = "sha512:" + hex128;

struct Valid {
    std::string input;
    std::string canonical;
    std::string familiar;
    std::string registry;
    std::string endpoint;
    std::string repository;
    std::string tag;    // "" when none
    std::string digest; // "" when none
};

void check_valid(const Valid &c) {
    INFO("input: " << c.input);
    auto parsed = parse_reference(c.input);
    REQUIRE(parsed);
    CHECK(parsed->source() == SourceKind::Registry);
    CHECK(parsed->canonical() == c.canonical);
    CHECK(parsed->familiar() == c.familiar);
    CHECK(parsed->registry() == c.registry);
    CHECK(parsed->endpoint() == c.endpoint);
    CHECK(parsed->repository() == c.repository);
    CHECK(parsed->tag().value_or("") == c.tag);
    CHECK((parsed->digest() ? parsed->digest()->str() : "") == c.digest);
    CHECK(parsed->source_path().empty());
    // The canonical form is a fixed point: parsing it again gives the same reference.
    auto again = parse_reference(parsed->canonical());
    REQUIRE(again);
    CHECK(again->canonical() == c.canonical);
    auto familiar = parse_reference(parsed->familiar());
    REQUIRE(familiar);
    CHECK(familiar->canonical() == c.canonical);
}

} // namespace

TEST_CASE("Docker Hub names get docker.io, library/ and latest", "[reference]") {
    const std::string hub = "registry-1.docker.io";
    std::vector<Valid> cases = {
        {"alpine", "docker.io/library/alpine:latest", "alpine:latest", "docker.io", hub, "library/alpine", "latest",
         ""},
        {"alpine:3.12", "docker.io/library/alpine:3.12", "alpine:3.12", "docker.io", hub, "library/alpine", "3.12", ""},
        {"library/alpine:3.12", "docker.io/library/alpine:3.12", "alpine:3.12", "docker.io", hub, "library/alpine",
         "3.12", ""},
        {"docker.io/alpine:3.12", "docker.io/library/alpine:3.12", "alpine:3.12", "docker.io", hub, "library/alpine",
         "3.12", ""},
        {"docker.io/library/alpine:3.12", "docker.io/library/alpine:3.12", "alpine:3.12", "docker.io", hub,
         "library/alpine", "3.12", ""},
        {"index.docker.io/alpine", "docker.io/library/alpine:latest", "alpine:latest", "docker.io", hub,
         "library/alpine", "latest", ""},
        {"index.docker.io/library/alpine:edge", "docker.io/library/alpine:edge", "alpine:edge", "docker.io", hub,
         "library/alpine", "edge", ""},
        // distribution/reference folds index.docker.io only: Hub's API host is a registry name of its own.
        {"registry-1.docker.io/alpine:3", "registry-1.docker.io/alpine:3", "registry-1.docker.io/alpine:3",
         "registry-1.docker.io", hub, "alpine", "3", ""},
        {"registry-1.docker.io/myorg/app:1", "registry-1.docker.io/myorg/app:1", "registry-1.docker.io/myorg/app:1",
         "registry-1.docker.io", hub, "myorg/app", "1", ""},
        {"myorg/app:1", "docker.io/myorg/app:1", "myorg/app:1", "docker.io", hub, "myorg/app", "1", ""},
        {"myorg/app", "docker.io/myorg/app:latest", "myorg/app:latest", "docker.io", hub, "myorg/app", "latest", ""},
        {"docker.io/myorg/app", "docker.io/myorg/app:latest", "myorg/app:latest", "docker.io", hub, "myorg/app",
         "latest", ""},
        {"library/foo/bar", "docker.io/library/foo/bar:latest", "library/foo/bar:latest", "docker.io", hub,
         "library/foo/bar", "latest", ""},
        {"other/library", "docker.io/other/library:latest", "other/library:latest", "docker.io", hub, "other/library",
         "latest", ""},
        {"store/foo/bar:1", "docker.io/store/foo/bar:1", "store/foo/bar:1", "docker.io", hub, "store/foo/bar", "1", ""},
        {"test_com/foo", "docker.io/test_com/foo:latest", "test_com/foo:latest", "docker.io", hub, "test_com/foo",
         "latest", ""},
        {"ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base:latest", "ubuntu-12.04-base:latest", "docker.io",
         hub, "library/ubuntu-12.04-base", "latest", ""},
        {"docker---rules/docker", "docker.io/docker---rules/docker:latest", "docker---rules/docker:latest", "docker.io",
         hub, "docker---rules/docker", "latest", ""},
        {"dock__er/docker", "docker.io/dock__er/docker:latest", "dock__er/docker:latest", "docker.io", hub,
         "dock__er/docker", "latest", ""},
        {"192.168.0.1", "docker.io/library/192.168.0.1:latest", "192.168.0.1:latest", "docker.io", hub,
         "library/192.168.0.1", "latest", ""},
        // The peer's rule: without a '/', `localhost:5000` is the Hub image "localhost" tagged 5000.
        {"localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", "docker.io", hub, "library/localhost",
         "5000", ""},
        {hex64 + ":v1", "docker.io/library/" + hex64 + ":v1", hex64 + ":v1", "docker.io", hub, "library/" + hex64, "v1",
         ""},
        {"docker.io/" + hex64, "docker.io/library/" + hex64 + ":latest", hex64 + ":latest", "docker.io", hub,
         "library/" + hex64, "latest", ""},
        {"alpine:UPPER_case", "docker.io/library/alpine:UPPER_case", "alpine:UPPER_case", "docker.io", hub,
         "library/alpine", "UPPER_case", ""},
        {"alpine:_x", "docker.io/library/alpine:_x", "alpine:_x", "docker.io", hub, "library/alpine", "_x", ""},
        {"alpine:v1.2.3-rc.1__x", "docker.io/library/alpine:v1.2.3-rc.1__x", "alpine:v1.2.3-rc.1__x", "docker.io", hub,
         "library/alpine", "v1.2.3-rc.1__x", ""},
    };
    for (const auto &c : cases)
        check_valid(c);
}

// Found by fuzz/reference.cpp (corpus file fuzz/corpus/reference/regression-familiar-source-prefix):
// Docker's familiar form of docker.io/library/oci:latest is `oci:latest`, an OCI layout to digestx.
TEST_CASE("familiar forms that would read as another reference keep library/ or docker.io/", "[reference]") {
    const std::string hub = "registry-1.docker.io";
    std::vector<Valid> cases = {
        {"oci", "docker.io/library/oci:latest", "library/oci:latest", "docker.io", hub, "library/oci", "latest", ""},
        {"docker.io/library/docker-archive:1", "docker.io/library/docker-archive:1", "library/docker-archive:1",
         "docker.io", hub, "library/docker-archive", "1", ""},
        {"library/oci-archive:x", "docker.io/library/oci-archive:x", "library/oci-archive:x", "docker.io", hub,
         "library/oci-archive", "x", ""},
        {"oci@" + sha256, "docker.io/library/oci@" + sha256, "oci@" + sha256, "docker.io", hub, "library/oci", "",
         sha256},
        {"ocix:1", "docker.io/library/ocix:1", "ocix:1", "docker.io", hub, "library/ocix", "1", ""},
        // fuzz/corpus/reference/regression-familiar-hub-host-path: Docker prints `lcker.io/app`, a
        // reference to the registry lcker.io.
        {"docker.io/lcker.io/app", "docker.io/lcker.io/app:latest", "docker.io/lcker.io/app:latest", "docker.io", hub,
         "lcker.io/app", "latest", ""},
        {"docker.io/localhost/app:1", "docker.io/localhost/app:1", "docker.io/localhost/app:1", "docker.io", hub,
         "localhost/app", "1", ""},
    };
    for (const auto &c : cases)
        check_valid(c);
    // Matching still follows the peer's FamiliarString.
    auto any = digestx::parse_any_reference("oci:1");
    REQUIRE(any);
    CHECK(any->familiar() == "library/oci:1");
    auto matched = digestx::familiar_match("oci:*", *any);
    REQUIRE(matched);
    CHECK(*matched);
}

TEST_CASE("registries are hosts with '.', ':', localhost or uppercase, with ports and IPv6", "[reference]") {
    std::vector<Valid> cases = {
        {"ghcr.io/org/app:1", "ghcr.io/org/app:1", "ghcr.io/org/app:1", "ghcr.io", "ghcr.io", "org/app", "1", ""},
        {"ghcr.io/app", "ghcr.io/app:latest", "ghcr.io/app:latest", "ghcr.io", "ghcr.io", "app", "latest", ""},
        {"gcr.io/library/busybox", "gcr.io/library/busybox:latest", "gcr.io/library/busybox:latest", "gcr.io", "gcr.io",
         "library/busybox", "latest", ""},
        {"localhost/app", "localhost/app:latest", "localhost/app:latest", "localhost", "localhost", "app", "latest",
         ""},
        {"localhost:5000/app:1", "localhost:5000/app:1", "localhost:5000/app:1", "localhost:5000", "localhost:5000",
         "app", "1", ""},
        {"myreg:5000/app", "myreg:5000/app:latest", "myreg:5000/app:latest", "myreg:5000", "myreg:5000", "app",
         "latest", ""},
        {"127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b:latest", "127.0.0.1:5000/a/b:latest", "127.0.0.1:5000",
         "127.0.0.1:5000", "a/b", "latest", ""},
        {"192.168.1.1/repo", "192.168.1.1/repo:latest", "192.168.1.1/repo:latest", "192.168.1.1", "192.168.1.1", "repo",
         "latest", ""},
        {"[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000/app:latest", "[::1]:5000", "[::1]:5000", "app",
         "latest", ""},
        {"[::1]/app:2", "[::1]/app:2", "[::1]/app:2", "[::1]", "[::1]", "app", "2", ""},
        {"[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000/repo:tag",
         "[2001:db8::1]:5000", "[2001:db8::1]:5000", "repo", "tag", ""},
        {"[2001:DB8:1:2:3:4:5:6]/repo", "[2001:DB8:1:2:3:4:5:6]/repo:latest", "[2001:DB8:1:2:3:4:5:6]/repo:latest",
         "[2001:DB8:1:2:3:4:5:6]", "[2001:DB8:1:2:3:4:5:6]", "repo", "latest", ""},
        {"Foo/bar", "Foo/bar:latest", "Foo/bar:latest", "Foo", "Foo", "bar", "latest", ""},
        {"LOCALDOMAIN/fooo/bar", "LOCALDOMAIN/fooo/bar:latest", "LOCALDOMAIN/fooo/bar:latest", "LOCALDOMAIN",
         "LOCALDOMAIN", "fooo/bar", "latest", ""},
        {"xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo:latest", "xn--n3h.com:18080/foo:latest", "xn--n3h.com:18080",
         "xn--n3h.com:18080", "foo", "latest", ""},
        {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
         "sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "sub-dom1.foo.com", "bar/baz/quux",
         "some-long-tag", ""},
        {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io/test.example.com/my-app:test.example.com",
         "b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "b.gcr.io", "test.example.com/my-app",
         "test.example.com", ""},
        {"registry.io/foo/project--id.module--name.ver---sion--name",
         "registry.io/foo/project--id.module--name.ver---sion--name:latest",
         "registry.io/foo/project--id.module--name.ver---sion--name:latest", "registry.io", "registry.io",
         "foo/project--id.module--name.ver---sion--name", "latest", ""},
        {"localhost:65535/app", "localhost:65535/app:latest", "localhost:65535/app:latest", "localhost:65535",
         "localhost:65535", "app", "latest", ""},
        {"reg.example.com:1/app", "reg.example.com:1/app:latest", "reg.example.com:1/app:latest", "reg.example.com:1",
         "reg.example.com:1", "app", "latest", ""},
        {"0101.com/x", "0101.com/x:latest", "0101.com/x:latest", "0101.com", "0101.com", "x", "latest", ""},
    };
    for (const auto &c : cases)
        check_valid(c);
}

TEST_CASE("tag and digest are both kept, digests may be sha256 or sha512", "[reference]") {
    const std::string hub = "registry-1.docker.io";
    std::vector<Valid> cases = {
        {"alpine@" + sha256, "docker.io/library/alpine@" + sha256, "alpine@" + sha256, "docker.io", hub,
         "library/alpine", "", sha256},
        {"alpine:3.19@" + sha256, "docker.io/library/alpine:3.19@" + sha256, "alpine:3.19@" + sha256, "docker.io", hub,
         "library/alpine", "3.19", sha256},
        {"alpine@" + sha512, "docker.io/library/alpine@" + sha512, "alpine@" + sha512, "docker.io", hub,
         "library/alpine", "", sha512},
        {"ghcr.io/org/app:v1@" + sha512, "ghcr.io/org/app:v1@" + sha512, "ghcr.io/org/app:v1@" + sha512, "ghcr.io",
         "ghcr.io", "org/app", "v1", sha512},
        {"localhost:8080@" + sha256, "docker.io/library/localhost:8080@" + sha256, "localhost:8080@" + sha256,
         "docker.io", hub, "library/localhost", "8080", sha256},
        {"[::1]:5000/app:1@" + sha256, "[::1]:5000/app:1@" + sha256, "[::1]:5000/app:1@" + sha256, "[::1]:5000",
         "[::1]:5000", "app", "1", sha256},
    };
    for (const auto &c : cases)
        check_valid(c);
}

TEST_CASE("a cross product of registries, repositories and suffixes normalises as specified", "[reference]") {
    struct Registry {
        std::string written;   // "" for none
        std::string canonical; // the registry after normalisation
        std::string endpoint;
    };
    std::vector<Registry> registries = {
        {"", "docker.io", "registry-1.docker.io"},
        {"docker.io/", "docker.io", "registry-1.docker.io"},
        {"index.docker.io/", "docker.io", "registry-1.docker.io"},
        {"ghcr.io/", "ghcr.io", "ghcr.io"},
        {"localhost:5000/", "localhost:5000", "localhost:5000"},
        {"[fd00::5]:443/", "[fd00::5]:443", "[fd00::5]:443"},
        {"10.0.0.1:8443/", "10.0.0.1:8443", "10.0.0.1:8443"},
        {"Registry.Example/", "Registry.Example", "Registry.Example"},
    };
    std::vector<std::string> repositories = {"app",    "org/app", "a/b/c",  "my_app", "my-app",
                                             "my.app", "a__b",    "x--y/z", "0/1"};
    struct Suffix {
        std::string written, normalised, tag, digest;
    };
    std::vector<Suffix> suffixes = {{"", ":latest", "latest", ""},
                                    {":1", ":1", "1", ""},
                                    {":v1.2-rc_3", ":v1.2-rc_3", "v1.2-rc_3", ""},
                                    {"@" + sha256, "@" + sha256, "", sha256},
                                    {":t@" + sha512, ":t@" + sha512, "t", sha512}};
    for (const auto &registry : registries) {
        for (const auto &repository : repositories) {
            bool hub = registry.canonical == "docker.io";
            bool official = hub && repository.find('/') == std::string::npos;
            std::string path = (official ? "library/" : "") + repository;
            std::string familiar_name = hub ? repository : registry.canonical + "/" + repository;
            for (const auto &suffix : suffixes) {
                check_valid({registry.written + repository + suffix.written,
                             registry.canonical + "/" + path + suffix.normalised, familiar_name + suffix.normalised,
                             registry.canonical, registry.endpoint, path, suffix.tag, suffix.digest});
            }
        }
    }
}

namespace {

struct Invalid {
    std::string input;
    std::vector<std::string> fragments; // every one must be in the message
};

void check_invalid(const Invalid &c) {
    INFO("input: " << c.input);
    auto parsed = parse_reference(c.input);
    REQUIRE_FALSE(parsed);
    const auto &error = parsed.error();
    CHECK(error.code == ErrorCode::Usage);
    CHECK_THAT(error.message, Catch::StartsWith("invalid reference \""));
    // One line, with control characters shown escaped rather than emitted.
    CHECK(std::none_of(error.message.begin(), error.message.end(),
                       [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F; }));
    for (const auto &fragment : c.fragments)
        CHECK_THAT(error.message, Catch::Contains(fragment));
}

} // namespace

TEST_CASE("A1: uppercase repository names are refused, uppercase hosts are not", "[reference][fault]") {
    std::vector<Invalid> cases = {
        {"docker.io/Library/Alpine:3", {"repository name must be lowercase", "uppercase 'L' at position 11"}},
        {"Alpine", {"must be lowercase", "uppercase 'A' at position 1"}},
        {"alpinE:3", {"must be lowercase", "uppercase 'E' at position 6"}},
        {"myorg/App:1", {"must be lowercase", "uppercase 'A' at position 7"}},
        {"docker/Docker", {"must be lowercase", "position 8"}},
        // Lowercasing would not fix these, so the grammar's fault is reported instead.
        {"docker/Docker$", {"uppercase 'D' at position 8 is not allowed in a repository name"}},
        {"app%2F", {"'%' at position 4"}},
        {"ghcr.io/Org/app", {"must be lowercase", "uppercase 'O' at position 9"}},
        {"localhost/Foo", {"must be lowercase", "position 11"}},
        {"Foo/FarB", {"must be lowercase", "uppercase 'F' at position 5"}},
        {"docker.io/docker/Docker", {"must be lowercase", "position 18"}},
        {"[::1]:5000/App", {"must be lowercase", "position 12"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("A2: empty, whitespace, control characters and dangling separators", "[reference][fault]") {
    std::vector<Invalid> cases = {
        {"", {"invalid reference \"\": reference is empty"}},
        {" ", {"invalid reference format", "a space at position 1"}},
        {" alpine", {"invalid reference format", "a space at position 1"}},
        {"alpine ", {"a space at position 7 is not allowed in a repository name"}},
        {"al pine:3", {"a space at position 3"}},
        {"alpine\t", {"control character \\t at position 7"}},
        {"alpine\n", {"control character \\n at position 7"}},
        {"alpine\r\n", {"control character \\r at position 7"}},
        {std::string("alp\0ine", 7), {"control character \\x00 at position 4"}},
        {"alpine\x1b[31m", {"control character \\x1b at position 7"}},
        {"alpine\x7f", {"control character \\x7f at position 7"}},
        {"alp\xc3\xafne", {"non-ASCII character \"\xc3\xaf\" at position 4"}},
        {"alpine\xe2\x80\xae", {"non-ASCII character \"\\u{202e}\" at position 7"}},
        {"alpine\xff", {"non-ASCII character \"\\xff\" at position 7"}},
        {"alpine:", {"invalid reference format", "':' at position 7 is not followed by a tag"}},
        {"ghcr.io/org/app:", {"':' at position 16 is not followed by a tag"}},
        {"alpine@", {"invalid reference format", "'@' at position 7 is not followed by a digest"}},
        {"alpine:3@", {"'@' at position 9 is not followed by a digest"}},
        {":tag", {"invalid reference format", "repository name is empty at position 1"}},
        {":", {"repository name is empty at position 1"}},
        {"@" + sha256, {"repository name is empty at position 1"}},
        {"alpine/", {"invalid reference format", "trailing '/' at position 7"}},
        {"docker.io/library/alpine/", {"trailing '/' at position 25"}},
        {"ghcr.io/", {"repository name is empty at position 9"}},
        {"/alpine", {"empty path component at position 1"}},
        {"docker//alpine", {"empty path component at position 8"}},
        {"ghcr.io//app", {"empty path component at position 9"}},
        {"alpine:3.12:extra", {"':' at position 7 is not allowed in a repository name"}},
        {"alpine@@" + sha256, {"digest at position 8", "invalid digest algorithm \"@sha256\""}},
        {"a@b@c", {"digest at position 3"}},
        {"[::1]:5000", {"'[' at position 1", "a registry needs a repository after it"}},
        {"[fc00::1]", {"'[' at position 1"}},
        {"alpine$", {"'$' at position 7 is not allowed in a repository name"}},
        {"a^a", {"'^' at position 2"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("A3: tags must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}", "[reference][fault]") {
    const std::string rule = "must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}";
    std::vector<Invalid> cases = {
        {"alpine:" + std::string(129, 'a'), {"invalid tag: 129 characters, at most 128", rule}},
        {"alpine:" + std::string(500, '1'), {"invalid tag: 500 characters", rule}},
        {"alpine:-x", {"invalid tag \"-x\"", "'-' at position 8 cannot start a tag", rule}},
        {"alpine:.x", {"invalid tag \".x\"", "'.' at position 8 cannot start a tag", rule}},
        {"alpine:a b", {"invalid tag \"a b\"", "a space at position 9 is not allowed in a tag", rule}},
        {"alpine:a+b", {"invalid tag", "'+' at position 9", rule}},
        {"alpine:tag$", {"invalid tag", "'$' at position 11", rule}},
        {"alpine:invalid~tag", {"invalid tag", "'~' at position 15", rule}},
        {"alpine:caf\xc3\xa9", {"invalid tag", "non-ASCII character", rule}},
        {"alpine:v1\n", {"invalid tag", "control character \\n at position 10", rule}},
        {"ghcr.io/org/app:-1", {"invalid tag \"-1\"", "position 17", rule}},
    };
    for (const auto &c : cases)
        check_invalid(c);
    // The edges that must still pass.
    for (const std::string &tag :
         std::vector<std::string>{std::string(128, 'a'), std::string("_"), std::string("A"), std::string("9.-_"),
                                  std::string("0") + std::string(127, '-')}) {
        INFO("tag: " << tag);
        auto parsed = parse_reference("alpine:" + tag);
        REQUIRE(parsed);
        CHECK(parsed->tag() == tag);
        CHECK_FALSE(parsed->tag_is_default());
    }
}

TEST_CASE("A4: repository paths are limited to 255 characters, registry not counted", "[reference][fault]") {
    const std::string limit = "repository name must not be more than 255 characters";
    std::vector<Invalid> cases = {
        // "library/" is part of the path the peer measures: 8 + 248 = 256.
        {std::string(248, 'a'), {limit, "has 256"}},
        {"docker.io/" + std::string(248, 'a'), {limit, "has 256"}},
        {"org/" + std::string(252, 'a'), {limit, "has 256"}},
        {"ghcr.io/" + std::string(256, 'a'), {limit, "has 256"}},
        {"ghcr.io/" + std::string(300, 'b') + ":tag", {limit, "has 300"}},
        {"localhost:5000/a/" + std::string(300, 'c'), {limit, "has 302"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
    std::vector<std::pair<std::string, std::string>> edges = {
        {std::string(247, 'a'), "library/" + std::string(247, 'a')},
        {"docker.io/" + std::string(247, 'a'), "library/" + std::string(247, 'a')},
        {"org/" + std::string(251, 'a'), "org/" + std::string(251, 'a')},
        {"ghcr.io/" + std::string(255, 'a'), std::string(255, 'a')},
        {"registry.example.com:5000/" + std::string(255, 'a') + ":" + std::string(128, 't'), std::string(255, 'a')},
    };
    for (const auto &[input, repository] : edges) {
        INFO("input: " << input);
        auto parsed = parse_reference(input);
        REQUIRE(parsed);
        CHECK(parsed->repository() == repository);
        CHECK(parsed->repository().size() == 255);
    }
}

TEST_CASE("A5: digests are validated, other algorithms are unsupported", "[reference][fault]") {
    std::vector<Invalid> cases = {
        {"alpine@sha256:" + hex64.substr(1), {"digest at position 8", "sha256 digest must be 64 lowercase hex"}},
        {"alpine@sha256:" + hex64 + "0", {"sha256 digest must be 64 lowercase hex"}},
        {"alpine@sha256:" + std::string(64, 'A'), {"sha256 digest must be 64 lowercase hex"}},
        {"alpine@sha256:" + std::string(64, 'z'), {"sha256 digest must be 64 lowercase hex"}},
        {"alpine@sha256:abc", {"sha256 digest must be 64 lowercase hex"}},
        {"alpine@sha512:" + hex64, {"sha512 digest must be 128 lowercase hex"}},
        {"alpine:3@sha512:" + hex128.substr(2), {"digest at position 10", "sha512 digest must be 128"}},
        {"alpine@md5:d41d8cd98f00b204e9800998ecf8427e",
         {"unsupported digest algorithm \"md5\"", "(supported: sha256, sha512)"}},
        {"alpine@sha384:" + std::string(96, 'a'), {"unsupported digest algorithm \"sha384\""}},
        {"alpine@blake3:" + hex64, {"unsupported digest algorithm \"blake3\""}},
        {"alpine@SHA256:" + hex64, {"unsupported digest algorithm \"SHA256\""}},
        {"alpine@sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
         {"unsupported digest algorithm \"sha256+b64u\""}},
        {"validname@invaliddigest:" + std::string(64, 'f'), {"unsupported digest algorithm \"invaliddigest\""}},
        {"alpine@sha256", {"digest at position 8", "invalid digest format", "expected algorithm:hex"}},
        {"alpine@1sha:" + hex64, {"invalid digest algorithm \"1sha\""}},
        {"alpine@sha256:" + hex64 + "/../x", {"digest at position 8", "invalid digest format"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("A6: a bare 64-hex name or a bare digest is not a repository", "[reference][fault]") {
    check_invalid({hex64, {"refusing 64-hex repository name (looks like an image ID)"}});
    check_invalid({"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", {"refusing 64-hex"}});
    check_invalid({sha256, {"refusing a bare digest: it names no repository (write REPOSITORY@DIGEST)"}});
    check_invalid({sha512, {"refusing a bare digest"}});
    // 63 or 65 hex characters, or uppercase hex, are ordinary names again.
    for (const std::string &input : std::vector<std::string>{hex64.substr(1), hex64 + "a"}) {
        INFO("input: " << input);
        auto parsed = parse_reference(input);
        REQUIRE(parsed);
        CHECK(parsed->repository() == "library/" + input);
    }
    check_invalid({std::string(64, 'A'), {"must be lowercase"}});
}

TEST_CASE("A9: URLs, path tricks, percent-encoding, queries and fragments", "[reference][fault]") {
    std::vector<Invalid> cases = {
        {"https://reg/app", {"a URL is not a reference; remove \"https://\"", "position 6"}},
        {"http://localhost:5000/app", {"remove \"http://\""}},
        {"docker://alpine", {"remove \"docker://\""}},
        {"HTTPS://REG/APP", {"a URL is not a reference"}},
        {"reg.example.com/app/../other", {"relative path component \"..\" at position 21"}},
        {"reg/app/./x", {"relative path component \".\" at position 9"}},
        {"..", {"relative path component \"..\" at position 1"}},
        {"../etc/passwd", {"relative path component \"..\" at position 1"}},
        {"reg.example.com/..app", {"path component \"..app\" at position 17 must start with a lowercase letter"}},
        {"reg.example.com/a%2f..", {"'%' at position 18", "percent-encoding is never decoded"}},
        {"app%2Fother", {"'%' at position 4"}},
        {"reg.example.com/app?x=1#y", {"'?' at position 20", "a reference has no query or fragment"}},
        {"app#frag", {"'#' at position 4", "no query or fragment"}},
        {std::string("reg.example.com/app\0", 20), {"control character \\x00 at position 20"}},
        {"reg.example.com\\app", {"'\\' at position 16 is not allowed in a repository name"}},
        {"user@reg.example.com/app", {"digest at position 6"}},
        {"reg.example.com/app;rm -rf", {"';' at position 20"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("path components: separators between lowercase letters and digits", "[reference][fault]") {
    std::vector<Invalid> cases = {
        {"a..b", {"invalid separator \"..\" at position 2"}},
        {"a._b", {"invalid separator \"._\" at position 2"}},
        {"a___b", {"invalid separator \"___\" at position 2"}},
        {"a-_b", {"invalid separator \"-_\" at position 2"}},
        {"a-", {"path component \"a-\" must end with a lowercase letter or digit (position 2)"}},
        {"a_", {"must end with a lowercase letter or digit"}},
        {"org/app.", {"path component \"app.\" must end", "position 8"}},
        {"-a", {"path component \"-a\" at position 1 must start with a lowercase letter or digit"}},
        {"_a", {"must start with a lowercase letter or digit"}},
        {"a/-b", {"path component \"-b\" at position 3 must start"}},
        {"-docker", {"position 1"}},
        {"____/____", {"must start with a lowercase letter or digit"}},
        // A first component with a '.' is a registry, so this is a host error (as the peer decides).
        {"dock..er/docker", {"empty registry host component at position 6"}},
        {"docker/dock..er", {"invalid separator \"..\" at position 12"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("registry hosts, ports and IPv6 literals are checked", "[reference][fault]") {
    std::vector<Invalid> cases = {
        {"-reg.example.com/app", {"registry host component must not start with '-' (position 1)"}},
        {"reg-.example.com/app", {"registry host component must not end with '-' (position 4)"}},
        {"reg..example.com/app", {"empty registry host component at position 5"}},
        {".reg.com/app", {"empty registry host component at position 1"}},
        {"docker./docker", {"empty registry host component at position 8"}},
        {"reg.example.com:/app", {"port after ':' at position 16 is empty"}},
        {"reg.example.com:http/app", {"registry port must be digits, not 'h' at position 17"}},
        {"localhost:http/name@" + sha256, {"registry port must be digits"}},
        {"reg.example.com:99999/app", {"registry port \"99999\" at position 17 is out of range (1-65535)"}},
        {"localhost:65536/app", {"registry port \"65536\"", "out of range"}},
        {"reg.example.com:0/app", {"registry port \"0\"", "out of range"}},
        {"192.168.1.1:750050/app", {"out of range"}},
        {"[::1/app", {"'[' at position 1 opens an IPv6 address that is never closed"}},
        {"[]:5000/app", {"empty IPv6 address at position 1"}},
        {"[fe80::1%eth0]:5000/app", {"IPv6 zone identifiers are not allowed ('%' at position 9)"}},
        {"[fe80::1%25]:5000/app", {"IPv6 zone identifiers are not allowed"}},
        {"[::ffff:1.2.3.4]:5000/app", {"embedded IPv4 part", "'.' at position 10"}},
        {"[fd00123123123]:5000/app", {"\"[fd00123123123]\" at position 1 is not a valid IPv6 address"}},
        {"[1:2:3:4:5:6:7:8:9]/app", {"is not a valid IPv6 address"}},
        {"[::1]5000/app", {"'5' at position 6 is not allowed in a registry host"}},
        {"[::1]:99999/app", {"registry port \"99999\" at position 7"}},
        {"fc00::1:5000/debian", {"registry port must be digits, not ':' at position 6"}},
        // The peer would read these as repositories without any registry; digestx refuses.
        {"reg_x.example.com/app", {"'_' at position 4 is not allowed in a registry host"}},
        {"Foo_Bar/app", {"'_' at position 4 is not allowed in a registry host"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("oci:, docker-archive: and oci-archive: sources keep their path", "[reference][source]") {
    struct Source {
        std::string input;
        SourceKind kind;
        std::string path;
        std::string tag;    // "" when none
        std::string digest; // "" when none
    };
    std::vector<Source> cases = {
        {"oci:layout", SourceKind::OciLayout, "layout", "", ""},
        {"oci:/abs/layout:v1", SourceKind::OciLayout, "/abs/layout", "v1", ""},
        {"oci:./layout@" + sha256, SourceKind::OciLayout, "./layout", "", sha256},
        {"oci:./layout@" + sha512, SourceKind::OciLayout, "./layout", "", sha512},
        // Only the last path element is searched for ':' and '@'.
        {"oci:./a:b/layout", SourceKind::OciLayout, "./a:b/layout", "", ""},
        {"oci:./a:b/layout:v2", SourceKind::OciLayout, "./a:b/layout", "v2", ""},
        {"oci:a@b/c@" + sha256, SourceKind::OciLayout, "a@b/c", "", sha256},
        {"oci:a:b:c", SourceKind::OciLayout, "a:b", "c", ""},
        // A trailing '/' keeps a ':' or '@' in the directory's own name.
        {"oci:./my:dir/", SourceKind::OciLayout, "./my:dir/", "", ""},
        {"oci:./my:dir/:v1", SourceKind::OciLayout, "./my:dir/", "v1", ""},
        {"oci:/x@y/", SourceKind::OciLayout, "/x@y/", "", ""},
        {"oci:/x/@" + sha256, SourceKind::OciLayout, "/x/", "", sha256},
        {"oci:dir with space:latest", SourceKind::OciLayout, "dir with space", "latest", ""},
        {"oci:/", SourceKind::OciLayout, "/", "", ""},
        // Prefix wins: this is a directory "5000/app", not host "oci" port 5000.
        {"oci:5000/app", SourceKind::OciLayout, "5000/app", "", ""},
        {"oci:caf\xc3\xa9", SourceKind::OciLayout, "caf\xc3\xa9", "", ""},
        {"docker-archive:image.tar", SourceKind::DockerArchive, "image.tar", "", ""},
        {"docker-archive:x@y.tar", SourceKind::DockerArchive, "x@y.tar", "", ""},
        // oci-archive: splits a tag or digest off the last path element, as oci: does.
        {"oci-archive:img.tar", SourceKind::OciArchive, "img.tar", "", ""},
        {"oci-archive:/tmp/img.tar:v1", SourceKind::OciArchive, "/tmp/img.tar", "v1", ""},
        {"oci-archive:img.tar@" + sha256, SourceKind::OciArchive, "img.tar", "", sha256},
        {"oci-archive:./a:b/img.tar", SourceKind::OciArchive, "./a:b/img.tar", "", ""},
        {"oci-archive:./my:img.tar/", SourceKind::OciArchive, "./my:img.tar/", "", ""},
        {"oci-archive:5000/app.tar", SourceKind::OciArchive, "5000/app.tar", "", ""},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parsed = parse_reference(c.input);
        REQUIRE(parsed);
        CHECK(parsed->source() == c.kind);
        CHECK(parsed->source_path() == c.path);
        CHECK(parsed->tag().value_or("") == c.tag);
        CHECK_FALSE(parsed->tag_is_default());
        CHECK((parsed->digest() ? parsed->digest()->str() : "") == c.digest);
        CHECK(parsed->registry().empty());
        CHECK(parsed->endpoint().empty());
        CHECK(parsed->repository().empty());
        CHECK(parsed->name().empty());
        CHECK(parsed->familiar() == parsed->canonical());
        // The canonical form reads back to the same source.
        auto again = parse_reference(parsed->canonical());
        REQUIRE(again);
        CHECK(*again == *parsed);
    }
}

TEST_CASE("docker-archive: selects one image by RepoTag or position, as skopeo does", "[reference][source]") {
    // containers-transports(5): docker-archive:path[:{docker-reference|@source-index}], the path
    // ending at the first ':'.
    struct Selection {
        std::string input;
        std::string path;
        std::string image; // "" when none
        std::optional<std::size_t> index;
        std::string canonical;
    };
    std::vector<Selection> cases = {
        {"docker-archive:app.tar", "app.tar", "", std::nullopt, "docker-archive:app.tar"},
        {"docker-archive:app.tar:app:1.2", "app.tar", "docker.io/library/app:1.2", std::nullopt,
         "docker-archive:app.tar:docker.io/library/app:1.2"},
        {"docker-archive:app.tar:app", "app.tar", "docker.io/library/app:latest", std::nullopt,
         "docker-archive:app.tar:docker.io/library/app:latest"},
        {"docker-archive:/tmp/x.tar:registry.example:5000/org/app:v1", "/tmp/x.tar", "registry.example:5000/org/app:v1",
         std::nullopt, "docker-archive:/tmp/x.tar:registry.example:5000/org/app:v1"},
        {"docker-archive:app.tar:@0", "app.tar", "", 0, "docker-archive:app.tar:@0"},
        {"docker-archive:app.tar:@12", "app.tar", "", 12, "docker-archive:app.tar:@12"},
        // The first ':' ends the path: skopeo reads /tmp/a:b.tar as /tmp/a holding image b.tar.
        {"docker-archive:/tmp/a:b.tar", "/tmp/a", "docker.io/library/b.tar:latest", std::nullopt,
         "docker-archive:/tmp/a:docker.io/library/b.tar:latest"},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parsed = parse_reference(c.input);
        REQUIRE(parsed);
        CHECK(parsed->source() == SourceKind::DockerArchive);
        CHECK(parsed->source_path() == c.path);
        CHECK(parsed->archive_image().value_or("") == c.image);
        CHECK(parsed->archive_index() == c.index);
        CHECK_FALSE(parsed->tag());
        CHECK_FALSE(parsed->digest());
        CHECK(parsed->canonical() == c.canonical);
        auto again = parse_reference(parsed->canonical());
        REQUIRE(again);
        CHECK(*again == *parsed);
    }
    std::vector<Invalid> invalid = {
        {"docker-archive:app.tar:", {"':' at position 23 is not followed by an image"}},
        {"docker-archive:app.tar:@", {"image index \"\" at position 25 is not a number"}},
        {"docker-archive:app.tar:@-1", {"image index \"-1\" at position 25 is not a number"}},
        {"docker-archive:app.tar:@x", {"is not a number (@0 is the first image of manifest.json)"}},
        {"docker-archive:app.tar:@9999999999", {"is not a number"}},
        {"docker-archive:app.tar:App:1", {"image \"App:1\" at position 24 is not a reference"}},
        {"docker-archive:app.tar:app@sha256:" + std::string(64, 'a'), {"has a digest"}},
        {"docker-archive::app:1", {"docker-archive: needs a path"}},
    };
    for (const auto &c : invalid)
        check_invalid(c);
}

TEST_CASE("malformed sources are refused with the part and position", "[reference][source][fault]") {
    std::vector<Invalid> cases = {
        {"oci:", {"oci: needs a path (oci:DIR[:TAG|@DIGEST])"}},
        {"oci::v1", {"oci: needs a path"}},
        {"oci:@" + sha256, {"oci: needs a path"}},
        {"oci:dir:", {"':' at position 8 is not followed by a tag"}},
        {"oci:dir@", {"'@' at position 8 is not followed by a digest"}},
        {"oci:dir:v1@" + sha256, {"oci: takes a tag or a digest, not both", "':' at position 8", "'@' at position 11"}},
        {"oci-archive:a.tar:v1@" + sha256,
         {"oci-archive: takes a tag or a digest, not both", "':' at position 18", "'@' at position 21"}},
        {"oci:dir:-x", {"invalid tag \"-x\"", "position 9"}},
        {"oci:dir@md5:d41d8cd98f00b204e9800998ecf8427e", {"unsupported digest algorithm \"md5\""}},
        {"oci:dir@sha256:abc", {"digest at position 9", "sha256 digest must be 64 lowercase hex"}},
        {"oci:di\nr", {"control character \\n at position 7 is not allowed in a oci: path"}},
        {std::string("oci:dir\0x", 9), {"control character \\x00 at position 8"}},
        {"docker-archive:", {"docker-archive: needs a path (docker-archive:FILE[:REF|:@N])"}},
        {"docker-archive:x\x01", {"control character \\x01 at position 17"}},
        {"oci-archive:", {"oci-archive: needs a path (oci-archive:FILE[:TAG|@DIGEST])"}},
        {"oci-archive::v1", {"oci-archive: needs a path"}},
        {"oci-archive:a.tar:", {"':' at position 18 is not followed by a tag"}},
        {"oci-archive:a.tar@sha256:abc", {"sha256 digest must be 64 lowercase hex"}},
        {"oci-archive:a\tb", {"control character \\t at position 14 is not allowed in a oci-archive: path"}},
    };
    for (const auto &c : cases)
        check_invalid(c);
}

TEST_CASE("Reference builds the registry request and rewrites tags and digests", "[reference]") {
    auto digest = digestx::Digest::parse(sha256);
    REQUIRE(digest);

    auto tagged = parse_reference("alpine:3.12");
    REQUIRE(tagged);
    CHECK(tagged->manifest_reference() == "3.12");
    CHECK(tagged->name() == "docker.io/library/alpine");
    CHECK(tagged->familiar_name() == "alpine");
    CHECK("https://" + tagged->endpoint() + "/v2/" + tagged->repository() + "/manifests/" +
              tagged->manifest_reference() ==
          "https://registry-1.docker.io/v2/library/alpine/manifests/3.12");

    auto pinned = tagged->with_digest(*digest);
    CHECK(pinned.canonical() == "docker.io/library/alpine:3.12@" + sha256);
    CHECK(pinned.manifest_reference() == sha256);
    CHECK(pinned.without_tag().canonical() == "docker.io/library/alpine@" + sha256);
    CHECK(pinned.without_tag().familiar() == "alpine@" + sha256);

    auto defaulted = parse_reference("[::1]:5000/app");
    REQUIRE(defaulted);
    CHECK(defaulted->tag_is_default());
    CHECK(defaulted->manifest_reference() == "latest");
    CHECK("https://" + defaulted->endpoint() + "/v2/" + defaulted->repository() + "/manifests/latest" ==
          "https://[::1]:5000/v2/app/manifests/latest");
    auto retagged = defaulted->with_tag("v2");
    REQUIRE(retagged);
    CHECK_FALSE(retagged->tag_is_default());
    CHECK(retagged->canonical() == "[::1]:5000/app:v2");
    auto bad_tag = defaulted->with_tag("-v2");
    REQUIRE_FALSE(bad_tag);
    CHECK(bad_tag.error().code == ErrorCode::Usage);
    CHECK_THAT(bad_tag.error().message, Catch::Contains("must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}"));

    auto parts = pinned.parts();
    CHECK(parts.domain == "docker.io");
    CHECK(parts.path == "library/alpine");
    CHECK(parts.str() == pinned.canonical());

    auto bare = parse_reference("ghcr.io/org/app@" + sha256);
    REQUIRE(bare);
    CHECK_FALSE(bare->tag());
    CHECK(bare->manifest_reference() == sha256);
    CHECK(bare->familiar() == "ghcr.io/org/app@" + sha256);
}

TEST_CASE("the peer's other entry points: ParseNormalizedNamed, ParseNamed, ParseDockerRef", "[reference]") {
    auto named = digestx::parse_normalized_named("alpine");
    REQUIRE(named);
    CHECK_FALSE(named->tag());
    CHECK(named->canonical() == "docker.io/library/alpine");
    CHECK(digestx::parse_normalized_named("registry-1.docker.io/x")->canonical() == "registry-1.docker.io/x");
    // The grammar lets bracketed non-addresses and huge ports through; only parse_reference refuses them.
    CHECK(digestx::parse_normalized_named("[fd00123123123]:75050/app"));
    CHECK_FALSE(parse_reference("[fd00123123123]:75050/app"));

    CHECK(digestx::parse_named("docker.io/library/alpine:3"));
    auto not_canonical = digestx::parse_named("alpine:3");
    REQUIRE_FALSE(not_canonical);
    CHECK_THAT(not_canonical.error().message,
               Catch::Contains("must be canonical (expected \"docker.io/library/alpine:3\")"));

    auto both = digestx::parse_docker_ref("alpine:3@" + sha256);
    REQUIRE(both);
    CHECK(both->canonical() == "docker.io/library/alpine@" + sha256);
    auto none = digestx::parse_docker_ref("alpine");
    REQUIRE(none);
    CHECK(none->canonical() == "docker.io/library/alpine:latest");
    CHECK(none->tag_is_default());
    // Source prefixes belong to parse_reference only; the peer's functions see a Hub image "oci".
    auto peer = digestx::parse_docker_ref("oci:dir");
    REQUIRE(peer);
    CHECK(peer->canonical() == "docker.io/library/oci:dir");
    CHECK(parse_reference("oci:dir")->source() == SourceKind::OciLayout);
}

TEST_CASE("every refusal is a usage error whatever the input", "[reference][fault]") {
    // A deterministic sweep over short strings of the characters that matter to the grammar:
    // nothing may throw, every refusal is Usage, and every acceptance reads back to itself.
    const std::string alphabet = "a:/@.-_[]1A%";
    std::size_t accepted = 0;
    std::size_t refused = 0;
    for (std::size_t length = 1; length <= 4; ++length) {
        std::vector<std::size_t> index(length, 0);
        while (true) {
            std::string input;
            for (std::size_t i : index)
                input += alphabet[i];
            INFO("input: " << input);
            auto parsed = parse_reference(input);
            if (parsed) {
                ++accepted;
                auto again = parse_reference(parsed->canonical());
                REQUIRE(again);
                CHECK(again->canonical() == parsed->canonical());
            } else {
                ++refused;
                CHECK(parsed.error().code == ErrorCode::Usage);
                CHECK_THAT(parsed.error().message, Catch::StartsWith("invalid reference \""));
            }
            std::size_t position = 0;
            while (position < length && ++index[position] == alphabet.size())
                index[position++] = 0;
            if (position == length) break;
        }
    }
    CHECK(accepted > 100);
    CHECK(refused > 10000);
}

TEST_CASE("registry hosts and mirror locations as people spell them", "[reference]") {
    struct Host {
        std::string input;
        std::optional<std::string> registry;
    };
    const std::vector<Host> hosts = {
        {"docker.io", "docker.io"},
        {"index.docker.io", "docker.io"}, // folded as ParseNormalizedNamed folds it
        {"registry-1.docker.io", "registry-1.docker.io"},
        {"ghcr.io", "ghcr.io"},
        {"localhost", "localhost"},
        {"localhost:5000", "localhost:5000"},
        {"[::1]:5000", "[::1]:5000"},
        {"registry", std::nullopt}, // no dot, port or localhost: a repository name
        {"", std::nullopt},
        {"ghcr.io/org", std::nullopt},
        {"user@ghcr.io", std::nullopt},
        {"host:99999", std::nullopt},
    };
    for (const auto &host : hosts) {
        INFO(host.input);
        CHECK(digestx::canonical_registry(host.input) == host.registry);
    }
    struct Location {
        std::string input;
        bool valid;
    };
    const std::vector<Location> locations = {
        {"mirror.example", true},
        {"mirror.example:5000", true},
        {"mirror.example/dockerhub", true},
        {"localhost:5000/a/b", true},
        {"docker.io", false}, // the grammar would add library/: not where the image path goes
        {"mirror", false},
        {"", false},
        {"/mirror.example", false},
        {"mirror.example?x=1", false},
        {"user:pw@mirror.example", false},
        {"Mirror.example/UPPER", false},
    };
    for (const auto &location : locations) {
        INFO(location.input);
        CHECK(digestx::is_repository_location(location.input) == location.valid);
    }
}

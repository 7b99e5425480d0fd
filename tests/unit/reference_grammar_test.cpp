// Table tests of the grammar layer (distribution/reference Parse, WithName, WithTag, WithDigest and
// the anchored regexps) and of the glob matching behind FamiliarMatch (Go's path.Match table).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/core/reference.hpp"

using digestx::ErrorCode;

namespace {

const std::string hex64 = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const std::string sha256 = "sha256:" + hex64;

} // namespace

TEST_CASE("Parse splits without normalising", "[reference][grammar]") {
    struct Case {
        std::string input, domain, path, tag, digest;
    };
    std::vector<Case> cases = {
        {"test_com", "", "test_com", "", ""},
        {"test.com:tag", "", "test.com", "tag", ""},
        {"test.com:5000", "", "test.com", "5000", ""},
        {"test.com/repo:tag", "test.com", "repo", "tag", ""},
        {"test:5000/repo", "test:5000", "repo", "", ""},
        {"test:5000/repo@" + sha256, "test:5000", "repo", "", sha256},
        {"test:5000/repo:tag@" + sha256, "test:5000", "repo", "tag", sha256},
        {"simple/name", "simple", "name", "", ""},
        {"foo/foo_bar.com:8080", "foo", "foo_bar.com", "8080", ""},
        {"foo_bar/baz", "", "foo_bar/baz", "", ""},
        {"lowercase:Uppercase", "", "lowercase", "Uppercase", ""},
        {"192.168.1.1:5000", "", "192.168.1.1", "5000", ""},
        {"192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", ""},
        {"[2001:db8::1]/repo", "[2001:db8::1]", "repo", "", ""},
        {"[::1]:5000/repo", "[::1]:5000", "repo", "", ""},
        {"Asdf.com/foo/bar", "Asdf.com", "foo/bar", "", ""},
        {"localhost:8080@" + sha256, "", "localhost", "8080", sha256},
        {"a/a/a/a", "a", "a/a/a", "", ""},
        {"validname@sha512:" + hex64 + hex64, "", "validname", "", "sha512:" + hex64 + hex64},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parts = digestx::parse_reference_parts(c.input);
        REQUIRE(parts);
        CHECK(parts->domain == c.domain);
        CHECK(parts->path == c.path);
        CHECK(parts->tag.value_or("") == c.tag);
        CHECK(parts->digest.value_or("") == c.digest);
        CHECK(parts->str() == c.input);
        CHECK(parts->name() == (c.domain.empty() ? c.path : c.domain + "/" + c.path));
        // Grammar-valid input matches the reference regexp with the same submatches.
        auto match = digestx::grammar::match_reference(c.input);
        REQUIRE(match);
        CHECK(*match == *parts);
    }
}

TEST_CASE("Parse refuses with the peer's error kinds, worded with positions", "[reference][grammar]") {
    struct Case {
        std::string input, fragment;
    };
    std::vector<Case> cases = {
        {"", "reference is empty"},
        {":justtag", "invalid reference format: repository name is empty at position 1"},
        {"Uppercase:tag", "repository name must be lowercase (uppercase 'U' at position 1)"},
        {"test:5000/Uppercase/lowercase:tag", "repository name must be lowercase (uppercase 'U' at position 11)"},
        {"Foo/FarB", "repository name must be lowercase (uppercase 'F' at position 5)"},
        {"aa/asdf$$^/aa", "invalid reference format: '$' at position 8"},
        {"[2001:db8::1]:5000", "invalid reference format"},
        {"[fe80::1%eth0]:5000/repo", "invalid reference format"},
        {"domain/" + std::string(256, 'a'), "must not be more than 255 characters"},
        {"repo@sha256:ffffffffffffffffffffffffffffffffff", "sha256 digest must be 64 lowercase hex characters"},
        {"validname@invaliddigest:" + hex64, "unsupported digest algorithm \"invaliddigest\""},
        {"https://x/y", "a URL is not a reference"},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parts = digestx::parse_reference_parts(c.input);
        REQUIRE_FALSE(parts);
        CHECK(parts.error().code == ErrorCode::Usage);
        CHECK_THAT(parts.error().message, Catch::Contains(c.fragment));
    }
    // 255 characters of path after a domain are fine; the domain is not counted.
    CHECK(digestx::parse_reference_parts("example.com/" + std::string(255, 'a') + ":tag"));
}

TEST_CASE("WithName, WithTag and WithDigest compose references", "[reference][grammar]") {
    auto name = digestx::parse_name_parts("test.com:8000/foo");
    REQUIRE(name);
    auto tagged = digestx::with_tag(*name, "TAG5");
    REQUIRE(tagged);
    CHECK(tagged->str() == "test.com:8000/foo:TAG5");
    // WithDigest checks the pattern only (32+ hex digits), like the peer.
    auto digested = digestx::with_digest(*tagged, "sha256:1234567890098765432112345667890098765");
    REQUIRE(digested);
    CHECK(digested->str() == "test.com:8000/foo:TAG5@sha256:1234567890098765432112345667890098765");

    for (const std::string &bad_tag :
         std::vector<std::string>{std::string(""), std::string("-foo"), std::string(129, 'a'), std::string("a/b")}) {
        INFO("tag: " << bad_tag);
        auto result = digestx::with_tag(*name, bad_tag);
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::Usage);
        CHECK_THAT(result.error().message, Catch::Contains("invalid tag"));
    }
    for (const std::string &bad_digest :
         std::vector<std::string>{std::string("foo"), std::string("sha256:abc"), std::string("1a:" + hex64),
                                  std::string("sha256:" + std::string(32, 'g'))}) {
        INFO("digest: " << bad_digest);
        auto result = digestx::with_digest(*name, bad_digest);
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::Usage);
        CHECK_THAT(result.error().message, Catch::Contains("invalid digest format"));
    }
    for (const std::string &bad_name : std::vector<std::string>{std::string(""), std::string("example.com/repo:tag"),
                                                                std::string("validname@" + sha256),
                                                                std::string("example.com/") + std::string(256, 'a')}) {
        INFO("name: " << bad_name);
        auto result = digestx::parse_name_parts(bad_name);
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::Usage);
    }
}

TEST_CASE("anchored regexps: domains, names, tags, digests, identifiers", "[reference][grammar]") {
    for (const std::string &domain : std::vector<std::string>{
             "test.com", "test.com:10304", "localhost:8080", "a", "a.b", "ab.c-om", "0101.com", "xn--n3h.com",
             "Asdf.com", "192.168.1.1:750050", "[::1]", "[fd00:1:2::3]:75050", "[fd00123123123]:75050"}) {
        INFO("domain: " << domain);
        CHECK(digestx::grammar::is_domain(domain));
    }
    for (const std::string &domain : std::vector<std::string>{
             "", "test.com:http", "-ab.com", "ab-.com", "ab.-com", "ab.com-", "a..b", "[fd00:1:2::3]75050",
             "[fd00:1:2::3%eth0]:1", "fd00:1:2::3:75050", "a_b.com", "[]", "[::1", "a.com:", "a b"}) {
        INFO("domain: " << domain);
        CHECK_FALSE(digestx::grammar::is_domain(domain));
    }
    for (const std::string &tag : std::vector<std::string>{"a", "A", "_", "0", "a.b-c_D", std::string(128, 'x')}) {
        INFO("tag: " << tag);
        CHECK(digestx::grammar::is_tag(tag));
    }
    for (const std::string &tag :
         std::vector<std::string>{"", "-a", ".a", "a b", "a:b", "a/b", "a@b", std::string(129, 'x')}) {
        INFO("tag: " << tag);
        CHECK_FALSE(digestx::grammar::is_tag(tag));
    }
    for (const std::string &digest :
         std::vector<std::string>{sha256, "md5:" + std::string(32, 'a'), "a+b.c-d_e:" + std::string(32, 'F'),
                                  "sha256:" + std::string(100, '0')}) {
        INFO("digest: " << digest);
        CHECK(digestx::grammar::is_digest(digest));
    }
    for (const std::string &digest :
         std::vector<std::string>{"", "sha256", "sha256:" + std::string(31, 'a'), "1sha:" + hex64, "sha256::" + hex64,
                                  "sha--256:" + hex64, "sha256:" + hex64 + "g"}) {
        INFO("digest: " << digest);
        CHECK_FALSE(digestx::grammar::is_digest(digest));
    }
    CHECK(digestx::grammar::is_identifier(std::string(64, 'a')));
    CHECK_FALSE(digestx::grammar::is_identifier(std::string(64, 'A')));
    CHECK_FALSE(digestx::grammar::is_identifier(std::string(63, 'a')));
    CHECK_FALSE(digestx::grammar::is_identifier(sha256));

    auto name = digestx::grammar::match_name("docker/stevvooe/app");
    REQUIRE(name);
    CHECK(name->domain == "docker");
    CHECK(name->path == "stevvooe/app");
    CHECK_FALSE(digestx::grammar::match_name("a/a/a/a/"));
    CHECK_FALSE(digestx::grammar::match_name("Foo/FarB"));
    CHECK_FALSE(digestx::grammar::match_name("foo.com:8080/a:b"));
}

TEST_CASE("ParseAnyReference: image IDs and digests before names", "[reference][grammar]") {
    auto id = digestx::parse_any_reference(hex64);
    REQUIRE(id);
    CHECK(id->is_digest_only());
    CHECK(id->str() == sha256);
    CHECK(id->familiar() == sha256);
    auto sha512 = digestx::parse_any_reference("sha512:" + hex64 + hex64);
    REQUIRE(sha512);
    CHECK(sha512->is_digest_only());
    auto named = digestx::parse_any_reference("dmcgowan/myapp:latest");
    REQUIRE(named);
    CHECK_FALSE(named->is_digest_only());
    CHECK(named->str() == "docker.io/dmcgowan/myapp:latest");
    CHECK(named->familiar() == "dmcgowan/myapp:latest");
    auto bad = digestx::parse_any_reference("-x");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::Usage);
}

TEST_CASE("glob_match follows Go's path.Match table", "[reference][glob]") {
    struct Case {
        std::string pattern, name;
        bool match;
        bool bad;
    };
    // src/path/match_test.go, in order.
    std::vector<Case> cases = {
        {"abc", "abc", true, false},
        {"*", "abc", true, false},
        {"*c", "abc", true, false},
        {"a*", "a", true, false},
        {"a*", "abc", true, false},
        {"a*", "ab/c", false, false},
        {"a*/b", "abc/b", true, false},
        {"a*/b", "a/c/b", false, false},
        {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
        {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
        {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
        {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
        {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
        {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
        {"ab[c]", "abc", true, false},
        {"ab[b-d]", "abc", true, false},
        {"ab[e-g]", "abc", false, false},
        {"ab[^c]", "abc", false, false},
        {"ab[^b-d]", "abc", false, false},
        {"ab[^e-g]", "abc", true, false},
        {"a\\*b", "a*b", true, false},
        {"a\\*b", "ab", false, false},
        {"a?b",
         "a\xe2\x98\xba"
         "b",
         true, false},
        {"a[^a]b",
         "a\xe2\x98\xba"
         "b",
         true, false},
        {"a???b",
         "a\xe2\x98\xba"
         "b",
         false, false},
        {"a[^a][^a][^a]b",
         "a\xe2\x98\xba"
         "b",
         false, false},
        {"[a-\xce\xb6]*", "\xce\xb1", true, false},
        {"*[a-\xce\xb6]", "A", false, false},
        {"a?b", "a/b", false, false},
        {"a*b", "a/b", false, false},
        {"[\\]a]", "]", true, false},
        {"[\\-]", "-", true, false},
        {"[x\\-]", "x", true, false},
        {"[x\\-]", "-", true, false},
        {"[x\\-]", "z", false, false},
        {"[\\-x]", "x", true, false},
        {"[\\-x]", "-", true, false},
        {"[\\-x]", "a", false, false},
        {"[]a]", "]", false, true},
        {"[-]", "-", false, true},
        {"[x-]", "x", false, true},
        {"[x-]", "-", false, true},
        {"[x-]", "z", false, true},
        {"[-x]", "x", false, true},
        {"[-x]", "-", false, true},
        {"[-x]", "a", false, true},
        {"\\", "a", false, true},
        {"[a-b-c]", "a", false, true},
        {"[", "a", false, true},
        {"[^", "a", false, true},
        {"[^bc", "a", false, true},
        {"a[", "a", false, true},
        {"a[", "ab", false, true},
        {"a[", "x", false, true},
        {"a/b[", "x", false, true},
        {"*x", "xxx", true, false},
    };
    for (const auto &c : cases) {
        INFO("pattern: " << c.pattern << "  name: " << c.name);
        auto matched = digestx::glob_match(c.pattern, c.name);
        if (c.bad) {
            REQUIRE_FALSE(matched);
            CHECK(matched.error().code == ErrorCode::Usage);
            CHECK_THAT(matched.error().message, Catch::Contains("syntax error in pattern"));
        } else {
            REQUIRE(matched);
            CHECK(*matched == c.match);
        }
    }
}

TEST_CASE("familiar_match tries the familiar string, then the familiar name", "[reference][glob]") {
    struct Case {
        std::string reference, pattern;
        bool match;
    };
    std::vector<Case> cases = {
        {"alpine:3.12", "alpine", true},
        {"alpine:3.12", "alpine:3.*", true},
        {"alpine:3.12", "alpine:4.*", false}, // a pattern with a tag cannot match the bare name
        {"alpine:3.12", "alp", false},
        {"docker.io/library/alpine", "alpine", true},
        {"docker.io/library/alpine", "library/alpine", false},
        {"myorg/app:1", "myorg/*", true},
        {"myorg/app:1", "*", false},
        {"ghcr.io/org/app:1", "ghcr.io/*/app", true},
        {"ghcr.io/org/app:1", "*/org/app", true},
        {"ghcr.io/org/app:1", "org/app", false},
        {hex64, "sha256:*", true},
        {hex64, "*", true},
    };
    for (const auto &c : cases) {
        INFO("reference: " << c.reference << "  pattern: " << c.pattern);
        auto reference = digestx::parse_any_reference(c.reference);
        REQUIRE(reference);
        auto matched = digestx::familiar_match(c.pattern, *reference);
        REQUIRE(matched);
        CHECK(*matched == c.match);
    }
    auto reference = digestx::parse_any_reference("foo");
    REQUIRE(reference);
    auto bad = digestx::familiar_match("[-x]", *reference);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::Usage);
}

// Fault catalogue section A (malformed references: user input), end to end: the real binary with
// every proxy variable pointing at a recording server, so that "no network traffic" is observed,
// not assumed. The parsers' own tables are tests/unit/reference_test.cpp and platform_test.cpp;
// these cases check what the user sees: exit 2, nothing on stdout, one sanitised line, no request.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faults_support.hpp"

using namespace digestx::test;

namespace {

// Every proxy variable curl reads points at `recorder`: a request digestx tried to send, for any
// host and scheme, lands there (and curl resolves no name itself).
std::map<std::string, std::string> everything_through(const TestHttpServer &recorder) {
    return {{"http_proxy", recorder.base_url()},
            {"https_proxy", recorder.base_url()},
            {"HTTPS_PROXY", recorder.base_url()},
            {"all_proxy", recorder.base_url()},
            {"ALL_PROXY", recorder.base_url()},
            {"no_proxy", ""},
            {"NO_PROXY", ""}};
}

struct BadReference {
    const char *id;
    std::string reference;
    std::string expected;
};

std::string repeated(char c, std::size_t count) {
    return std::string(count, c);
}

} // namespace

TEST_CASE("A1-A6, A9: malformed references exit 2 before any request, with one sanitised line",
          "[faults][A1][A2][A3][A4][A5][A6][A9]") {
    auto row = GENERATE(values<BadReference>({
        {"A1", "docker.io/Library/Alpine:3", "repository name must be lowercase (uppercase 'L' at position 11)"},
        {"A2", " ", "invalid reference format: a space at position 1"},
        {"A2", "alp\tine", "control character \\t at position 4"},
        {"A2", "alp\x1b[31mine", "control character"},
        {"A2", "alpine:", "':' at position 7 is not followed by a tag"},
        {"A2", "alpine@", "'@' at position 7 is not followed by a digest"},
        {"A2", ":tag", "repository name is empty"},
        {"A2", "alpine/", "trailing '/' at position 7"},
        {"A3", "alpine:" + repeated('a', 129), "invalid tag: 129 characters"},
        {"A3", "alpine:-x", "must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}"},
        {"A3", "alpine:a b", "a space at position 9 is not allowed in a tag"},
        {"A4", "reg.example/" + repeated('a', 256), "repository name must not be more than 255 characters"},
        {"A5", "alpine@sha256:" + repeated('a', 63), "sha256 digest must be 64 lowercase hex characters"},
        {"A5", "alpine@sha256:" + repeated('A', 64), "sha256 digest must be 64 lowercase hex characters"},
        {"A5", "alpine@sha256:" + repeated('z', 64), "sha256 digest must be 64 lowercase hex characters"},
        {"A5", "alpine@md5:" + repeated('a', 32), "unsupported digest algorithm \"md5\" (supported: sha256, sha512)"},
        {"A5", "alpine@sha256+b64u:abc", "unsupported digest algorithm \"sha256+b64u\""},
        {"A6", repeated('b', 64), "refusing 64-hex repository name (looks like an image ID)"},
        {"A9", "https://reg.example/app", "a URL is not a reference"},
        {"A9", "reg.example/app/../other", "relative path component \"..\""},
        {"A9", "reg.example/a%2f..", "percent-encoding is never decoded"},
        {"A9", "reg.example/app?x=1#y", "a reference has no query or fragment"},
    }));
    auto command = GENERATE(as<std::string>{}, "digest", "manifest", "inspect", "verify");
    INFO(row.id << " " << command << " " << row.reference);
    TestHttpServer recorder([](const RecordedRequest &) { return status_only(500); });
    std::vector<std::string> args{"--timeout", "5", command, row.reference};
    if (command == "verify") args.insert(args.end(), {"--digest", "sha256:" + repeated('c', 64)});
    auto result = run_digestx(args, {}, everything_through(recorder));
    check_failure(result, 2);
    CHECK_THAT(error_line(result), Catch::Contains(row.expected));
    CHECK(recorder.requests().empty());
}

TEST_CASE("A7: registry hosts are inferred as distribution/reference does", "[faults][A7]") {
    struct Row {
        std::string input;
        std::string registry;
        std::string repository;
        std::string canonical;
    };
    auto row = GENERATE(values<Row>({
        {"myreg:5000/app", "myreg:5000", "app", "myreg:5000/app:latest"},
        {"[::1]:5000/app", "[::1]:5000", "app", "[::1]:5000/app:latest"},
        {"localhost/app", "localhost", "app", "localhost/app:latest"},
        {"ubuntu", "docker.io", "library/ubuntu", "docker.io/library/ubuntu:latest"},
        {"index.docker.io/library/x", "docker.io", "library/x", "docker.io/library/x:latest"},
        // An uppercase first component can only be a host: repository names are lowercase.
        {"Foo/bar", "Foo", "bar", "Foo/bar:latest"},
        {"reg.example/team/app", "reg.example", "team/app", "reg.example/team/app:latest"},
    }));
    INFO(row.input);
    TestHttpServer recorder([](const RecordedRequest &) { return status_only(500); });
    auto result = run_digestx({"-o", "json", "ref", row.input}, {}, everything_through(recorder));
    check_success(result);
    auto document = nlohmann::json::parse(result.out);
    CHECK(document["registry"] == row.registry);
    CHECK(document["repository"] == row.repository);
    CHECK(document["canonical"] == row.canonical);
    CHECK(recorder.requests().empty());
}

TEST_CASE("A8: a reference with a tag and a digest fetches the digest and says the tag is ignored", "[faults][A8]") {
    auto image = SampleImage::make("a8");
    FakeRegistry registry;
    registry.image("1.0", image);
    TestHttpServer server(registry.handler());

    auto result = run_digestx({"--timeout", "10", "manifest", app_ref(server, ":moved@" + image.manifest_digest)});
    check_success(result, 1);
    CHECK(result.out == image.manifest);
    CHECK(result.err == "digestx: warning: tag \"moved\" ignored; pinned digest used\n");
    // ParseDockerRef semantics: the tag is dropped, never asked for.
    for (const auto &seen : requests_seen(server))
        CHECK(seen.find("moved") == std::string::npos);
    CHECK(count_requests(server, "GET", app_manifests + image.manifest_digest) == 1);
}

TEST_CASE("A10: platform strings are normalised as containerd does, unparsable ones exit 2 before any request",
          "[faults][A10]") {
    auto arm64 = SampleImage::make("a10-arm64");
    auto armv7 = SampleImage::make("a10-armv7");
    auto amd64 = SampleImage::make("a10-amd64");
    auto index = index_of(nlohmann::ordered_json::array({entry_of(amd64.manifest, oci_manifest_type, "amd64"),
                                                         entry_of(armv7.manifest, oci_manifest_type, "arm", "v7"),
                                                         entry_of(arm64.manifest, oci_manifest_type, "arm64")}));
    FakeRegistry registry;
    registry.manifest("multi", index.dump(), oci_index_type).image("", arm64).image("", armv7).image("", amd64);
    TestHttpServer server(registry.handler());

    struct Row {
        const char *platform;
        std::string expected;
    };
    auto row = GENERATE_COPY(values<Row>({
        {"linux/arm64/v8", arm64.manifest_digest},
        {"aarch64", arm64.manifest_digest},
        {"linux/aarch64", arm64.manifest_digest},
        {"linux/armhf", armv7.manifest_digest},
        {"linux/x86_64", amd64.manifest_digest},
        {"linux/amd64", amd64.manifest_digest},
    }));
    INFO(row.platform);
    auto result = run_digestx({"--timeout", "10", "digest", "--platform", row.platform, app_ref(server, ":multi")});
    check_success(result);
    CHECK(result.out == row.expected + "\n");

    for (const char *bad : {"linux/", "lin ux/amd64", "linux/amd64/v8/x", "/amd64", "linux/\x1b[2J"}) {
        INFO(bad);
        TestHttpServer recorder([](const RecordedRequest &) { return status_only(500); });
        auto refused = run_digestx({"--timeout", "5", "digest", "--platform", bad, "reg.example/app:1"}, {},
                                   everything_through(recorder));
        check_failure(refused, 2);
        CHECK(recorder.requests().empty());
    }
}

// Fault catalogue B11 (digest algorithms digestx cannot verify, and sha512) and B15 (schema1)
// end to end: the real binary against a scripted registry, each case with the contract's exit
// code, empty stdout on failure and one sanitised stderr line.

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include "faults_support.hpp"
#include "support/model_samples.hpp"

using namespace digestx::test;
using Json = nlohmann::ordered_json;

namespace {

std::string sha512_of(const std::string &bytes) {
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), hash, &length, EVP_sha512(), nullptr);
    static const char *const hex = "0123456789abcdef";
    std::string out = "sha512:";
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[hash[i] >> 4U];
        out += hex[hash[i] & 0xFU];
    }
    return out;
}

} // namespace

TEST_CASE("B11: an index entry in an algorithm digestx cannot verify is never fetched and never trusted",
          "[faults][B11]") {
    auto image = SampleImage::make("b11");
    const std::string algorithm = GENERATE(as<std::string>{}, "blake3", "sha384", "foo+bar");
    const std::string hex = algorithm == "sha384" ? std::string(96, 'a') : std::string(64, 'b');
    INFO(algorithm);
    Json index = index_of(Json::array(
        {entry_of(image.manifest, oci_manifest_type, "amd64"), entry_of(image.manifest, oci_manifest_type, "arm64")}));
    index["manifests"][1]["digest"] = algorithm + ":" + hex;
    FakeRegistry registry;
    registry.manifest("1", index.dump(), oci_index_type).image("", image);
    TestHttpServer server(registry.handler());

    // Selecting it: exit 5, naming the algorithm.
    auto chosen = run_digestx({"--timeout", "10", "digest", "--platform", "linux/arm64", app_ref(server, ":1")});
    check_failure(chosen, 5);
    CHECK_THAT(error_line(chosen), Catch::Contains("cannot verify digest algorithm \"" + algorithm + "\""));

    // The other platform is unaffected.
    auto other = run_digestx({"--timeout", "10", "digest", "--platform", "linux/amd64", app_ref(server, ":1")});
    CHECK(other.exit_code == 0);
    CHECK_THAT(other.out, Catch::Contains(image.manifest_digest));

    // inspect shows the whole index with that entry marked as not verifiable, and exits 5.
    auto inspected = run_digestx({"--timeout", "10", "inspect", app_ref(server, ":1")});
    INFO(inspected.err);
    CHECK(inspected.exit_code == 5);
    CHECK_THAT(inspected.out, Catch::Contains(algorithm + ":" + hex.substr(0, 12)));
    CHECK_THAT(inspected.out,
               Catch::Contains("error (integrity, exit 5): cannot verify digest algorithm \"" + algorithm + "\""));
    CHECK_THAT(error_line(inspected), Catch::Contains("cannot verify digest algorithm"));

    // The entry was never requested: digestx builds no URL from what it cannot verify.
    for (const auto &seen : requests_seen(server)) {
        INFO(seen);
        CHECK(seen.find(algorithm + ":") == std::string::npos);
    }
}

TEST_CASE("B11: a typed digest in an algorithm digestx cannot verify is a usage error before any request",
          "[faults][B11]") {
    FakeRegistry registry;
    TestHttpServer server(registry.handler());
    auto typed = run_digestx({"--timeout", "10", "digest", app_ref(server, "@blake3:" + std::string(64, 'b'))});
    check_failure(typed, 2);
    CHECK_THAT(error_line(typed), Catch::Contains("blake3"));
    CHECK(server.requests().empty());
}

TEST_CASE("B11: a sha512 pin is verified with SHA-512", "[faults][B11]") {
    auto image = SampleImage::make("b11-sha512");
    FakeRegistry registry;
    registry.image("1", image);
    TestHttpServer server(registry.handler());

    auto holds = run_digestx({"--timeout", "10", "verify", app_ref(server, ":1@" + sha512_of(image.manifest))});
    INFO(holds.err);
    CHECK(holds.exit_code == 0);
    CHECK_THAT(holds.out, Catch::Contains(sha512_of(image.manifest)));

    // The sha256 digest is right, yet a sha512 pin of other bytes is a mismatch: the pin's own
    // algorithm is the one compared.
    auto moved = run_digestx({"--timeout", "10", "verify", app_ref(server, ":1@" + sha512_of(image.manifest + " "))});
    CHECK(moved.exit_code == 1);
}

TEST_CASE("B15: a signed schema1 manifest is read, hashed by its payload and marked legacy", "[faults][B15]") {
    const std::string payload = samples::schema1_unsigned();
    const std::string signed_bytes = samples::sign_schema1(payload);
    // As registry 2.8 answers: Docker-Content-Digest is the payload's (schema1 `Payload()`), or,
    // behind a proxy that strips it, nothing, and digestx hashes the payload itself.
    const bool digest_header = GENERATE(true, false);
    INFO("Docker-Content-Digest sent: " << digest_header);
    FakeRegistry registry;
    registry.on("", app_manifests + "old", [&](const RecordedRequest &, int) {
        auto answer = content_answer(signed_bytes, "application/vnd.docker.distribution.manifest.v1+prettyjws", false);
        if (digest_header) answer.headers.emplace_back("Docker-Content-Digest", digest_of(payload));
        return answer;
    });
    TestHttpServer server(registry.handler());

    auto digest = run_digestx({"--timeout", "10", "digest", app_ref(server, ":old")});
    INFO(digest.err);
    CHECK(digest.exit_code == 0);
    CHECK_THAT(digest.out, Catch::Contains(digest_of(payload)));
    CHECK_THAT(digest.out, !Catch::Contains(digest_of(signed_bytes)));

    auto inspected = run_digestx({"--timeout", "10", "inspect", app_ref(server, ":old")});
    INFO(inspected.err);
    CHECK(inspected.exit_code == 0);
    // Marked legacy, and, since the request accepted schema2 and OCI types, named a schema1
    // answer to them (the registry holds schema1, or converted it: catalogue B15).
    CHECK_THAT(inspected.out, Catch::Contains("schema1 manifest  " + digest_of(payload).substr(7, 12)));
    CHECK_THAT(inspected.out, Catch::Contains("a legacy Docker schema1 manifest"));
    CHECK_THAT(inspected.out, Catch::Contains("[schema1-stored]"));
    check_success(inspected, 1);
    CHECK_THAT(inspected.err, Catch::Contains("legacy schema1 manifest from " + server.host() + ": its digest " +
                                              digest_of(payload) + " is the hash of the payload without signatures"));
}

TEST_CASE("B15: a schema1 manifest with an inconsistent signature block exits 5", "[faults][B15]") {
    const std::string payload = samples::schema1_unsigned();
    // A protected header whose formatLength cuts the payload elsewhere than the signature splice.
    const std::string broken =
        samples::sign_schema1(payload, samples::signature_block(samples::protected_header(payload.size() - 10, "\n}")));
    FakeRegistry registry;
    registry.manifest("old", broken, "application/vnd.docker.distribution.manifest.v1+prettyjws");
    TestHttpServer server(registry.handler());
    auto run = run_digestx({"--timeout", "10", "inspect", app_ref(server, ":old")});
    check_failure(run, 5);
    CHECK_THAT(error_line(run), Catch::Contains("schema1"));
}

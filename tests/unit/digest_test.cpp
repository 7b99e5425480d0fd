#include <catch2/catch.hpp>

#include <algorithm>

#include <openssl/evp.h>

#include "digestx/core/digest.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"

using digestx::Digest;
using digestx::DigestAlgorithm;
using digestx::ErrorCode;

TEST_CASE("sha256 and sha512 of known inputs", "[digest]") {
    CHECK(Digest::compute("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Digest::compute("{}").str() == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    CHECK(Digest::compute("abc", DigestAlgorithm::Sha512).str() ==
          "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
          "454d4423643ce80e2a9ac94fa54ca49f");
}

TEST_CASE("streaming hash equals one-shot hash", "[digest]") {
    std::string text(100000, 'x');
    digestx::DigestHasher hasher;
    for (std::size_t i = 0; i < text.size(); i += 777)
        hasher.update(std::string_view(text).substr(i, 777));
    CHECK(hasher.finish() == Digest::compute(text));
}

namespace {

// Makes OpenSSL's hashing fail for real while it lives: FIPS properties required with no FIPS
// provider loaded leave EVP_DigestInit_ex no sha256 or sha512 to fetch.
class OpenSslWithoutDigests {
public:
    OpenSslWithoutDigests() { REQUIRE(EVP_default_properties_enable_fips(nullptr, 1) == 1); }
    OpenSslWithoutDigests(const OpenSslWithoutDigests &) = delete;
    OpenSslWithoutDigests &operator=(const OpenSslWithoutDigests &) = delete;
    ~OpenSslWithoutDigests() { EVP_default_properties_enable_fips(nullptr, 0); }
};

} // namespace

TEST_CASE("a hash OpenSSL cannot compute throws and never becomes a digest", "[digest]") {
    auto pinned = Digest::parse("sha256:" + std::string(64, 'a'));
    REQUIRE(pinned);
    {
        OpenSslWithoutDigests failing;
        CHECK_THROWS_AS(Digest::compute("{}"), digestx::DigestFailure);
        CHECK_THROWS_AS(Digest::compute("{}", DigestAlgorithm::Sha512), digestx::DigestFailure);
        CHECK_THROWS_AS(digestx::DigestHasher(), digestx::DigestFailure);
        CHECK_THROWS_AS(pinned->matches("{}"), digestx::DigestFailure);
    }
    CHECK(Digest::compute("{}").hex().size() == 64);
}

TEST_CASE("a hash OpenSSL cannot compute ends a command as an internal error", "[digest][cli]") {
    OpenSslWithoutDigests failing;
    std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
    auto result = digestx::test::run_in_process({"digest", "--file", "-"}, index);
    CHECK(result.exit_code == 70);
    CHECK(result.out.empty());
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("the real alpine:3.12 documents hash to the digests Docker Hub shows", "[digest][fixture]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: alpine fixture check skipped");
    }
    auto manifest = digestx::test::read_file(shared + "/fixtures/alpine-3.12/manifest-linux-amd64.json");
    auto config = digestx::test::read_file(shared + "/fixtures/alpine-3.12/config-linux-amd64.json");
    CHECK(manifest.size() == 528);
    CHECK(Digest::compute(manifest).hex() == "74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18");
    CHECK(Digest::compute(manifest).short_hex() == "74e5ad84a67e");
    CHECK(Digest::compute(config).str() == "sha256:b0925e0819214cd29937af66dbaf0e6fe239997faea60922cc890f9984512507");
}

TEST_CASE("digest parsing accepts valid digests", "[digest]") {
    std::string hex64(64, 'a');
    auto parsed = Digest::parse("sha256:" + hex64);
    REQUIRE(parsed);
    CHECK(parsed->algorithm() == DigestAlgorithm::Sha256);
    CHECK(parsed->hex() == hex64);
    CHECK(parsed->short_hex() == std::string(12, 'a'));
    auto sha512 = Digest::parse("sha512:" + std::string(128, '0'));
    REQUIRE(sha512);
    CHECK(sha512->algorithm() == DigestAlgorithm::Sha512);
}

TEST_CASE("digest parsing rejects bad digests with distinct messages", "[digest]") {
    struct Case {
        std::string input;
        std::string message_part;
    };
    std::string hex64(64, 'a');
    std::vector<Case> cases = {
        {"", "invalid digest format"},
        {"sha256", "invalid digest format"},
        {"sha256:", "invalid digest format"},
        {":" + hex64, "invalid digest format"},
        {"sha256:" + hex64.substr(1), "must be 64 lowercase hex"},
        {"sha256:" + hex64 + "a", "must be 64 lowercase hex"},
        {"sha256:" + std::string(64, 'A'), "must be 64 lowercase hex"},
        {"sha256:" + std::string(64, 'z'), "must be 64 lowercase hex"},
        {"sha512:" + hex64, "must be 128 lowercase hex"},
        {"SHA256:" + hex64, "invalid digest format"},
        {"sha256:../../v2/other", "invalid digest format"},
        {"sha256:abc/..", "invalid digest format"},
        {"sha256:%2e%2e", "invalid digest format"},
        {"sha256 :" + hex64, "invalid digest format"},
        {"sha256:" + hex64 + "\n", "invalid digest format"},
        {"md5:d41d8cd98f00b204e9800998ecf8427e", "\"md5\" is not supported"},
        {"sha384:" + std::string(96, 'a'), "\"sha384\" is not supported"},
        {"blake3:" + hex64, "\"blake3\" is not supported"},
        {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "\"sha256+b64u\" is not supported"},
        {"sha256++x:" + hex64, "invalid digest format"},
    };
    for (const auto &c : cases) {
        INFO("input: " << c.input);
        auto parsed = Digest::parse(c.input);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::Usage);
        CHECK_THAT(parsed.error().message, Catch::Contains(c.message_part));
    }
}

TEST_CASE("matches() hashes with the digest's own algorithm", "[digest]") {
    auto sha512 = Digest::compute("payload", DigestAlgorithm::Sha512);
    CHECK(sha512.matches("payload"));
    CHECK_FALSE(sha512.matches("payload2"));
    CHECK(Digest::compute("x").matches("x"));
}

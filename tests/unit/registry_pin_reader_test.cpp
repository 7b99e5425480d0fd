// RegistryPinReader: observing a tag with a HEAD, and batches cut to the limit that keeps `check`
// and `pin` within their bound on requests in flight.
#include <catch2/catch.hpp>

#include "digestx/resolve/registry_pin_reader.hpp"
#include "registry_test_support.hpp"

using namespace digestx;
using namespace digestx::test;
using namespace digestx::test::registry_samples;

namespace {

std::unique_ptr<RegistryPinReader> reader_over(FakeTransport &transport, std::ostringstream &err,
                                               std::size_t batch_limit) {
    registry::ClientOptions options;
    options.diagnostics = &err;
    auto client = std::make_unique<registry::RegistryClient>(transport, endpoint, std::nullopt, std::move(options));
    return std::make_unique<RegistryPinReader>(std::move(client), repo, nullptr, batch_limit);
}

Reference named(const std::string &text) {
    auto parsed = parse_reference(text);
    REQUIRE(parsed);
    return *parsed;
}

} // namespace

TEST_CASE("RegistryPinReader cuts digest batches to its limit, keeping the order", "[pin][registry]") {
    const std::string docker = docker_manifest();
    const std::string annotated =
        docker_manifest(R"({"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1,"digest":")" +
                        Digest::compute("x").str() + R"("})");
    const std::string oci = oci_manifest();
    const std::vector<std::string> bodies = {docker, annotated, oci, config_bytes};
    using Kind = FetchItem::Kind;
    std::vector<FetchItem> items = {
        {Kind::Manifest, Digest::compute(docker), std::string(media::docker_manifest_v2)},
        {Kind::Manifest, Digest::compute(annotated), std::string(media::docker_manifest_v2)},
        {Kind::Manifest, Digest::compute(oci), std::string(media::oci_manifest)},
        {Kind::Blob, Digest::compute(config_bytes), std::string(media::docker_config)},
    };
    struct Case {
        std::size_t limit;
        std::size_t batches;
    };
    for (const auto &c : std::vector<Case>{{0, 1}, {1, 4}, {2, 2}, {3, 2}, {4, 1}, {9, 1}}) {
        INFO("limit " << c.limit);
        FakeTransport transport;
        transport.on("GET", url("manifests/" + items[0].digest.str()),
                     manifest_reply(docker, media::docker_manifest_v2));
        transport.on("GET", url("manifests/" + items[1].digest.str()),
                     manifest_reply(annotated, media::docker_manifest_v2));
        transport.on("GET", url("manifests/" + items[2].digest.str()), manifest_reply(oci, media::oci_manifest));
        transport.on("GET", url("blobs/" + items[3].digest.str()), reply(200, config_bytes));
        std::ostringstream err;
        auto reader = reader_over(transport, err, c.limit);
        auto results = reader->fetch_by_digest(items);
        CHECK(transport.batches() == c.batches);
        REQUIRE(results.size() == items.size());
        for (std::size_t i = 0; i < results.size(); ++i) {
            INFO("item " << i);
            REQUIRE(results[i]);
            CHECK(results[i]->bytes == bodies[i]);
        }
        CHECK(reader->fetch_by_digest({}).empty());
    }
}

TEST_CASE("RegistryPinReader observes a tag with one HEAD", "[pin][registry]") {
    const std::string index = oci_index({{std::string(media::oci_manifest), Digest::compute(oci_manifest()).str(),
                                          oci_manifest().size(), "linux", "amd64"}});
    FakeTransport transport;
    transport.on("HEAD", url("manifests/1.0"), manifest_reply(index, media::oci_index));
    std::ostringstream err;
    auto reader = reader_over(transport, err, 1);
    auto observed = reader->observe(named(endpoint + "/" + repo + ":1.0"));
    REQUIRE(observed);
    CHECK(observed->digest == Digest::compute(index));
    CHECK(observed->method == "HEAD");
    CHECK(observed->media_type == media::oci_index);
    CHECK(transport.requests().size() == 1);
    auto elsewhere = reader->observe(named(endpoint + "/other/repo:1.0"));
    REQUIRE_FALSE(elsewhere);
    CHECK(elsewhere.error().code == ErrorCode::Usage);
}

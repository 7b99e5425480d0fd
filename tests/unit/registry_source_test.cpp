#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "digestx/resolve/resolve.hpp"
#include "digestx/source/registry_source.hpp"
#include "registry_test_support.hpp"

using namespace digestx;
using namespace digestx::test;
using namespace digestx::test::registry_samples;

namespace {

struct Fixture {
    FakeTransport transport;
    std::ostringstream err;
    std::string manifest = docker_manifest();
    std::string manifest_digest = Digest::compute(manifest).str();
    std::string index =
        oci_index({{std::string(media::docker_manifest_v2), manifest_digest, manifest.size(), "linux", "amd64"}});
    std::string index_digest = Digest::compute(index).str();

    Fixture() {
        transport.on("GET", url("manifests/1.0"), manifest_reply(index, media::oci_index));
        transport.on(
            "HEAD", url("manifests/1.0"),
            reply(200, "",
                  {{"Docker-Content-Digest", index_digest}, {"Content-Length", std::to_string(index.size())}}));
        transport.on("GET", url("manifests/" + index_digest), manifest_reply(index, media::oci_index));
        transport.on("GET", url("manifests/" + manifest_digest), manifest_reply(manifest, media::docker_manifest_v2));
        transport.on("GET", url("blobs/" + config_digest()), reply(200, config_bytes));
    }

    RegistrySource source(TagRead tag_read = TagRead::Get, std::size_t batch_limit = 0) {
        registry::ClientOptions options;
        options.diagnostics = &err;
        return RegistrySource(
            std::make_unique<registry::RegistryClient>(borrowed(transport), endpoint, std::nullopt, options), repo,
            RegistrySourceOptions{tag_read, batch_limit});
    }
};

Reference reference(const std::string &text) {
    return *parse_reference(text);
}

} // namespace

TEST_CASE("the registry source reads a tag once and records how", "[registry][source]") {
    for (TagRead mode : {TagRead::Get, TagRead::HeadThenGet}) {
        bool head = mode == TagRead::HeadThenGet;
        INFO("head first " << head);
        Fixture fixture;
        auto source = fixture.source(mode);
        auto fetched = source.fetch_reference(reference("reg.example/library/app:1.0"));
        REQUIRE(fetched);
        CHECK(fetched->bytes == fixture.index);
        CHECK(fetched->media_type == media::oci_index);
        CHECK(fetched->note.method == FetchMethod::Get);
        CHECK(fetched->note.location == url(head ? "manifests/" + fixture.index_digest : "manifests/1.0"));
        CHECK(fetched->note.accept == media::accept_header(media::find_accept_preset("full")->types));
        CHECK(fetched->note.header_digest == fixture.index_digest);
        CHECK(fetched->note.answered_by == "reg.example");
        CHECK(fetched->note.status == 200);
        CHECK(fixture.transport.count("GET", url("manifests/1.0")) == (head ? 0U : 1U));
        CHECK(fixture.transport.count("HEAD", url("manifests/1.0")) == (head ? 1U : 0U));
        auto stats = source.stats();
        CHECK(stats.requests == (head ? 2U : 1U));
        CHECK(stats.manifest_gets == 1);
        CHECK(stats.manifest_heads == (head ? 1U : 0U));
    }
}

TEST_CASE("the registry source fetches a level in one batch, verified", "[registry][source]") {
    Fixture fixture;
    auto source = fixture.source();
    std::vector<FetchItem> items = {
        {FetchItem::Kind::Manifest, *Digest::parse(fixture.manifest_digest), std::string(media::docker_manifest_v2),
         std::nullopt},
        {FetchItem::Kind::Blob, *Digest::parse(config_digest()), std::string(media::docker_config), std::nullopt},
        {FetchItem::Kind::Blob, *Digest::parse("sha256:" + std::string(64, '9')), std::string(media::docker_config),
         std::nullopt},
    };
    // The repository is the source's from its construction: no read has to come first.
    fixture.transport.on("GET", url("blobs/sha256:" + std::string(64, '9')),
                         reply(404, error_body("BLOB_UNKNOWN", "blob unknown to registry")));
    std::size_t batches = fixture.transport.batches();
    auto results = source.fetch_by_digest(items);
    CHECK(fixture.transport.batches() == batches + 1);
    REQUIRE(results.size() == 3);
    REQUIRE(results[0]);
    CHECK(results[0]->bytes == fixture.manifest);
    REQUIRE(results[1]);
    CHECK(results[1]->bytes == config_bytes);
    CHECK(results[1]->note.accept.empty());
    REQUIRE_FALSE(results[2]);
    CHECK(results[2].error().code == ErrorCode::NotFound);
    CHECK_THAT(results[2].error().message, Catch::StartsWith("blob unknown: sha256:9999"));
}

TEST_CASE("the registry source refuses a reference of another registry", "[registry][source]") {
    Fixture fixture;
    auto source = fixture.source();
    for (const std::string text : {"other.example/library/app:1.0", "oci:/tmp/layout", "reg.example:5000/library/app:1",
                                   "reg.example/other/repo:1.0"}) {
        INFO(text);
        auto fetched = source.fetch_reference(reference(text));
        REQUIRE_FALSE(fetched);
        CHECK(fetched.error().code == ErrorCode::Usage);
    }
    CHECK(fixture.transport.requests().empty());
}

TEST_CASE("resolve walks a registry index through the registry source", "[registry][source]") {
    Fixture fixture;
    auto source = fixture.source();
    auto tree = resolve(source, reference("reg.example/library/app:1.0"), ResolveOptions{});
    REQUIRE(tree);
    REQUIRE(tree->nodes.size() == 3);
    CHECK(tree->nodes[0].kind == NodeKind::Index);
    CHECK(tree->nodes[1].kind == NodeKind::Manifest);
    CHECK(tree->nodes[2].kind == NodeKind::Config);
    for (const auto &node : tree->nodes) {
        INFO("node " << node.id);
        CHECK_FALSE(node.error);
        REQUIRE(node.note);
        CHECK(node.note->answered_by == "reg.example");
    }
    CHECK(tree->nodes[1].note->location == url("manifests/" + fixture.manifest_digest));
    CHECK(tree->nodes[2].note->location == url("blobs/" + config_digest()));
    CHECK(tree->stats.requests == 3);
    CHECK(tree->stats.manifest_gets == 2);
    CHECK(tree->stats.blob_gets == 1);
    CHECK(fixture.transport.batches() == 3);
}

TEST_CASE("the registry source cuts digest batches to its limit, keeping the order", "[registry][source]") {
    const std::string docker = docker_manifest();
    const std::string annotated =
        docker_manifest(R"({"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1,"digest":")" +
                        Digest::compute("x").str() + R"("})");
    const std::string oci = oci_manifest();
    const std::vector<std::string> bodies = {docker, annotated, oci, config_bytes};
    using Kind = FetchItem::Kind;
    std::vector<FetchItem> items = {
        {Kind::Manifest, Digest::compute(docker), std::string(media::docker_manifest_v2), std::nullopt},
        {Kind::Manifest, Digest::compute(annotated), std::string(media::docker_manifest_v2), std::nullopt},
        {Kind::Manifest, Digest::compute(oci), std::string(media::oci_manifest), std::nullopt},
        {Kind::Blob, Digest::compute(config_bytes), std::string(media::docker_config), std::nullopt},
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
        Fixture fixture;
        fixture.transport = std::move(transport);
        auto source = fixture.source(TagRead::Get, c.limit);
        auto results = source.fetch_by_digest(items);
        CHECK(fixture.transport.batches() == c.batches);
        REQUIRE(results.size() == items.size());
        for (std::size_t i = 0; i < results.size(); ++i) {
            INFO("item " << i);
            REQUIRE(results[i]);
            CHECK(results[i]->bytes == bodies[i]);
        }
        CHECK(source.fetch_by_digest({}).empty());
    }
}

TEST_CASE("the registry source observes a tag with one HEAD", "[registry][source]") {
    const std::string index = oci_index({{std::string(media::oci_manifest), Digest::compute(oci_manifest()).str(),
                                          oci_manifest().size(), "linux", "amd64"}});
    Fixture fixture;
    fixture.transport = FakeTransport();
    fixture.transport.on("HEAD", url("manifests/1.0"), manifest_reply(index, media::oci_index));
    auto source = fixture.source(TagRead::Get, 1);
    auto observed = source.observe(reference(endpoint + "/" + repo + ":1.0"));
    REQUIRE(observed);
    CHECK(observed->digest == Digest::compute(index));
    CHECK(observed->method == FetchMethod::Head);
    CHECK(observed->media_type == media::oci_index);
    CHECK(fixture.transport.requests().size() == 1);
    auto elsewhere = source.observe(reference(endpoint + "/other/repo:1.0"));
    REQUIRE_FALSE(elsewhere);
    CHECK(elsewhere.error().code == ErrorCode::Usage);
}

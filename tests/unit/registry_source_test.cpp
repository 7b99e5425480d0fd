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

    RegistrySource source(TagRead tag_read = TagRead::Get) {
        registry::ClientOptions options;
        options.diagnostics = &err;
        return RegistrySource(std::make_unique<registry::RegistryClient>(transport, endpoint, std::nullopt, options),
                              nullptr, tag_read);
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
        CHECK(fetched->note.method == "GET");
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
        {FetchItem::Kind::Manifest, *Digest::parse(fixture.manifest_digest), std::string(media::docker_manifest_v2)},
        {FetchItem::Kind::Blob, *Digest::parse(config_digest()), std::string(media::docker_config)},
        {FetchItem::Kind::Blob, *Digest::parse("sha256:" + std::string(64, '9')), std::string(media::docker_config)},
    };
    auto early = source.fetch_by_digest(items);
    REQUIRE(early.size() == 3);
    CHECK_FALSE(early[0]);
    CHECK(early[0].error().code == ErrorCode::Internal);

    REQUIRE(source.fetch_reference(reference("reg.example/library/app:1.0")));
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
    for (const std::string text :
         {"other.example/library/app:1.0", "oci:/tmp/layout", "reg.example:5000/library/app:1"}) {
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

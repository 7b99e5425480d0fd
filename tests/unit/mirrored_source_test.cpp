// MirroredSource over in-memory sources: order and fallback, what falls back and what ends the
// read, verification of a mirror's bytes, tags from the registry itself with the stale-mirror
// report, counters, and the mirror named on every document through resolve, explain and render.

#include <catch2/catch.hpp>

#include <sstream>

#include "digestx/core/media_type.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/render/inspect_json.hpp"
#include "digestx/render/text.hpp"
#include "digestx/resolve/resolve.hpp"
#include "digestx/source/mirrored_source.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::MemorySource;

namespace {

Reference parsed_ref(const std::string &text) {
    auto parsed = parse_reference(text);
    REQUIRE(parsed);
    return *parsed;
}

// One linux/amd64 image tagged `1` in a source: its manifest and config digests.
struct Image {
    std::string manifest;
    std::string config;
};

Image add_image(MemorySource &source, const std::string &marker) {
    std::string config = test::make_config("linux/amd64", {"sha256:" + std::string(64, '1')}, marker);
    Image image;
    image.config = source.add(config);
    std::string manifest = test::make_manifest(std::string(media::oci_manifest), image.config, config.size(),
                                               {{"sha256:" + std::string(64, '2'), 100}});
    image.manifest = source.add(manifest, std::string(media::oci_manifest));
    source.tag("1", image.manifest);
    return image;
}

// A mirrored source over two mirrors and an upstream, keeping pointers to inspect them.
struct Bed {
    MemorySource *first = nullptr;
    MemorySource *second = nullptr;
    MemorySource *upstream = nullptr;
    std::ostringstream diagnostics;
    std::unique_ptr<MirroredSource> source;

    explicit Bed(MirrorTags tags = MirrorTags::MirrorsFirst, bool verbose = false) {
        auto first_source = std::make_unique<MemorySource>();
        auto second_source = std::make_unique<MemorySource>();
        auto upstream_source = std::make_unique<MemorySource>();
        first = first_source.get();
        second = second_source.get();
        upstream = upstream_source.get();
        std::vector<MirrorEndpointSource> mirrors;
        mirrors.push_back({std::move(first_source), parsed_ref("first.example/hub/library/app:1"), "first.example/hub",
                           "/etc/docker/daemon.json"});
        mirrors.push_back(
            {std::move(second_source), parsed_ref("second.example/library/app:1"), "second.example", "--mirror"});
        MirrorEndpointSource primary{std::move(upstream_source), parsed_ref("app:1"), "docker.io", ""};
        source = std::make_unique<MirroredSource>(parsed_ref("app:1"), std::move(mirrors), std::move(primary),
                                                  MirroredSourceOptions{tags, &diagnostics, verbose});
    }
};

} // namespace

TEST_CASE("a mirrored read tries the mirrors in order, at their repositories, then the registry") {
    Bed bed;
    Image image = add_image(*bed.second, "same");
    add_image(*bed.upstream, "same");

    auto fetched = bed.source->fetch_reference(parsed_ref("app:1"));
    REQUIRE(fetched);
    CHECK(fetched->digest.str() == image.manifest);
    CHECK(fetched->note.mirror == "second.example");
    // Each mirror was asked at its own repository; the registry was never asked.
    REQUIRE(bed.first->batches().size() == 1);
    CHECK(bed.first->batches()[0] == std::vector<std::string>{"first.example/hub/library/app:1"});
    CHECK(bed.second->batches()[0] == std::vector<std::string>{"second.example/library/app:1"});
    CHECK(bed.upstream->batches().empty());
    // A partial mirror lacking a document is normal: not reported without --verbose.
    CHECK(bed.diagnostics.str().empty());

    auto observed = bed.source->observe(parsed_ref("app:1"));
    REQUIRE(observed);
    CHECK(observed->mirror == "second.example");

    SourceStats stats = bed.source->stats();
    // Every request went to a mirror (the in-memory sources count the ones they answered).
    CHECK(stats.requests == 2);
    CHECK(stats.mirror_requests == 2);
}

TEST_CASE("by-digest batches go to the first mirror that has each item, the rest to the registry") {
    Bed bed;
    Image image = add_image(*bed.upstream, "x");
    // The first mirror has the manifest only; the config must come from the registry.
    std::string manifest_bytes;
    {
        auto got = bed.upstream->fetch_one(FetchItem{FetchItem::Kind::Manifest, *Digest::parse(image.manifest),
                                                     std::string(media::oci_manifest), std::nullopt});
        REQUIRE(got);
        manifest_bytes = got->bytes;
    }
    bed.first->add(manifest_bytes, std::string(media::oci_manifest));
    std::vector<FetchItem> items{
        {FetchItem::Kind::Manifest, *Digest::parse(image.manifest), std::string(media::oci_manifest), std::nullopt},
        {FetchItem::Kind::Blob, *Digest::parse(image.config), "", std::nullopt}};
    auto results = bed.source->fetch_by_digest(items);
    REQUIRE(results.size() == 2);
    REQUIRE(results[0]);
    REQUIRE(results[1]);
    CHECK(results[0]->note.mirror == "first.example/hub");
    CHECK(results[1]->note.mirror.empty());
    // The second mirror was asked for the config only, then the registry.
    CHECK(bed.second->batches().back() == std::vector<std::string>{image.config});
    CHECK(bed.upstream->batches().back() == std::vector<std::string>{image.config});
}

TEST_CASE("a mirror's wrong bytes, refusal or outage fall back, reported once, a usage error ends the read") {
    Bed bed;
    Image image = add_image(*bed.upstream, "x");
    FetchItem config{FetchItem::Kind::Blob, *Digest::parse(image.config), "", std::nullopt};
    bed.first->corrupt(image.config, "{\"not\":\"the config\"}");
    bed.second->fail_on(image.config, Error::of(ErrorCode::Network, "cannot connect to second.example"));

    for (int round = 0; round < 2; ++round) {
        auto result = bed.source->fetch_one(config);
        REQUIRE(result);
        CHECK(result->digest.str() == image.config);
        CHECK(result->note.mirror.empty());
    }
    std::string said = bed.diagnostics.str();
    CHECK(said.find("digestx: warning: mirror first.example/hub (/etc/docker/daemon.json): integrity failure") == 0);
    CHECK(said.find("digestx: warning: mirror second.example (--mirror): cannot connect to second.example; trying "
                    "the next source\n") != std::string::npos);
    // Said once per mirror, not once per read; the unreachable one is not asked again.
    CHECK(std::count(said.begin(), said.end(), '\n') == 2);
    CHECK(bed.first->batches().size() == 2);
    CHECK(bed.second->batches().size() == 1);

    Bed usage;
    add_image(*usage.upstream, "x");
    usage.first->fail_on(image.manifest, Error::of(ErrorCode::Usage, "bad request"));
    usage.first->tag("1", image.manifest);
    auto ended = usage.source->fetch_reference(parsed_ref("app:1"));
    REQUIRE_FALSE(ended);
    CHECK(ended.error().message == "bad request");
    CHECK(usage.upstream->batches().empty());

    auto other = usage.source->fetch_reference(parsed_ref("other:1"));
    REQUIRE_FALSE(other);
    CHECK(other.error().code == ErrorCode::Usage);
}

TEST_CASE("with tags from the registry, a mirror's differing tag is reported as stale") {
    Bed bed(MirrorTags::Upstream);
    Image current = add_image(*bed.upstream, "new");
    Image stale = add_image(*bed.first, "old");
    REQUIRE(current.manifest != stale.manifest);

    auto fetched = bed.source->fetch_reference(parsed_ref("app:1"));
    REQUIRE(fetched);
    CHECK(fetched->digest.str() == current.manifest);
    CHECK(fetched->note.mirror.empty());
    CHECK(bed.diagnostics.str() ==
          "digestx: warning: mirror first.example/hub (/etc/docker/daemon.json) serves tag 1 as " + stale.manifest +
              ", but docker.io serves " + current.manifest +
              ": the mirror's tag is stale, and pulls through it get the other image\n");

    // A digest read still goes through the mirrors; an agreeing mirror says nothing.
    Bed agreeing(MirrorTags::Upstream);
    Image same = add_image(*agreeing.upstream, "same");
    add_image(*agreeing.first, "same");
    auto observed = agreeing.source->observe(parsed_ref("app:1"));
    REQUIRE(observed);
    CHECK(observed->digest.str() == same.manifest);
    CHECK(agreeing.diagnostics.str().empty());
    auto pinned = agreeing.source->fetch_reference(parsed_ref("app@" + same.manifest));
    REQUIRE(pinned);
    CHECK(pinned->note.mirror == "first.example/hub");
}

TEST_CASE("a tree read through a mirror names it per document, in the finding, text and JSON") {
    Bed bed;
    add_image(*bed.first, "m");
    ResolveOptions options;
    auto tree = resolve(*bed.source, parsed_ref("app:1"), options);
    REQUIRE(tree);
    for (const auto &node : tree->nodes) {
        REQUIRE(node.note);
        CHECK(node.note->mirror == "first.example/hub");
    }
    Explanation explanation = explain(*tree);
    bool found = false;
    for (const auto &finding : explanation.findings) {
        CHECK(finding.code != "served-elsewhere");
        if (finding.code == "served-by-mirror") {
            found = true;
            CHECK(finding.message == "2 documents came from mirror first.example/hub, each verified against its "
                                     "digest; the tag was read there, and a mirror's tag can lag behind docker.io "
                                     "(verify and check read tags from the registry itself)");
        }
    }
    CHECK(found);
    std::ostringstream text;
    render::write_text(text, *tree, explanation, render::TextStyle{false, false, false});
    CHECK(text.str().find("via mirror first.example/hub\n") != std::string::npos);
    CHECK(text.str().find("2 requests to mirrors; 0 manifest GETs reached Docker Hub") != std::string::npos);
    std::ostringstream json;
    render::write_json(json, *tree, explanation, "app:1");
    CHECK(json.str().find("\"mirror\": \"first.example/hub\"") != std::string::npos);
    CHECK(json.str().find("\"mirrorRequests\": 2") != std::string::npos);
}

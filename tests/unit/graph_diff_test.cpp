// `diff` without a network: two hand-built graphs per case, and what the comparison makes of
// them: platforms added and removed, rebuilt configs, new base layers, recompressed layers,
// attestation-only changes, annotations and order, and the sentence that sums it up.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/explain/graph_diff.hpp"
#include "digestx/resolve/resolve.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::EntrySpec;
using digestx::test::MemorySource;

namespace {

const std::string manifest_type(media::oci_manifest);

// One image: its layers by name; a layer's compressed digest hashes "gz <name><compression>",
// its diff_id "tar <name>", so recompressing keeps the diff_ids.
struct ImageSpec {
    std::string platform;
    std::vector<std::string> layers = {"base", "app"};
    std::string created = "2024-01-01T00:00:00Z";
    std::vector<std::string> env = {"PATH=/usr/bin"};
    std::string label = "1";
    std::string step = "RUN make";
    std::string compression;
    std::string attestation; // "" for none; else the provenance layer's name
};

ImageSpec image(const std::string &platform) {
    ImageSpec spec;
    spec.platform = platform;
    return spec;
}

struct Side {
    std::vector<ImageSpec> images;
    std::map<std::string, std::string> annotations;
    bool reversed = false; // entries in reverse order
};

ImageTree build(const Side &side) {
    MemorySource source;
    std::vector<EntrySpec> entries;
    std::vector<EntrySpec> attestations;
    for (const auto &image : side.images) {
        nlohmann::ordered_json config;
        config["architecture"] = image.platform.substr(image.platform.find('/') + 1);
        config["os"] = "linux";
        config["created"] = image.created;
        config["config"] = {{"Env", image.env}, {"Labels", {{"revision", image.label}}}, {"Cmd", {"/app"}}};
        std::vector<std::string> diff_ids;
        std::vector<std::pair<std::string, std::size_t>> layers;
        for (const auto &layer : image.layers) {
            diff_ids.push_back(test::sha256_of("tar " + layer));
            layers.emplace_back(test::sha256_of("gz " + layer + image.compression), 10);
        }
        config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
        config["history"] = nlohmann::ordered_json::array({{{"created", image.created}, {"created_by", "FROM base"}},
                                                           {{"created", image.created}, {"created_by", image.step}}});
        std::string config_bytes = config.dump();
        std::string manifest =
            test::make_manifest(manifest_type, source.add(config_bytes), config_bytes.size(), layers);
        std::string digest = source.add(manifest, manifest_type);
        entries.push_back({manifest_type, digest, manifest.size(), image.platform, {}});
        if (!image.attestation.empty()) {
            std::string empty = source.add("{}");
            std::string statement = test::make_manifest(
                manifest_type, empty, 2, {{test::sha256_of(image.attestation), 99}}, std::string(media::oci_config));
            attestations.push_back({manifest_type, source.add(statement, manifest_type), statement.size(), {}, digest});
        }
    }
    if (side.reversed) std::reverse(entries.begin(), entries.end());
    entries.insert(entries.end(), attestations.begin(), attestations.end());
    auto index = nlohmann::ordered_json::parse(test::make_index(std::string(media::oci_index), entries));
    if (!side.annotations.empty()) index["annotations"] = side.annotations;
    source.tag("t", source.add(index.dump(), std::string(media::oci_index)));
    auto reference = parse_reference("registry.test/app:t");
    REQUIRE(reference);
    auto tree = resolve(source, *reference, ResolveOptions{});
    REQUIRE(tree);
    REQUIRE_FALSE(tree->worst_error());
    return std::move(*tree);
}

const PlatformDiff &platform(const GraphDiff &diff, const std::string &name) {
    for (const auto &entry : diff.platforms)
        if (entry.platform == name) return entry;
    FAIL("no platform " << name);
    throw std::logic_error("unreachable");
}

Side two_platforms() {
    Side side;
    side.images = {image("linux/amd64"), image("linux/arm64")};
    return side;
}

} // namespace

TEST_CASE("diff: the same graph is identical", "[graph-diff]") {
    GraphDiff diff = diff_graphs(build(two_platforms()), build(two_platforms()));
    CHECK(diff.identical);
    CHECK(diff.top_a == diff.top_b);
    CHECK_THAT(diff.summary, Catch::StartsWith("identical: both name sha256:"));
    for (const auto &entry : diff.platforms)
        CHECK(entry.verdict == PlatformVerdict::Identical);
}

TEST_CASE("diff: each kind of change, its verdict and its sentence", "[graph-diff]") {
    struct Case {
        std::string name;
        std::function<void(Side &)> change;
        std::string platform;
        PlatformVerdict verdict;
        std::string summary;
    };
    std::vector<Case> cases = {
        {"a platform added", [](Side &b) { b.images.push_back(image("linux/riscv64")); }, "linux/riscv64",
         PlatformVerdict::Added, "only a linux/riscv64 entry was added; every other platform is byte-identical"},
        {"a platform removed", [](Side &b) { b.images.pop_back(); }, "linux/arm64", PlatformVerdict::Removed,
         "only the linux/arm64 entry was removed; every other platform is byte-identical"},
        {"rebuilt with the same layers",
         [](Side &b) {
             b.images[0].created = "2024-02-01T00:00:00Z";
             b.images[0].label = "2";
         },
         "linux/amd64", PlatformVerdict::SameLayers,
         "only linux/amd64 was rebuilt with the same layers (config: created, labels, history); every other "
         "platform is byte-identical"},
        {"a new base layer",
         [](Side &b) {
             b.images[1].layers = {"base2", "app"};
         },
         "linux/arm64", PlatformVerdict::NewBaseLayer,
         "only linux/arm64 has a new base layer; every other platform is byte-identical"},
        {"a new top layer",
         [](Side &b) {
             b.images[1].layers = {"base", "app2"};
             b.images[1].step = "RUN make install";
         },
         "linux/arm64", PlatformVerdict::UpperLayers,
         "only linux/arm64 keeps its base layer; layer 1 changed; every other platform is byte-identical"},
        {"the same content compressed anew", [](Side &b) { b.images[0].compression = " zstd"; }, "linux/amd64",
         PlatformVerdict::Recompressed,
         "only linux/amd64 has the same layer content, compressed anew; every other platform is byte-identical"},
        {"environment changed",
         [](Side &b) {
             b.images[0].env = {"PATH=/usr/local/bin", "MODE=prod"};
         },
         "linux/amd64", PlatformVerdict::SameLayers, "linux/amd64 was rebuilt with the same layers (config: env)"},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        Side after = two_platforms();
        c.change(after);
        GraphDiff diff = diff_graphs(build(two_platforms()), build(after));
        CHECK_FALSE(diff.identical);
        CHECK(platform(diff, c.platform).verdict == c.verdict);
        CHECK_THAT(diff.summary, Catch::Contains(c.summary));
    }
}

TEST_CASE("diff: config fields and layers are named one by one", "[graph-diff]") {
    Side after = two_platforms();
    after.images[0].env = {"PATH=/usr/local/bin", "MODE=prod"};
    after.images[0].layers = {"base", "app2", "extra"};
    GraphDiff diff = diff_graphs(build(two_platforms()), build(after));
    const PlatformDiff &amd64 = platform(diff, "linux/amd64");
    CHECK(amd64.verdict == PlatformVerdict::UpperLayers);
    CHECK(amd64.layers_a == 2);
    CHECK(amd64.layers_b == 3);
    REQUIRE(amd64.layers.size() == 2);
    CHECK(amd64.layers[0].position == 1);
    CHECK(amd64.layers[1].position == 2);
    CHECK_FALSE(amd64.layers[1].before);
    CHECK(amd64.layers[1].after == test::sha256_of("gz extra"));
    std::map<std::string, std::pair<std::string, std::string>> fields;
    for (const auto &field : amd64.config_fields)
        fields[field.field] = {field.before, field.after};
    CHECK(fields["env"] == std::pair<std::string, std::string>{"PATH=/usr/bin", "MODE=prod PATH=/usr/local/bin"});
    CHECK(fields["rootfs"].first == "2 diff_ids");
    CHECK_FALSE(fields.contains("created"));
    CHECK_FALSE(fields.contains("cmd"));
}

TEST_CASE("diff: attestations, annotations and order change no image", "[graph-diff]") {
    SECTION("an attestation-only change") {
        Side before = two_platforms();
        before.images[0].attestation = "provenance 1";
        Side after = before;
        after.images[0].attestation = "provenance 2";
        GraphDiff diff = diff_graphs(build(before), build(after));
        CHECK(platform(diff, "linux/amd64").verdict == PlatformVerdict::Identical);
        CHECK(platform(diff, "linux/amd64").attestation_changed);
        CHECK(diff.summary == "only the attestation of linux/amd64 changed; every image is byte-identical");
    }
    SECTION("annotations only") {
        Side after = two_platforms();
        after.annotations = {{"org.opencontainers.image.created", "2024-03-01"}};
        GraphDiff diff = diff_graphs(build(two_platforms()), build(after));
        CHECK(diff.annotations == std::vector<std::string>{"org.opencontainers.image.created"});
        CHECK(diff.summary == "only the index annotations changed; every image is byte-identical");
    }
    SECTION("order only") {
        Side after = two_platforms();
        after.reversed = true;
        GraphDiff diff = diff_graphs(build(two_platforms()), build(after));
        CHECK(diff.reordered);
        CHECK(diff.summary == "only the index entries were reordered; every image is byte-identical");
        CHECK(diff.platforms.front().platform == "linux/arm64");
    }
}

TEST_CASE("diff: the sentence of several changes, and of a drift check knows little of", "[graph-diff]") {
    ChangeFacts facts;
    facts.added = {"linux/riscv64", "linux/s390x"};
    facts.changed = {"linux/amd64 has a new base layer"};
    facts.unchanged = 0;
    CHECK(change_summary(facts) ==
          "linux/riscv64 and linux/s390x entries were added; linux/amd64 has a new base layer");
    PlatformDiff unread;
    unread.platform = "linux/amd64";
    unread.verdict = PlatformVerdict::Unknown;
    CHECK(drift_summary({unread}, {}, {"linux/386"}) ==
          "the linux/386 entry was removed; linux/amd64 has a new manifest");
    PlatformDiff rebuilt = unread;
    rebuilt.verdict = PlatformVerdict::SameLayers;
    rebuilt.config_fields = {{"created", "2024", "2030"}, {"labels", "(none)", "a=b"}};
    CHECK(drift_summary({rebuilt}, {}, {}) ==
          "only linux/amd64 was rebuilt with the same layers (config: created, labels)");
    CHECK(drift_summary({}, {"linux/riscv64"}, {}) == "only a linux/riscv64 entry was added");
    CHECK_THAT(drift_summary({}, {}, {}), Catch::StartsWith("every platform keeps its manifest"));
}

TEST_CASE("diff by image ID: an archive's image is the registry's when config and diff_ids are", "[graph-diff]") {
    // A stands for the archive (one platform, as docker save writes it), B for the registry.
    DiffOptions archive_a{true, false};
    struct Case {
        std::string name;
        std::function<void(Side &)> archive;
        bool same_image;
        PlatformVerdict verdict;
        std::string summary;
    };
    std::vector<Case> cases = {
        {"its layers stored uncompressed", [](Side &a) { a.images[0].compression = " none"; }, true,
         PlatformVerdict::Recompressed, "the same image: linux/amd64's config (image ID) sha256:"},
        {"the registry's own manifest", [](Side &) {}, true, PlatformVerdict::Identical,
         "and its 2 diff_ids are identical; linux/arm64 is served too but not in the archive"},
        {"another config around the same content",
         [](Side &a) {
             a.images[0].compression = " none";
             a.images[0].created = "2030-01-01T00:00:00Z";
         },
         false, PlatformVerdict::SameLayers, "only linux/amd64 was rebuilt with the same layers (config: created"},
        {"another base layer",
         [](Side &a) {
             a.images[0].layers = {"base2", "app"};
         },
         false, PlatformVerdict::NewBaseLayer, "only linux/amd64 has a new base layer"},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        Side archive;
        archive.images = {image("linux/amd64")};
        c.archive(archive);
        GraphDiff diff = diff_graphs(build(archive), build(two_platforms()), archive_a);
        CHECK_FALSE(diff.identical);
        CHECK(diff.basis == DiffBasis::ImageId);
        CHECK(diff.same_image == c.same_image);
        REQUIRE(diff.platforms.size() == 1);
        CHECK(diff.platforms[0].verdict == c.verdict);
        CHECK(diff.not_local == std::vector<std::string>{"linux/arm64"});
        CHECK_THAT(diff.summary, Catch::Contains(c.summary));
    }
    // Compared by digest, the same pair is a removal and a difference.
    Side archive;
    archive.images = {image("linux/amd64")};
    GraphDiff by_digest = diff_graphs(build(archive), build(two_platforms()));
    CHECK_FALSE(by_digest.same_image);
    CHECK(by_digest.not_local.empty());
    CHECK(platform(by_digest, "linux/arm64").verdict == PlatformVerdict::Added);
}

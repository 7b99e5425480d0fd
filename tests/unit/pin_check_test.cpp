#include <catch2/catch.hpp>

#include "digestx/core/media_type.hpp"
#include "digestx/io/host_platform.hpp"
#include "digestx/resolve/pin_check.hpp"
#include "support/documents.hpp"
#include "support/memory_source.hpp"

using namespace digestx;
using digestx::test::EntrySpec;
using digestx::test::MemorySource;

namespace {

Reference named(const std::string &text) {
    auto parsed = parse_reference(text);
    REQUIRE(parsed);
    return *parsed;
}

Digest dig(const std::string &text) {
    auto parsed = Digest::parse(text);
    REQUIRE(parsed);
    return *parsed;
}

Platform plat(const std::string &text) {
    auto parsed = parse_platform(text);
    REQUIRE(parsed);
    return normalize(*parsed);
}

// A registry's HEAD, simulated over the memory source: the digest of what the reference names,
// with its media type, and no body. Counts HEADs, so tests can see that nothing else was read.
class HeadReader final : public Source {
public:
    explicit HeadReader(MemorySource &source) : m_source(source), m_hidden(source.batches().size()) {}
    Result<Observed> observe(const Reference &reference) override {
        ++heads;
        std::size_t batches = m_source.batches().size();
        auto fetched = m_source.fetch_reference(reference);
        m_hidden += m_source.batches().size() - batches;
        if (!fetched) return fail(std::move(fetched.error()));
        auto document = parse_document(fetched->bytes, fetched->media_type);
        REQUIRE(document);
        return Observed{document->digest(), document->media_type(), std::nullopt, FetchMethod::Head, ""};
    }
    Result<Fetched> fetch_reference(const Reference &reference) override { return m_source.fetch_reference(reference); }
    Result<TagList> list_tags(std::size_t page_size) override { return m_source.list_tags(page_size); }
    [[nodiscard]] SourceStats stats() const override { return m_source.stats(); }
    // Reads other than the simulated HEADs.
    [[nodiscard]] std::size_t reads() const { return m_source.batches().size() - m_hidden; }
    int heads = 0;

protected:
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override {
        return m_source.fetch_by_digest(items);
    }

private:
    MemorySource &m_source;
    std::size_t m_hidden;
};

struct Image {
    std::string manifest;
    std::string digest;
};

Image add_image(MemorySource &source, const std::string &platform, const std::string &marker = "v1") {
    std::string type(media::oci_manifest);
    std::string config = test::make_config(platform, {test::sha256_of("diff " + platform + marker)}, marker);
    std::string config_digest = source.add(config, std::string(media::oci_config));
    std::string manifest =
        test::make_manifest(type, config_digest, config.size(), {{test::sha256_of(platform + marker), 100}});
    return Image{manifest, source.add(manifest, type)};
}

EntrySpec entry(const Image &image, const std::string &platform) {
    return EntrySpec{std::string(media::oci_manifest), image.digest, image.manifest.size(), platform, {}};
}

// An app:1 index of amd64, arm64/v8 and arm/v7 images plus an attestation of the amd64 one.
struct App {
    Image amd64, arm64, arm7, attestation;
    std::string index;
    std::string digest;
};

App add_app(MemorySource &source, const std::string &marker = "v1", const std::string &tag = "1") {
    App app;
    app.amd64 = add_image(source, "linux/amd64", marker);
    app.arm64 = add_image(source, "linux/arm64/v8", marker);
    app.arm7 = add_image(source, "linux/arm/v7", marker);
    app.attestation = add_image(source, "unknown/unknown", marker + " attestation");
    EntrySpec attestation{std::string(media::oci_manifest), app.attestation.digest, app.attestation.manifest.size(), "",
                          app.amd64.digest};
    app.index = test::make_index(std::string(media::oci_index),
                                 {entry(app.amd64, "linux/amd64"), entry(app.arm64, "linux/arm64/v8"),
                                  entry(app.arm7, "linux/arm/v7"), attestation});
    app.digest = source.add(app.index, std::string(media::oci_index));
    source.tag(tag, app.digest);
    return app;
}

} // namespace

TEST_CASE("pin_target without a platform is one HEAD and no document read", "[pin]") {
    MemorySource source;
    App app = add_app(source);
    Image single = add_image(source, "linux/amd64", "single");
    source.tag("single", single.digest);
    struct Case {
        std::string reference;
        std::string digest;
        PinLevel level;
    };
    for (const Case &c : std::vector<Case>{{"reg.test/app:1", app.digest, PinLevel::Index},
                                           {"reg.test/app:single", single.digest, PinLevel::Manifest}}) {
        INFO(c.reference);
        HeadReader reader(source);
        auto target = pin_target(reader, named(c.reference));
        REQUIRE(target);
        CHECK(target->digest.str() == c.digest);
        CHECK(target->level == c.level);
        CHECK(target->method == FetchMethod::Head);
        CHECK(reader.heads == 1);
        CHECK(reader.reads() == 0);
    }
}

TEST_CASE("pin_target over a plain source reads and hashes the document", "[pin]") {
    MemorySource source;
    App app = add_app(source);
    auto target = pin_target(source, named("reg.test/app:1"));
    REQUIRE(target);
    CHECK(target->digest.str() == app.digest);
    CHECK(target->method == FetchMethod::Get);
    CHECK(target->media_type == media::oci_index);
}

TEST_CASE("pin_target with a platform takes the entry from the index without fetching it", "[pin]") {
    MemorySource source;
    App app = add_app(source);
    struct Case {
        std::string platform;
        MatchMode mode;
        std::string digest; // "" when nothing matches
    };
    std::vector<Case> cases = {
        {"linux/amd64", MatchMode::Compatible, app.amd64.digest},
        {"linux/arm64", MatchMode::Compatible, app.arm64.digest},
        {"linux/aarch64", MatchMode::Compatible, app.arm64.digest},
        {"linux/arm/v7", MatchMode::Compatible, app.arm7.digest},
        {"linux/arm", MatchMode::Compatible, app.arm7.digest},
        {"linux/arm/v6", MatchMode::Compatible, ""},
        {"linux/s390x", MatchMode::Compatible, ""},
        {"linux/arm/v8", MatchMode::Strict, ""},
        {"windows/amd64", MatchMode::Compatible, ""},
    };
    for (const auto &c : cases) {
        INFO(c.platform);
        HeadReader reader(source);
        auto target = pin_target(reader, named("reg.test/app:1"), PlatformRequest::of(plat(c.platform), c.mode));
        CHECK(reader.reads() == 1); // the index, once; never the chosen child
        CHECK(reader.heads == 0);
        if (c.digest.empty()) {
            REQUIRE_FALSE(target);
            CHECK(target.error().code == ErrorCode::NotFound);
            CHECK_THAT(target.error().message, Catch::Contains("linux/amd64, linux/arm64, linux/arm/v7"));
            CHECK_THAT(target.error().message, !Catch::Contains("unknown"));
            continue;
        }
        REQUIRE(target);
        CHECK(target->digest.str() == c.digest);
        CHECK(target->level == PinLevel::PlatformManifest);
        REQUIRE(target->platform);
        CHECK(equivalent(*target->platform, plat(c.platform)));
    }
}

TEST_CASE("pin_target refuses a single-platform image of another platform", "[pin]") {
    MemorySource source;
    Image single = add_image(source, "linux/arm64/v8", "single");
    source.tag("single", single.digest);
    struct Case {
        std::string platform;
        bool matches;
    };
    for (const Case &c : std::vector<Case>{{"linux/arm64", true},
                                           {"linux/arm64/v8", true},
                                           {"linux/amd64", false},
                                           {"linux/arm/v7", false},
                                           {"windows/arm64", false}}) {
        INFO(c.platform);
        HeadReader reader(source);
        auto target = pin_target(reader, named("reg.test/app:single"), PlatformRequest::of(plat(c.platform)));
        CHECK(reader.reads() == 2); // the manifest, then its config to learn its platform
        if (!c.matches) {
            REQUIRE_FALSE(target);
            CHECK(target.error().code == ErrorCode::NotFound);
            CHECK_THAT(target.error().message, Catch::Contains("single-platform linux/arm64"));
            continue;
        }
        REQUIRE(target);
        CHECK(target->digest.str() == single.digest);
        CHECK(target->level == PinLevel::Manifest);
    }
}

TEST_CASE("pin_target passes a missing tag or repository on as NotFound", "[pin]") {
    MemorySource source;
    HeadReader reader(source);
    auto target = pin_target(reader, named("reg.test/app:nope"));
    REQUIRE_FALSE(target);
    CHECK(target.error().code == ErrorCode::NotFound);
    auto platformed = pin_target(reader, named("reg.test/app:nope"), PlatformRequest::of(plat("linux/amd64")));
    REQUIRE_FALSE(platformed);
    CHECK(platformed.error().code == ErrorCode::NotFound);
}

TEST_CASE("verify_pin says at which level a pin matches", "[pin][verify]") {
    MemorySource source;
    App app = add_app(source);
    Image single = add_image(source, "linux/amd64", "single");
    source.tag("single", single.digest);
    struct Case {
        std::string reference;
        std::string pinned;
        PinStatus status;
        PinLevel level;
        std::string platform;
        std::size_t reads; // document reads besides the HEAD
    };
    std::vector<Case> cases = {
        {"reg.test/app:1", app.digest, PinStatus::Current, PinLevel::Index, "", 0},
        {"reg.test/app:single", single.digest, PinStatus::Current, PinLevel::Manifest, "", 0},
        {"reg.test/app:1", app.arm64.digest, PinStatus::PlatformPin, PinLevel::PlatformManifest, "linux/arm64", 1},
        {"reg.test/app:1", app.arm7.digest, PinStatus::PlatformPin, PinLevel::PlatformManifest, "linux/arm/v7", 1},
        {"reg.test/app:1", app.attestation.digest, PinStatus::PlatformPin, PinLevel::Attestation, "", 1},
    };
    for (const auto &c : cases) {
        INFO(c.reference << " pinned " << c.pinned);
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named(c.reference), dig(c.pinned));
        REQUIRE(verdict);
        CHECK(verdict->status == c.status);
        CHECK(verdict->level == c.level);
        CHECK((verdict->platform ? display_platform(*verdict->platform) : std::string()) == c.platform);
        CHECK(verdict->pinned.str() == c.pinned);
        CHECK(reader.heads == 1);
        CHECK(reader.reads() == c.reads);
        CHECK(verdict->changes.empty());
    }
}

TEST_CASE("verify_pin reads the tag as a tag even when the reference carries the pin", "[pin][verify]") {
    MemorySource source;
    App app = add_app(source);
    HeadReader reader(source);
    auto verdict = verify_pin(reader, named("reg.test/app:1@" + app.arm64.digest), dig(app.arm64.digest));
    REQUIRE(verdict);
    CHECK(verdict->status == PinStatus::PlatformPin);
    REQUIRE(verdict->current);
    CHECK(verdict->current->str() == app.digest);
}

TEST_CASE("verify_pin reports drift with what changed per platform", "[pin][verify]") {
    MemorySource source;
    App old_app = add_app(source, "v1", "1");
    // The tag moves: amd64 and arm64 rebuilt, arm/v7 unchanged, arm/v7 dropped in favour of s390x.
    Image amd64 = add_image(source, "linux/amd64", "v2");
    Image s390x = add_image(source, "linux/s390x", "v2");
    std::string index = test::make_index(
        std::string(media::oci_index),
        {entry(amd64, "linux/amd64"), entry(old_app.arm64, "linux/arm64/v8"), entry(s390x, "linux/s390x")});
    std::string new_digest = source.add(index, std::string(media::oci_index));
    source.tag("1", new_digest);

    SECTION("an index pin") {
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named("reg.test/app:1"), dig(old_app.digest));
        REQUIRE(verdict);
        CHECK(verdict->status == PinStatus::Drifted);
        REQUIRE(verdict->current);
        CHECK(verdict->current->str() == new_digest);
        REQUIRE(verdict->changes.size() == 3);
        CHECK(verdict->changes[0].platform == "linux/amd64");
        CHECK(verdict->changes[0].pinned == old_app.amd64.digest);
        CHECK(verdict->changes[0].current == amd64.digest);
        CHECK(verdict->changes[1].platform == "linux/arm/v7");
        CHECK(verdict->changes[1].pinned == old_app.arm7.digest);
        CHECK_FALSE(verdict->changes[1].current);
        CHECK(verdict->changes[2].platform == "linux/s390x");
        CHECK_FALSE(verdict->changes[2].pinned);
        CHECK(verdict->changes[2].current == s390x.digest);
        CHECK(verdict->note.empty());
    }
    SECTION("a platform pin whose platform was rebuilt") {
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named("reg.test/app:1"), dig(old_app.amd64.digest));
        REQUIRE(verdict);
        CHECK(verdict->status == PinStatus::Drifted);
        REQUIRE(verdict->changes.size() == 1);
        CHECK(verdict->changes[0].platform == "linux/amd64");
        CHECK(verdict->changes[0].pinned == old_app.amd64.digest);
        CHECK(verdict->changes[0].current == amd64.digest);
    }
    SECTION("a platform pin whose platform is still in the index is a platform pin, not drift") {
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named("reg.test/app:1"), dig(old_app.arm64.digest));
        REQUIRE(verdict);
        CHECK(verdict->status == PinStatus::PlatformPin);
        REQUIRE(verdict->platform);
        CHECK(display_platform(*verdict->platform) == "linux/arm64");
    }
    SECTION("pinned content that is gone") {
        std::string gone = test::sha256_of("never pushed");
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named("reg.test/app:1"), dig(gone));
        REQUIRE(verdict);
        CHECK(verdict->status == PinStatus::Missing);
        CHECK(verdict->current->str() == new_digest);
        CHECK(verdict->changes.empty());
    }
    SECTION("pinned content that cannot be read is drift with a note") {
        source.fail_on(old_app.digest, Error::of(ErrorCode::Auth, "denied").with_status(403));
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named("reg.test/app:1"), dig(old_app.digest));
        REQUIRE(verdict);
        CHECK(verdict->status == PinStatus::Drifted);
        CHECK_THAT(verdict->note, Catch::Contains("denied"));
    }
}

// How often each digest was asked of the source, by digest or as part of a reference.
std::size_t times_read(const MemorySource &source, const std::string &digest) {
    std::size_t count = 0;
    for (const auto &batch : source.batches())
        for (const auto &item : batch)
            if (item.find(digest) != std::string::npos) ++count;
    return count;
}

TEST_CASE("check_pin compares a drift's platforms and reads every document once", "[pin][verify]") {
    MemorySource source;
    SECTION("a single-manifest pin: the drift check and the comparison share what they read") {
        Image before = add_image(source, "linux/amd64", "v1");
        Image after = add_image(source, "linux/amd64", "v2");
        source.tag("solo", after.digest);
        HeadReader reader(source);
        PinCheck checked = check_pin(reader, named("reg.test/app:solo"), dig(before.digest));
        REQUIRE(checked.verdict);
        CHECK(checked.verdict->status == PinStatus::Drifted);
        CHECK(checked.verdict->note.empty());
        REQUIRE(checked.platforms.size() == 1);
        const PlatformDiff &platform = checked.platforms[0];
        CHECK(platform.platform == "linux/amd64");
        CHECK(platform.manifest_a == before.digest);
        CHECK(platform.manifest_b == after.digest);
        CHECK(platform.config_a != platform.config_b);
        CHECK(platform.verdict != PlatformVerdict::Unknown);
        auto before_doc = parse_document(before.manifest, std::string(media::oci_manifest));
        auto after_doc = parse_document(after.manifest, std::string(media::oci_manifest));
        REQUIRE(before_doc);
        REQUIRE(after_doc);
        for (const auto &digest : {before.digest, after.digest, before_doc->manifest().config->digest.str(),
                                   after_doc->manifest().config->digest.str()}) {
            INFO(digest);
            CHECK(times_read(source, digest) == 1);
        }
        CHECK(reader.heads == 1);
    }
    SECTION("an index pin: only the rebuilt platform is compared") {
        App old_app = add_app(source, "v1", "1");
        Image amd64 = add_image(source, "linux/amd64", "v2");
        std::string index = test::make_index(
            std::string(media::oci_index),
            {entry(amd64, "linux/amd64"), entry(old_app.arm64, "linux/arm64/v8"), entry(old_app.arm7, "linux/arm/v7")});
        source.tag("1", source.add(index, std::string(media::oci_index)));
        HeadReader reader(source);
        PinCheck checked = check_pin(reader, named("reg.test/app:1"), dig(old_app.digest));
        REQUIRE(checked.verdict);
        CHECK(checked.verdict->status == PinStatus::Drifted);
        REQUIRE(checked.platforms.size() == 1);
        CHECK(checked.platforms[0].platform == "linux/amd64");
        CHECK(times_read(source, old_app.amd64.digest) == 1);
        CHECK(times_read(source, amd64.digest) == 1);
        CHECK(times_read(source, old_app.arm64.digest) == 0);
    }
    SECTION("a pin that holds reads nothing more") {
        App app = add_app(source);
        HeadReader reader(source);
        PinCheck checked = check_pin(reader, named("reg.test/app:1"), dig(app.digest));
        REQUIRE(checked.verdict);
        CHECK(checked.verdict->status == PinStatus::Current);
        CHECK(checked.platforms.empty());
        CHECK(reader.reads() == 0);
    }
}

TEST_CASE("ContentMemo serves a document read by digest once, and never a tag", "[pin]") {
    MemorySource source;
    App app = add_app(source);
    ContentMemo memo(source);
    FetchItem item{FetchItem::Kind::Manifest, dig(app.amd64.digest), std::string(media::oci_manifest), std::nullopt};
    for (int round = 0; round < 3; ++round) {
        auto fetched = memo.fetch_one(item);
        REQUIRE(fetched);
        CHECK(fetched->bytes == app.amd64.manifest);
        REQUIRE(memo.fetch_reference(named("reg.test/app@" + app.arm64.digest)));
        REQUIRE(memo.fetch_reference(named("reg.test/app:1")));
    }
    CHECK(times_read(source, app.amd64.digest) == 1);
    CHECK(times_read(source, app.arm64.digest) == 1);
    // A tag is mutable: read every time.
    CHECK(source.stats().requests == 2 + 3);
    // The same digest as a blob is another request: registries serve the two from different URLs.
    FetchItem blob{FetchItem::Kind::Blob, dig(app.amd64.digest), "", std::nullopt};
    REQUIRE(memo.fetch_one(blob));
    CHECK(times_read(source, app.amd64.digest) == 2);
    // A document kept is still checked against what the caller expects of it.
    FetchItem wrong_size = item;
    wrong_size.size = 1;
    CHECK_FALSE(memo.fetch_one(wrong_size));
}

TEST_CASE("verify_pin when the tag is gone", "[pin][verify]") {
    MemorySource source;
    App app = add_app(source, "v1", "1");
    HeadReader reader(source);
    auto kept = verify_pin(reader, named("reg.test/app:2"), dig(app.digest));
    REQUIRE_FALSE(kept);
    CHECK(kept.error().code == ErrorCode::NotFound);
    CHECK_THAT(kept.error().describe(), Catch::Contains("the pinned content still exists"));

    auto gone = verify_pin(reader, named("reg.test/app:2"), dig(test::sha256_of("gone")));
    REQUIRE(gone);
    CHECK(gone->status == PinStatus::Missing);
    CHECK_FALSE(gone->current);
}

TEST_CASE("verify_pin of a digest-only reference checks that the content exists and hashes right", "[pin][verify]") {
    MemorySource source;
    App app = add_app(source);
    std::string lie = test::sha256_of("the registry lies");
    source.corrupt(lie, app.index);
    struct Case {
        std::string digest;
        std::optional<ErrorCode> error;
        PinLevel level;
    };
    for (const Case &c : std::vector<Case>{{app.digest, std::nullopt, PinLevel::Index},
                                           {app.arm64.digest, std::nullopt, PinLevel::Manifest},
                                           {test::sha256_of("absent"), ErrorCode::NotFound, PinLevel::Index},
                                           {lie, ErrorCode::Integrity, PinLevel::Index}}) {
        INFO(c.digest);
        HeadReader reader(source);
        auto verdict = verify_pin(reader, named("reg.test/app@" + c.digest), dig(c.digest));
        CHECK(reader.heads == 0);
        if (c.error) {
            REQUIRE_FALSE(verdict);
            CHECK(verdict.error().code == *c.error);
            continue;
        }
        REQUIRE(verdict);
        CHECK(verdict->status == PinStatus::Exists);
        CHECK(verdict->level == c.level);
    }
}

TEST_CASE("a sha512 pin is compared in sha512", "[pin][verify]") {
    MemorySource source;
    App app = add_app(source);
    Digest index512 = Digest::compute(app.index, DigestAlgorithm::Sha512);
    Digest arm512 = Digest::compute(app.arm64.manifest, DigestAlgorithm::Sha512);
    Digest other512 = Digest::compute("something else", DigestAlgorithm::Sha512);

    HeadReader reader(source);
    auto index = verify_pin(reader, named("reg.test/app:1"), index512);
    REQUIRE(index);
    CHECK(index->status == PinStatus::Current);
    CHECK(index->level == PinLevel::Index);
    CHECK(index->current == index512);
    REQUIRE(index->registry_digest);
    CHECK(index->registry_digest->str() == app.digest);

    auto platform = verify_pin(reader, named("reg.test/app:1"), arm512);
    REQUIRE(platform);
    CHECK(platform->status == PinStatus::PlatformPin);
    REQUIRE(platform->platform);
    CHECK(display_platform(*platform->platform) == "linux/arm64");

    auto other = verify_pin(reader, named("reg.test/app:1"), other512);
    REQUIRE(other);
    CHECK(other->status != PinStatus::Current);
    CHECK(other->current == index512);
}

TEST_CASE("platform_changes lists changed, added and removed platforms in order", "[pin]") {
    using Map = std::map<std::string, std::string>;
    struct Case {
        Map pinned;
        Map current;
        std::vector<std::string> platforms;
    };
    std::vector<Case> cases = {
        {{}, {}, {}},
        {{{"linux/amd64", "a"}}, {{"linux/amd64", "a"}}, {}},
        {{{"linux/amd64", "a"}}, {{"linux/amd64", "b"}}, {"linux/amd64"}},
        {{{"linux/amd64", "a"}}, {{"linux/amd64", "a"}, {"linux/arm64", "c"}}, {"linux/arm64"}},
        {{{"linux/amd64", "a"}, {"linux/386", "d"}}, {{"linux/amd64", "a"}}, {"linux/386"}},
        {{{"linux/s390x", "x"}, {"linux/amd64", "a"}},
         {{"linux/s390x", "y"}, {"linux/amd64", "b"}},
         {"linux/amd64", "linux/s390x"}},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO("case " << i);
        auto changes = platform_changes(cases[i].pinned, cases[i].current);
        std::vector<std::string> platforms;
        for (const auto &change : changes) {
            platforms.push_back(change.platform);
            CHECK(change.pinned != change.current);
        }
        CHECK(platforms == cases[i].platforms);
    }
}

TEST_CASE("ObservationCache resolves each reference once, failures included", "[pin]") {
    MemorySource source;
    App app = add_app(source);
    HeadReader inner(source);
    ObservationCache reader(inner);
    for (int round = 0; round < 3; ++round) {
        auto one = reader.observe(named("reg.test/app:1"));
        REQUIRE(one);
        CHECK(one->digest.str() == app.digest);
        CHECK_FALSE(reader.observe(named("reg.test/app:missing")));
    }
    CHECK(inner.heads == 2);
    auto verdict = verify_pin(reader, named("reg.test/app:1"), dig(app.digest));
    REQUIRE(verdict);
    CHECK(inner.heads == 2);
}

TEST_CASE("pin level and status names are stable", "[pin]") {
    CHECK(pin_level_name(PinLevel::Index) == "index");
    CHECK(pin_level_name(PinLevel::Manifest) == "manifest");
    CHECK(pin_level_name(PinLevel::PlatformManifest) == "platform-manifest");
    CHECK(pin_level_name(PinLevel::NestedIndex) == "nested-index");
    CHECK(pin_level_name(PinLevel::Attestation) == "attestation");
    CHECK(pin_level_name(PinLevel::Entry) == "entry");
    CHECK(pin_status_name(PinStatus::Current) == "current");
    CHECK(pin_status_name(PinStatus::PlatformPin) == "platform-pin");
    CHECK(pin_status_name(PinStatus::Drifted) == "drifted");
    CHECK(pin_status_name(PinStatus::Missing) == "missing");
    CHECK(pin_status_name(PinStatus::Exists) == "exists");
}

TEST_CASE("tag_reference drops the digest of a tagged reference only", "[pin]") {
    std::string d = test::sha256_of("x");
    struct Case {
        std::string in;
        std::string out;
    };
    for (const Case &c : std::vector<Case>{{"alpine:3.12@" + d, "docker.io/library/alpine:3.12"},
                                           {"alpine:3.12", "docker.io/library/alpine:3.12"},
                                           {"alpine", "docker.io/library/alpine:latest"},
                                           {"alpine@" + d, "docker.io/library/alpine@" + d},
                                           {"[::1]:5000/a/b:v1@" + d, "[::1]:5000/a/b:v1"},
                                           {"localhost:5000/app:1@" + d, "localhost:5000/app:1"}}) {
        INFO(c.in);
        auto tagged = tag_reference(named(c.in));
        REQUIRE(tagged);
        CHECK(tagged->canonical() == c.out);
    }
}

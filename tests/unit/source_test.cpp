// Source::fetch_by_digest: the one place every by-digest answer is checked, whatever the source.
#include <catch2/catch.hpp>

#include "digestx/source/source.hpp"

using namespace digestx;

namespace {

// Answers with whatever the test scripted, however wrong.
class ScriptedSource final : public Source {
public:
    std::vector<Result<Fetched>> answers;

    Result<Fetched> fetch_reference(const Reference & /*reference*/) override {
        return fail(ErrorCode::NotFound, "no tags here");
    }
    Result<TagList> list_tags(std::size_t /*page_size*/) override { return TagList{}; }
    [[nodiscard]] SourceStats stats() const override { return {}; }

protected:
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> & /*items*/) override { return answers; }
};

Fetched body(const std::string &bytes) {
    return Fetched{bytes, Digest::compute(bytes), "", FetchNote{}, std::nullopt};
}

FetchItem item(const std::string &bytes, std::optional<std::int64_t> size = std::nullopt) {
    return FetchItem{FetchItem::Kind::Blob, Digest::compute(bytes), "", size};
}

} // namespace

TEST_CASE("a by-digest answer is checked against the digest and size it was asked for", "[source]") {
    ScriptedSource source;
    source.answers = {body("right"), body("wrong"), body("sized"), body("short")};
    auto results = source.fetch_by_digest({item("right"), item("asked"), item("sized", 5), item("short", 9)});
    REQUIRE(results.size() == 4);
    REQUIRE(results[0]);
    CHECK(results[0]->digest == Digest::compute("right"));
    REQUIRE_FALSE(results[1]);
    CHECK(results[1].error().code == ErrorCode::Integrity); // B1: another document's bytes
    CHECK(results[2]);
    REQUIRE_FALSE(results[3]);
    CHECK(results[3].error().code == ErrorCode::Integrity); // B16: the descriptor's size
}

TEST_CASE("a source that answers fewer items than asked fails the rest, one result per item", "[source]") {
    ScriptedSource source;
    source.answers = {body("one")};
    auto results = source.fetch_by_digest({item("one"), item("two"), item("three")});
    REQUIRE(results.size() == 3);
    CHECK(results[0]);
    CHECK(results[1].error().code == ErrorCode::Internal);
    CHECK(results[2].error().code == ErrorCode::Internal);
    CHECK(source.fetch_by_digest({}).empty());
    auto none = source.referrers({Digest::compute("x")});
    REQUIRE(none.size() == 1);
    CHECK(none[0].error().code == ErrorCode::Usage);
}

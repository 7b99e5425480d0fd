#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "registry_test_support.hpp"

using namespace digestx;
using namespace digestx::test;
using namespace digestx::test::registry_samples;

namespace {

FakeReply tags_page(const std::string &tags_json, std::optional<std::string> link = std::nullopt) {
    std::vector<net::Header> headers{{"Content-Type", "application/json"}};
    if (link) headers.emplace_back("Link", "<" + *link + R"(>; rel="next")");
    return reply(200, R"({"name":"library/app","tags":)" + tags_json + "}", std::move(headers));
}

const std::string first_page = url("tags/list?n=2");

} // namespace

TEST_CASE("tags are read across every page, relative and absolute links alike", "[registry][tags]") {
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", first_page, tags_page(R"(["1.0","1.1"])", "/v2/library/app/tags/list?n=2&last=1.1"));
    transport.on("GET", url("tags/list?n=2&last=1.1"),
                 tags_page(R"(["2.0","latest"])", base + "/v2/library/app/tags/list?n=2&last=latest"));
    transport.on("GET", url("tags/list?n=2&last=latest"), tags_page(R"(["zeta"])"));
    auto client = make_client_for(transport, err);
    auto list = client.list_tags(repo, 2);
    REQUIRE(list);
    CHECK(list->tags == std::vector<std::string>{"1.0", "1.1", "2.0", "latest", "zeta"});
    CHECK(list->pages == 3);
    CHECK(list->dropped == 0);
    CHECK(transport.requests().size() == 3);
    CHECK(transport.requests().front().header("Accept") == "application/json");
}

TEST_CASE("a pagination link to another origin or outside the list is refused unrequested", "[registry][tags]") {
    const std::vector<std::string> links = {
        "https://evil.example/v2/library/app/tags/list?last=x",
        "http://reg.example/v2/library/app/tags/list?last=x",
        "https://reg.example:8443/v2/library/app/tags/list?last=x",
        "//evil.example/v2/library/app/tags/list",
        "/v2/library/other/tags/list?last=x",
        "/v2/library/app/manifests/latest",
        "/v2/library/app/tags/listing",
    };
    for (const auto &link : links) {
        INFO(link);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", first_page, tags_page(R"(["1.0"])", link));
        transport.otherwise([](const net::HttpRequest &) { return reply(200, R"({"tags":["stolen"]})"); });
        auto client = make_client_for(transport, err);
        auto list = client.list_tags(repo, 2);
        REQUIRE_FALSE(list);
        CHECK(list.error().code == ErrorCode::Integrity);
        CHECK_THAT(list.error().message, Catch::Contains("refusing pagination link"));
        CHECK(transport.requests().size() == 1);
    }
}

TEST_CASE("a pagination loop and an endless list end with an error", "[registry][tags]") {
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", first_page, tags_page(R"(["a"])", "/v2/library/app/tags/list?n=2&last=a"));
    transport.on("GET", url("tags/list?n=2&last=a"), tags_page(R"(["b"])", "/v2/library/app/tags/list?n=2"));
    auto client = make_client_for(transport, err);
    auto list = client.list_tags(repo, 2);
    REQUIRE_FALSE(list);
    CHECK_THAT(list.error().message, Catch::Contains("loops back"));

    FakeTransport endless;
    int page = 0;
    endless.otherwise([&page](const net::HttpRequest &) {
        ++page;
        return tags_page("[\"t" + std::to_string(page) + "\"]",
                         "/v2/library/app/tags/list?n=2&last=t" + std::to_string(page));
    });
    registry::ClientOptions options;
    options.max_list_pages = 50;
    auto other = make_client_for(endless, err, options);
    auto many = other.list_tags(repo, 2);
    REQUIRE_FALSE(many);
    CHECK_THAT(many.error().message, Catch::Contains("more than 50 pages"));
    CHECK(endless.requests().size() == 50);
}

TEST_CASE("tag entries that are not valid tags are left out with a warning", "[registry][tags]") {
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", first_page,
                 tags_page(R"(["ok",1,null,"-bad","a b","\u001b[31mred","ok","x:y",")" + std::string(129, 'a') +
                           R"(","v1.2_3"])"));
    auto client = make_client_for(transport, err);
    auto list = client.list_tags(repo, 2);
    REQUIRE(list);
    CHECK(list->tags == std::vector<std::string>{"ok", "v1.2_3"});
    CHECK(list->dropped == 7);
    CHECK_THAT(err.str(), Catch::Contains("7 entries of the tags list"));
}

TEST_CASE("tags list answers that are not lists", "[registry][tags]") {
    struct Row {
        FakeReply answer;
        ErrorCode code;
        std::string message_part;
    };
    const std::vector<Row> rows = {
        {reply(404, error_body("NAME_UNKNOWN", "repository name not known to registry")), ErrorCode::NotFound,
         "repository not found: reg.example/library/app"},
        {reply(401 + 2, error_body("DENIED", "no")), ErrorCode::Auth, "denied"},
        {reply(200, "<html>"), ErrorCode::Integrity, "malformed JSON in tags list"},
        {reply(200, R"({"tags":"1.0"})"), ErrorCode::Integrity, "no \"tags\" array"},
        {reply(200, R"([])"), ErrorCode::Integrity, "not a JSON object"},
        {reply(200, R"({"name":"a","tags":["1"],"tags":["2"]})"), ErrorCode::Integrity, "duplicate JSON key"},
    };
    for (const auto &row : rows) {
        INFO(row.message_part);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", first_page, row.answer);
        auto client = make_client_for(transport, err);
        auto list = client.list_tags(repo, 2);
        REQUIRE_FALSE(list);
        CHECK(list.error().code == row.code);
        CHECK_THAT(list.error().describe(), Catch::Contains(row.message_part));
    }
    FakeTransport transport;
    std::ostringstream err;
    transport.on("GET", first_page, reply(200, R"({"name":"library/app","tags":null})"));
    auto client = make_client_for(transport, err);
    auto empty = client.list_tags(repo, 2);
    REQUIRE(empty);
    CHECK(empty->tags.empty());
}

TEST_CASE("referrers: the API, else the tag schema, else none", "[registry][referrers]") {
    const std::string subject_digest = "sha256:" + std::string(64, 'a');
    const std::string sbom = oci_manifest();
    const std::string listing =
        oci_index({{std::string(media::oci_manifest), Digest::compute(sbom).str(), sbom.size(), "", ""}});
    const std::string referrers_url = url("referrers/" + subject_digest);
    const std::string schema_url = url("manifests/sha256-" + std::string(64, 'a'));
    struct Row {
        std::string name;
        std::optional<FakeReply> api;
        std::optional<FakeReply> tag_schema;
        bool ok;
        std::size_t manifests;
        bool from_api;
    };
    const std::vector<Row> rows = {
        {"API", manifest_reply(listing, media::oci_index, std::nullopt), std::nullopt, true, 1, true},
        {"API, none", manifest_reply(oci_index({}), media::oci_index, std::nullopt), std::nullopt, true, 0, true},
        {"distribution 2.8: 404 text, tag schema present", reply(404, "404 page not found\n"),
         manifest_reply(listing, media::oci_index), true, 1, false},
        {"no API and no tag", reply(404, "404 page not found\n"),
         reply(404, error_body("MANIFEST_UNKNOWN", "manifest unknown")), true, 0, false},
        {"no repository", reply(404, "404 page not found\n"),
         reply(404, error_body("NAME_UNKNOWN", "repository name not known to registry")), false, 0, false},
        {"API answers a manifest", manifest_reply(sbom, media::oci_manifest, std::nullopt), std::nullopt, false, 0,
         true},
        {"API denies", reply(403, error_body("DENIED", "no")), std::nullopt, false, 0, true},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        FakeTransport transport;
        std::ostringstream err;
        if (row.api) transport.on("GET", referrers_url, *row.api);
        if (row.tag_schema) transport.on("GET", schema_url, *row.tag_schema);
        auto client = make_client_for(transport, err);
        auto found = client.referrers(repo, *Digest::parse(subject_digest));
        CHECK(found.has_value() == row.ok);
        CHECK(transport.unscripted().empty());
        if (!found) continue;
        CHECK(found->manifests.size() == row.manifests);
        CHECK((found->route == ReferrerRoute::Api) == row.from_api);
        CHECK(transport.requests().front().header("Accept") == std::string(media::oci_index));
        if (row.manifests == 1) CHECK(found->manifests.front().digest.str() == Digest::compute(sbom).str());
    }
}

TEST_CASE("referrers of many subjects cost one API batch and one tag-schema batch", "[registry][referrers]") {
    const std::string sbom = oci_manifest();
    const std::string listing =
        oci_index({{std::string(media::oci_manifest), Digest::compute(sbom).str(), sbom.size(), "", ""}});
    std::vector<Digest> subjects;
    FakeTransport transport;
    for (char c : {'a', 'b', 'c'}) {
        subjects.push_back(*Digest::parse("sha256:" + std::string(64, c)));
        // The API knows 'a'; 'b' and 'c' fall back to the tag schema, where only 'b' has a tag.
        transport.on("GET", url("referrers/" + subjects.back().str()),
                     c == 'a' ? manifest_reply(listing, media::oci_index, std::nullopt)
                              : reply(404, "404 page not found\n"));
    }
    transport.on("GET", url("manifests/sha256-" + std::string(64, 'b')), manifest_reply(listing, media::oci_index));
    transport.on("GET", url("manifests/sha256-" + std::string(64, 'c')),
                 reply(404, error_body("MANIFEST_UNKNOWN", "manifest unknown")));
    std::ostringstream err;
    auto client = make_client_for(transport, err);
    auto lists = client.referrers(repo, subjects);
    CHECK(transport.batches() == 2);
    REQUIRE(lists.size() == 3);
    REQUIRE(lists[0]);
    CHECK(lists[0]->route == ReferrerRoute::Api);
    CHECK(lists[0]->manifests.size() == 1);
    REQUIRE(lists[1]);
    CHECK(lists[1]->route == ReferrerRoute::TagSchema);
    CHECK(lists[1]->manifests.size() == 1);
    REQUIRE(lists[2]);
    CHECK(lists[2]->manifests.empty());
    CHECK(client.referrers(repo, std::vector<Digest>{}).empty());
}

namespace {

// An index listing `count` referrers whose digests are those of `first`, `first + 1`, … (one
// descriptor each, distinct per number).
std::string referrer_page(int first, int count) {
    std::vector<Entry> entries;
    for (int n = first; n < first + count; ++n) {
        std::string bytes = "referrer " + std::to_string(n);
        entries.push_back({std::string(media::oci_manifest), Digest::compute(bytes).str(), bytes.size(), "", ""});
    }
    return oci_index(entries);
}

FakeReply referrers_reply(const std::string &body, std::optional<std::string> link = std::nullopt) {
    FakeReply answer = manifest_reply(body, media::oci_index, std::nullopt);
    if (link) answer.headers.emplace_back("Link", "<" + *link + R"(>; rel="next")");
    return answer;
}

} // namespace

TEST_CASE("referrers: every page the API's Link names is read, every subject's pages in one batch per round",
          "[registry][referrers]") {
    const Digest a = *Digest::parse("sha256:" + std::string(64, 'a'));
    const Digest b = *Digest::parse("sha256:" + std::string(64, 'b'));
    const std::string a_path = "/v2/library/app/referrers/" + a.str();
    const std::string b_path = "/v2/library/app/referrers/" + b.str();
    FakeTransport transport;
    // a: three pages, a relative link then an absolute one; the third page repeats a referrer.
    transport.on("GET", base + a_path, referrers_reply(referrer_page(0, 2), a_path + "?last=1"));
    transport.on("GET", base + a_path + "?last=1", referrers_reply(referrer_page(2, 2), base + a_path + "?last=3"));
    transport.on("GET", base + a_path + "?last=3", referrers_reply(referrer_page(3, 2)));
    // b: two pages.
    transport.on("GET", base + b_path, referrers_reply(referrer_page(10, 1), b_path + "?n=1&last=10"));
    transport.on("GET", base + b_path + "?n=1&last=10", referrers_reply(referrer_page(11, 1)));
    std::ostringstream err;
    auto client = make_client_for(transport, err);
    auto lists = client.referrers(repo, std::vector<Digest>{a, b});
    CHECK(transport.unscripted().empty());
    REQUIRE(lists.size() == 2);
    REQUIRE(lists[0]);
    CHECK(lists[0]->route == ReferrerRoute::Api);
    REQUIRE(lists[0]->manifests.size() == 5);
    for (int n = 0; n < 5; ++n)
        CHECK(lists[0]->manifests[n].digest.str() == Digest::compute("referrer " + std::to_string(n)).str());
    REQUIRE(lists[1]);
    REQUIRE(lists[1]->manifests.size() == 2);
    CHECK(lists[1]->manifests[1].digest.str() == Digest::compute("referrer 11").str());
    // The first pages together, then a's and b's second pages together, then a's third.
    CHECK(transport.batches() == 3);
    CHECK(transport.requests().size() == 5);
    for (const auto &request : transport.requests())
        CHECK(request.header("Accept") == std::string(media::oci_index));
}

TEST_CASE("a referrers Link to another origin, outside the listing or in a loop fails that listing",
          "[registry][referrers]") {
    const Digest a = *Digest::parse("sha256:" + std::string(64, 'a'));
    const std::string a_path = "/v2/library/app/referrers/" + a.str();
    const std::vector<std::string> links = {
        "https://evil.example" + a_path + "?last=x",
        "http://reg.example" + a_path + "?last=x",
        "//evil.example" + a_path,
        "/v2/library/other/referrers/" + a.str() + "?last=x",
        "/v2/library/app/referrers/sha256:" + std::string(64, 'b'),
        "/v2/library/app/tags/list",
    };
    for (const auto &link : links) {
        INFO(link);
        FakeTransport transport;
        std::ostringstream err;
        transport.on("GET", base + a_path, referrers_reply(referrer_page(0, 1), link));
        transport.otherwise([](const net::HttpRequest &) { return referrers_reply(referrer_page(5, 1)); });
        auto client = make_client_for(transport, err);
        auto list = client.referrers(repo, a);
        REQUIRE_FALSE(list);
        CHECK(list.error().code == ErrorCode::Integrity);
        CHECK_THAT(list.error().message, Catch::Contains("referrers of reg.example/library/app@" + a.str()));
        CHECK_THAT(list.error().message, Catch::Contains("refusing pagination link"));
        CHECK(transport.requests().size() == 1);
    }

    FakeTransport looping;
    looping.on("GET", base + a_path, referrers_reply(referrer_page(0, 1), a_path + "?last=0"));
    looping.on("GET", base + a_path + "?last=0", referrers_reply(referrer_page(1, 1), a_path));
    std::ostringstream err;
    auto client = make_client_for(looping, err);
    auto loop = client.referrers(repo, a);
    REQUIRE_FALSE(loop);
    CHECK_THAT(loop.error().message, Catch::Contains("loops back"));
    CHECK(looping.requests().size() == 2);

    FakeTransport endless;
    int page = 0;
    endless.otherwise([&page](const net::HttpRequest &) {
        ++page;
        return referrers_reply(referrer_page(page, 1), "?last=" + std::to_string(page));
    });
    registry::ClientOptions options;
    options.max_list_pages = 20;
    auto bounded = make_client_for(endless, err, options);
    auto many = bounded.referrers(repo, a);
    REQUIRE_FALSE(many);
    CHECK_THAT(many.error().message, Catch::Contains("more than 20 pages"));
    CHECK(endless.requests().size() == 20);
}

TEST_CASE("a page after the first that fails fails the listing: never a partial list", "[registry][referrers]") {
    const Digest a = *Digest::parse("sha256:" + std::string(64, 'a'));
    const std::string a_path = "/v2/library/app/referrers/" + a.str();
    for (const FakeReply &second :
         {reply(404, "404 page not found\n"), reply(200, "{not json"), reply(403, error_body("DENIED", "no"))}) {
        FakeTransport transport;
        transport.on("GET", base + a_path, referrers_reply(referrer_page(0, 1), a_path + "?last=0"));
        transport.on("GET", base + a_path + "?last=0", second);
        std::ostringstream err;
        auto client = make_client_for(transport, err);
        auto list = client.referrers(repo, a);
        CHECK_FALSE(list);
        // A 404 on a later page is an error, not a reason to try the tag schema.
        CHECK(transport.requests().size() == 2);
    }
}

TEST_CASE("the referrers tag follows the spec's truncation: a sha512 subject keeps 64 hex digits",
          "[registry][referrers]") {
    const std::string hex128 = std::string(64, 'c') + std::string(64, 'd');
    const Digest sha512 = *Digest::parse("sha512:" + hex128);
    const Digest sha256 = *Digest::parse("sha256:" + std::string(64, 'a'));
    // The spec's own table (distribution-spec "Referrers Tag Schema").
    CHECK(registry::referrers_tag(sha256) == "sha256-" + std::string(64, 'a'));
    CHECK(registry::referrers_tag(sha512) == "sha512-" + std::string(64, 'c'));
    CHECK(registry::referrers_tag(sha512).size() == 71);

    const std::string sbom = oci_manifest();
    const std::string listing =
        oci_index({{std::string(media::oci_manifest), Digest::compute(sbom).str(), sbom.size(), "", ""}});
    FakeTransport transport;
    transport.on("GET", url("referrers/" + sha512.str()), reply(404, "404 page not found\n"));
    transport.on("GET", url("manifests/sha512-" + std::string(64, 'c')), manifest_reply(listing, media::oci_index));
    // What digestx asked for before: a 135-character tag that registry 2.8 answers with a plain 404.
    transport.on("GET", url("manifests/sha512-" + hex128), reply(404, "404 page not found\n"));
    std::ostringstream err;
    auto client = make_client_for(transport, err);
    auto found = client.referrers(repo, sha512);
    REQUIRE(found);
    CHECK(found->route == ReferrerRoute::TagSchema);
    REQUIRE(found->manifests.size() == 1);
    CHECK(found->manifests.front().digest.str() == Digest::compute(sbom).str());
    CHECK(transport.count("GET", url("manifests/sha512-" + hex128)) == 0);
}

// `inspect --referrers` end to end against the scripted registry: a referrers API that paginates
// with `Link` (distribution-spec 1.1 "Listing Referrers"), and links that must not be followed.
// Registry 2.8 has no referrers API, so only the scripted registry can paginate.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faults_support.hpp"

using namespace digestx::test;

namespace {

// An index of referrers numbered first, first + 1, …: artifact manifests that name nothing real
// (inspect lists referrer descriptors, it does not fetch them).
std::string referrer_index(int first, int count) {
    std::string out = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";
    for (int n = first; n < first + count; ++n) {
        if (n > first) out += ",";
        std::string bytes = "referrer " + std::to_string(n);
        out += R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + digest_of(bytes) +
               R"(","size":)" + std::to_string(bytes.size()) + R"(,"artifactType":"application/spdx+json"})";
    }
    return out + "]}";
}

ScriptedResponse referrers_page(int first, int count, const std::string &link = {}) {
    ScriptedResponse response;
    response.headers = {{"Content-Type", oci_index_type}};
    if (!link.empty()) response.headers.emplace_back("Link", "<" + link + R"(>; rel="next")");
    response.body = referrer_index(first, count);
    return response;
}

void collect(const nlohmann::json &node, std::vector<const nlohmann::json *> &out) {
    out.push_back(&node);
    for (const auto &child : node["children"])
        collect(child, out);
}

std::vector<const nlohmann::json *> referrer_nodes(const nlohmann::json &document) {
    std::vector<const nlohmann::json *> nodes;
    collect(document["root"], nodes);
    std::vector<const nlohmann::json *> referrers;
    for (const auto *node : nodes)
        if ((*node)["role"] == "referrer") referrers.push_back(node);
    return referrers;
}

std::string finding_message(const nlohmann::json &document, const std::string &code) {
    for (const auto &finding : document["findings"])
        if (finding["code"] == code) return finding["message"].get<std::string>();
    return {};
}

std::size_t count_paths_starting(const TestHttpServer &server, const std::string &prefix) {
    std::size_t count = 0;
    for (const auto &request : server.requests())
        count += request.target.starts_with(prefix) ? 1U : 0U;
    return count;
}

} // namespace

TEST_CASE("inspect --referrers reads every page the referrers API links to", "[cli][referrers][faults]") {
    auto image = SampleImage::make("referrers-pages");
    const std::string listing = "/v2/library/app/referrers/" + image.manifest_digest;
    FakeRegistry registry;
    registry.image("1.0", image);
    // Three pages: a path link, then a query-only link (relative to the page), then the last page.
    registry.on("GET", listing, [listing](const RecordedRequest &request, int) {
        if (request.target == listing) return referrers_page(0, 2, listing + "?n=2&last=1");
        if (request.target == listing + "?n=2&last=1") return referrers_page(2, 2, "?n=2&last=3");
        if (request.target == listing + "?n=2&last=3") return referrers_page(4, 1);
        return status_only(400);
    });
    TestHttpServer server(registry.handler());

    auto run = run_timed({"--timeout", "10", "inspect", "-o", "json", "--referrers", app_ref(server, ":1.0")});
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    auto document = nlohmann::json::parse(run.result.out);
    auto referrers = referrer_nodes(document);
    REQUIRE(referrers.size() == 5);
    for (int n = 0; n < 5; ++n) {
        CHECK((*referrers[n])["digest"] == digest_of("referrer " + std::to_string(n)));
        CHECK((*referrers[n])["referrersVia"] == "referrers-api");
    }
    CHECK_THAT(finding_message(document, "referrers"), Catch::Contains("5 found"));
    CHECK(count_paths_starting(server, listing) == 3);
    CHECK(run.seconds < 8);
}

TEST_CASE("inspect --referrers refuses a Link to another origin and stops a Link loop", "[cli][referrers][faults]") {
    auto image = SampleImage::make("referrers-refused");
    const std::string listing = "/v2/library/app/referrers/" + image.manifest_digest;
    TestHttpServer elsewhere([](const RecordedRequest &) { return referrers_page(100, 1); });
    struct Row {
        std::string name;
        std::string second_link; // the Link of the first page
        std::string message;
        std::size_t listing_requests;
    };
    const std::vector<Row> rows = {
        {"another origin", elsewhere.base_url() + listing + "?last=1", "refusing pagination link to another origin", 1},
        {"another listing", "/v2/library/app/referrers/sha256:" + std::string(64, 'e'),
         "refusing pagination link outside the referrers list", 1},
        {"a loop", listing, "pagination loops back", 1},
        {"a loop over two pages", listing + "?last=1", "pagination loops back", 2},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        FakeRegistry registry;
        registry.image("1.0", image);
        registry.on("GET", listing, [listing, row](const RecordedRequest &request, int) {
            if (request.target == listing) return referrers_page(0, 1, row.second_link);
            return referrers_page(1, 1, listing);
        });
        TestHttpServer server(registry.handler());

        auto run = run_timed({"--timeout", "10", "inspect", "-o", "json", "--referrers", app_ref(server, ":1.0")});
        INFO(run.result.err);
        // The image is still explained; its referrers are said to be unknown, not to be none.
        REQUIRE(run.result.exit_code == 0);
        auto document = nlohmann::json::parse(run.result.out);
        CHECK(referrer_nodes(document).empty());
        CHECK_THAT(finding_message(document, "referrers-unavailable"), Catch::Contains(row.message));
        CHECK(count_paths_starting(server, listing) == row.listing_requests);
        CHECK(run.seconds < 8);
    }
    CHECK(elsewhere.requests().empty());
}

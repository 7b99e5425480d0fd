// Fault catalogue section B, the documents themselves, end to end: the real binary against a
// scripted registry serving mistyped, ambiguous, malformed, hostile or deeply nested manifests,
// indexes and configs. The model's table tests (tests/unit/model_*_test.cpp, json_test.cpp) hold
// every variant; here each kind is checked for what the user sees and what was requested.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "faults_support.hpp"

using namespace digestx::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string layer_type = "application/vnd.oci.image.layer.v1.tar+gzip";

// An OCI manifest of `config` with one layer, as a Json to alter.
Json manifest_of(const std::string &config) {
    return Json{{"schemaVersion", 2},
                {"mediaType", oci_manifest_type},
                {"config", descriptor_of(oci_config_type, config)},
                {"layers", Json::array({descriptor_of(layer_type, "layer")})}};
}

const std::string image_config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";

struct DocumentRow {
    const char *id;
    const char *name;
    std::string bytes;
    std::string content_type;
    std::string expected;
};

} // namespace

TEST_CASE("B4, B5, B7, B8, B9: mistyped, ambiguous, malformed or abusive manifests exit 5 and print nothing",
          "[faults][B4][B5][B7][B8][B9]") {
    Json manifest = manifest_of(image_config);
    std::string good = manifest.dump();
    auto altered = [&](const std::function<void(Json &)> &change) {
        Json copy = manifest;
        change(copy);
        return copy.dump();
    };
    auto size_as = [&](const std::string &literal) {
        std::string text = good;
        std::string needle = "\"size\":" + std::to_string(image_config.size());
        text.replace(text.find(needle), needle.size(), "\"size\":" + literal);
        return text;
    };
    std::string deep = good;
    deep.insert(deep.size() - 1, ",\"x\":" + std::string(100000, '[') + std::string(100000, ']'));
    std::string bad_utf8 = altered([](Json &m) { m["annotations"] = {{"a", "VALUE"}}; });
    bad_utf8.replace(bad_utf8.find("VALUE"), 5, "\xC3\x28");
    auto row = GENERATE_COPY(values<DocumentRow>({
        {"B4", "body says index, Content-Type says manifest", altered([](Json &m) { m["mediaType"] = oci_index_type; }),
         oci_manifest_type, "media type"},
        {"B4", "body says Docker list",
         altered([](Json &m) { m["mediaType"] = "application/vnd.docker.distribution.manifest.list.v2+json"; }),
         oci_manifest_type, "media type"},
        {"B5", "manifests beside layers", altered([](Json &m) { m["manifests"] = Json::array(); }), oci_manifest_type,
         "manifests"},
        {"B5", "case-variant key", altered([](Json &m) { m["Layers"] = Json::array(); }), oci_manifest_type, "Layers"},
        {"B5", "duplicate mediaType", "{\"mediaType\":\"" + std::string(oci_manifest_type) + "\"," + good.substr(1),
         oci_manifest_type, "duplicate JSON key \"mediaType\""},
        {"B7", "nesting 100000 deep", deep, oci_manifest_type, "JSON nesting deeper than 64"},
        {"B8", "truncated", good.substr(0, good.size() - 5), oci_manifest_type, "malformed JSON"},
        {"B8", "trailing garbage", good + "{}", oci_manifest_type, "malformed JSON"},
        {"B8", "leading BOM", "\xEF\xBB\xBF" + good, oci_manifest_type, "malformed JSON"},
        {"B8", "invalid UTF-8", bad_utf8, oci_manifest_type, "malformed JSON"},
        {"B8", "NaN", size_as("NaN"), oci_manifest_type, "malformed JSON"},
        {"B8", "comment", "/* c */" + good, oci_manifest_type, "malformed JSON"},
        {"B9", "negative size", size_as("-1"), oci_manifest_type, "size"},
        {"B9", "exponent size", size_as("1e3"), oci_manifest_type, "size"},
        {"B9", "fractional size", size_as("1.5"), oci_manifest_type, "size"},
        {"B9", "huge size", size_as("1e30"), oci_manifest_type, "size"},
        {"B9", "uint64 size", size_as("18446744073709551615"), oci_manifest_type, "size"},
        {"B9", "string size", size_as("\"12\""), oci_manifest_type, "size"},
    }));
    INFO(row.id << ": " << row.name);
    FakeRegistry registry;
    registry.manifest("1", row.bytes, row.content_type).blob(image_config);
    TestHttpServer server(registry.handler());
    for (const char *command : {"manifest", "inspect", "config"}) {
        INFO(command);
        auto result = run_digestx({"--timeout", "10", command, app_ref(server, ":1")});
        check_failure(result, 5);
        CHECK_THAT(error_line(result), Catch::Contains(row.expected));
    }
}

TEST_CASE("B10: a hostile digest in an index entry is refused before any request is built", "[faults][B10]") {
    auto image = SampleImage::make("b10");
    const std::string hostile = "sha256:../../v2/other/manifests/x";
    Json index = index_of(Json::array({entry_of(image.manifest, oci_manifest_type, "amd64")}));
    index["manifests"][0]["digest"] = hostile;
    FakeRegistry registry;
    registry.manifest("1", index.dump(), oci_index_type).image("", image);
    TestHttpServer server(registry.handler());
    for (const std::vector<std::string> &args :
         {std::vector<std::string>{"inspect"}, {"digest", "--platform", "linux/amd64"}, {"config"}}) {
        INFO(args.front());
        std::vector<std::string> full{"--timeout", "10"};
        full.insert(full.end(), args.begin(), args.end());
        full.push_back(app_ref(server, ":1"));
        auto result = run_digestx(full);
        check_failure(result, 5);
        CHECK_THAT(error_line(result), Catch::Contains("digest"));
    }
    for (const auto &seen : requests_seen(server)) {
        INFO(seen);
        CHECK(seen.find("..") == std::string::npos);
        CHECK(seen.find("other") == std::string::npos);
    }
}

TEST_CASE("B12: index nesting beyond the limit is an integrity failure", "[faults][B12]") {
    auto image = SampleImage::make("b12");
    FakeRegistry registry;
    registry.image("", image);
    std::string child = image.manifest;
    std::string child_type = oci_manifest_type;
    for (int level = 0; level < 10; ++level) {
        std::string index = index_of(Json::array({entry_of(child, child_type, "amd64")})).dump();
        registry.manifest(level == 9 ? "deep" : "", index, oci_index_type);
        child = index;
        child_type = oci_index_type;
    }
    TestHttpServer server(registry.handler());
    auto result = run_digestx({"--timeout", "10", "digest", "--platform", "linux/amd64", app_ref(server, ":deep")});
    check_failure(result, 5);
    CHECK_THAT(error_line(result), Catch::Contains("index nesting deeper than 4"));
    // inspect prints the levels it could read (as for any partial tree) and still exits 5.
    auto tree = run_digestx({"--timeout", "10", "inspect", app_ref(server, ":deep")});
    CHECK(tree.exit_code == 5);
    CHECK_THAT(error_line(tree), Catch::Contains("index nesting deeper than 4"));
    // The walk stopped at the limit: the image at the bottom was never fetched.
    CHECK(count_requests(server, "GET", app_manifests + image.manifest_digest) == 0);
}

TEST_CASE("B13, B14: no entry for the platform is 'not found', attestation and unknown entries are skipped",
          "[faults][B13][B14]") {
    auto amd64 = SampleImage::make("b13-amd64");
    auto armv7 = SampleImage::make("b13-armv7");
    auto attested = SampleImage::make("b13-att");
    Json attestation = descriptor_of(oci_manifest_type, attested.manifest);
    attestation["platform"] = {{"architecture", "unknown"}, {"os", "unknown"}};
    attestation["annotations"] = {{"vnd.docker.reference.type", "attestation-manifest"},
                                  {"vnd.docker.reference.digest", amd64.manifest_digest}};
    // linux/s390x: no fallback of containerd's matcher reaches amd64 or arm (arm64 would take
    // arm/v7), so only the entry of an unknown type names it.
    Json future = entry_of("{\"future\":true}", "application/vnd.example.future.manifest.v9+json", "s390x");
    Json armv7_entry = entry_of(armv7.manifest, oci_manifest_type, "arm");
    armv7_entry["platform"]["variant"] = "v7";
    FakeRegistry registry;
    registry.manifest("empty", index_of(Json::array()).dump(), oci_index_type)
        .manifest("only-attestations", index_of(Json::array({attestation})).dump(), oci_index_type)
        .manifest("mixed",
                  index_of(Json::array({future, entry_of(amd64.manifest, oci_manifest_type, "amd64"), armv7_entry,
                                        attestation}))
                      .dump(),
                  oci_index_type)
        .image("", amd64)
        .image("", armv7)
        .image("", attested);
    TestHttpServer server(registry.handler());

    for (const char *tag : {"empty", "only-attestations", "mixed"}) {
        INFO(tag);
        auto result =
            run_digestx({"--timeout", "10", "digest", "--platform", "linux/s390x", app_ref(server, ":") + tag});
        check_failure(result, 3);
        CHECK_THAT(error_line(result), Catch::Contains("no manifest for linux/s390x"));
    }
    // B14: the unknown entry is skipped, not an error, and the known ones are chosen from.
    auto chosen = run_digestx({"--timeout", "10", "digest", "--platform", "linux/amd64", app_ref(server, ":mixed")});
    check_success(chosen);
    CHECK(chosen.out == amd64.manifest_digest + "\n");
    auto tree = run_digestx({"--timeout", "10", "-o", "json", "inspect", app_ref(server, ":mixed")});
    check_success(tree);
    CHECK_THAT(tree.out, Catch::Contains("application/vnd.example.future.manifest.v9+json"));
}

TEST_CASE("B16: a config blob with the wrong size, not JSON, or over the cap is an integrity failure",
          "[faults][B16]") {
    struct Row {
        const char *name;
        std::string served;   // the blob's bytes
        std::string declared; // what the manifest's descriptor hashes and sizes
        std::string expected;
    };
    const std::string not_json = "this is not JSON";
    auto row = GENERATE_COPY(values<Row>({
        {"size differs from the descriptor", image_config + " ", image_config + " ", ""},
        {"not JSON", not_json, not_json, "JSON"},
        {"over the cap", std::string(2 * 1024 * 1024, ' ') + image_config,
         std::string(2 * 1024 * 1024, ' ') + image_config, "limit"},
    }));
    INFO(row.name);
    Json manifest = manifest_of(row.declared);
    if (std::string(row.name) == "size differs from the descriptor") manifest["config"]["size"] = image_config.size();
    FakeRegistry registry;
    registry.manifest("1", manifest.dump()).blob(row.served);
    TestHttpServer server(registry.handler());
    auto result = run_digestx({"--timeout", "10", "--max-manifest-bytes", "1048576", "config", app_ref(server, ":1")});
    check_failure(result, 5);
    CHECK_THAT(error_line(result), Catch::Contains(row.expected));
}

TEST_CASE("B17: hostile strings in content are escaped, and layer urls are never fetched", "[faults][B17]") {
    TestHttpServer foreign([](const RecordedRequest &) { return status_only(200); });
    Json manifest = manifest_of(image_config);
    manifest["annotations"] = {{"org.opencontainers.image.title", "evil\n::set-output name=x::y\x1b]8;;http://x\x07"},
                               {"note", "bidi \xE2\x80\xAE txt.exe"}};
    manifest["layers"][0]["urls"] = Json::array({foreign.base_url() + "/layer", "http://169.254.169.254/latest"});
    FakeRegistry registry;
    registry.manifest("1", manifest.dump()).blob(image_config);
    TestHttpServer server(registry.handler());

    auto text = run_digestx({"--timeout", "10", "inspect", app_ref(server, ":1")});
    check_success(text, text.err.empty() ? 0 : 1);
    CHECK(text.out.find('\x1b') == std::string::npos);
    CHECK(text.out.find("\n::set-output") == std::string::npos);
    CHECK(text.out.find("\xE2\x80\xAE") == std::string::npos);
    auto json = run_digestx({"--timeout", "10", "-o", "json", "inspect", app_ref(server, ":1")});
    REQUIRE(json.exit_code == 0);
    CHECK(json.out.find('\x1b') == std::string::npos);
    CHECK_NOTHROW(nlohmann::json::parse(json.out));
    CHECK(foreign.requests().empty());
}

TEST_CASE("B18: embedded data that disagrees with its descriptor is never trusted", "[faults][B18]") {
    Json manifest = manifest_of(image_config);
    // base64 of a different config: the data claims to be the config but hashes elsewhere.
    manifest["config"]["data"] = "eyJhcmNoaXRlY3R1cmUiOiJhcm02NCJ9";
    FakeRegistry registry;
    registry.manifest("1", manifest.dump()).blob(image_config);
    TestHttpServer server(registry.handler());
    auto config = run_digestx({"--timeout", "10", "config", app_ref(server, ":1")});
    INFO(config.err);
    CHECK(config.exit_code == 0);
    CHECK(config.out == image_config);
    // The catalogue allows --strict to refuse instead; digestx ignores the data in both modes.
    CHECK(count_requests(server, "GET", app_blobs + digest_of(image_config)) == 1);
}

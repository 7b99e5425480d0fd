#include <catch2/catch.hpp>

#include "digestx/core/model.hpp"

using digestx::Digest;
using digestx::ErrorCode;
using digestx::parse_image_config;

namespace {

const std::string diff_a = "sha256:" + std::string(64, 'a');
const std::string diff_b = "sha256:" + std::string(64, 'b');

std::string config_with(const std::string &extra) {
    std::string out = "{\"architecture\":\"arm\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" +
                      diff_a + "\",\"" + diff_b + "\"]}";
    if (!extra.empty()) out += "," + extra;
    return out + "}";
}

} // namespace

TEST_CASE("image config fields are read", "[model][config]") {
    std::string bytes = config_with(
        "\"variant\":\"v7\",\"os.version\":\"10.0.17763\",\"os.features\":[\"win32k\"],"
        "\"created\":\"2021-11-12T17:19:44.795237917Z\","
        "\"config\":{\"Env\":[\"PATH=/bin\"],\"Labels\":{\"maintainer\":\"a\",\"MAINTAINER\":\"b\"}},"
        "\"container_config\":{\"Cmd\":[\"/bin/sh\"]},\"author\":\"someone\","
        "\"history\":[{\"created\":\"2021-11-12T17:19:44Z\",\"created_by\":\"ADD file:x in / \"},"
        "{\"created_by\":\"CMD [\\\"/bin/sh\\\"]\",\"empty_layer\":true,\"comment\":\"c\",\"author\":\"me\"}]");
    auto config = parse_image_config(bytes);
    REQUIRE(config);
    CHECK(config->bytes == bytes);
    CHECK(config->digest == Digest::compute(bytes));
    CHECK(config->os == "linux");
    CHECK(config->architecture == "arm");
    CHECK(config->variant == "v7");
    CHECK(config->os_version == "10.0.17763");
    CHECK(config->os_features == std::vector<std::string>{"win32k"});
    CHECK(config->created == "2021-11-12T17:19:44.795237917Z");
    CHECK(config->rootfs_type == "layers");
    REQUIRE(config->diff_ids.size() == 2);
    CHECK(config->diff_ids[0].str() == diff_a);
    CHECK(config->diff_ids[1].str() == diff_b);
    REQUIRE(config->history.size() == 2);
    CHECK(config->history[0].created == "2021-11-12T17:19:44Z");
    CHECK(config->history[0].created_by == "ADD file:x in / ");
    CHECK_FALSE(config->history[0].empty_layer);
    CHECK(config->history[1].empty_layer);
    CHECK(config->history[1].comment == "c");
    CHECK(config->history[1].author == "me");
}

TEST_CASE("minimal and unusual image configs are read", "[model][config]") {
    struct Case {
        std::string bytes;
        std::size_t diff_ids;
        std::size_t history;
    };
    std::vector<Case> cases = {
        {"{}", 0, 0},
        {"{\"rootfs\":null,\"history\":null}", 0, 0},
        {"{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", 0, 0},
        {"{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"blake3:" + std::string(64, 'c') + "\"]}}", 1, 0},
        {"{\"history\":[{},{}]}", 0, 2},
        {config_with("\"Container\":\"x\",\"container\":\"y\""), 2, 0},
        {config_with("\"unknown\":{\"deep\":[[[1]]]}"), 2, 0},
    };
    for (const auto &c : cases) {
        INFO(c.bytes);
        auto config = parse_image_config(c.bytes);
        REQUIRE(config);
        CHECK(config->diff_ids.size() == c.diff_ids);
        CHECK(config->history.size() == c.history);
        CHECK(config->digest == Digest::compute(c.bytes));
    }
    auto blake = parse_image_config(cases[3].bytes);
    REQUIRE(blake);
    CHECK_FALSE(blake->diff_ids[0].verifiable());
}

TEST_CASE("malformed image configs are refused", "[model][config][B16]") {
    struct Case {
        std::string bytes;
        std::string message;
    };
    std::vector<Case> cases = {
        {"", "empty image config"},
        {"\xEF\xBB\xBF{}", "malformed JSON in image config at byte 1: leading UTF-8 byte order mark"},
        {"{} {}", "malformed JSON in image config at byte 4"},
        {"{\"os\":\"linux\",}", "malformed JSON in image config"},
        {"{\"os\":\"linux\",\"os\":\"windows\"}", "duplicate JSON key \"os\""},
        {"{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}", "JSON nesting deeper than 64"},
        {"[]", "image config is not a JSON object"},
        {"\"x\"", "image config is not a JSON object"},
        {"{\"OS\":\"linux\"}", "ambiguous image config: key \"OS\" differs only in case from \"os\""},
        {"{\"os\":\"linux\",\"OS\":\"windows\"}",
         "ambiguous image config: key \"OS\" differs only in case from \"os\""},
        {"{\"Architecture\":\"amd64\"}",
         "ambiguous image config: key \"Architecture\" differs only in case from \"architecture\""},
        {"{\"RootFS\":{}}", "ambiguous image config: key \"RootFS\" differs only in case from \"rootfs\""},
        {"{\"rootfs\":{\"Diff_IDs\":[]}}",
         "ambiguous image config: key \"Diff_IDs\" differs only in case from \"diff_ids\" in image config rootfs"},
        {"{\"history\":[{\"Empty_Layer\":true}]}", "ambiguous image config: key \"Empty_Layer\" differs only in case "
                                                   "from \"empty_layer\" in image config history "
                                                   "entry 0"},
        {"{\"os\":5}", "field \"os\" must be a string in image config"},
        {"{\"created\":1637000000}", "field \"created\" must be a string in image config"},
        {"{\"os.features\":\"x\"}", "field \"os.features\" must be an array of strings in image config"},
        {"{\"rootfs\":[]}", "field \"rootfs\" must be an object in image config"},
        {"{\"rootfs\":{\"type\":1}}", "field \"type\" must be a string in image config rootfs"},
        {"{\"rootfs\":{\"diff_ids\":\"sha256:x\"}}",
         "field \"diff_ids\" must be an array of strings in image config rootfs"},
        {"{\"rootfs\":{\"diff_ids\":[\"" + diff_a + "\",\"sha256:../x\"]}}",
         "invalid digest in rootfs.diff_ids entry 1: invalid digest format: expected algorithm:encoded"},
        {"{\"rootfs\":{\"diff_ids\":[\"sha256:ABC\"]}}",
         "invalid digest in rootfs.diff_ids entry 0: invalid digest format: sha256 digest must be 64 lowercase hex"},
        {"{\"history\":{}}", "field \"history\" must be an array in image config"},
        {"{\"history\":[1]}", "image config history entry 0 is not an object"},
        {"{\"history\":[{},{\"empty_layer\":\"true\"}]}",
         "field \"empty_layer\" must be a boolean in image config history entry 1"},
        {"{\"history\":[{\"created_by\":[]}]}",
         "field \"created_by\" must be a string in image config history entry 0"},
    };
    for (const auto &c : cases) {
        INFO(c.bytes.substr(0, 200));
        auto config = parse_image_config(c.bytes);
        REQUIRE_FALSE(config);
        CHECK(config.error().code == ErrorCode::Integrity);
        CHECK_THAT(config.error().message, Catch::StartsWith(c.message));
    }
}

#include <catch2/catch.hpp>

#include <limits>

#include <pthread.h>

#include "digestx/core/json.hpp"

using digestx::as_non_negative_integer;
using digestx::ErrorCode;
using digestx::fold_json_key;
using digestx::JsonReadOptions;
using digestx::parse_json_strict;

namespace {

std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

std::string nested_objects(std::size_t depth) {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i)
        text += "{\"a\":";
    text += "1";
    text += std::string(depth, '}');
    return text;
}

std::string repeat(std::string_view unit, std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i)
        text += unit;
    return text;
}

} // namespace

TEST_CASE("strict JSON accepts well-formed values", "[json]") {
    std::vector<std::string> inputs = {
        "{}",
        "[]",
        "\"text\"",
        "0",
        "-1",
        "1.5",
        "true",
        "false",
        "null",
        " \t\r\n{} \t\r\n",
        "{\"a\":[1,2,{\"b\":null}]}",
        "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",
        "\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\"",
        "{\"\xC3\x89\":1,\"\xC3\xA9\":2}", // non-ASCII case pairs never match a Go field name
        "{\"a\":1,\"b\":2,\"ab\":3,\"a.b\":4}",
        "[18446744073709551615,-9223372036854775808,1e308,-0,0.0]",
        "{\"annotations\":{\"org.opencontainers.image.title\":\"x\"}}",
        "{\"\":1}",
        nested_arrays(64),
        nested_objects(64),
    };
    for (const auto &input : inputs) {
        INFO(input);
        auto parsed = parse_json_strict(input);
        CHECK(parsed.has_value());
    }
}

TEST_CASE("strict JSON keeps the values and their number classes", "[json]") {
    auto parsed = parse_json_strict(R"({"u":12,"n":-5,"f":1.5,"e":1e3,"s":"12","big":18446744073709551615})");
    REQUIRE(parsed);
    const auto &value = *parsed;
    CHECK(value["u"].is_number_unsigned());
    CHECK(value["u"].get<long>() == 12);
    CHECK(value["n"].is_number_integer());
    CHECK_FALSE(value["n"].is_number_unsigned());
    CHECK(value["f"].is_number_float());
    CHECK(value["e"].is_number_float());
    CHECK(value["s"].is_string());
    CHECK(value["big"].is_number_unsigned());
    CHECK(value["big"].get<unsigned long long>() == std::numeric_limits<unsigned long long>::max());
    CHECK(value.size() == 6);
}

TEST_CASE("strict JSON refuses malformed input with the byte position", "[json][B8]") {
    struct Case {
        std::string input;
        std::string message_part;
    };
    std::vector<Case> cases = {
        {"", "empty manifest"},
        {"\xEF\xBB\xBF{}", "at byte 1: leading UTF-8 byte order mark"},
        {"\xEF\xBB\xBF", "byte order mark"},
        {" ", "malformed JSON in manifest at byte 1: syntax error while parsing value - unexpected end of input"},
        {"\n\n", "malformed JSON in manifest at byte 2: syntax error while parsing value - unexpected end of input"},
        {"{} x", "malformed JSON in manifest at byte 4"},
        {"{}{}", "malformed JSON in manifest at byte 3"},
        {"{}]", "malformed JSON in manifest at byte 3"},
        {std::string("{}\0", 3), "malformed JSON in manifest at byte 3: NUL byte"},
        {std::string("{}\0{\"a\":1}", 10), "malformed JSON in manifest at byte 3: NUL byte"},
        {std::string("{\"a\":\"x\0y\"}", 11), "malformed JSON in manifest at byte 8: NUL byte"},
        {std::string("\0", 1), "malformed JSON in manifest at byte 1: NUL byte"},
        {std::string("[1,\0]", 5), "malformed JSON in manifest at byte 4: NUL byte"},
        {std::string("x\0", 2), "malformed JSON in manifest at byte 1: syntax error"},
        {std::string("{\"a\":1,\"a\":2}\0", 14), "duplicate JSON key \"a\""},
        {"[1] [2]", "malformed JSON in manifest at byte 5"},
        {"{\"a\":", "malformed JSON in manifest at byte 5"},
        {"{\"a\"", "malformed JSON in manifest"},
        {"[1,2", "malformed JSON in manifest"},
        {"\"abc", "malformed JSON in manifest"},
        {"{", "malformed JSON in manifest at byte 1"},
        {"NaN", "malformed JSON in manifest at byte 1"},
        {"[NaN]", "malformed JSON in manifest at byte 2"},
        {"{\"size\":NaN}", "malformed JSON in manifest at byte 9"},
        {"Infinity", "malformed JSON"},
        {"-Infinity", "malformed JSON"},
        {"[1e400]", "malformed JSON in manifest at byte 6: number overflow parsing '1e400'"},
        {"[-1e400]", "number overflow parsing '-1e400'"},
        {"// c\n{}", "malformed JSON in manifest at byte 1"},
        {"/* c */{}", "malformed JSON"},
        {"{\"a\":1 /* c */}", "malformed JSON"},
        {"{\"a\":1 # c\n}", "malformed JSON"},
        {"{\"a\":1,}", "malformed JSON"},
        {"[1,]", "malformed JSON in manifest at byte 4"},
        {"{'a':1}", "malformed JSON"},
        {"{a:1}", "malformed JSON"},
        {"\"\xFF\"", "malformed JSON in manifest at byte 2"},
        {"\"\xC0\xAF\"", "malformed JSON"},
        {"\"\xED\xA0\x80\"", "malformed JSON"},
        {"\"\xE2\x82\"", "malformed JSON"},
        {"\"\xF4\x90\x80\x80\"", "malformed JSON"},
        {"{\"k\xFF\":1}", "malformed JSON"},
        {"\"a\x01\"", "malformed JSON"},
        {"\"a\nb\"", "malformed JSON"},
        {"\"\\ud800\"", "malformed JSON"},
        {"\"\\udc00\"", "malformed JSON"},
        {"\"\\x41\"", "malformed JSON"},
        {"\"\\u12\"", "malformed JSON"},
        {"01", "malformed JSON"},
        {"+1", "malformed JSON"},
        {".5", "malformed JSON"},
        {"1.", "malformed JSON"},
        {"0x10", "malformed JSON"},
        {"1e", "malformed JSON"},
        {"tru", "malformed JSON"},
        {"nul", "malformed JSON"},
        {"True", "malformed JSON"},
        {"\xFF{}", "malformed JSON in manifest at byte 1"},
    };
    for (const auto &c : cases) {
        INFO(c.input);
        auto parsed = parse_json_strict(c.input);
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().code == ErrorCode::Integrity);
        CHECK_THAT(parsed.error().message, Catch::Contains(c.message_part));
        CHECK(parsed.error().message.find('\n') == std::string::npos);
    }
}

TEST_CASE("strict JSON names what it was reading", "[json]") {
    JsonReadOptions options;
    options.what = "image config";
    auto empty = parse_json_strict("", options);
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message == "empty image config");
    auto broken = parse_json_strict("[1,]", options);
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::StartsWith("malformed JSON in image config at byte 4: "));
}

TEST_CASE("strict JSON refuses duplicate and case-variant keys", "[json][B5]") {
    struct Case {
        std::string input;
        std::string message;
    };
    std::vector<Case> cases = {
        {R"({"a":1,"a":2})", "duplicate JSON key \"a\""},
        {R"({"mediaType":"x","mediaType":"y"})", "duplicate JSON key \"mediaType\""},
        {R"({"a":{"b":1,"b":1}})", "duplicate JSON key \"b\""},
        {R"([{"x":1},{"x":1,"x":1}])", "duplicate JSON key \"x\""},
        {R"({"a":1,"b":2,"a":3})", "duplicate JSON key \"a\""},
        {R"({"mediaType":"x","MediaType":"y"})", "case-variant JSON keys \"mediaType\" and \"MediaType\""},
        {R"({"layers":[],"LAYERS":[]})", "case-variant JSON keys \"layers\" and \"LAYERS\""},
        {R"({"manifests":[],"Manifests":[]})", "case-variant JSON keys \"manifests\" and \"Manifests\""},
        {R"({"a":{"size":1,"Size":2}})", "case-variant JSON keys \"size\" and \"Size\""},
        {"{\"size\":1,\"\xC5\xBFize\":2}", "case-variant JSON keys \"size\" and \"\xC5\xBFize\""},
        {"{\"kind\":1,\"\\u212aind\":2}", "case-variant JSON keys \"kind\" and \"\xE2\x84\xAAind\""},
        {"{\"a\\u0062\":1,\"ab\":2}", "duplicate JSON key \"ab\""},
        {"{\"a\\n\":1,\"a\\n\":2}", "duplicate JSON key \"a\\n\""},
    };
    for (const auto &c : cases) {
        INFO(c.input);
        auto parsed = parse_json_strict(c.input);
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().code == ErrorCode::Integrity);
        CHECK(parsed.error().message == c.message);
    }
}

TEST_CASE("case-variant keys can be allowed, duplicates never", "[json]") {
    JsonReadOptions options;
    options.allow_case_variant_keys = true;
    auto labels = parse_json_strict(R"({"Labels":{"maintainer":"a","MAINTAINER":"b"}})", options);
    REQUIRE(labels);
    CHECK((*labels)["Labels"].size() == 2);
    auto duplicate = parse_json_strict(R"({"a":1,"a":1})", options);
    REQUIRE_FALSE(duplicate);
    CHECK(duplicate.error().message == "duplicate JSON key \"a\"");
}

TEST_CASE("duplicate keys can be allowed, the last value winning as in Go", "[json]") {
    // libtrust ParsePrettySignature reads a schema1 document as a Go map: a repeated key keeps
    // its last value. Everything else stays as strict.
    JsonReadOptions options;
    options.allow_duplicate_keys = true;
    auto repeated = parse_json_strict(R"({"a":1,"b":{"c":1,"c":[2]},"a":3})", options);
    REQUIRE(repeated);
    CHECK((*repeated)["a"] == 3);
    CHECK((*repeated)["b"]["c"] == nlohmann::json::array({2}));
    auto variant = parse_json_strict(R"({"a":1,"A":2})", options);
    REQUIRE_FALSE(variant);
    CHECK(variant.error().message == "case-variant JSON keys \"a\" and \"A\"");
    auto variant_later = parse_json_strict(R"({"a":1,"a":2,"A":2})", options);
    REQUIRE_FALSE(variant_later);
    CHECK_FALSE(parse_json_strict("\xEF\xBB\xBF{}", options));
}

TEST_CASE("strict JSON caps nesting while reading", "[json][B7]") {
    struct Case {
        std::string input;
        bool accepted;
    };
    std::vector<Case> cases = {
        {nested_arrays(1), true},
        {nested_arrays(63), true},
        {nested_arrays(64), true},
        {nested_arrays(65), false},
        {nested_objects(64), true},
        {nested_objects(65), false},
        {"{\"a\":" + nested_arrays(63) + "}", true},
        {"{\"a\":" + nested_arrays(64) + "}", false},
        {"{\"a\":" + nested_arrays(100000) + "}", false},
        {nested_arrays(100000), false},
        {nested_objects(100000), false},
        {std::string(100000, '['), false},  // truncated as well: depth is seen first
        {repeat("{\"a\":", 100000), false}, // truncated objects: depth is seen first
    };
    for (const auto &c : cases) {
        INFO("input of " << c.input.size() << " bytes, expected " << (c.accepted ? "accepted" : "refused"));
        auto parsed = parse_json_strict(c.input);
        CHECK(parsed.has_value() == c.accepted);
        if (!c.accepted && !parsed) {
            CHECK(parsed.error().code == ErrorCode::Integrity);
            if (c.input.size() > 200) CHECK(parsed.error().message == "JSON nesting deeper than 64");
        }
        if (parsed) {
            // Copy and dump recurse in nlohmann: both must be safe on anything accepted.
            nlohmann::json copy = *parsed;
            CHECK_FALSE(copy.dump().empty());
        }
    }
}

TEST_CASE("the nesting cap is configurable", "[json][B7]") {
    JsonReadOptions options;
    options.max_depth = 3;
    CHECK(parse_json_strict("[[[]]]", options).has_value());
    auto deep = parse_json_strict("[[[[]]]]", options);
    REQUIRE_FALSE(deep);
    CHECK(deep.error().message == "JSON nesting deeper than 3");
    options.max_depth = 1;
    CHECK(parse_json_strict("[1,2]", options).has_value());
    CHECK_FALSE(parse_json_strict("[[1]]", options).has_value());
}

TEST_CASE("keys fold as Go compares field names", "[json]") {
    struct Case {
        std::string key;
        std::string folded;
    };
    std::vector<Case> cases = {
        {"mediaType", "mediatype"},
        {"MEDIATYPE", "mediatype"},
        {"os.version", "os.version"},
        {"OS.Version", "os.version"},
        {"diff_ids", "diff_ids"},
        {"\xC5\xBFize", "size"},
        {"\xE2\x84\xAA"
         "ey",
         "key"},
        {"\xC3\x89t\xC3\xA9", "\xC3\x89t\xC3\xA9"},
        {"", ""},
        {"A1-_Z", "a1-_z"},
    };
    for (const auto &c : cases) {
        INFO(c.key);
        CHECK(fold_json_key(c.key) == c.folded);
    }
}

TEST_CASE("only non-negative int64 integers are sizes", "[json][B9]") {
    struct Case {
        std::string input;
        std::optional<std::int64_t> expected;
    };
    std::vector<Case> cases = {
        {"0", 0},
        {"12", 12},
        {"2809473", 2809473},
        {"-0", 0},
        {"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
        {"9223372036854775808", std::nullopt},
        {"18446744073709551615", std::nullopt},
        {"18446744073709551616", std::nullopt},
        {"-1", std::nullopt},
        {"-9223372036854775808", std::nullopt},
        {"1e3", std::nullopt},
        {"1E3", std::nullopt},
        {"1.5", std::nullopt},
        {"1.0", std::nullopt},
        {"0.0", std::nullopt},
        {"1e30", std::nullopt},
        {"\"12\"", std::nullopt},
        {"true", std::nullopt},
        {"null", std::nullopt},
        {"[]", std::nullopt},
        {"{}", std::nullopt},
    };
    for (const auto &c : cases) {
        INFO(c.input);
        auto parsed = parse_json_strict(c.input);
        REQUIRE(parsed);
        CHECK(as_non_negative_integer(*parsed) == c.expected);
    }
}

namespace {

struct SmallStackRun {
    const std::string *input;
    bool refused_for_depth = false;
};

void *parse_on_small_stack(void *argument) {
    auto *run = static_cast<SmallStackRun *>(argument);
    auto parsed = parse_json_strict(*run->input);
    run->refused_for_depth = !parsed && parsed.error().message == "JSON nesting deeper than 64";
    return nullptr;
}

} // namespace

TEST_CASE("deep nesting is refused without recursion, even on a small stack", "[json][B7]") {
    // nlohmann's SAX parser keeps its own stack of states, and the builder stops at depth 64:
    // a 256 KiB thread stack (sanitizer frames included) is plenty for 100000 levels.
    for (const std::string &input : {nested_arrays(100000), nested_objects(100000),
                                     "{\"a\":" + nested_arrays(100000) + "}", repeat("[{\"a\":", 50000)}) {
        SmallStackRun run{&input};
        pthread_attr_t attributes;
        REQUIRE(pthread_attr_init(&attributes) == 0);
        REQUIRE(pthread_attr_setstacksize(&attributes, 256U * 1024U) == 0);
        pthread_t thread;
        REQUIRE(pthread_create(&thread, &attributes, parse_on_small_stack, &run) == 0);
        REQUIRE(pthread_join(thread, nullptr) == 0);
        pthread_attr_destroy(&attributes);
        CHECK(run.refused_for_depth);
    }
}

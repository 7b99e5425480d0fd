#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/registry/headers.hpp"

using digestx::net::Header;
using digestx::net::HttpResponse;
using digestx::registry::next_link;
using digestx::registry::read_header_digest;
using digestx::registry::warning_texts;

namespace {

HttpResponse with_headers(std::vector<Header> headers) {
    HttpResponse response;
    response.status = 200;
    response.headers = std::move(headers);
    return response;
}

const std::string hex64 = std::string(64, 'a');
const std::string hex128 = std::string(128, 'b');

} // namespace

TEST_CASE("Docker-Content-Digest is read only when it is one valid digest (B3)", "[registry][headers]") {
    struct Row {
        std::vector<Header> headers;
        bool usable;
        std::string problem_part;
    };
    const std::vector<Row> rows = {
        {{{"docker-content-digest", "sha256:" + hex64}}, true, ""},
        {{{"docker-content-digest", "  sha256:" + hex64 + " "}}, true, ""},
        {{{"docker-content-digest", "sha512:" + hex128}}, true, ""},
        {{}, false, ""},
        // Huawei's registry and kaniko#298: a bare hex value.
        {{{"docker-content-digest", hex64}}, false, "not a usable digest"},
        {{{"docker-content-digest", "sha256:abc"}}, false, "not a usable digest"},
        {{{"docker-content-digest", "sha256:" + std::string(64, 'A')}}, false, "not a usable digest"},
        {{{"docker-content-digest", "md5:" + std::string(32, 'c')}}, false, "not a usable digest"},
        {{{"docker-content-digest", "sha256:" + hex64}, {"docker-content-digest", "sha256:" + hex64}},
         false,
         "2 Docker-Content-Digest headers"},
        {{{"docker-content-digest", "sha256:" + hex64 + ", sha256:" + hex64}}, false, "several values"},
        {{{"docker-content-digest", "sha256:" + std::string(10240, 'a')}}, false, "of 10247 bytes"},
        {{{"docker-content-digest", ""}}, false, "not a usable digest"},
    };
    for (const auto &row : rows) {
        INFO("headers: " << (row.headers.empty() ? "(none)" : row.headers.front().second.substr(0, 80)) << " x"
                         << row.headers.size());
        auto reading = read_header_digest(with_headers(row.headers));
        CHECK(reading.digest.has_value() == row.usable);
        CHECK(reading.shown.has_value() == !row.headers.empty());
        if (reading.shown) CHECK(reading.shown->size() <= 170);
        if (row.problem_part.empty()) {
            CHECK(reading.problem.empty());
        } else {
            CHECK_THAT(reading.problem, Catch::Contains(row.problem_part));
        }
    }
}

TEST_CASE("a Docker-Content-Digest with escapes is shown sanitized", "[registry][headers]") {
    auto reading = read_header_digest(with_headers({{"docker-content-digest", "sha256:\x1b[31mred\n::error::x"}}));
    REQUIRE(reading.shown);
    CHECK_FALSE(reading.digest);
    CHECK(reading.shown->find('\x1b') == std::string::npos);
    CHECK(reading.shown->find('\n') == std::string::npos);
    CHECK_THAT(*reading.shown, Catch::Contains("\\x1b"));
}

TEST_CASE("Warning headers: the text of code 299 only (C16)", "[registry][headers]") {
    struct Row {
        std::vector<std::string> values;
        std::vector<std::string> texts;
    };
    const std::vector<Row> rows = {
        {{R"(299 - "this registry is deprecated")"}, {"this registry is deprecated"}},
        {{R"(299 - "a", 299 - "b")"}, {"a", "b"}},
        {{R"(299 - "a" "Wed, 21 Oct 2015 07:28:00 GMT", 299 - "b")"}, {"a", "b"}},
        {{R"(299 - "quote \" inside")"}, {"quote \" inside"}},
        {{R"(199 - "misc")", R"(299 registry.example "kept")"}, {"kept"}},
        {{R"(299 - "unterminated)"}, {}},
        {{"garbage"}, {}},
        {{}, {}},
    };
    for (const auto &row : rows) {
        std::vector<Header> headers;
        for (const auto &value : row.values)
            headers.emplace_back("warning", value);
        INFO("values: " << (row.values.empty() ? "(none)" : row.values.front()));
        CHECK(warning_texts(with_headers(headers)) == row.texts);
    }
}

TEST_CASE("Link rel=next is found among links and parameters", "[registry][headers]") {
    struct Row {
        std::vector<std::string> values;
        std::optional<std::string> next;
    };
    const std::vector<Row> rows = {
        {{R"(</v2/app/tags/list?n=2&last=b>; rel="next")"}, "/v2/app/tags/list?n=2&last=b"},
        {{R"(<https://reg.example/v2/app/tags/list?last=b>; rel=next)"}, "https://reg.example/v2/app/tags/list?last=b"},
        {{R"(</first>; rel="prev", </second>; rel="next")"}, "/second"},
        {{R"(</a>; title="x, y"; rel="next")"}, "/a"},
        {{R"(</a>; rel="prefetch next")"}, "/a"},
        {{R"(</a>; REL="Next")"}, "/a"},
        {{R"(</a>; rel="prev")"}, std::nullopt},
        {{R"(</a>; rel="prev")", R"(</b>; rel="next")"}, "/b"},
        {{"no angle brackets; rel=next"}, std::nullopt},
        {{"</unterminated; rel=next"}, std::nullopt},
        {{}, std::nullopt},
    };
    for (const auto &row : rows) {
        std::vector<Header> headers;
        for (const auto &value : row.values)
            headers.emplace_back("link", value);
        INFO("values: " << (row.values.empty() ? "(none)" : row.values.front()));
        CHECK(next_link(with_headers(headers)) == row.next);
    }
}

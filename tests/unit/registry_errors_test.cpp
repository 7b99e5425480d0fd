#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/registry/errors.hpp"

using digestx::ErrorCode;
using digestx::net::HttpResponse;
using digestx::registry::parse_error_body;
using digestx::registry::RequestSubject;
using digestx::registry::response_error;

namespace {

HttpResponse answer(int status, std::string body, std::vector<digestx::net::Header> headers = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    return response;
}

std::string errors(const std::string &code, const std::string &message) {
    return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})";
}

RequestSubject manifest_subject(std::string reference = "3.12") {
    return RequestSubject{RequestSubject::Kind::Manifest, "reg.example", "library/alpine", std::move(reference), true};
}

} // namespace

TEST_CASE("registry errors map onto the exit-code contract", "[registry][errors]") {
    struct Row {
        int status;
        std::string body;
        ErrorCode code;
        std::string message_part;
    };
    const std::string digest = "sha256:" + std::string(64, 'a');
    const std::vector<Row> rows = {
        {404, errors("MANIFEST_UNKNOWN", "manifest unknown"), ErrorCode::NotFound,
         R"(manifest unknown: tag "3.12" not found in repository reg.example/library/alpine)"},
        {404, errors("NAME_UNKNOWN", "repository name not known to registry"), ErrorCode::NotFound,
         "repository not found: reg.example/library/alpine"},
        {404, "", ErrorCode::NotFound, "HTTP 404 Not Found, no error details"},
        {404, errors("BLOB_UNKNOWN", "blob unknown"), ErrorCode::NotFound, "manifest unknown"},
        // Docker Hub answers some missing repositories with 401 and a code; the code decides.
        {401, errors("NAME_UNKNOWN", "x"), ErrorCode::NotFound, "repository not found"},
        {401, errors("UNAUTHORIZED", "authentication required"), ErrorCode::Auth, "denied"},
        {403, errors("DENIED", "requested access to the resource is denied"), ErrorCode::Auth,
         "DENIED: requested access to the resource is denied"},
        {403, "", ErrorCode::Auth, "HTTP 403 Forbidden"},
        {429, errors("TOOMANYREQUESTS", "You have reached your pull rate limit"), ErrorCode::RateLimited,
         "rate limited by reg.example"},
        {200, errors("TOOMANYREQUESTS", "x"), ErrorCode::RateLimited, "authenticate to raise limits"},
        {503, errors("UNAVAILABLE", "service unavailable"), ErrorCode::Network,
         "HTTP 503 Service Unavailable; registry: UNAVAILABLE: service unavailable"},
        {500, "", ErrorCode::Network, "failed after retries (HTTP 500 Internal Server Error"},
        {522, "", ErrorCode::Network, "HTTP 522"},
        {400, errors("MANIFEST_INVALID", "manifest invalid"), ErrorCode::Integrity, "unexpected status"},
        {405, "", ErrorCode::Integrity, "HTTP 405 Method Not Allowed"},
        // C8: not JSON, or JSON without `errors`: status, reason and the start of the body.
        {502, "<html><body>Bad Gateway</body></html>", ErrorCode::Network, "HTTP 502 Bad Gateway: <html><body>Bad"},
        {429, "Too Many Requests (HAP429).", ErrorCode::RateLimited, "Too Many Requests (HAP429)."},
        {404, R"({"message":"not here"})", ErrorCode::NotFound, R"(: {"message":"not here"})"},
    };
    for (const auto &row : rows) {
        INFO(row.status << " " << row.body);
        auto error = response_error(answer(row.status, row.body), manifest_subject());
        CHECK(error.code == row.code);
        CHECK(error.http_status == row.status);
        CHECK_THAT(error.message, Catch::Contains(row.message_part));
        CHECK(error.message.find('\n') == std::string::npos);
    }
}

TEST_CASE("not-found messages name what was asked for", "[registry][errors]") {
    const std::string digest = "sha256:" + std::string(64, 'a');
    struct Row {
        RequestSubject::Kind kind;
        std::string reference;
        std::string expected;
    };
    const std::vector<Row> rows = {
        {RequestSubject::Kind::Manifest, "latest", R"(manifest unknown: tag "latest" not found in repository)"},
        {RequestSubject::Kind::Manifest, digest, "manifest unknown: " + digest + " not found in repository"},
        {RequestSubject::Kind::Blob, digest, "blob unknown: " + digest + " not found in repository"},
        {RequestSubject::Kind::Tags, "", "repository not found: reg.example/library/alpine"},
        {RequestSubject::Kind::Referrers, digest, "referrers of " + digest},
    };
    for (const auto &row : rows) {
        INFO(row.reference);
        RequestSubject subject{row.kind, "reg.example", "library/alpine", row.reference, true};
        auto error = response_error(answer(404, ""), subject);
        CHECK(error.code == ErrorCode::NotFound);
        CHECK_THAT(error.message, Catch::StartsWith(row.expected));
    }
}

TEST_CASE("huge, many and hostile error bodies are bounded and escaped (C9)", "[registry][errors]") {
    SECTION("10000 entries: three shown, the rest counted") {
        std::string body = R"({"errors":[)";
        for (int i = 0; i < 10000; ++i)
            body +=
                (i > 0 ? "," : "") + std::string(R"({"code":"DENIED","message":"entry )") + std::to_string(i) + "\"}";
        body += "]}";
        auto error = response_error(answer(403, body), manifest_subject());
        CHECK(error.code == ErrorCode::Auth);
        CHECK_THAT(error.message, Catch::Contains("entry 2") && Catch::Contains("and 97+ more"));
        CHECK_THAT(error.message, !Catch::Contains("entry 3"));
        CHECK(error.registry_codes.size() == 3);
        CHECK(error.message.size() < 1200);
    }
    SECTION("ANSI escapes and newlines in code, message and detail") {
        std::string body =
            R"({"errors":[{"code":"DENIED\u001b[2J","message":"line\n::error::pwned\u001b]8;;http://x\u0007","detail":{"k":"\u001b[31m"}}]})";
        auto error = response_error(answer(403, body), manifest_subject());
        CHECK(error.message.find('\x1b') == std::string::npos);
        CHECK(error.message.find('\n') == std::string::npos);
        CHECK(error.message.find('\a') == std::string::npos);
        CHECK_THAT(error.message, Catch::Contains("\\n::error::pwned"));
    }
    SECTION("a 1 MB non-JSON body is cut to 200 characters") {
        std::string body = std::string(1 << 20, 'x');
        auto error = response_error(answer(502, body), manifest_subject());
        CHECK(error.code == ErrorCode::Network);
        CHECK_THAT(error.message, Catch::Contains(std::string(200, 'x') + "…"));
        CHECK_THAT(error.message, !Catch::Contains(std::string(201, 'x')));
    }
    SECTION("an HTML page with control characters") {
        auto error = response_error(answer(500, "<h1>\x1b[1mboom\r\n</h1>"), manifest_subject());
        CHECK(error.message.find('\x1b') == std::string::npos);
        CHECK(error.message.find('\r') == std::string::npos);
    }
    SECTION("deeply nested JSON is treated as not an error document") {
        std::string body = R"({"errors":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
        auto error = response_error(answer(404, body), manifest_subject());
        CHECK(error.code == ErrorCode::NotFound);
        CHECK(error.message.size() < 1000);
    }
}

TEST_CASE("error bodies are parsed leniently", "[registry][errors]") {
    struct Row {
        std::string body;
        std::optional<std::size_t> entries;
    };
    const std::vector<Row> rows = {
        {errors("A", "b"), 1},
        {R"({"errors":[]})", 0},
        {R"({"errors":[1,"x",{"code":"C"}]})", 1},
        {R"({"errors":{"code":"C"}})", std::nullopt},
        {R"({"Errors":[{"code":"C"}]})", std::nullopt},
        {"[]", std::nullopt},
        {"", std::nullopt},
        {"not json", std::nullopt},
        {R"({"errors":[{"code":"A"}]} trailing)", std::nullopt},
    };
    for (const auto &row : rows) {
        INFO(row.body);
        auto parsed = parse_error_body(row.body);
        CHECK(parsed.has_value() == row.entries.has_value());
        if (parsed && row.entries) CHECK(parsed->size() == *row.entries);
    }
    auto detail = parse_error_body(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"m","detail":{"Tag":"x"}}]})");
    REQUIRE(detail);
    CHECK(detail->front().detail == R"({"Tag":"x"})");
}

TEST_CASE("a 429 says which limits the registry reported", "[registry][errors]") {
    auto response = answer(429, errors("TOOMANYREQUESTS", "limit"),
                           {{"ratelimit-limit", "100;w=21600"},
                            {"ratelimit-remaining", "0;w=21600"},
                            {"docker-ratelimit-source", "192.0.2.1"}});
    auto anonymous = response_error(response, manifest_subject());
    CHECK(anonymous.code == ErrorCode::RateLimited);
    CHECK_THAT(anonymous.message, Catch::StartsWith("rate limited by reg.example (ratelimit-remaining: 0;w=21600, "
                                                    "source 192.0.2.1); authenticate to raise limits"));
    auto subject = manifest_subject();
    subject.anonymous = false;
    CHECK_THAT(response_error(response, subject).message, !Catch::Contains("authenticate"));
}

TEST_CASE("the C12 answer is recognised", "[registry][errors]") {
    std::string c12 = errors("MANIFEST_UNKNOWN", "OCI index found, but accept header does not support OCI indexes");
    CHECK(digestx::registry::is_oci_index_not_accepted(answer(404, c12)));
    CHECK_FALSE(digestx::registry::is_oci_index_not_accepted(answer(404, errors("MANIFEST_UNKNOWN", "x"))));
    CHECK_FALSE(digestx::registry::is_oci_index_not_accepted(answer(400, c12)));
}

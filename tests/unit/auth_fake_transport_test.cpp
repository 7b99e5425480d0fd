#include <catch2/catch.hpp>

#include <string>

#include "support/fake_transport.hpp"

using digestx::ErrorCode;
using digestx::net::HttpRequest;
using digestx::test::FakeTransport;
using digestx::test::redirect_reply;
using digestx::test::reply;

namespace {

HttpRequest request(const std::string &method, const std::string &url, const std::string &authorization = {}) {
    HttpRequest r;
    r.method = method;
    r.url = url;
    if (!authorization.empty()) r.headers.emplace_back("Authorization", authorization);
    return r;
}

} // namespace

TEST_CASE("the fake transport answers from its script and records everything", "[auth][fake-transport]") {
    FakeTransport transport;
    transport.on("GET", "https://r.example/a", reply(401));
    transport.on("GET", "https://r.example/a", reply(200, "second", {{"Content-Type", "text/plain"}}));
    transport.on("HEAD", "https://r.example/a", reply(200, "no body for HEAD"));
    auto results = transport.perform({request("GET", "https://r.example/a"), request("GET", "https://r.example/a"),
                                      request("GET", "https://r.example/a"), request("HEAD", "https://r.example/a"),
                                      request("GET", "https://r.example/unknown")});
    REQUIRE(results.size() == 5);
    CHECK(results[0]->status == 401);
    CHECK(results[1]->status == 200);
    CHECK(results[1]->body == "second");
    CHECK(results[1]->header("content-type") == "text/plain"); // names lowercased
    CHECK(results[1]->effective_url == "https://r.example/a");
    CHECK(results[2]->status == 200); // the last answer keeps answering
    CHECK(results[3]->body.empty());
    REQUIRE_FALSE(results[4]);
    CHECK(results[4].error().code == ErrorCode::Network);
    CHECK(transport.unscripted() == std::vector<std::string>{"GET https://r.example/unknown"});
    CHECK(transport.requests().size() == 5);
    CHECK(transport.count("GET", "https://r.example/a") == 3);
    CHECK(transport.batches() == 1);
}

TEST_CASE("handlers and the fallback see the request", "[auth][fake-transport]") {
    FakeTransport transport;
    transport.on("GET", "https://r.example/echo",
                 [](const HttpRequest &r) { return reply(200, r.headers.empty() ? "none" : r.headers[0].second); });
    transport.otherwise([](const HttpRequest &r) { return reply(404, r.url); });
    auto echoed = transport.perform_one(request("GET", "https://r.example/echo", "Bearer x"));
    CHECK(echoed->body == "Bearer x");
    auto other = transport.perform_one(request("GET", "https://r.example/other"));
    CHECK(other->status == 404);
    CHECK(other->body == "https://r.example/other");
    CHECK(transport.requests_to("https://r.example/o").size() == 1);
    CHECK(transport.requests()[0].header("AUTHORIZATION") == "Bearer x");
}

TEST_CASE("redirects are followed like the real transport, dropping credentials across origins",
          "[auth][fake-transport]") {
    FakeTransport transport;
    transport.on("GET", "https://r.example/blob", redirect_reply(307, "/moved"));
    transport.on("GET", "https://r.example/moved", redirect_reply(302, "https://cdn.example/x?sig=1"));
    transport.on("GET", "https://cdn.example/x?sig=1", redirect_reply(302, "https://cdn.example/y"));
    transport.on("GET", "https://cdn.example/y", reply(200, "bytes"));
    auto response = transport.perform_one(request("GET", "https://r.example/blob", "Bearer secret"));
    REQUIRE(response);
    CHECK(response->body == "bytes");
    CHECK(response->effective_url == "https://cdn.example/y");
    CHECK(response->redirects ==
          std::vector<std::string>{"https://r.example/moved", "https://cdn.example/x?sig=1", "https://cdn.example/y"});
    const auto &seen = transport.requests();
    REQUIRE(seen.size() == 4);
    CHECK(seen[1].redirect_hop);
    CHECK(seen[1].header("authorization") == "Bearer secret"); // same origin
    CHECK_FALSE(seen[2].header("authorization"));              // left the origin
    CHECK_FALSE(seen[3].header("authorization"));              // and never regained it (CVE-2024-45336)

    auto unfollowed = request("GET", "https://r.example/blob");
    unfollowed.follow_redirects = false;
    auto raw = transport.perform_one(unfollowed);
    CHECK(raw->status == 307);
    CHECK(raw->header("location") == "/moved");
}

TEST_CASE("the body cap fails the request like the real transport", "[auth][fake-transport]") {
    FakeTransport transport;
    auto big = reply(200, "abc");
    big.extra_body_bytes = 100;
    transport.on("GET", "https://r.example/big", big);
    auto capped = request("GET", "https://r.example/big");
    capped.max_body_bytes = 102;
    auto refused = transport.perform_one(capped);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Integrity);
    capped.max_body_bytes = 103;
    auto accepted = transport.perform_one(capped);
    REQUIRE(accepted);
    CHECK(accepted->body.size() == 103);
}

#include <catch2/catch.hpp>

#include "digestx/core/error.hpp"
#include "digestx/core/text.hpp"

using digestx::sanitize;

TEST_CASE("sanitize escapes control and format characters", "[text]") {
    CHECK(sanitize("plain text") == "plain text");
    CHECK(sanitize("line\n::error::owned") == "line\\n::error::owned");
    CHECK(sanitize("\x1b]8;;http://x\x07") == "\\x1b]8;;http://x\\x07");
    CHECK(sanitize("a\rb\tc") == "a\\rb\\tc");
    CHECK(sanitize("bidi \xE2\x80\xAE override") == "bidi \\u{202e} override");
    CHECK(sanitize("c1 \xC2\x9B x") == "c1 \\u{009b} x");
    CHECK(sanitize("bad \xFF utf8") == "bad \\xff utf8");
    CHECK(sanitize("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(sanitize("overlong \xC0\xAF") == "overlong \\xc0\\xaf");
}

TEST_CASE("sanitize truncates long text", "[text]") {
    std::string long_text(2000, 'a');
    auto out = sanitize(long_text, 100);
    CHECK(out.size() < 110);
    CHECK(out.ends_with("…"));
}

TEST_CASE("human sizes use decimal units like Docker Hub", "[text]") {
    CHECK(digestx::human_size(528) == "528 B");
    CHECK(digestx::human_size(2809473) == "2.81 MB");
    CHECK(digestx::human_size(1471) == "1.47 kB");
}

TEST_CASE("every error code maps to its documented exit code", "[error]") {
    using digestx::ErrorCode;
    CHECK(digestx::exit_code(ErrorCode::Mismatch) == 1);
    CHECK(digestx::exit_code(ErrorCode::Usage) == 2);
    CHECK(digestx::exit_code(ErrorCode::NotFound) == 3);
    CHECK(digestx::exit_code(ErrorCode::Auth) == 4);
    CHECK(digestx::exit_code(ErrorCode::Integrity) == 5);
    CHECK(digestx::exit_code(ErrorCode::Network) == 6);
    CHECK(digestx::exit_code(ErrorCode::RateLimited) == 7);
    CHECK(digestx::exit_code(ErrorCode::Internal) == 70);
    CHECK(digestx::exit_code(ErrorCode::Interrupted) == 130);
}

TEST_CASE("error context reads outermost first", "[error]") {
    digestx::Error error{digestx::ErrorCode::NotFound, "manifest unknown", {}, 404, {"MANIFEST_UNKNOWN"}};
    auto wrapped = std::move(error).with_context("fetching sha256:abc").with_context("inspect alpine");
    CHECK(wrapped.describe() == "inspect alpine: fetching sha256:abc: manifest unknown");
}

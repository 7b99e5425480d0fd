#include <catch2/catch.hpp>

#include "digestx/net/transport.hpp"

using digestx::net::redact_url;

TEST_CASE("redact_url removes userinfo and query values", "[net][redact]") {
    CHECK(redact_url("https://reg.example/v2/") == "https://reg.example/v2/");
    CHECK(redact_url("https://user:secret@reg.example:5000/v2/x") == "https://reg.example:5000/v2/x");
    CHECK(redact_url("https://cdn.example/blob?X-Amz-Signature=abc&expires=1") ==
          "https://cdn.example/blob?X-Amz-Signature=REDACTED&expires=REDACTED");
    CHECK(redact_url("https://auth.example/token?scope=repository:a:pull&account=bob#frag") ==
          "https://auth.example/token?scope=REDACTED&account=REDACTED");
    CHECK(redact_url("http://u@[::1]:5000") == "http://[::1]:5000");
}

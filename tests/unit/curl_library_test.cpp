// libcurl opened on first use: the library digestx asks for, and what it says when a library
// cannot be used.
#include <catch2/catch.hpp>

#include "digestx/net/curl_library.hpp"

using namespace digestx;

TEST_CASE("libcurl 4 is opened and has every function digestx calls", "[net][curl]") {
    auto loaded = net::load_libcurl();
    INFO((loaded ? std::string() : loaded.error().message));
    CHECK(loaded);
    CHECK(net::probe_libcurl(net::libcurl_soname));
}

TEST_CASE("a library that cannot serve as libcurl is an Internal error naming it", "[net][curl]") {
    SECTION("not installed") {
        auto probed = net::probe_libcurl("libdigestx-test-absent.so.9");
        REQUIRE_FALSE(probed);
        CHECK(probed.error().code == ErrorCode::Internal);
        CHECK_THAT(probed.error().message, Catch::StartsWith("cannot load libdigestx-test-absent.so.9: "));
        CHECK_THAT(probed.error().message, Catch::EndsWith("(digestx needs libcurl 4 for the network)"));
    }
    SECTION("another library") {
        // zlib is on every machine that has libcurl (libcurl links it).
        auto probed = net::probe_libcurl("libz.so.1");
        REQUIRE_FALSE(probed);
        CHECK(probed.error().code == ErrorCode::Internal);
        CHECK(probed.error().message == "cannot use libz.so.1: it has no curl_global_init (digestx needs libcurl 7.66 "
                                        "or later)");
    }
}

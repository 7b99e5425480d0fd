#include <catch2/catch.hpp>

#include "digestx/net/certs_dir.hpp"

using digestx::net::certs_dir_name;
using digestx::net::certs_roots;

TEST_CASE("certificate roots: DIGESTX_CERTS_D replaces containers' and docker's", "[net][certs]") {
    CHECK(certs_roots(std::nullopt) == std::vector<std::string>{"/etc/containers/certs.d", "/etc/docker/certs.d"});
    CHECK(certs_roots(std::string()).empty());
    CHECK(certs_roots(std::string("/a::/b:")) == std::vector<std::string>{"/a", "/b"});
}

TEST_CASE("a host's certificate directory is named as docker names it", "[net][certs]") {
    CHECK(certs_dir_name("reg.example", 443, true) == "reg.example");
    CHECK(certs_dir_name("127.0.0.1", 5000, false) == "127.0.0.1:5000");
    CHECK(certs_dir_name("[::1]", 5000, false) == "[::1]:5000");
}

TEST_CASE("a host name never leaves its root", "[net][certs]") {
    for (const std::string name : {"..", ".", "", "a/../../etc"}) {
        auto tls = digestx::net::read_host_tls({"/"}, name);
        REQUIRE(tls);
        CHECK(tls->directory.empty());
    }
}

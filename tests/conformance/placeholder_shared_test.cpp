#include <catch2/catch.hpp>

#include <filesystem>

#include "support/process.hpp"
#include "support/skip.hpp"

TEST_CASE("conformance data location", "[conformance]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: conformance vectors are skipped");
    }
    CHECK(std::filesystem::exists(shared + "/conformance/refs.json"));
}

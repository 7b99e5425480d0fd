#include <catch2/catch.hpp>

#include <filesystem>

#include "support/process.hpp"

TEST_CASE("conformance data location", "[conformance]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        WARN("../shared is absent: conformance vectors are skipped");
        return;
    }
    CHECK(std::filesystem::exists(shared + "/conformance/refs.json"));
}

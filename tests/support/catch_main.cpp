#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <string>

#include "support/shared_data.hpp"
#include "support/skip.hpp"

// A test case whose ../shared data is absent ends with this message, which every discovered
// test's SKIP_REGULAR_EXPRESSION matches (tests/CMakeLists.txt): Skipped, not Failed.
CATCH_TRANSLATE_EXCEPTION(const digestx::test::SharedDataAbsent &absent) {
    return std::string(DIGESTX_SKIP_MARKER " ") + absent.what();
}

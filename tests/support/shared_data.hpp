#pragma once
/// @file
/// The exception a helper deep below a test case throws when the ../shared data it reads is
/// absent: the fixture catalogue reads the real alpine:3.12 amd64 documents from it, and every
/// test of the registry bed loads that catalogue. support/catch_main.cpp translates it into a
/// message that starts with DIGESTX_SKIP_MARKER (support/skip.hpp), so ctest reports the test
/// case as Skipped, not as Failed and never as Passed.

#include <stdexcept>

namespace digestx::test {

/// ../shared (or the part of it a helper needs) is absent; what() says what was skipped.
struct SharedDataAbsent : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace digestx::test

#pragma once
/// @file
/// Golden files under tests/golden/: expected output compared byte for byte. Setting
/// DIGESTX_UPDATE_GOLDEN=1 rewrites them on purpose (review the diff before committing).

#include <string>

namespace digestx::test {

/// Compares `actual` with tests/golden/`name`. Returns "" when they are equal (or when the file
/// was rewritten because DIGESTX_UPDATE_GOLDEN=1), else a description of the first difference.
std::string golden_mismatch(const std::string &name, const std::string &actual);

} // namespace digestx::test

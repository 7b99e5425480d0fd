#include "support/golden.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/process.hpp"

namespace digestx::test {
namespace {

std::string line_at(const std::string &text, std::size_t offset) {
    std::size_t start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::size_t end = text.find('\n', offset);
    return text.substr(start, (end == std::string::npos ? text.size() : end) - start);
}

} // namespace

std::string golden_mismatch(const std::string &name, const std::string &actual) {
    std::filesystem::path path = std::filesystem::path(source_dir()) / "tests" / "golden" / name;
    const char *update = std::getenv("DIGESTX_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << actual;
        return {};
    }
    if (!std::filesystem::exists(path)) {
        return "golden file " + path.string() + " is missing (run with DIGESTX_UPDATE_GOLDEN=1 to create it)";
    }
    std::string expected = read_file(path.string());
    if (expected == actual) return {};
    auto first = std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
    auto offset = static_cast<std::size_t>(first.first - expected.begin());
    return "output differs from " + path.string() + " at byte " + std::to_string(offset) +
           "\nexpected line: " + line_at(expected, offset) + "\nactual line:   " + line_at(actual, offset) +
           "\n(run with DIGESTX_UPDATE_GOLDEN=1 to accept the new output)";
}

} // namespace digestx::test

/// @file
/// The plain-executable driver of a fuzz target: feeds it every regular file under the
/// directories (or the files) named on the command line, in name order, as libFuzzer does when
/// it is given a corpus with -runs=0. Built with any compiler, so the committed corpus is
/// replayed by the ordinary test command and by the sanitizer build.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "fuzz_support.hpp"

namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char **argv) {
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path root(argv[i]);
        std::error_code error;
        if (std::filesystem::is_regular_file(root, error)) {
            files.push_back(root);
            continue;
        }
        if (!std::filesystem::is_directory(root, error)) {
            std::fprintf(stderr, "replay: %s is neither a file nor a directory\n", argv[i]);
            return 2;
        }
        for (const auto &entry : std::filesystem::recursive_directory_iterator(root))
            if (entry.is_regular_file()) files.push_back(entry.path());
    }
    // An empty corpus would make the replay pass while checking nothing.
    if (files.empty()) {
        std::fprintf(stderr, "replay: no input files\n");
        return 2;
    }
    std::sort(files.begin(), files.end());
    for (const auto &file : files) {
        // Named before it runs, so the output of a failing replay ends with the input at fault.
        std::printf("replay: %s\n", file.c_str());
        std::fflush(stdout);
        const auto bytes = read_bytes(file);
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("replayed %zu inputs\n", files.size());
    return 0;
}

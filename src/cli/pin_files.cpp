#include "pin_files.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "digestx/core/text.hpp"
#include "digestx/io/file.hpp"
#include "digestx/pinning/scan.hpp"

namespace digestx::cli {
namespace {

namespace fs = std::filesystem;

bool skipped_directory(const fs::path &directory) {
    std::string name = directory.filename().string();
    if (name == "node_modules") return true;
    return name.size() > 1 && name.front() == '.' && name != ".github";
}

bool yaml_name(const fs::path &path) {
    std::string extension = path.extension().string();
    return extension == ".yaml" || extension == ".yml";
}

Result<std::vector<std::string>> walk(const std::string &directory) {
    std::vector<std::string> files;
    std::error_code error;
    fs::recursive_directory_iterator it(directory, fs::directory_options::none, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        const fs::directory_entry &entry = *it;
        std::error_code ignored;
        if (entry.is_directory(ignored)) {
            if (entry.is_symlink(ignored) || skipped_directory(entry.path())) it.disable_recursion_pending();
            continue;
        }
        if (!entry.is_regular_file(ignored)) continue;
        std::string path = entry.path().string();
        auto kind = pinning::kind_from_name(path);
        bool wanted = kind ? *kind != pinning::FileKind::PlainList : yaml_name(entry.path());
        if (wanted) files.push_back(path);
    }
    if (error) return fail(ErrorCode::Usage, "cannot walk " + digestx::quoted(directory) + ": " + error.message());
    std::sort(files.begin(), files.end());
    return files;
}

// A file to scan: a regular file of at most max_scanned_file_bytes; anything else is the user's
// mistake (exit 2).
Result<std::string> read_to_scan(const std::string &path) {
    return io::read_file_bounded(path, {.max_bytes = pinning::max_scanned_file_bytes,
                                        .what = digestx::quoted(path),
                                        .too_large = ErrorCode::Usage,
                                        .regular_only = true});
}

ScannedFile scan_one(const std::string &path, std::string bytes, bool named) {
    ScannedFile file{path, std::move(bytes), std::nullopt, std::nullopt, named};
    auto scan = pinning::scan_file(path, file.bytes);
    if (scan) {
        file.scan = std::move(*scan);
    } else {
        file.error = std::move(scan.error());
    }
    return file;
}

// The same file spelt two ways (`.` and `./Dockerfile`, `a//b`, a symbolic link) is read once:
// `pin` would otherwise rewrite it twice and `check` report every reference twice.
std::string identity(const std::string &path) {
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    return error ? path : canonical.string();
}

} // namespace

Result<std::vector<ScannedFile>> scan_paths(const std::vector<std::string> &paths) {
    std::vector<ScannedFile> scanned;
    std::set<std::string> seen;
    for (const auto &path : paths) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            auto files = walk(path);
            if (!files) return fail(std::move(files.error()));
            for (const auto &file : *files) {
                if (!seen.insert(identity(file)).second) continue;
                auto bytes = read_to_scan(file);
                if (!bytes) return fail(std::move(bytes.error()));
                scanned.push_back(scan_one(file, std::move(*bytes), false));
            }
            continue;
        }
        if (!seen.insert(identity(path)).second) continue;
        auto bytes = read_to_scan(path);
        if (!bytes) return fail(std::move(bytes.error()));
        scanned.push_back(scan_one(path, std::move(*bytes), true));
    }
    return scanned;
}

} // namespace digestx::cli

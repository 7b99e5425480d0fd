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
        // kubectl apply -f DIR reads .json, .yaml and .yml (k8s.io/cli-runtime pkg/resource
        // builder.go FileExtensions); which .json files are manifests is decided once they are read.
        bool wanted =
            kind ? *kind != pinning::FileKind::PlainList : yaml_name(entry.path()) || pinning::is_json_name(path);
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

// Whether a .json file found in a directory is too large to be a manifest (package-lock.json,
// data): passed over without a word, where a YAML file that large is an error.
bool oversized(const std::string &path) {
    std::error_code error;
    auto size = fs::file_size(path, error);
    return !error && size > pinning::max_scanned_file_bytes;
}

ScannedFile scan_one(const std::string &path, std::string bytes, bool named,
                     std::optional<pinning::FileKind> kind = std::nullopt) {
    ScannedFile file{path, std::move(bytes), std::nullopt, std::nullopt, named};
    auto scan = pinning::scan_file(path, file.bytes, kind);
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
                bool json = pinning::is_json_name(file);
                if (json && oversized(file)) continue;
                auto bytes = read_to_scan(file);
                if (!bytes) return fail(std::move(bytes.error()));
                if (!json) {
                    scanned.push_back(scan_one(file, std::move(*bytes), false));
                    continue;
                }
                // package.json, tsconfig.json and the rest are no concern of check and pin: only
                // Kubernetes objects (and broken files naming apiVersion and kind) are kept.
                if (pinning::json_role(*bytes) == pinning::JsonRole::Other) continue;
                scanned.push_back(scan_one(file, std::move(*bytes), false, pinning::FileKind::Kubernetes));
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

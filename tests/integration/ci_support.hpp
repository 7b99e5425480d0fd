#pragma once
// Shared by the `digest`, `verify`, `check` and `pin` integration tests: the fixture repository of
// tests/fixtures/ci rendered for a registry bed, and small helpers around the bed's fixtures.

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/fixtures.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"

namespace digestx::test {

/// The placeholders of tests/fixtures/ci and what they stand for in `bed`.
inline std::map<std::string, std::string> ci_placeholders(const RegistryBed &bed) {
    const FixtureCatalog &catalog = fixture_catalog();
    return {{"__REGISTRY__", bed.host()},
            {"__ALPINE_LIST__", catalog.alpine_list.digest},
            {"__APP_INDEX__", catalog.app_index.digest},
            {"__HELLO__", catalog.hello.digest},
            {"__NESTED__", catalog.nested_outer.digest}};
}

/// `text` with every placeholder replaced.
inline std::string render_ci(std::string text, const RegistryBed &bed) {
    for (const auto &[placeholder, value] : ci_placeholders(bed)) {
        for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
            text.replace(at, placeholder.size(), value);
    }
    return text;
}

/// The files of tests/fixtures/ci/<which>, relative paths, sorted.
inline std::vector<std::string> ci_files(const std::string &which) {
    std::filesystem::path root = std::filesystem::path(source_dir()) / "tests/fixtures/ci" / which;
    std::vector<std::string> files;
    for (const auto &entry : std::filesystem::recursive_directory_iterator(root))
        if (entry.is_regular_file()) files.push_back(std::filesystem::relative(entry.path(), root).string());
    std::sort(files.begin(), files.end());
    return files;
}

/// tests/fixtures/ci/<which>/<relative> rendered for `bed`.
inline std::string ci_fixture(const std::string &which, const std::string &relative, const RegistryBed &bed) {
    return render_ci(read_file(source_dir() + "/tests/fixtures/ci/" + which + "/" + relative), bed);
}

/// Writes `bytes` to `directory/relative`, creating directories.
inline std::string write_at(const std::string &directory, const std::string &relative, const std::string &bytes) {
    std::filesystem::path path = std::filesystem::path(directory) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

/// Copies tests/fixtures/ci/repo, rendered for `bed`, into `directory`.
inline void write_ci_repo(const std::string &directory, const RegistryBed &bed) {
    for (const auto &relative : ci_files("repo"))
        write_at(directory, relative, ci_fixture("repo", relative, bed));
}

/// The fixture manifest of `repository` whose platform is `platform`, from the alpine list or the app index.
inline const FixtureManifest &platform_manifest(const std::vector<FixtureManifest> &manifests,
                                                const std::string &platform) {
    for (const auto &manifest : manifests)
        if (manifest.platform == platform) return manifest;
    throw std::runtime_error("no fixture manifest for " + platform);
}

/// Puts `manifest` under `tag` in its repository of `bed` (an open bed), as `docker push` would.
inline long put_manifest(const RegistryBed &bed, const FixtureManifest &manifest, const std::string &tag,
                         const std::string &repository = {}) {
    HttpCall call =
        bed.call("PUT", "/v2/" + (repository.empty() ? manifest.repository : repository) + "/manifests/" + tag);
    call.headers.push_back("Content-Type: " + manifest.media_type);
    call.body = manifest.bytes;
    return http_call(call).status;
}

/// Puts raw document bytes under `tag` of `repository`.
inline long put_document(const RegistryBed &bed, const std::string &repository, const std::string &tag,
                         const std::string &media_type, const std::string &bytes) {
    HttpCall call = bed.call("PUT", "/v2/" + repository + "/manifests/" + tag);
    call.headers.push_back("Content-Type: " + media_type);
    call.body = bytes;
    return http_call(call).status;
}

/// Deletes a manifest by digest (its tags go with it).
inline long delete_manifest(const RegistryBed &bed, const std::string &repository, const std::string &digest) {
    return http_call(bed.call("DELETE", "/v2/" + repository + "/manifests/" + digest)).status;
}

/// Every file under `directory`, relative path → bytes (to compare a tree before and after).
inline std::map<std::string, std::string> snapshot(const std::string &directory) {
    std::map<std::string, std::string> files;
    for (const auto &entry : std::filesystem::recursive_directory_iterator(directory)) {
        if (!entry.is_regular_file()) continue;
        files[std::filesystem::relative(entry.path(), directory).string()] = read_file(entry.path().string());
    }
    return files;
}

} // namespace digestx::test

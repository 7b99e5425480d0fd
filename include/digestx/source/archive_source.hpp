#pragma once
/// @file
/// Images in archives, read without unpacking them: `oci-archive:FILE` (a tarred OCI image
/// layout) and `docker-archive:FILE` (a `docker save` tarball, in the classic layout or with the
/// OCI layout Docker 25+ writes inside it). Only headers, manifests, indexes and configs are read;
/// layer bodies never are (io/tar_reader.hpp).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/io/tar_reader.hpp"
#include "digestx/source/oci_layout_source.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// The files of one archive: its index built once, on the first open(), members read with caps.
class ArchiveFiles final : public LayoutFiles {
public:
    /// The archive at `path`; nothing is read until open().
    explicit ArchiveFiles(std::string path) : m_path(std::move(path)) {}

    /// Opens the file and indexes its headers (once; a failure is kept and answered again).
    Result<void> open() override;
    /// A member's body, links followed inside the archive, at most `limit` bytes.
    Result<std::string> read(const std::string &relative, std::size_t limit, const std::string &what) override;
    /// Whether the archive has a member `name`, readable or not (after open()).
    [[nodiscard]] bool has(std::string_view name) const;
    /// The size of the file `name` names, links followed, without reading it (after open()).
    [[nodiscard]] Result<std::uint64_t> size_of(std::string_view name) const;
    /// The archive's path as written.
    [[nodiscard]] const std::string &path() const noexcept { return m_path; }

private:
    std::string m_path;
    std::unique_ptr<io::FileBytes> m_bytes;
    std::optional<io::TarIndex> m_index;
    std::optional<Error> m_failure;
};

/// The source for `oci-archive:FILE[:TAG|@DIGEST]`: the OCI layout logic over the archive's files.
std::unique_ptr<Source> make_oci_archive_source(std::string path, std::size_t max_document_bytes = max_manifest_bytes);

/// Which image of a `docker save` archive of several to read (`docker-archive:FILE:REF` or `:@N`,
/// see parse_reference()); neither: the archive must hold one.
struct ArchiveSelection {
    std::optional<std::string> image; ///< a RepoTag, normalised with its tag (`docker.io/library/app:1.2`)
    std::optional<std::size_t> index; ///< a 0-based position in manifest.json
};

/// Reads one image of a `docker save` archive (moby image/tarexport).
///
/// - With the OCI layout Docker 25+ writes (`oci-layout`, `index.json`, `blobs/`): the image its
///   index.json entries name, read as a layout.
/// - In the classic layout (`manifest.json` with `Config`, `RepoTags`, `Layers`): the archive holds
///   no manifest, so the root document is one built from manifest.json as skopeo builds it
///   (containers/image docker/internal/tarfile): a Docker schema2 manifest whose config is the
///   archive's config and whose layers are the uncompressed layer tars, each named by its diff_id.
///   A finding says that this manifest's digest is not the registry's.
///
/// Either way its findings name the archive's RepoTags. Of an archive of several images (`docker
/// save a b`) the selection's is read; without one it is refused (ErrorCode::Usage, naming their
/// RepoTags), and a selection that names none of them is ErrorCode::NotFound.
class DockerArchiveSource final : public Source {
public:
    /// The archive at `path`; nothing is read until the first fetch.
    explicit DockerArchiveSource(std::string path, std::size_t max_document_bytes = max_manifest_bytes);
    /// The image `selection` names in the archive at `path`.
    DockerArchiveSource(std::string path, ArchiveSelection selection,
                        std::size_t max_document_bytes = max_manifest_bytes);

    /// The archive's image; a tag or digest in the reference is not used (the grammar writes none).
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// The tags of the archive's RepoTags (`alpine:3.12` gives `3.12`).
    Result<TagList> list_tags(std::size_t page_size) override;
    /// Bytes read from the archive (headers not counted); no requests.
    [[nodiscard]] SourceStats stats() const override;
    /// A Docker 25+ archive's layout referrers; a classic archive has none to list.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override;
    /// The RepoTags, and what the root's digests mean for a registry.
    [[nodiscard]] std::vector<Finding> findings() const override { return m_findings; }

protected:
    /// The config and the built manifest (classic), or the layout's blobs (OCI).
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override;

private:
    Result<void> load();
    Result<void> load_manifest_json();
    Result<void> load_classic();
    Result<void> load_layout();
    [[nodiscard]] Result<std::size_t> choose_image(const std::vector<std::vector<std::string>> &tags_of) const;

    std::shared_ptr<ArchiveFiles> m_files;
    std::size_t m_max_document_bytes;
    ArchiveSelection m_selection;
    bool m_loaded = false;
    std::optional<Error> m_failure;
    SourceStats m_stats;
    std::vector<Finding> m_findings;
    std::unique_ptr<OciLayoutSource> m_layout; // set for a Docker 25+ archive
    std::optional<Digest> m_layout_root;       // the image its index.json names
    // manifest.json's one entry, when the archive has one.
    std::string m_config_name;
    std::vector<std::string> m_layer_names;
    std::vector<std::string> m_repo_tags;
    std::size_t m_image_count = 0; // manifest.json's entries; 0 without one
    std::size_t m_position = 0;    // the chosen entry
    std::string m_names_from;      // manifest.json, or index.json in a Docker 25+ archive without one
    // The classic layout's documents.
    std::optional<Fetched> m_manifest;
    std::optional<Fetched> m_config;
};

} // namespace digestx

#pragma once
/// @file
/// The `oci:DIR[:TAG|@DIGEST]` source: an OCI image layout directory (image-spec layout.md:
/// `oci-layout`, `index.json`, `blobs/<alg>/<encoded>`), every blob verified as it is read.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "digestx/source/source.hpp"

namespace digestx {

/// Where the files of a layout are read from: a directory, or an archive that holds one
/// (`oci-archive:`, a Docker 25+ `docker save`), so the layout logic is written once.
class LayoutFiles {
public:
    virtual ~LayoutFiles() = default;
    /// Checks that the layout's container exists (the directory, the archive's index), before
    /// any file of it is asked for.
    virtual Result<void> open() = 0;
    /// The regular file at `relative` (`index.json`, `blobs/sha256/<hex>`): ErrorCode::NotFound
    /// naming `what` when absent, "WHAT exceeds N-byte limit" (Integrity) when over `limit`.
    virtual Result<std::string> read(const std::string &relative, std::size_t limit, const std::string &what) = 0;
};

/// The files of a layout directory.
std::shared_ptr<LayoutFiles> directory_layout_files(std::string directory);

/// Reads documents from an OCI image layout directory.
class OciLayoutSource final : public Source {
public:
    /// A source over `directory`; nothing is read until the first fetch.
    explicit OciLayoutSource(std::string directory, std::size_t max_document_bytes = max_manifest_bytes);
    /// A source over a layout held elsewhere (an archive), called `name` in messages, whose
    /// images are named as `tag_form` says (`oci-archive:FILE:TAG`).
    OciLayoutSource(std::shared_ptr<LayoutFiles> files, std::string name, std::string tag_form,
                    std::size_t max_document_bytes = max_manifest_bytes);

    /// The entries of index.json, as listed.
    Result<std::vector<Descriptor>> entries();

    /// The entry of index.json named by the reference's tag (annotation
    /// `org.opencontainers.image.ref.name`), or the blob with its digest; with neither, the only
    /// entry of index.json (a layout with several entries needs a tag, as skopeo requires).
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// The `org.opencontainers.image.ref.name` values of index.json, in order (image-spec
    /// annotations.md: the tag of a layout entry); `page_size` does not apply to a file.
    Result<TagList> list_tags(std::size_t page_size) override;
    /// Local reads make no requests; only bytes are counted.
    [[nodiscard]] SourceStats stats() const override { return m_stats; }
    /// The manifests listed in index.json whose `subject` is `subject` (where ORAS and
    /// `oras cp --recursive` put referrers in a layout); index.json is scanned once per source.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override;

protected:
    /// Reads each blob, refusing one that is missing, too large, or does not hash to its name.
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override;

private:
    Result<std::string> read_blob(const Digest &digest);
    Result<Document> read_index();
    Result<void> scan_referrers();

    std::shared_ptr<LayoutFiles> m_files;
    std::string m_directory; // the name messages use
    std::string m_tag_form = "oci:DIR:TAG";
    std::size_t m_max_document_bytes;
    SourceStats m_stats;
    bool m_scanned = false;
    std::map<std::string, std::vector<Descriptor>> m_referrers; // by subject digest
};

} // namespace digestx

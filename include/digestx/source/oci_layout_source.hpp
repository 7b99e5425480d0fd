#pragma once
/// @file
/// The `oci:DIR[:TAG|@DIGEST]` source: an OCI image layout directory (image-spec layout.md:
/// `oci-layout`, `index.json`, `blobs/<alg>/<encoded>`), every blob verified as it is read.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "digestx/source/source.hpp"

namespace digestx {

/// Reads documents from an OCI image layout directory.
class OciLayoutSource final : public Source {
public:
    /// A source over `directory`; nothing is read until the first fetch.
    explicit OciLayoutSource(std::string directory, std::size_t max_document_bytes = max_manifest_bytes);

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

    std::string m_directory;
    std::size_t m_max_document_bytes;
    SourceStats m_stats;
    bool m_scanned = false;
    std::map<std::string, std::vector<Descriptor>> m_referrers; // by subject digest
};

} // namespace digestx

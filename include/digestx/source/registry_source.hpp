#pragma once
/// @file
/// The registry Source: one repository of one registry, read through the RegistryClient, every
/// document verified by the client before anyone sees it.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "digestx/registry/client.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// How the registry source reads a tag when a document is wanted.
enum class TagRead {
    Get,         ///< one GET by tag: the bytes and their digest in one request (the default)
    HeadThenGet, ///< HEAD by tag, then GET by the announced digest (one observation, C17)
};

/// Choices of a registry source beyond its repository.
struct RegistrySourceOptions {
    TagRead tag_read = TagRead::Get; ///< how fetch_reference() reads a tag
    /// The most requests one fetch_by_digest() sends at once (0: the whole batch), so that a
    /// caller running several sources side by side keeps a known bound on requests in flight.
    std::size_t batch_limit = 0;
};

/// Reads one repository of one registry. Not thread-safe (the client is not).
class RegistrySource final : public Source {
public:
    /// A source for `repository` through `client`, which it owns (and the client its transport).
    RegistrySource(std::unique_ptr<registry::RegistryClient> client, std::string repository,
                   RegistrySourceOptions options = {});

    /// The document the tag points at now (read once), or the document with the reference's
    /// digest, verified. A reference to another registry or repository is ErrorCode::Usage.
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// HEAD of the tag or digest; the client falls back to GET and hashes the body when the HEAD
    /// is refused (405), carries no usable Docker-Content-Digest, or failed without a body.
    Result<Observed> observe(const Reference &reference) override;
    /// The referrers API of the repository, or the tag schema where it answers 404: two batches
    /// at most.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override;
    /// Every tag, across the pages of the tags list.
    Result<TagList> list_tags(std::size_t page_size) override;
    /// The client's counters.
    [[nodiscard]] SourceStats stats() const override;
    /// The client, for the requests that are not a read of the repository's documents
    /// (`manifest --head`, `inspect --accept`'s full-list HEAD); its counters are this source's.
    [[nodiscard]] registry::RegistryClient &client() noexcept { return *m_client; }
    /// The repository read.
    [[nodiscard]] const std::string &repository() const noexcept { return m_repository; }

protected:
    /// Transport batches of at most `batch_limit` items, each verified by the client.
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override;

private:
    Result<void> check_reference(const Reference &reference) const;

    std::unique_ptr<registry::RegistryClient> m_client;
    std::string m_repository;
    RegistrySourceOptions m_options;
};

} // namespace digestx

#pragma once
/// @file
/// The registry Source: a reference read from a registry through the RegistryClient, every
/// document verified by the client before the resolver sees it.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "digestx/net/transport.hpp"
#include "digestx/registry/client.hpp"
#include "digestx/source/source.hpp"

namespace digestx {

/// How the registry source reads the reference itself.
enum class TagRead {
    Get,         ///< one GET by tag: the bytes and their digest in one request (the default)
    HeadThenGet, ///< HEAD by tag, then GET by the announced digest (one observation, C17)
};

/// Reads a reference and everything below it from one registry.
class RegistrySource final : public Source {
public:
    /// A source over `client`; `transport`, when given, is the client's transport and is owned
    /// here so that it outlives the client.
    explicit RegistrySource(std::unique_ptr<registry::RegistryClient> client,
                            std::unique_ptr<net::Transport> transport = nullptr, TagRead tag_read = TagRead::Get);
    ~RegistrySource() override;
    RegistrySource(const RegistrySource &) = delete;            ///< owns the client
    RegistrySource &operator=(const RegistrySource &) = delete; ///< owns the client

    /// The document the tag points at now (read once), or the document with the reference's
    /// digest, verified. A reference of another registry than the client's is a Usage error.
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// Fetches every item in one transport batch, each verified against its digest.
    std::vector<Result<Fetched>> fetch_by_digest(const std::vector<FetchItem> &items) override;
    /// The client's counters.
    [[nodiscard]] SourceStats stats() const override;
    /// The referrers API of the reference's repository, or the tag schema when it answers 404.
    Result<ReferrerList> referrers(const Digest &subject) override;
    /// The client, for the requests that are not a walk (`inspect --accept`'s full-list HEAD);
    /// its counters are this source's.
    [[nodiscard]] registry::RegistryClient &client() noexcept { return *m_client; }

private:
    std::unique_ptr<net::Transport> m_transport; // declared first: destroyed after the client
    std::unique_ptr<registry::RegistryClient> m_client;
    TagRead m_tag_read;
    std::string m_repository;
};

/// A document the registry client fetched and verified, as a Source answer.
Fetched to_fetched(registry::Fetch fetch);

/// Fetches the resolver's items from `repository` by digest through `client`, in transport
/// batches of at most `batch_limit` requests (0: one batch), each verified against its digest.
/// Shared by every Source over the registry client so that they batch and convert alike.
std::vector<Result<Fetched>> fetch_items_by_digest(registry::RegistryClient &client, std::string_view repository,
                                                   const std::vector<FetchItem> &items, std::size_t batch_limit = 0);

} // namespace digestx

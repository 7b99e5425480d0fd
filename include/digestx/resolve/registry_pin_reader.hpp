#pragma once
/// @file
/// The PinReader of a registry repository: tags observed with a HEAD through the registry client
/// (a GET only when the HEAD gives no usable digest), documents read and verified by digest.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "digestx/net/transport.hpp"
#include "digestx/registry/client.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx {

/// Reads pins of one repository of one registry. Not thread-safe (the client is not).
class RegistryPinReader final : public PinReader, public Source {
public:
    /// A reader of `repository` through `client`; `transport`, when given, is the client's and is
    /// owned here so that it outlives the client. `batch_limit` caps the requests one
    /// fetch_by_digest() sends at once (0: the whole batch), so that a caller running several
    /// readers side by side keeps a known bound on the requests in flight.
    RegistryPinReader(std::unique_ptr<registry::RegistryClient> client, std::string repository,
                      std::unique_ptr<net::Transport> transport = nullptr, std::size_t batch_limit = 0);
    ~RegistryPinReader() override;
    RegistryPinReader(const RegistryPinReader &) = delete;            ///< owns the client
    RegistryPinReader &operator=(const RegistryPinReader &) = delete; ///< owns the client

    /// HEAD of the tag or digest; the client falls back to GET and hashes the body when the HEAD
    /// is refused (405), carries no usable Docker-Content-Digest, or failed without a body.
    Result<Observed> observe(const Reference &reference) override;
    /// This reader is its own Source.
    Source &documents() override { return *this; }

    /// GET by tag or digest (verified). A reference to another registry or repository is a Usage error.
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// Transport batches of at most `batch_limit` items, each item verified against its digest.
    std::vector<Result<Fetched>> fetch_by_digest(const std::vector<FetchItem> &items) override;
    /// The client's counters.
    [[nodiscard]] SourceStats stats() const override;

private:
    Result<void> check_reference(const Reference &reference) const;

    std::unique_ptr<net::Transport> m_transport; // declared first: destroyed after the client
    std::unique_ptr<registry::RegistryClient> m_client;
    std::string m_repository;
    std::size_t m_batch_limit;
};

} // namespace digestx

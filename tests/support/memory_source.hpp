#pragma once
/// @file
/// An in-memory Source for resolver and explain tests: documents by digest, tags pointing at
/// digests, and injectable failures, with a record of every batch requested.

#include <map>
#include <string>
#include <vector>

#include "digestx/source/source.hpp"

namespace digestx::test {

/// Documents held in memory, served by digest and by tag.
class MemorySource final : public Source {
public:
    /// Stores bytes and returns their sha256 digest text.
    std::string add(const std::string &bytes, const std::string &media_type = {});
    /// Points `tag` at a stored digest.
    void tag(const std::string &tag, const std::string &digest) { m_tags[tag] = digest; }
    /// Makes fetches of `digest` fail with `error`.
    void fail_on(const std::string &digest, Error error) { m_failures[digest] = std::move(error); }
    /// Serves `bytes` for `digest` even though they do not hash to it (a lying registry).
    void corrupt(const std::string &digest, const std::string &bytes) { m_documents[digest] = bytes; }

    /// The tag's document, or the digest's.
    Result<Fetched> fetch_reference(const Reference &reference) override;
    /// The tags given by tag(), in name order.
    Result<TagList> list_tags(std::size_t page_size) override;
    /// Counts requests as a registry would: one per reference or item.
    [[nodiscard]] SourceStats stats() const override { return m_stats; }

    /// Lists `referrer` among the referrers of `subject` (a digest text); the source then lists
    /// referrers of every subject (none for those never given one).
    void refer(const std::string &subject, Descriptor referrer) {
        m_referrers[subject].push_back(std::move(referrer));
        m_lists_referrers = true;
    }
    /// Makes listing the referrers of `subject` fail with `error`.
    void fail_referrers(const std::string &subject, Error error) {
        m_referrer_failures[subject] = std::move(error);
        m_lists_referrers = true;
    }
    /// The referrers given by refer(), one request per call; Source's default (a Usage error)
    /// until refer() or fail_referrers() was called.
    std::vector<Result<ReferrerList>> referrers(const std::vector<Digest> &subjects) override;
    /// The listing batches requested so far (subjects per batch).
    [[nodiscard]] const std::vector<std::vector<std::string>> &referrer_batches() const { return m_referrer_batches; }
    /// The subjects whose referrers were asked for, in order.
    [[nodiscard]] const std::vector<std::string> &referrer_requests() const { return m_referrer_requests; }
    /// The batches requested so far (digests per batch), to check one batch per level.
    [[nodiscard]] const std::vector<std::vector<std::string>> &batches() const { return m_batches; }

protected:
    /// Each item's document, verified as a real source would.
    std::vector<Result<Fetched>> fetch_batch(const std::vector<FetchItem> &items) override;

private:
    Result<ReferrerList> list_one(const Digest &subject);
    Result<Fetched> serve(const std::string &digest, const std::string &media_type);
    std::map<std::string, std::string> m_documents;
    std::map<std::string, std::string> m_media_types;
    std::map<std::string, std::string> m_tags;
    std::map<std::string, Error> m_failures;
    std::map<std::string, std::vector<Descriptor>> m_referrers;
    std::map<std::string, Error> m_referrer_failures;
    std::vector<std::string> m_referrer_requests;
    std::vector<std::vector<std::string>> m_referrer_batches;
    bool m_lists_referrers = false;
    std::vector<std::vector<std::string>> m_batches;
    SourceStats m_stats;
};

} // namespace digestx::test

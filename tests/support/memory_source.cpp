#include "support/memory_source.hpp"

namespace digestx::test {

std::string MemorySource::add(const std::string &bytes, const std::string &media_type) {
    std::string digest = Digest::compute(bytes).str();
    m_documents[digest] = bytes;
    m_media_types[digest] = media_type;
    return digest;
}

Result<Fetched> MemorySource::serve(const std::string &digest, const std::string &media_type) {
    ++m_stats.requests;
    if (auto failure = m_failures.find(digest); failure != m_failures.end()) return fail(failure->second);
    auto found = m_documents.find(digest);
    if (found == m_documents.end()) return fail(ErrorCode::NotFound, "manifest unknown: " + digest);
    auto expected = Digest::parse(digest);
    if (!expected || !expected->matches(found->second)) {
        return fail(ErrorCode::Integrity, "integrity failure: content does not hash to " + digest);
    }
    m_stats.bytes_received += found->second.size();
    std::string type = media_type.empty() ? m_media_types[digest] : media_type;
    return Fetched{found->second, *expected, type,
                   FetchNote{FetchMethod::Get, "memory/" + digest, {}, type, digest, "memory", 200, ""}, std::nullopt};
}

Result<Fetched> MemorySource::fetch_reference(const Reference &reference) {
    m_batches.push_back({reference.familiar()});
    if (reference.digest()) return serve(reference.digest()->str(), {});
    auto tag = m_tags.find(reference.tag().value_or("latest"));
    if (tag == m_tags.end()) return fail(ErrorCode::NotFound, "manifest unknown: tag not found");
    return serve(tag->second, {});
}

std::vector<Result<Fetched>> MemorySource::fetch_batch(const std::vector<FetchItem> &items) {
    std::vector<Result<Fetched>> results;
    std::vector<std::string> batch;
    for (const auto &item : items) {
        batch.push_back(item.digest.str());
        results.push_back(serve(item.digest.str(), item.media_type));
    }
    m_batches.push_back(batch);
    return results;
}

Result<TagList> MemorySource::list_tags(std::size_t /*page_size*/) {
    TagList list;
    list.pages = 1;
    for (const auto &[tag, digest] : m_tags)
        list.tags.push_back(tag);
    return list;
}

Result<ReferrerList> MemorySource::list_one(const Digest &subject) {
    ++m_stats.requests;
    m_referrer_requests.push_back(subject.str());
    if (auto failure = m_referrer_failures.find(subject.str()); failure != m_referrer_failures.end()) {
        return fail(failure->second);
    }
    auto found = m_referrers.find(subject.str());
    return ReferrerList{
        found == m_referrers.end() ? std::vector<Descriptor>{} : found->second, ReferrerRoute::Api,
        FetchNote{FetchMethod::Get, "referrers/" + subject.str(), {}, {}, std::nullopt, "memory", 200, ""}};
}

std::vector<Result<ReferrerList>> MemorySource::referrers(const std::vector<Digest> &subjects) {
    if (!m_lists_referrers) return Source::referrers(subjects);
    std::vector<Result<ReferrerList>> results;
    std::vector<std::string> batch;
    for (const auto &subject : subjects) {
        batch.push_back(subject.str());
        results.push_back(list_one(subject));
    }
    m_referrer_batches.push_back(std::move(batch));
    return results;
}

} // namespace digestx::test

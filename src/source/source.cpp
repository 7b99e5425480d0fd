#include "digestx/source/source.hpp"

#include "digestx/core/text.hpp"

namespace digestx {
namespace {

Error integrity(std::string message) {
    return Error::of(ErrorCode::Integrity, std::move(message));
}

// The checks every by-digest answer passes, whichever source gave it: a document that does not
// hash to the digest it was fetched by, or has another size than its descriptor says, is never
// explained as if it were that document (fault catalogue B1, B16).
Result<Fetched> checked(const FetchItem &item, Result<Fetched> fetched) {
    if (!fetched) return fetched;
    if (!item.digest.matches(fetched->bytes)) {
        return fail(integrity("integrity failure: content for " + item.digest.str() + " hashes to " +
                              Digest::compute(fetched->bytes, item.digest.algorithm()).str()));
    }
    if (item.size && static_cast<std::int64_t>(fetched->bytes.size()) != *item.size) {
        return fail(integrity("size " + std::to_string(fetched->bytes.size()) + " differs from descriptor size " +
                              std::to_string(*item.size)));
    }
    fetched->digest = item.digest;
    return fetched;
}

} // namespace

Result<Observed> Source::observe(const Reference &reference) {
    auto fetched = fetch_reference(reference);
    if (!fetched) return fail(std::move(fetched.error()));
    Digest digest = fetched->digest;
    std::string media_type = fetched->media_type;
    FetchMethod method = fetched->note.method;
    return Observed{std::move(digest), std::move(media_type), std::move(*fetched), method, ""};
}

std::vector<Result<Fetched>> Source::fetch_by_digest(const std::vector<FetchItem> &items) {
    std::vector<Result<Fetched>> answered = items.empty() ? std::vector<Result<Fetched>>{} : fetch_batch(items);
    std::vector<Result<Fetched>> results;
    results.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        // One result per request, or the request failed: never an unchecked index into a short answer.
        if (i >= answered.size()) {
            results.emplace_back(fail(ErrorCode::Internal, "the source answered " + std::to_string(answered.size()) +
                                                               " of " + std::to_string(items.size()) + " requests"));
            continue;
        }
        results.push_back(checked(items[i], std::move(answered[i])));
    }
    return results;
}

Result<Fetched> Source::fetch_one(const FetchItem &item) {
    return std::move(fetch_by_digest({item}).front());
}

std::vector<Result<ReferrerList>> Source::referrers(const std::vector<Digest> &subjects) {
    std::vector<Result<ReferrerList>> results;
    for (const auto &subject : subjects)
        results.emplace_back(fail(ErrorCode::Usage, "this source cannot list the referrers of " + subject.str()));
    return results;
}

} // namespace digestx

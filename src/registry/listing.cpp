// Tags (paginated) and referrers (OCI 1.1 API with the tag-schema fallback).

#include <algorithm>
#include <set>

#include "client_impl.hpp"
#include "digestx/core/json.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/net/redirect_policy.hpp"

namespace digestx::registry {
namespace {

bool success(int status) {
    return status >= 200 && status < 300;
}

// The path and query of an absolute URL whose origin was checked.
std::string path_and_query(std::string_view url) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    return slash == std::string_view::npos ? std::string("/") : std::string(url.substr(slash));
}

struct TagPage {
    std::vector<std::string> tags;
    std::size_t dropped = 0;
};

Result<TagPage> read_tag_page(std::string_view body) {
    JsonReadOptions options;
    options.what = "tags list";
    auto root = parse_json_strict(body, options);
    if (!root) return fail(std::move(root.error()));
    if (!root->is_object()) return fail(ErrorCode::Integrity, "tags list is not a JSON object");
    TagPage page;
    auto tags = root->find("tags");
    // distribution answers `"tags": null` for a repository whose tags were all deleted.
    if (tags == root->end() || tags->is_null()) return page;
    if (!tags->is_array()) return fail(ErrorCode::Integrity, "tags list has no \"tags\" array");
    for (const auto &tag : *tags) {
        // Tags end up in references and on terminals: only what the tag grammar allows.
        if (tag.is_string() && grammar::is_tag(tag.get<std::string>())) {
            page.tags.push_back(tag.get<std::string>());
        } else {
            ++page.dropped;
        }
    }
    return page;
}

} // namespace

Result<void> detail::PageBounds::admit(const std::string &path) {
    if (!m_seen.insert(path).second) {
        return fail(ErrorCode::Integrity,
                    m_what + ": pagination loops back to " + digestx::quoted(net::redact_url(path)));
    }
    if (m_seen.size() > m_max) {
        return fail(ErrorCode::Integrity, m_what + ": more than " + std::to_string(m_max) + " pages");
    }
    return {};
}

Result<std::optional<std::string>> RegistryClient::Impl::next_page(const std::optional<std::string> &link,
                                                                   const std::string &path,
                                                                   const std::string &list_path, std::string_view what,
                                                                   std::string_view listing) const {
    if (!link) return std::optional<std::string>();
    std::string current = base_url() + path;
    auto target = net::resolve_location(current, *link);
    if (!target) return fail(std::move(target.error()).with_context(std::string(what) + ": bad pagination link"));
    // The next page gets this registry's credentials, so it must be this registry, and the
    // same listing: a Link is registry-supplied and may point anywhere.
    if (net::origin_of(*target) != net::origin_of(base_url())) {
        return fail(ErrorCode::Integrity, std::string(what) + ": refusing pagination link to another origin " +
                                              digestx::quoted(net::redact_url(*target)));
    }
    std::string next = path_and_query(*target);
    if (!next.starts_with(list_path + "?") && next != list_path) {
        return fail(ErrorCode::Integrity, std::string(what) + ": refusing pagination link outside the " +
                                              std::string(listing) + " " + digestx::quoted(net::redact_url(*target)));
    }
    return std::optional<std::string>(std::move(next));
}

Result<TagList> RegistryClient::list_tags(std::string_view repository, std::size_t page_size) {
    Impl &impl = *m_impl;
    std::string first = detail::api_path(repository, "tags/list?n=" + std::to_string(page_size));
    std::string list_path = detail::api_path(repository, "tags/list");
    std::string path = first;
    TagList list;
    std::set<std::string> seen_tags;
    auto subject = impl.subject(RequestSubject::Kind::Tags, repository, {});
    std::string what = "tags of " + sanitize(subject.repository_name(), 300);
    detail::PageBounds bounds(impl.options.max_list_pages, what);
    while (true) {
        if (auto admitted = bounds.admit(path); !admitted) return fail(std::move(admitted.error()));
        detail::PathRequest request;
        request.path = path;
        request.headers.emplace_back("Accept", "application/json");
        request.max_body_bytes = impl.options.max_manifest_bytes;
        auto answers = impl.send({request}, repository);
        auto &answer = answers.front();
        if (!answer) return fail(std::move(answer.error()).with_context("listing " + what));
        if (!success(answer->status)) return fail(response_error(*answer, subject));
        auto page = read_tag_page(answer->body);
        if (!page) return fail(std::move(page.error()).with_context(what));
        ++list.pages;
        list.dropped += page->dropped;
        for (auto &tag : page->tags) {
            if (seen_tags.insert(tag).second) list.tags.push_back(std::move(tag));
        }
        auto next = impl.next_page(next_link(*answer), path, list_path, what, "tags list");
        if (!next) return fail(std::move(next.error()));
        if (!*next) break;
        path = std::move(**next);
    }
    if (list.dropped > 0) {
        impl.diagnostics.warn(std::to_string(list.dropped) + " entries of the tags list of " +
                              subject.repository_name() + " are not valid tags and were left out");
    }
    return list;
}

// One subject's answer: from the API, or (after a 404 there) from the tag schema.
Result<ReferrerList> RegistryClient::Impl::read_referrers(std::string_view repository, const Digest &subject_digest,
                                                          const detail::PathRequest &used,
                                                          Result<net::HttpResponse> answer, bool from_api) {
    auto subject = this->subject(RequestSubject::Kind::Referrers, repository, subject_digest.str());
    std::string what = "referrers of " + sanitize(subject.repository_name(), 300) + "@" + subject_digest.str();
    if (!answer) return fail(std::move(answer.error()).with_context("listing " + what));
    net::HttpResponse &response = *answer;
    if (!from_api && response.status == 404) {
        auto entries = parse_error_body(response.body);
        bool repository_missing = entries && std::any_of(entries->begin(), entries->end(), [](const auto &entry) {
                                      return entry.code == "NAME_UNKNOWN";
                                  });
        if (repository_missing) return fail(response_error(response, subject));
        return ReferrerList{{}, ReferrerRoute::TagSchema, note_for(used, response)};
    }
    if (!success(response.status)) return fail(response_error(response, subject));
    auto type = response.header("content-type");
    auto document = parse_document(response.body, type ? std::optional<std::string_view>(*type) : std::nullopt);
    if (!document) return fail(std::move(document.error()).with_context(what));
    if (!document->is_index()) {
        return fail(ErrorCode::Integrity,
                    what + ": the answer is a " + std::string(document_kind_name(document->kind())) + ", not an index");
    }
    return ReferrerList{document->index().manifests, from_api ? ReferrerRoute::Api : ReferrerRoute::TagSchema,
                        note_for(used, response)};
}

std::string referrers_tag(const Digest &subject) {
    // distribution-spec spec.md "Referrers Tag Schema" (main, after v1.1.1): Truncated Algorithm
    // (32), `-`, Truncated Encoded (64), characters outside the tag grammar replaced with `-`;
    // v1.1.0 said the same for sha256 and sha512 ("<ref>: ... limit of 64 characters"), and
    // regclient's referrer.FallbackTag writes `%.32s-%.64s`.
    auto tag_character = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '-';
    };
    std::string tag =
        std::string(algorithm_name(subject.algorithm()).substr(0, 32)) + "-" + subject.hex().substr(0, 64);
    for (char &c : tag) {
        if (!tag_character(c)) c = '-';
    }
    return tag;
}

namespace {

// One subject's referrers API listing while its `Link` pages are followed.
struct ReferrerPaging {
    std::size_t subject = 0;       // position in the subjects
    std::string path;              // the page to ask for next
    detail::PageBounds bounds;     // the pages asked for so far
    std::set<std::string> digests; // the referrers listed so far, by digest
};

detail::PathRequest referrers_request(std::string path, std::size_t max_body_bytes) {
    detail::PathRequest request;
    request.path = std::move(path);
    request.headers.emplace_back("Accept", std::string(media::oci_index));
    request.max_body_bytes = max_body_bytes;
    return request;
}

// The `Link` of an answer that is a page (a 2xx), read before the answer is consumed.
std::optional<std::string> page_link(const Result<net::HttpResponse> &answer) {
    return answer && success(answer->status) ? next_link(*answer) : std::nullopt;
}

} // namespace

std::vector<Result<ReferrerList>> RegistryClient::referrers(std::string_view repository,
                                                            const std::vector<Digest> &subjects) {
    Impl &impl = *m_impl;
    std::vector<Result<ReferrerList>> results;
    if (subjects.empty()) return results;
    // One batch for every subject's API request, then one for the tag schema of those the API
    // did not know: a level of the graph costs two round trips, however wide it is, plus one per
    // further page of the longest paginated answer.
    std::vector<detail::PathRequest> api;
    for (const auto &subject : subjects) {
        api.push_back(referrers_request(detail::api_path(repository, "referrers/" + subject.str()),
                                        impl.options.max_manifest_bytes));
    }
    auto answers = impl.send(api, repository);
    std::vector<std::size_t> fallback_positions;
    std::vector<detail::PathRequest> fallback;
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        if (answers[i] && answers[i]->status == 404) {
            // distribution 2.8 has no referrers API: the tag schema names an index of the referrers
            // (OCI distribution-spec 1.1 "Referrers Tag Schema").
            fallback.push_back(impl.manifest_request("GET", repository, referrers_tag(subjects[i])));
            fallback_positions.push_back(i);
        }
    }
    std::vector<Result<net::HttpResponse>> fallback_answers;
    if (!fallback.empty()) {
        impl.diagnostics.note("no referrers API at " + impl.endpoint + " (404); reading the referrers tag schema");
        fallback_answers = impl.send(fallback, repository);
    }
    auto what = [&](std::size_t i) {
        auto subject = impl.subject(RequestSubject::Kind::Referrers, repository, subjects[i].str());
        return "referrers of " + sanitize(subject.repository_name(), 300) + "@" + subjects[i].str();
    };
    auto list_path = [&](std::size_t i) { return detail::api_path(repository, "referrers/" + subjects[i].str()); };
    // A page's `Link`, checked like a tags list's: this registry, this subject's listing.
    auto next_of = [&](std::size_t i, const std::optional<std::string> &link, const std::string &path) {
        return impl.next_page(link, path, list_path(i), what(i), "referrers list");
    };
    std::vector<ReferrerPaging> paging;
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        auto position = std::find(fallback_positions.begin(), fallback_positions.end(), i);
        if (position != fallback_positions.end()) {
            auto k = static_cast<std::size_t>(position - fallback_positions.begin());
            results.push_back(
                impl.read_referrers(repository, subjects[i], fallback[k], std::move(fallback_answers[k]), false));
            continue;
        }
        auto link = page_link(answers[i]);
        auto list = impl.read_referrers(repository, subjects[i], api[i], std::move(answers[i]), true);
        if (list && link) {
            // "A Link header MUST be included in the response when the descriptor list cannot be
            // returned in a single manifest" (distribution-spec 1.1 "Listing Referrers").
            ReferrerPaging page{i, {}, detail::PageBounds(impl.options.max_list_pages, what(i)), {}};
            for (const auto &descriptor : list->manifests)
                page.digests.insert(descriptor.digest.str());
            auto first = page.bounds.admit(api[i].path);
            auto next = next_of(i, link, api[i].path);
            if (!first) {
                list = fail(std::move(first.error()));
            } else if (!next) {
                list = fail(std::move(next.error()));
            } else if (*next) {
                page.path = std::move(**next);
                paging.push_back(std::move(page));
            }
        }
        results.push_back(std::move(list));
    }
    // Every subject's next page in one batch, round after round, until no answer names another.
    while (!paging.empty()) {
        std::vector<detail::PathRequest> batch;
        std::vector<ReferrerPaging> asked;
        for (auto &page : paging) {
            if (auto admitted = page.bounds.admit(page.path); !admitted) {
                // Never a partial list that looks whole: the subject's listing fails.
                results[page.subject] = fail(std::move(admitted.error()));
                continue;
            }
            batch.push_back(referrers_request(page.path, impl.options.max_manifest_bytes));
            asked.push_back(std::move(page));
        }
        paging.clear();
        if (batch.empty()) break;
        auto pages = impl.send(batch, repository);
        for (std::size_t k = 0; k < asked.size(); ++k) {
            ReferrerPaging &page = asked[k];
            std::size_t i = page.subject;
            auto link = page_link(pages[k]);
            auto more = impl.read_referrers(repository, subjects[i], batch[k], std::move(pages[k]), true);
            if (!more) {
                results[i] = fail(std::move(more.error()));
                continue;
            }
            // A descriptor listed on an earlier page is not listed twice (tags are deduplicated
            // the same way).
            for (auto &descriptor : more->manifests) {
                if (page.digests.insert(descriptor.digest.str()).second)
                    results[i]->manifests.push_back(std::move(descriptor));
            }
            auto next = next_of(i, link, batch[k].path);
            if (!next) {
                results[i] = fail(std::move(next.error()));
            } else if (*next) {
                page.path = std::move(**next);
                paging.push_back(std::move(page));
            }
        }
    }
    return results;
}

Result<ReferrerList> RegistryClient::referrers(std::string_view repository, const Digest &subject) {
    return std::move(referrers(repository, std::vector<Digest>{subject}).front());
}

} // namespace digestx::registry

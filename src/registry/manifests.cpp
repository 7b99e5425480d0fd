// Manifests and blobs: GET, HEAD with its GET fallbacks, and the by-digest batch.

#include "client_impl.hpp"
#include "digestx/core/text.hpp"

namespace digestx::registry {
namespace {

bool success(int status) {
    return status >= 200 && status < 300;
}

std::optional<std::string> content_length(const net::HttpResponse &response) {
    auto value = response.header("content-length");
    if (!value) return std::nullopt;
    return sanitize(*value, 40);
}

// HEAD answers without a body; for these statuses the GET's error body says what is wrong
// (moby tags.Get: "there will be no body to decode. Issue a GET"; containerd's 403 follow-up).
bool needs_error_body(int status) {
    return status == 401 || status == 403 || status == 404 || status == 429;
}

} // namespace

Result<Fetched> RegistryClient::get_manifest(std::string_view repository, const ManifestTarget &target) {
    auto request = m_impl->manifest_request("GET", repository, target.str(), target.accept);
    auto answers = m_impl->send({request}, repository);
    return m_impl->verify_manifest(request, std::move(answers.front()), repository, target);
}

Result<HeadOutcome> RegistryClient::head_manifest(std::string_view repository, const ManifestTarget &target) {
    auto request = m_impl->manifest_request("HEAD", repository, target.str(), target.accept);
    auto answers = m_impl->send({request}, repository);
    auto &answer = answers.front();
    if (!answer) {
        return fail(
            std::move(answer.error())
                .with_context("HEAD manifest " + sanitize(m_impl->endpoint + "/" + std::string(repository), 300)));
    }
    const net::HttpResponse &response = *answer;
    HeadOutcome outcome{m_impl->note_for(request, response), content_length(response), std::nullopt, std::nullopt, {}};
    if (success(response.status)) {
        HeaderDigest header = read_header_digest(response);
        if (header.digest && !outcome.content_length) {
            // C2: containerd needs both the digest and the size from a HEAD; a HEAD without a
            // length (chunked framing from a proxy) is not trusted for either.
            outcome.fallback = "the HEAD answered without Content-Length";
        } else if (header.digest) {
            outcome.digest = header.digest;
            if (target.digest && header.digest->algorithm() == target.digest->algorithm() &&
                *header.digest != *target.digest) {
                std::string message = "registry header digest " + header.digest->str() + " differs from requested " +
                                      target.digest->str() + " (HEAD only: content not verified)";
                if (m_impl->options.strict) return fail(ErrorCode::Integrity, message + " (--strict)");
                m_impl->diagnostics.warn(message);
            }
            return outcome;
        } else if (header.shown) {
            outcome.fallback = "the HEAD's Docker-Content-Digest is unusable (" + header.problem + ")";
            if (!m_impl->warned_malformed_digest) {
                m_impl->warned_malformed_digest = true;
                m_impl->diagnostics.warn("ignoring malformed Docker-Content-Digest from " + m_impl->endpoint + " (" +
                                         header.problem + "): " + *header.shown);
            }
        } else {
            // C2: ECR and header-stripping proxies; never invent a digest, hash the body instead.
            outcome.fallback = "the HEAD answered without Docker-Content-Digest";
        }
    } else if (response.status == 405) {
        outcome.fallback = "HEAD is not allowed (405)";
    } else if (needs_error_body(response.status)) {
        outcome.fallback = "the HEAD answered " + std::to_string(response.status) + " without a body";
    } else {
        return fail(m_impl->manifest_error(response, repository, target));
    }
    m_impl->diagnostics.note(outcome.fallback + "; sending GET (Docker Hub counts it as a pull)");
    auto fetched = get_manifest(repository, target);
    if (!fetched) return fail(std::move(fetched.error()));
    outcome.fetched = std::move(*fetched);
    return outcome;
}

Result<Fetched> RegistryClient::head_then_get(std::string_view repository, const ManifestTarget &target) {
    auto outcome = head_manifest(repository, target);
    if (!outcome) return fail(std::move(outcome.error()));
    if (outcome->fetched) return std::move(*outcome->fetched);
    // C17: one observation. The tag is not read again; a registry that moved it in between
    // serves the digest the HEAD announced, or fails its verification.
    ManifestTarget pinned = target;
    if (!pinned.digest) pinned.digest = outcome->digest;
    return get_manifest(repository, pinned);
}

Result<Fetched> RegistryClient::get_blob(std::string_view repository, const Digest &digest) {
    auto request = m_impl->blob_request(repository, digest);
    auto answers = m_impl->send({request}, repository);
    return m_impl->verify_blob(request, std::move(answers.front()), repository, digest);
}

std::vector<Result<Fetched>> RegistryClient::fetch_by_digest(std::string_view repository,
                                                             const std::vector<FetchItem> &items) {
    std::vector<detail::PathRequest> batch;
    batch.reserve(items.size());
    for (const auto &item : items) {
        batch.push_back(item.kind == FetchItem::Kind::Manifest
                            ? m_impl->manifest_request("GET", repository, item.digest.str())
                            : m_impl->blob_request(repository, item.digest));
    }
    std::vector<Result<Fetched>> results;
    if (batch.empty()) return results;
    auto answers = m_impl->send(batch, repository);
    results.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto &item = items[i];
        if (item.kind == FetchItem::Kind::Manifest) {
            results.push_back(m_impl->verify_manifest(batch[i], std::move(answers[i]), repository,
                                                      ManifestTarget{{}, item.digest, {}}, item.media_type));
        } else {
            results.push_back(m_impl->verify_blob(batch[i], std::move(answers[i]), repository, item.digest));
        }
    }
    return results;
}

} // namespace digestx::registry

// What the client checks in every answer before anyone sees its bytes (fault catalogue rule 1,
// B1–B4, B15, C12, C15).

#include <algorithm>

#include "client_impl.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx::registry {
namespace {

bool success(int status) {
    return status >= 200 && status < 300;
}

// The Content-Type, when the response has a non-empty one.
std::optional<std::string> declared_type(const net::HttpResponse &response) {
    auto type = response.header("content-type");
    if (!type || media::essence(*type).empty()) return std::nullopt;
    return type;
}

std::optional<std::string> content_length(const net::HttpResponse &response) {
    auto value = response.header("content-length");
    if (!value) return std::nullopt;
    return sanitize(*value, 40);
}

bool accepts_newer_than_schema1(const std::vector<std::string> &accept) {
    return std::any_of(accept.begin(), accept.end(),
                       [](const std::string &type) { return media::classify(type) != media::Kind::Schema1; });
}

} // namespace

Result<void> RegistryClient::Impl::check_header_digest(const net::HttpResponse &response,
                                                       const std::function<Digest(DigestAlgorithm)> &content_digest,
                                                       std::string_view what) {
    HeaderDigest header = read_header_digest(response);
    if (!header.shown) return {};
    if (!header.digest) {
        // B3: ignored for identity; one warning per run is enough to make the registry's fault visible.
        if (!warned_malformed_digest) {
            warned_malformed_digest = true;
            diagnostics.warn("ignoring malformed Docker-Content-Digest from " + endpoint + " (" + header.problem +
                             "): " + *header.shown);
        }
        return {};
    }
    // The spec lets a registry announce a digest of another algorithm than the one asked for
    // (F2): compare in the header's own algorithm.
    Digest content = content_digest(header.digest->algorithm());
    if (content == *header.digest) return {};
    std::string message = "registry header digest " + header.digest->str() + " differs from content digest " +
                          content.str() + " for " + std::string(what);
    if (options.strict) return fail(ErrorCode::Integrity, message + " (--strict)");
    diagnostics.warn(message + " (the content digest is used)");
    return {};
}

Error RegistryClient::Impl::manifest_error(const net::HttpResponse &response, std::string_view repository,
                                           const ManifestTarget &target) {
    Error error = response_error(response, subject(RequestSubject::Kind::Manifest, repository, target.str()));
    if (is_oci_index_not_accepted(response)) {
        // C12: registry 2.8 refuses to serve an OCI index to an Accept list without its type.
        diagnostics.note("the registry holds an OCI index here but refused it because the Accept list sent lacks " +
                         std::string(media::oci_index) +
                         ": a client-side Accept problem, not a missing manifest (fault catalogue C12)");
        error.message += "; the Accept list sent does not include the OCI index type";
    }
    return error;
}

Result<Fetched> RegistryClient::Impl::verify_manifest(const detail::PathRequest &request,
                                                      Result<net::HttpResponse> answer, std::string_view repository,
                                                      const ManifestTarget &target,
                                                      std::string_view expected_media_type) {
    std::string what = "manifest " + endpoint + "/" + std::string(repository) +
                       (target.digest ? "@" + target.digest->str() : ":" + target.tag);
    if (!answer) return fail(std::move(answer.error()).with_context("fetching " + sanitize(what, 300)));
    net::HttpResponse &response = *answer;
    if (!success(response.status)) return fail(manifest_error(response, repository, target));
    auto failed = [&](Error error) { return fail(std::move(error).with_context(sanitize(what, 300))); };
    if (response.body.empty())
        return failed(
            Error::of(ErrorCode::Integrity, "registry returned an empty manifest").with_status(response.status));
    auto type = declared_type(response);
    auto document = parse_document(response.body, type ? std::optional<std::string_view>(*type) : std::nullopt,
                                   ParseOptions{options.strict, "Content-Type"});
    if (!document) return failed(std::move(document.error()));
    Digest digest = document->digest();
    if (target.digest) {
        digest = detail::manifest_digest_in(*document, target.digest->algorithm());
        if (digest != *target.digest) {
            // B1: never hand on content that is not what was pinned.
            return failed(Error::of(ErrorCode::Integrity, "integrity failure: registry returned content with " +
                                                              digest.str() + " for requested " + target.digest->str())
                              .with_status(response.status));
        }
    }
    std::vector<DocumentNote> notes = document->notes();
    if (!expected_media_type.empty() && media::is_manifest_type(expected_media_type)) {
        // Rule 3: fetched through a descriptor, the document must be of the kind the descriptor
        // says; the other flavour of that kind (OCI vs Docker) is read, as containerd reads it,
        // unless --strict (model.hpp check_declared_type).
        auto declared = check_declared_type(*document, expected_media_type, ParseOptions{options.strict, "descriptor"});
        if (!declared) return failed(std::move(declared.error()).with_status(response.status));
        if (*declared) notes.push_back(std::move(**declared));
    }
    // The same warnings as a disagreeing Docker-Content-Digest: `inspect` also lists them as
    // findings; the commands that print no tree have only this line.
    for (const auto &note : notes)
        diagnostics.warn(sanitize(what, 300) + ": " + note.message);
    const Document &doc = *document;
    auto checked = check_header_digest(
        response, [&](DigestAlgorithm algorithm) { return detail::manifest_digest_in(doc, algorithm); }, what);
    if (!checked) return failed(std::move(checked.error()));
    if (doc.is_schema1()) {
        std::string legacy = "legacy schema1 manifest from " + endpoint + ": its digest " + doc.digest().str() +
                             " is the hash of the payload without signatures";
        // B15: a schema1 answer to an Accept list offering newer types means conversion (or a
        // registry that only holds schema1); worth a warning, unlike a schema1 request.
        if (accepts_newer_than_schema1(options.accept)) {
            diagnostics.warn(legacy + "; the registry answered schema1 although newer types were accepted");
        } else {
            diagnostics.note(legacy);
        }
    }
    std::string media_type = type ? std::string(media::essence(*type)) : doc.media_type();
    return Fetched{std::move(response.body), digest, std::move(media_type), note_for(request, response),
                   content_length(response)};
}

Result<Fetched> RegistryClient::Impl::verify_blob(const detail::PathRequest &request, Result<net::HttpResponse> answer,
                                                  std::string_view repository, const Digest &digest) {
    std::string what = "blob " + endpoint + "/" + std::string(repository) + "@" + digest.str();
    if (!answer) return fail(std::move(answer.error()).with_context("fetching " + sanitize(what, 300)));
    net::HttpResponse &response = *answer;
    if (!success(response.status)) {
        return fail(response_error(response, subject(RequestSubject::Kind::Blob, repository, digest.str())));
    }
    auto failed = [&](Error error) { return fail(std::move(error).with_context(sanitize(what, 300))); };
    if (response.body.empty())
        return failed(Error::of(ErrorCode::Integrity, "registry returned an empty blob").with_status(response.status));
    Digest content = Digest::compute(response.body, digest.algorithm());
    if (content != digest) {
        return failed(Error::of(ErrorCode::Integrity, "integrity failure: registry returned content with " +
                                                          content.str() + " for requested " + digest.str())
                          .with_status(response.status));
    }
    const std::string &bytes = response.body;
    auto checked = check_header_digest(
        response, [&](DigestAlgorithm algorithm) { return Digest::compute(bytes, algorithm); }, what);
    if (!checked) return failed(std::move(checked.error()));
    Fetched fetch{std::move(response.body), content, {}, note_for(request, response), content_length(response)};
    auto type = declared_type(response);
    fetch.media_type = type ? std::string(media::essence(*type)) : std::string();
    return fetch;
}

} // namespace digestx::registry

#pragma once
/// @file
/// A scripted distribution-API registry for the end-to-end fault tests: a TestHttpServer handler
/// that serves manifests by tag and digest and blobs by digest, asks for Basic or Bearer
/// credentials when told to, and lets a test replace the answer for any path, so each fault
/// catalogue case is a few lines of set-up.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/http_server.hpp"

namespace digestx::test {

/// The OCI image manifest media type, the fake registry's default for manifests.
inline constexpr const char *oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
/// The OCI image index media type.
inline constexpr const char *oci_index_type = "application/vnd.oci.image.index.v1+json";
/// The OCI image config media type.
inline constexpr const char *oci_config_type = "application/vnd.oci.image.config.v1+json";

/// A small realistic single-platform image: a config blob and the OCI manifest that pins it.
struct SampleImage {
    std::string config;          ///< config JSON bytes
    std::string config_digest;   ///< sha256 of `config`
    std::string manifest;        ///< OCI manifest bytes
    std::string manifest_digest; ///< sha256 of `manifest`

    /// An image whose bytes depend on `variant` (two variants never share a digest).
    static SampleImage make(std::string_view variant = "1");
};

/// An OCI index with one linux/amd64 entry pointing at `manifest_digest` (`size` bytes).
std::string sample_index(const std::string &manifest_digest, std::size_t size);

/// `sha256:<hex>` of `bytes`.
std::string digest_of(std::string_view bytes);

/// A distribution error body: `{"errors":[{"code":…,"message":…,"detail":null}]}`.
std::string error_body(std::string_view code, std::string_view message);

/// A JSON error answer with `status` and a single registry error entry.
ScriptedResponse error_response(int status, std::string_view code, std::string_view message);

/// A redirect answer (`status` 301/302/303/307/308) to `location`.
ScriptedResponse redirect_response(std::string location, int status = 307);

/// The request's path without scheme and authority (a proxy receives absolute-form targets such
/// as `http://registry.example/v2/`) and without the query.
std::string request_path(const RecordedRequest &request);

/// How many recorded requests carry an `Authorization` header.
std::size_t authorized_requests(const TestHttpServer &server);

/// How many recorded requests had this method and path (request_path).
std::size_t count_requests(const TestHttpServer &server, std::string_view method, std::string_view path);

/// Answers one request of an override; `call` counts the override's calls from 1.
using OverrideAnswer = std::function<ScriptedResponse(const RecordedRequest &request, int call)>;

/// Builds a registry handler. Configure it, then pass handler() to a TestHttpServer; the handler
/// keeps a snapshot, so later changes do not affect a running server.
class FakeRegistry {
public:
    /// Serves `bytes` as a manifest by `tag` (when not empty) and by its sha256 digest.
    FakeRegistry &manifest(const std::string &tag, std::string bytes, std::string media_type = oci_manifest_type);
    /// Serves `bytes` as a blob by its sha256 digest.
    FakeRegistry &blob(std::string bytes, std::string media_type = oci_config_type);
    /// Serves a SampleImage: its manifest by `tag` and digest, its config blob.
    FakeRegistry &image(const std::string &tag, const SampleImage &image);
    /// Adds a header to every manifest and blob answer.
    FakeRegistry &header(std::string name, std::string value);
    /// Leaves out `Docker-Content-Digest` (ECR and header-stripping proxies).
    FakeRegistry &without_digest_header();
    /// Requires `Authorization: Basic` for `user`/`password`; 401 with a Basic challenge otherwise.
    FakeRegistry &basic(std::string user, std::string password);
    /// Requires `Authorization: Bearer <token>`; 401 with a Bearer challenge naming `realm` and
    /// `service` otherwise. `challenge` replaces the whole WWW-Authenticate value when not empty.
    FakeRegistry &bearer(std::string realm, std::string token = "registry-token", std::string challenge = {});
    /// Answers `method` ("" for any) on `path` (request_path) through `answer`, after the
    /// credential check unless `before_auth`.
    FakeRegistry &on(std::string method, std::string path, OverrideAnswer answer, bool before_auth = false);
    /// The handler.
    [[nodiscard]] Handler handler() const;

private:
    struct Stored {
        std::string bytes;
        std::string media_type;
    };
    struct Override {
        std::string method;
        std::string path;
        OverrideAnswer answer;
        bool before_auth = false;
    };
    enum class Mode { None, Basic, Bearer };

    std::map<std::string, Stored> m_manifests; // by tag and by digest
    std::map<std::string, Stored> m_blobs;     // by digest
    std::vector<std::pair<std::string, std::string>> m_headers;
    bool m_digest_header = true;
    Mode m_mode = Mode::None;
    std::string m_expected_authorization;
    std::string m_challenge;
    std::vector<Override> m_overrides;
};

/// A token endpoint: answers every request with 200 and `{"token": token, "expires_in": 300}`,
/// or with `body` verbatim when given.
Handler token_endpoint(std::string token = "registry-token", std::string body = {});

} // namespace digestx::test

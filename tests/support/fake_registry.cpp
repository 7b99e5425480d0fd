#include "support/fake_registry.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"

namespace digestx::test {
namespace {

std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16U) | (static_cast<unsigned char>(bytes[i + 1]) << 8U) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += {alphabet[(n >> 18U) & 63U], alphabet[(n >> 12U) & 63U], alphabet[(n >> 6U) & 63U], alphabet[n & 63U]};
    }
    if (i + 1 == bytes.size()) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16U;
        out += {alphabet[(n >> 18U) & 63U], alphabet[(n >> 12U) & 63U], '=', '='};
    } else if (i + 2 == bytes.size()) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16U) | (static_cast<unsigned char>(bytes[i + 1]) << 8U);
        out += {alphabet[(n >> 18U) & 63U], alphabet[(n >> 12U) & 63U], alphabet[(n >> 6U) & 63U], '='};
    }
    return out;
}

// `/v2/<name>/<kind>/<reference>`: the name may have slashes, the reference has none.
struct ApiPath {
    std::string name;
    std::string kind; // "manifests", "blobs" or "tags"
    std::string reference;
};

std::optional<ApiPath> split_api_path(const std::string &path) {
    if (!path.starts_with("/v2/")) return std::nullopt;
    if (path.ends_with("/tags/list")) return ApiPath{path.substr(4, path.size() - 4 - 10), "tags", "list"};
    for (std::string kind : {"/manifests/", "/blobs/"}) {
        auto at = path.rfind(kind);
        if (at == std::string::npos || at < 4) continue;
        std::string reference = path.substr(at + kind.size());
        if (reference.empty() || reference.find('/') != std::string::npos) continue;
        return ApiPath{path.substr(4, at - 4), kind.substr(1, kind.size() - 2), reference};
    }
    return std::nullopt;
}

} // namespace

SampleImage SampleImage::make(std::string_view variant) {
    SampleImage image;
    std::string layer_diff = digest_of("layer tar " + std::string(variant));
    image.config =
        R"({"architecture":"amd64","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"Labels":{"variant":")" +
        std::string(variant) +
        R"("}},"created":"2024-01-27T00:00:00Z","os":"linux","rootfs":{"type":"layers","diff_ids":[")" + layer_diff +
        R"("]}})";
    image.config_digest = digest_of(image.config);
    std::string layer_digest = digest_of("layer gzip " + std::string(variant));
    image.manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        image.config_digest + R"(","size":)" + std::to_string(image.config.size()) +
        R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + layer_digest +
        R"(","size":3408729}]})";
    image.manifest_digest = digest_of(image.manifest);
    return image;
}

std::string sample_index(const std::string &manifest_digest, std::size_t size) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
           manifest_digest + R"(","size":)" + std::to_string(size) +
           R"(,"platform":{"architecture":"amd64","os":"linux"}}]})";
}

std::string digest_of(std::string_view bytes) {
    return Digest::compute(bytes).str();
}

std::string error_body(std::string_view code, std::string_view message) {
    nlohmann::json body = {{"errors", {{{"code", code}, {"message", message}, {"detail", nullptr}}}}};
    return body.dump();
}

ScriptedResponse error_response(int status, std::string_view code, std::string_view message) {
    ScriptedResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = error_body(code, message);
    return response;
}

ScriptedResponse redirect_response(std::string location, int status) {
    ScriptedResponse response;
    response.status = status;
    response.headers = {{"Location", std::move(location)}};
    return response;
}

std::string request_path(const RecordedRequest &request) {
    std::string path = request.path();
    for (std::string_view scheme : {"http://", "https://"}) {
        if (!path.starts_with(scheme)) continue;
        auto slash = path.find('/', scheme.size());
        return slash == std::string::npos ? "/" : path.substr(slash);
    }
    return path;
}

std::size_t authorized_requests(const TestHttpServer &server) {
    auto requests = server.requests();
    return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [](const RecordedRequest &r) {
        return r.header("authorization").has_value();
    }));
}

std::size_t count_requests(const TestHttpServer &server, std::string_view method, std::string_view path) {
    auto requests = server.requests();
    return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [&](const RecordedRequest &r) {
        return r.method == method && request_path(r) == path;
    }));
}

FakeRegistry &FakeRegistry::manifest(const std::string &tag, std::string bytes, std::string media_type) {
    std::string digest = digest_of(bytes);
    Stored stored{std::move(bytes), std::move(media_type)};
    if (!tag.empty()) m_manifests[tag] = stored;
    m_manifests[digest] = std::move(stored);
    return *this;
}

FakeRegistry &FakeRegistry::blob(std::string bytes, std::string media_type) {
    std::string digest = digest_of(bytes);
    m_blobs[digest] = Stored{std::move(bytes), std::move(media_type)};
    return *this;
}

FakeRegistry &FakeRegistry::image(const std::string &tag, const SampleImage &image) {
    manifest(tag, image.manifest);
    return blob(image.config);
}

FakeRegistry &FakeRegistry::header(std::string name, std::string value) {
    m_headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

FakeRegistry &FakeRegistry::without_digest_header() {
    m_digest_header = false;
    return *this;
}

FakeRegistry &FakeRegistry::basic(std::string user, std::string password) {
    m_mode = Mode::Basic;
    m_expected_authorization = "Basic " + base64(user + ":" + password);
    m_challenge = R"(Basic realm="fake-registry")";
    return *this;
}

FakeRegistry &FakeRegistry::bearer(std::string realm, std::string token, std::string challenge) {
    m_mode = Mode::Bearer;
    m_expected_authorization = "Bearer " + token;
    m_challenge = challenge.empty() ? R"(Bearer realm=")" + realm + R"(",service="fake-registry")" : challenge;
    return *this;
}

FakeRegistry &FakeRegistry::on(std::string method, std::string path, OverrideAnswer answer, bool before_auth) {
    m_overrides.push_back(Override{std::move(method), std::move(path), std::move(answer), before_auth});
    return *this;
}

Handler FakeRegistry::handler() const {
    auto state = std::make_shared<const FakeRegistry>(*this);
    auto calls = std::make_shared<std::vector<std::atomic<int>>>(m_overrides.size());
    return [state, calls](const RecordedRequest &request) -> ScriptedResponse {
        std::string path = request_path(request);
        auto overridden = [&](bool before_auth) -> std::optional<ScriptedResponse> {
            for (std::size_t i = 0; i < state->m_overrides.size(); ++i) {
                const Override &o = state->m_overrides[i];
                if (o.before_auth != before_auth || o.path != path) continue;
                if (!o.method.empty() && o.method != request.method) continue;
                return o.answer(request, ++(*calls)[i]);
            }
            return std::nullopt;
        };
        if (auto answer = overridden(true)) return *answer;
        if (state->m_mode != Mode::None && request.header("authorization") != state->m_expected_authorization) {
            ScriptedResponse denied = error_response(401, "UNAUTHORIZED", "authentication required");
            denied.headers.emplace_back("WWW-Authenticate", state->m_challenge);
            return denied;
        }
        if (auto answer = overridden(false)) return *answer;
        if (path == "/v2/" || path == "/v2") {
            ScriptedResponse ok;
            ok.headers = {{"Content-Type", "application/json"}};
            ok.body = "{}";
            return ok;
        }
        auto api = split_api_path(path);
        if (!api) return error_response(404, "NAME_UNKNOWN", "repository name not known to registry");
        if (api->kind == "tags") {
            nlohmann::json tags = nlohmann::json::array();
            for (const auto &[key, stored] : state->m_manifests) {
                if (key.find(':') == std::string::npos) tags.push_back(key);
            }
            ScriptedResponse ok;
            ok.headers = {{"Content-Type", "application/json"}};
            ok.body = nlohmann::json{{"name", api->name}, {"tags", tags}}.dump();
            return ok;
        }
        const auto &store = api->kind == "manifests" ? state->m_manifests : state->m_blobs;
        auto found = store.find(api->reference);
        if (found == store.end()) {
            return api->kind == "manifests" ? error_response(404, "MANIFEST_UNKNOWN", "manifest unknown")
                                            : error_response(404, "BLOB_UNKNOWN", "blob unknown to registry");
        }
        ScriptedResponse ok;
        ok.headers = {{"Content-Type", found->second.media_type}};
        if (state->m_digest_header) ok.headers.emplace_back("Docker-Content-Digest", digest_of(found->second.bytes));
        ok.headers.insert(ok.headers.end(), state->m_headers.begin(), state->m_headers.end());
        ok.body = found->second.bytes;
        return ok;
    };
}

Handler token_endpoint(std::string token, std::string body) {
    if (body.empty()) body = nlohmann::json{{"token", token}, {"expires_in", 300}}.dump();
    return [body](const RecordedRequest &) {
        ScriptedResponse ok;
        ok.headers = {{"Content-Type", "application/json"}};
        ok.body = body;
        return ok;
    };
}

} // namespace digestx::test

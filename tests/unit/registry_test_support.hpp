#pragma once
// Small documents and a scripted registry for the registry client's unit tests.

#include <sstream>
#include <string>
#include <vector>

#include "digestx/core/digest.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/registry/client.hpp"
#include "support/fake_transport.hpp"

namespace digestx::test::registry_samples {

inline const std::string endpoint = "reg.example";
inline const std::string base = "https://reg.example";
inline const std::string repo = "library/app";

/// `base/v2/library/app/<rest>`.
inline std::string url(const std::string &rest) {
    return base + "/v2/" + repo + "/" + rest;
}

inline const std::string config_bytes =
    R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"history":[]})";

inline std::string config_digest() {
    return Digest::compute(config_bytes).str();
}

/// A Docker schema2 manifest whose config is config_bytes.
inline std::string docker_manifest(const std::string &annotation = "") {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
           R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":)" +
           std::to_string(config_bytes.size()) + R"(,"digest":")" + config_digest() + R"("},"layers":[)" + annotation +
           "]}";
}

/// An OCI manifest whose config is config_bytes.
inline std::string oci_manifest() {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":)" +
           std::to_string(config_bytes.size()) + R"(,"digest":")" + config_digest() + R"("},"layers":[]})";
}

/// An OCI index with one entry per (digest, size, platform "os/arch").
struct Entry {
    std::string media_type;
    std::string digest;
    std::size_t size;
    std::string os;
    std::string arch;
};

inline std::string oci_index(const std::vector<Entry> &entries, std::string_view type = media::oci_index) {
    std::string out = R"({"schemaVersion":2,"mediaType":")" + std::string(type) + R"(","manifests":[)";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto &e = entries[i];
        if (i > 0) out += ",";
        out +=
            R"({"mediaType":")" + e.media_type + R"(","digest":")" + e.digest + R"(","size":)" + std::to_string(e.size);
        if (!e.os.empty()) out += R"(,"platform":{"os":")" + e.os + R"(","architecture":")" + e.arch + R"("})";
        out += "}";
    }
    return out + "]}";
}

/// A 200 answer for a manifest with its Content-Type and, unless told otherwise, a correct
/// Docker-Content-Digest.
inline FakeReply manifest_reply(const std::string &body, std::string_view type,
                                std::optional<std::string> header_digest = std::string("auto")) {
    std::vector<net::Header> headers{{"Content-Type", std::string(type)},
                                     {"Content-Length", std::to_string(body.size())}};
    if (header_digest) {
        headers.emplace_back("Docker-Content-Digest",
                             *header_digest == "auto" ? Digest::compute(body).str() : *header_digest);
    }
    return reply(200, body, std::move(headers));
}

/// A registry error body.
inline std::string error_body(const std::string &code, const std::string &message) {
    return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"(","detail":null}]})";
}

/// A client over `transport` for reg.example, writing diagnostics to `err`.
inline registry::RegistryClient make_client_for(FakeTransport &transport, std::ostringstream &err,
                                                registry::ClientOptions options = {}) {
    options.diagnostics = &err;
    return registry::RegistryClient(borrowed(transport), endpoint, std::nullopt, std::move(options));
}

} // namespace digestx::test::registry_samples

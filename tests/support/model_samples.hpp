#pragma once
// Builders for synthetic manifest documents used by the model table tests.

#include <string>
#include <string_view>

namespace samples {

/// `sha256:` followed by 64 copies of `c` (a hex digit).
inline std::string digest(char c) {
    return "sha256:" + std::string(64, c);
}

/// A descriptor object; `size` and `digest_text` are spliced in raw, so tests can put any JSON there.
inline std::string descriptor(std::string_view media_type, std::string_view digest_text, std::string_view size = "100",
                              std::string_view extra = "") {
    std::string out = "{\"mediaType\":\"" + std::string(media_type) + "\",\"digest\":" + std::string(digest_text) +
                      ",\"size\":" + std::string(size);
    if (!extra.empty()) out += "," + std::string(extra);
    return out + "}";
}

/// A quoted sha256 digest of 64 copies of `c`.
inline std::string quoted_digest(char c) {
    return "\"" + digest(c) + "\"";
}

/// An OCI config descriptor.
inline std::string oci_config(std::string_view size = "7023") {
    return descriptor("application/vnd.oci.image.config.v1+json", quoted_digest('c'), size);
}

/// An OCI gzip layer descriptor.
inline std::string oci_layer(char c = '1', std::string_view size = "32654") {
    return descriptor("application/vnd.oci.image.layer.v1.tar+gzip", quoted_digest(c), size);
}

/// An OCI image manifest; `media_type_field` is the whole `"mediaType":…,` part (or "").
inline std::string
oci_manifest(std::string_view extra = "",
             std::string_view media_type_field = "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",") {
    std::string out = "{\"schemaVersion\":2," + std::string(media_type_field) + "\"config\":" + oci_config() +
                      ",\"layers\":[" + oci_layer('1') + "," + oci_layer('2') + "]";
    if (!extra.empty()) out += "," + std::string(extra);
    return out + "}";
}

/// A Docker schema2 manifest.
inline std::string docker_manifest(
    std::string_view extra = "",
    std::string_view media_type_field = "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",") {
    std::string out =
        "{\"schemaVersion\":2," + std::string(media_type_field) +
        "\"config\":" + descriptor("application/vnd.docker.container.image.v1+json", quoted_digest('c'), "1471") +
        ",\"layers\":[" +
        descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", quoted_digest('8'), "2809473") + "]";
    if (!extra.empty()) out += "," + std::string(extra);
    return out + "}";
}

/// An index entry for a platform.
inline std::string index_entry(char c, std::string_view os = "linux", std::string_view arch = "amd64",
                               std::string_view extra = "",
                               std::string_view media_type = "application/vnd.oci.image.manifest.v1+json") {
    std::string platform =
        "\"platform\":{\"os\":\"" + std::string(os) + "\",\"architecture\":\"" + std::string(arch) + "\"}";
    if (!extra.empty()) platform += "," + std::string(extra);
    return descriptor(media_type, quoted_digest(c), "528", platform);
}

/// An OCI index with the given entries.
inline std::string
oci_index(std::string_view entries, std::string_view extra = "",
          std::string_view media_type_field = "\"mediaType\":\"application/vnd.oci.image.index.v1+json\",") {
    std::string out =
        "{\"schemaVersion\":2," + std::string(media_type_field) + "\"manifests\":[" + std::string(entries) + "]";
    if (!extra.empty()) out += "," + std::string(extra);
    return out + "}";
}

/// An OCI artifact manifest of image-spec v1.1.0-rc2 (artifact.md): no schemaVersion, no config,
/// its content in `blobs`. `extra` is spliced in after the blobs.
inline std::string oci_artifact_manifest(
    std::string_view extra = "",
    std::string_view media_type_field = "\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\",") {
    std::string out = "{" + std::string(media_type_field) +
                      "\"artifactType\":\"application/vnd.example.sbom.v1\",\"blobs\":[" +
                      descriptor("application/gzip", quoted_digest('b'), "123") + "]";
    if (!extra.empty()) out += "," + std::string(extra);
    return out + "}";
}

/// A Docker schema1 manifest without signatures, 3-space indented like docker wrote them.
inline std::string schema1_unsigned(
    std::string_view blob_sum = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4") {
    return "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/hello\",\n   \"tag\": \"latest\",\n"
           "   \"architecture\": \"amd64\",\n   \"fsLayers\": [\n      {\n         \"blobSum\": \"" +
           std::string(blob_sum) +
           "\"\n      }\n   ],\n   \"history\": [\n      {\n         \"v1Compatibility\": \"{\\\"id\\\":\\\"1\\\"}\"\n"
           "      }\n   ]\n}";
}

/// base64url without padding (JOSE).
inline std::string base64url(std::string_view bytes) {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned accumulator = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        accumulator = (accumulator << 8U) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(accumulator >> static_cast<unsigned>(bits)) & 0x3FU]);
        }
    }
    if (bits > 0) out.push_back(alphabet[(accumulator << static_cast<unsigned>(6 - bits)) & 0x3FU]);
    return out;
}

/// One signature block whose protected header carries `protected_json`.
inline std::string signature_block(std::string_view protected_json) {
    return "{\"header\":{\"jwk\":{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"AA\",\"y\":\"AA\"},\"alg\":\"ES256\"},"
           "\"signature\":\"c2ln\",\"protected\":\"" +
           base64url(protected_json) + "\"}";
}

/// The protected header libtrust writes for a payload cut at `length` with `tail` after it.
inline std::string protected_header(std::size_t length, std::string_view tail) {
    return "{\"formatLength\":" + std::to_string(length) + ",\"formatTail\":\"" + base64url(tail) +
           "\",\"time\":\"2015-09-11T04:13:48Z\"}";
}

/// Signs `payload` the way libtrust's PrettySignature lays it out: the JSON up to its last
/// member, the signatures spliced in, then the closing brace. `blocks` is the raw array content;
/// empty means one block with the correct protected header.
inline std::string sign_schema1(const std::string &payload, std::string blocks = "") {
    std::size_t close = payload.find_last_not_of(" \t\r\n");
    std::size_t last = payload.find_last_not_of(" \t\r\n", close - 1);
    std::size_t length = last + 1;
    if (blocks.empty()) blocks = signature_block(protected_header(length, payload.substr(length)));
    return payload.substr(0, length) + ",\n   \"signatures\": [" + blocks + "]\n}";
}

} // namespace samples

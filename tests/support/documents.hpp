#pragma once
/// @file
/// Builders for small, valid, deterministic image documents used by resolver, explain and render
/// tests. Each returns exact bytes; the tests hash them like a registry would.

#include <string>
#include <vector>

namespace digestx::test {

/// An index entry to put in a list or index.
struct EntrySpec {
    std::string media_type; ///< the entry's mediaType
    std::string digest;     ///< `sha256:…`
    std::size_t size = 0;   ///< the referenced document's size
    std::string platform;   ///< "os/arch[/variant]", "" for no platform object
    std::string attests;    ///< for a buildx attestation entry, the image manifest digest
};

/// An image config for `platform` ("linux/arm/v7") with the given diff_ids.
std::string make_config(const std::string &platform, const std::vector<std::string> &diff_ids,
                        const std::string &marker = "test");

/// A manifest of `media_type` (Docker schema2 or OCI) referring to a config and layers
/// (layer digests with their sizes).
std::string make_manifest(const std::string &media_type, const std::string &config_digest, std::size_t config_size,
                          const std::vector<std::pair<std::string, std::size_t>> &layers,
                          const std::string &config_media_type = {}, const std::string &artifact_type = {});

/// An index (OCI index or Docker manifest list) with the given entries.
std::string make_index(const std::string &media_type, const std::vector<EntrySpec> &entries);

/// sha256 of the text, as `sha256:…`.
std::string sha256_of(const std::string &text);

} // namespace digestx::test

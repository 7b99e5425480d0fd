/// @file
/// Fuzz target: manifest, index and image config documents as a registry sends them (OCI
/// image-spec manifest.md, image-index.md, config.md; Docker schema2 and schema1), with or without
/// a declared media type. Invariants: a document keeps its bytes exactly; its digest is what
/// manifest_digest() computes and, outside signed schema1, the sha256 of the bytes; every
/// descriptor of a parsed document carries a digest that re-parses; a config's digest is the
/// sha256 of its bytes.

#include <array>
#include <optional>
#include <string>

#include "digestx/core/digest.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/model.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;

namespace {

// What a Content-Type or a referring descriptor may declare; the first slot declares nothing.
constexpr std::array<std::optional<std::string_view>, 9> declared_types = {
    std::nullopt,
    digestx::media::docker_manifest_list,
    digestx::media::docker_manifest_v2,
    digestx::media::docker_manifest_v1_signed,
    digestx::media::docker_manifest_v1,
    digestx::media::oci_index,
    digestx::media::oci_manifest,
    digestx::media::oci_artifact_manifest,
    std::string_view("application/json; charset=utf-8"),
};

void check_document(std::string_view bytes, std::optional<std::string_view> declared, bool strict) {
    digestx::ParseOptions options;
    options.strict = strict;
    const auto document = digestx::parse_document(std::string(bytes), declared, options);
    const auto digest = digestx::manifest_digest(bytes);
    if (!document) return;
    check(document->bytes() == bytes && document->size() == bytes.size(), "a document keeps its bytes exactly");
    check(digest && *digest == document->digest(), "manifest_digest() is the document's digest");
    if (!document->is_schema1())
        check(document->digest() == digestx::Digest::compute(bytes), "outside schema1 the digest hashes the bytes");
    for (const auto &ref : document->descriptors()) {
        check(ref.descriptor != nullptr && ref.descriptor->size >= 0, "a descriptor is present with a size");
        const auto again = digestx::DeclaredDigest::parse(ref.descriptor->digest.str());
        check(again && *again == ref.descriptor->digest, "a descriptor's digest re-parses from its text");
    }
    (void)document->subject();
    (void)document->artifact_type();
    (void)document->annotations();
    // A document agrees with its own media type.
    const auto again = digestx::check_declared_type(*document, document->media_type(), options);
    check(again.has_value() && !again->has_value(), "a document agrees with its own media type");
    for (const auto &other : declared_types)
        if (other) (void)digestx::check_declared_type(*document, *other, options);
}

void check_config(std::string_view bytes) {
    const auto config = digestx::parse_image_config(bytes);
    if (!config) return;
    check(config->bytes == bytes, "a config keeps its bytes exactly");
    check(config->digest == digestx::Digest::compute(bytes), "the image ID hashes the config's bytes");
    for (const auto &diff_id : config->diff_ids) {
        const auto again = digestx::DeclaredDigest::parse(diff_id.str());
        check(again && *again == diff_id, "a diff_id re-parses from its text");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    const auto choice = input.choose(declared_types.size() * 2);
    const auto bytes = input.rest();
    check_document(bytes, declared_types[choice / 2], choice % 2 == 1);
    check_config(bytes);
    (void)digestx::schema1_signed_payload(bytes);
    const auto declared = digestx::DeclaredDigest::parse(bytes);
    if (declared) check(declared->str() == bytes, "a declared digest keeps its text");
    return 0;
}

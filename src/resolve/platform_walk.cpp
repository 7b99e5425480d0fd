// From a reference to the manifest one platform pulls, reading only what the selection needs.
#include "digestx/resolve/platform_walk.hpp"

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

FetchItem manifest_item(const Descriptor &entry, const Digest &digest) {
    return FetchItem{FetchItem::Kind::Manifest, digest, entry.media_type, entry.size};
}

// The platform of a manifest that declares none through an entry: schema1 names its
// architecture, an image its config (read here, or already read), an artifact none at all.
Result<std::optional<Platform>> own_platform(Source &source, const Document &manifest, std::optional<Fetched> &config) {
    if (manifest.is_schema1()) return std::optional<Platform>(schema1_platform(manifest.schema1()));
    // image-spec: a config of a type one does not know is not parsed; it has no platform. The
    // legacy types docker pulls as image configs are image configs (is_legacy_config_type); an artifact manifest has no
    // config at all.
    if (!manifest.manifest().has_image_config()) return std::optional<Platform>();
    if (!config) {
        auto fetched = fetch_config_blob(source, manifest.manifest());
        if (!fetched) return fail(std::move(fetched.error()));
        config = std::move(*fetched);
    }
    auto parsed = parse_image_config(config->bytes);
    if (!parsed) return fail(std::move(parsed.error()).with_context("config " + config->digest.str()));
    return std::optional<Platform>(config_platform(*parsed));
}

} // namespace

Result<Fetched> fetch_config_blob(Source &source, const Manifest &manifest) {
    if (!manifest.config) return fail(ErrorCode::NotFound, "an artifact manifest has no config blob");
    const Descriptor &descriptor = *manifest.config;
    auto digest = descriptor.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    return source.fetch_one(FetchItem{FetchItem::Kind::Blob, *digest, descriptor.media_type, descriptor.size});
}

Result<Document> parse_fetched(const Fetched &fetched, std::string_view what, bool strict) {
    std::optional<std::string_view> declared;
    if (!fetched.media_type.empty()) declared = fetched.media_type;
    // A layout's type is its descriptor's; a registry's is the Content-Type it answered with.
    ParseOptions options{strict, fetched.note.method == FetchMethod::Read ? "descriptor" : "Content-Type"};
    auto document = parse_document(fetched.bytes, declared, options);
    if (!document) return fail(std::move(document.error()).with_context(sanitize(what, 300)));
    return document;
}

Result<PlatformManifest> walk_to_platform(Source &source, const Reference &reference, const PlatformRequest &request,
                                          const PlatformWalkOptions &options) {
    auto top = source.fetch_reference(reference);
    if (!top) return fail(std::move(top.error()));
    auto top_document = parse_fetched(*top, reference.familiar(), options.strict);
    if (!top_document) return fail(std::move(top_document.error()));
    PlatformManifest walk{top->note.method, top_document->digest(), top_document->media_type(), {}, false, std::nullopt,
                          std::nullopt};
    Document current = std::move(*top_document);
    std::optional<Platform> declared;
    std::optional<Digest> parent_index;
    for (std::size_t depth = 0; current.is_index(); ++depth) {
        if (depth == options.max_depth) {
            return fail(ErrorCode::Integrity, "index nesting deeper than " + std::to_string(options.max_depth));
        }
        auto choice = choose_entry(current.index(), request, current.digest().str());
        if (!choice) return fail(std::move(choice.error()));
        const Descriptor entry = current.index().manifests[choice->position];
        auto digest = entry.digest.require_verifiable();
        if (!digest) return fail(std::move(digest.error()));
        walk.from_index = true;
        walk.digest = *digest;
        walk.media_type = entry.media_type;
        declared = choice->declared ? descriptor_platform(entry) : std::nullopt;
        parent_index = current.digest();
        bool nested = media::classify(entry.media_type) == media::Kind::Index;
        // `digest --platform`: a declared entry is the answer; its manifest is not fetched.
        if (declared && !nested && !options.fetch_manifest && !options.fetch_config) {
            walk.platform = *declared;
            return walk;
        }
        auto fetched = source.fetch_one(manifest_item(entry, *digest));
        if (!fetched) return fail(std::move(fetched.error()));
        auto document = parse_fetched(*fetched, digest->str(), options.strict);
        if (!document) return fail(std::move(document.error()));
        current = std::move(*document);
    }
    std::optional<Fetched> config;
    if (declared) {
        walk.platform = *declared;
    } else if (needs_platform_check(walk.from_index, request) || options.fetch_config) {
        auto actual = own_platform(source, current, config);
        if (!actual) return fail(std::move(actual.error()));
        bool fits = *actual && platform_satisfies(**actual, request);
        if (needs_platform_check(walk.from_index, request) && !fits) {
            if (walk.from_index) return fail(undeclared_entry_mismatch(request, *parent_index, walk.digest, *actual));
            if (!*actual) {
                return fail(ErrorCode::NotFound, "no manifest for " +
                                                     sanitize(display_platform(request.platform), 100) + ": " +
                                                     walk.digest.str() + " is not an image (it has no platform)");
            }
            return fail(platform_mismatch(request, "the image " + walk.digest.str(), **actual));
        }
        if (*actual) walk.platform = **actual;
    }
    if (options.fetch_config && !config && current.is_manifest()) {
        auto fetched = fetch_config_blob(source, current.manifest());
        if (!fetched) return fail(std::move(fetched.error()));
        config = std::move(*fetched);
    }
    walk.config = std::move(config);
    walk.manifest = std::move(current);
    return walk;
}

} // namespace digestx

#include "accept_findings.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx::explain_detail {
namespace {

// The distribution registry (CNCF distribution: the registry:2 and registry:3 images, Debian's
// docker-registry) picks its answer to a manifest request in registry/handlers/manifests.go
// GetManifest. Read in v2.8.2 (Debian 12's package, which the integration tests run) and in
// v3.0.0 to v3.1.1; where the two differ, both are modelled. Other registries choose by their own
// rules, which digestx cannot see: every sentence below names distribution.

// The four types GetManifest looks for in Accept (its `supports` array). Nothing else counts:
// not `*/*`, not the schema1 types, not q-values, not the order.
struct Supports {
    bool schema2 = true;
    bool manifest_list = true;
    bool oci_manifest = true;
    bool oci_index = true;
};

enum class Major { Two, Three };

// What distribution holds, as it classifies it: storage/manifeststore.go Get picks a handler by
// the body's `mediaType` (a body without one is an index when it has `manifests`, else an OCI
// manifest), then GetManifest's type switch names the kind.
enum class Stored {
    Schema1,      // never checked against Accept (and gone from 3.x)
    Schema2,      // application/vnd.docker.distribution.manifest.v2+json
    ManifestList, // application/vnd.docker.distribution.manifest.list.v2+json
    OciManifest,  // the OCI manifest type, or no mediaType and no `manifests`
    OciIndex,     // the OCI index type
    // An index without `mediaType`: 2.8's switch leaves it manifestSchema1 and 3.x's leaves it
    // manifestSchema2, so neither checks Accept for it.
    UntypedIndex,
};

Stored stored_as(const Document &document) {
    if (document.is_schema1()) return Stored::Schema1;
    std::string_view type = document.media_type_in_body() ? std::string_view(document.media_type()) : "";
    if (document.is_index()) {
        if (type == media::docker_manifest_list) return Stored::ManifestList;
        if (type == media::oci_index) return Stored::OciIndex;
        return Stored::UntypedIndex;
    }
    return type == media::docker_manifest_v2 ? Stored::Schema2 : Stored::OciManifest;
}

enum class Outcome {
    AsStored,          // the document asked for, as stored
    Entry,             // a manifest list's linux/amd64 entry instead of the list
    Schema1Conversion, // 2.x: a schema1 document made on the fly, of another digest
    NotFound,          // 404 MANIFEST_UNKNOWN
    // 400 MANIFEST_INVALID: 3.x's "Schema 2 manifest not supported by client", or 2.x failing to
    // convert an image whose config it cannot turn into schema1.
    Refused,
};

struct Answer {
    Outcome outcome = Outcome::AsStored;
    std::optional<std::size_t> entry; // the position in `manifests` of the entry involved
};

// The loop that replaces a list: the first entry whose platform is exactly os "linux" and
// architecture "amd64" as written (defaultOS, defaultArch); the variant is never looked at.
std::optional<std::size_t> first_linux_amd64(const Index &index) {
    for (std::size_t i = 0; i < index.manifests.size(); ++i) {
        const auto &platform = index.manifests[i].platform;
        if (platform && platform->os == "linux" && platform->architecture == "amd64") return i;
    }
    return std::nullopt;
}

const TreeNode *entry_node(const ImageTree &tree, std::size_t position) {
    for (std::size_t child : tree.root().children) {
        const TreeNode &node = tree.nodes[child];
        if (!node.is_referrer() && node.entry == position) return &node;
    }
    return nullptr;
}

// Whether 2.x's convertSchema2Manifest can build a schema1 document from the image's config
// (manifest/schema1/config_builder.go Build): it needs a history, as many diff_ids as the
// manifest has layers, and no more non-empty history entries than diff_ids. Unknown (the config
// was not read): assumed convertible, as most images are.
bool convertible(const ImageTree &tree, const TreeNode &manifest) {
    if (!manifest.document || !manifest.document->is_manifest()) return true;
    for (std::size_t child : manifest.children) {
        const TreeNode &node = tree.nodes[child];
        if (!node.config) continue;
        const ImageConfig &config = *node.config;
        std::size_t layers = 0;
        for (const auto &entry : config.history)
            layers += entry.empty_layer ? 0U : 1U;
        return !config.history.empty() && config.diff_ids.size() == manifest.document->manifest().layers.size() &&
               layers <= config.diff_ids.size();
    }
    return true;
}

Outcome two_without_schema2(const ImageTree &tree, const TreeNode *manifest) {
    return manifest == nullptr || convertible(tree, *manifest) ? Outcome::Schema1Conversion : Outcome::Refused;
}

// Whether distribution would read the entry it fetched as schema2 (the document when it was
// read, else what the list says of it).
bool entry_is_schema2(const ImageTree &tree, std::size_t position) {
    const TreeNode *node = entry_node(tree, position);
    if (node && node->document) return stored_as(*node->document) == Stored::Schema2;
    const Descriptor &entry = tree.root().document->index().manifests[position];
    return media::essence(entry.media_type) == media::docker_manifest_v2;
}

// GetManifest for the root of `tree`, requested by tag or by digest with an Accept list that has
// the types `accept` says, from distribution `major`.
Answer distribution_answer(const ImageTree &tree, bool by_tag, Supports accept, Major major) {
    const Document &root = *tree.root().document;
    Stored stored = stored_as(root);
    // "OCI manifest found, but accept header does not support OCI manifests", by tag or digest.
    if (stored == Stored::OciManifest && !accept.oci_manifest) return {Outcome::NotFound, {}};
    // "OCI index found, but accept header does not support OCI indexes": 2.x only. 3.x reads an
    // OCI index as an ocischema.DeserializedImageIndex (storage/ociindexhandler.go), which the type
    // switch, looking for a manifestlist.DeserializedManifestList, never classifies as one.
    if (stored == Stored::OciIndex && !accept.oci_index && major == Major::Two) return {Outcome::NotFound, {}};
    // Every rewrite below is guarded by `imh.Tag != ""`: "If they are being fetched by digest, we
    // can't return something not matching the digest."
    if (!by_tag) return {};
    if (stored == Stored::Schema2 && !accept.schema2) {
        // 2.x convertSchema2Manifest; 3.x has no schema1 and serves the manifest.
        return {major == Major::Two ? two_without_schema2(tree, &tree.root()) : Outcome::AsStored, {}};
    }
    if (stored == Stored::ManifestList && !accept.manifest_list) {
        auto position = first_linux_amd64(root.index());
        if (!position) return {Outcome::NotFound, {}};
        // The entry is served as it is stored, whatever it is, unless it is schema2 and schema2
        // is not accepted either: 2.x converts it, 3.x refuses.
        if (entry_is_schema2(tree, *position) && !accept.schema2) {
            return {major == Major::Two ? two_without_schema2(tree, entry_node(tree, *position)) : Outcome::Refused,
                    position};
        }
        return {Outcome::Entry, position};
    }
    return {};
}

std::string written_platform(const DescriptorPlatform &platform) {
    std::string text = platform.os + "/" + platform.architecture;
    if (!platform.variant.empty()) text += "/" + platform.variant;
    return sanitize(text, 120);
}

constexpr std::string_view both = "the distribution registry (registry:2, registry:3)";

void list_finding(const ImageTree &tree, Explanation &explanation) {
    Supports no_list;
    no_list.manifest_list = false;
    // A client with the schema2 type: the same answer from 2.x and 3.x, so one sentence names both.
    Answer answer = distribution_answer(tree, true, no_list, Major::Two);
    Answer three = distribution_answer(tree, true, no_list, Major::Three);
    if (three.outcome != answer.outcome || three.entry != answer.entry) return;
    if (answer.outcome == Outcome::NotFound) {
        explanation.findings.push_back({FindingLevel::Info, "accept-dependent",
                                        std::string(both) +
                                            " answers 404 MANIFEST_UNKNOWN for this tag to a client whose Accept "
                                            "lacks the manifest list type: the list has no linux/amd64 entry to "
                                            "serve instead",
                                        std::size_t{0}});
        return;
    }
    if (answer.outcome != Outcome::Entry || !answer.entry) return;
    std::size_t position = *answer.entry;
    const Descriptor &entry = tree.root().document->index().manifests[position];
    const TreeNode *node = entry_node(tree, position);
    std::string digest = node ? node->digest_text() : entry.digest.str();
    std::string platform = written_platform(*entry.platform);
    if (!entry.platform->variant.empty()) platform += ": distribution does not look at the variant";
    std::string client = entry_is_schema2(tree, position)
                             ? "a client whose Accept has the schema2 type but not the manifest list type"
                             : "a client whose Accept lacks the manifest list type";
    explanation.findings.push_back({FindingLevel::Info, "accept-dependent",
                                    std::string(both) + " serves " + client +
                                        ", for this tag, the list's first linux/amd64 entry instead of the list: " +
                                        digest + " (" + platform + "), the digest that client then records",
                                    node ? std::optional<std::size_t>(node->id) : std::optional<std::size_t>(0)});
}

std::string config_platform(const ImageConfig &config) {
    return display_platform(normalize(Platform{config.os, config.architecture, config.variant, config.os_version, {}}));
}

std::string full_list_kind(const std::string &media_type) {
    switch (media::classify(media_type)) {
    case media::Kind::Index: return media_type == media::docker_manifest_list ? "the manifest list" : "the image index";
    case media::Kind::Manifest: return "an image manifest";
    case media::Kind::Schema1: return "a schema1 manifest";
    default: return media_type.empty() ? "a document of no stated type" : sanitize(media_type, 120);
    }
}

} // namespace

void add_accept_findings(const ImageTree &tree, Explanation &explanation) {
    const TreeNode &root = tree.root();
    if (tree.reference.source() != SourceKind::Registry || !root.document) return;
    // A reference with a digest is requested by its digest, tag or not (registry::ManifestTarget).
    const bool by_tag = !tree.reference.digest().has_value();
    switch (stored_as(*root.document)) {
    case Stored::ManifestList:
        if (by_tag) list_finding(tree, explanation);
        return;
    case Stored::OciIndex: {
        Supports no_index;
        no_index.oci_index = false;
        if (distribution_answer(tree, by_tag, no_index, Major::Two).outcome != Outcome::NotFound) return;
        bool served_by_3 = distribution_answer(tree, by_tag, no_index, Major::Three).outcome == Outcome::AsStored;
        explanation.findings.push_back({FindingLevel::Info, "accept-dependent",
                                        "the distribution registry 2.x (registry:2) answers 404 MANIFEST_UNKNOWN to "
                                        "a client whose Accept lacks the OCI index type, by tag and by digest alike" +
                                            std::string(served_by_3 ? "; 3.x (registry:3) serves it the index" : ""),
                                        std::size_t{0}});
        return;
    }
    case Stored::OciManifest: {
        Supports no_manifest;
        no_manifest.oci_manifest = false;
        if (distribution_answer(tree, by_tag, no_manifest, Major::Two).outcome != Outcome::NotFound) return;
        explanation.findings.push_back({FindingLevel::Info, "accept-dependent",
                                        std::string(both) +
                                            " answers 404 MANIFEST_UNKNOWN to a client whose Accept lacks the OCI "
                                            "manifest type, by tag and by digest alike",
                                        std::size_t{0}});
        return;
    }
    case Stored::Schema2: {
        Supports no_schema2;
        no_schema2.schema2 = false;
        Outcome two = distribution_answer(tree, by_tag, no_schema2, Major::Two).outcome;
        if (two != Outcome::Schema1Conversion && two != Outcome::Refused) return;
        bool served_by_3 = distribution_answer(tree, by_tag, no_schema2, Major::Three).outcome == Outcome::AsStored;
        std::string what = two == Outcome::Schema1Conversion
                               ? "serves a client whose Accept lacks the schema2 type (or that sends none), for this "
                                 "tag, a schema1 conversion of this manifest, of another digest"
                               : "answers 400 MANIFEST_INVALID, for this tag, to a client whose Accept lacks the "
                                 "schema2 type (or that sends none): this image's config (its history against its "
                                 "layers) cannot be converted to schema1";
        explanation.findings.push_back(
            {FindingLevel::Info, "accept-dependent",
             "the distribution registry 2.x (registry:2) " + what +
                 std::string(served_by_3 ? "; 3.x (registry:3) serves it the manifest as it is" : ""),
             std::size_t{0}});
        return;
    }
    case Stored::Schema1:
    case Stored::UntypedIndex: return;
    }
}

// `inspect --accept`: the tree was read with another client's Accept list; the HEAD with
// digestx's default list says whether that gets another document for the same reference.
void add_accept_comparison(const ImageTree &tree, Explanation &explanation) {
    const AcceptComparison &accept = *tree.accept;
    const TreeNode &root = tree.root();
    if (accept.full_digest.empty() || accept.full_digest == root.digest_text()) return;
    std::string served = explanation.nodes[0].title;
    // A single manifest served in place of a list: its config says which platform it is.
    if (explanation.nodes[0].role == Role::SingleManifest && !root.children.empty() &&
        tree.nodes[root.children.front()].config) {
        served = config_platform(*tree.nodes[root.children.front()].config) + " manifest";
    }
    explanation.findings.push_back({FindingLevel::Warning, "accept-dependent",
                                    "with Accept " + sanitize(accept.preset, 60) + " the registry served " +
                                        root.digest_text() + " (the " + served +
                                        "); digestx's default Accept list gets " + accept.full_digest + " (" +
                                        full_list_kind(accept.full_media_type) + ")",
                                    std::size_t{0}});
}

} // namespace digestx::explain_detail

#include "digestx/resolve/resolve.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/resolve/select.hpp"

namespace digestx {
namespace {

NodeKind kind_of(const Document &document) {
    if (document.is_index()) return NodeKind::Index;
    if (document.is_schema1()) return NodeKind::Schema1;
    return NodeKind::Manifest;
}

Error integrity(std::string message) {
    return Error::of(ErrorCode::Integrity, std::move(message));
}

// Who declared a document's type: a layout's index.json descriptor, or a registry's Content-Type.
std::string_view declared_by(const FetchNote &note) {
    return note.method == FetchMethod::Read ? "descriptor" : "Content-Type";
}

// One document read by digest (through a descriptor of one media type), parsed once and shared by
// every node that names it so: content addressing makes a graph revisit (the same manifest under
// two indexes, one config under two manifests) a cache hit, held once and counted once against
// the byte budget.
struct Read {
    std::optional<Error> error;
    std::optional<FetchNote> note;
    std::shared_ptr<const Document> document;
    std::shared_ptr<const ImageConfig> config;
    std::vector<DocumentNote> notes; // the document's, and a Content-Type's beside its descriptor
};

// The walk's mutable state: the tree being built and the budget left.
class Walker {
public:
    Walker(Source &source, const ResolveOptions &options, ImageTree &tree)
        : m_source(source), m_options(options), m_tree(tree) {}

    Result<void> run_root(Fetched fetched);
    void run_levels();

private:
    struct Pending {
        std::size_t node;
        FetchItem item;
    };
    // A document is read once per descriptor type naming it: each declaration is checked against
    // the body, so an entry that calls a manifest an index is caught even after another entry
    // read the same digest as a manifest.
    using Key = std::tuple<FetchItem::Kind, std::string, std::string>;

    std::size_t add_child(std::size_t parent, const Descriptor &descriptor, std::optional<std::size_t> entry);
    void plan_index(std::size_t node, std::vector<Pending> &pending);
    void plan_manifest(std::size_t node, std::vector<Pending> &pending);
    void plan_fetch(std::size_t node, FetchItem::Kind kind, std::vector<Pending> &pending);
    struct Selection {
        std::vector<std::size_t> entries;  // positions to walk, in document order
        std::optional<EntryChoice> choice; // the entry --platform chose
    };
    Selection select_entries(std::size_t node);
    Read read(const FetchItem &item, Result<Fetched> fetched);
    void absorb(std::size_t node, const Read &read, std::vector<std::size_t> &next);
    void check_header_digest(std::size_t node);
    void check_config_platform(std::size_t config_node);
    void set_error(std::size_t node, Error error) { m_tree.nodes[node].error = std::move(error); }
    void add_notes(std::size_t node, const std::vector<DocumentNote> &notes);

    Source &m_source;
    const ResolveOptions &m_options;
    ImageTree &m_tree;
    std::vector<std::size_t> m_frontier;
    // Every document read so far, by kind and digest; with the depth limit it bounds any walk.
    std::map<Key, Read> m_seen;
    // Manifests chosen through an entry without a platform, with their index: their config decides.
    std::map<std::size_t, std::size_t> m_undeclared_child;
    std::size_t m_entries_seen = 0;
    std::size_t m_bytes_read = 0;
};

std::size_t Walker::add_child(std::size_t parent, const Descriptor &descriptor, std::optional<std::size_t> entry) {
    TreeNode child;
    child.id = m_tree.nodes.size();
    child.parent = parent;
    child.depth = m_tree.nodes[parent].depth + 1;
    child.descriptor = descriptor;
    child.entry = entry;
    child.platform = descriptor_platform(descriptor);
    m_tree.nodes.push_back(std::move(child));
    m_tree.nodes[parent].children.push_back(m_tree.nodes.size() - 1);
    return m_tree.nodes.size() - 1;
}

Result<void> Walker::run_root(Fetched fetched) {
    m_bytes_read += fetched.bytes.size();
    TreeNode root;
    root.note = fetched.note;
    std::optional<std::string_view> declared;
    if (!fetched.media_type.empty()) declared = fetched.media_type;
    auto document =
        parse_document(std::move(fetched.bytes), declared, ParseOptions{m_options.strict, declared_by(fetched.note)});
    if (!document) return fail(std::move(document.error()));
    const Reference &reference = m_tree.reference;
    if (reference.digest() && document->digest() != *reference.digest()) {
        return fail(integrity("integrity failure: content has " + document->digest().str() + " for requested " +
                              reference.digest()->str()));
    }
    root.kind = kind_of(*document);
    root.document = std::make_shared<const Document>(std::move(*document));
    m_tree.nodes.push_back(std::move(root));
    add_notes(0, m_tree.nodes[0].document->notes());
    check_header_digest(0);
    if (m_options.platform && m_tree.nodes[0].kind == NodeKind::Schema1) {
        // Schema1 names its architecture itself: no config to read, the same check as a config's.
        Platform actual = schema1_platform(m_tree.nodes[0].document->schema1());
        if (!platform_satisfies(actual, *m_options.platform)) {
            return fail(platform_mismatch(*m_options.platform, "the image " + m_tree.nodes[0].document->digest().str(),
                                          actual));
        }
        m_tree.selected = 0;
    }
    m_frontier = {0};
    return {};
}

void Walker::add_notes(std::size_t node, const std::vector<DocumentNote> &notes) {
    for (const auto &note : notes)
        m_tree.findings.push_back({FindingLevel::Warning, note.code, note.message, node});
}

void Walker::check_header_digest(std::size_t node) {
    const TreeNode &current = m_tree.nodes[node];
    if (!current.note || !current.note->header_digest || !current.document) return;
    const std::string &header = *current.note->header_digest;
    if (header == current.document->digest().str()) return;
    std::string message = "registry header digest " + digestx::quoted(header, 140) + " differs from content digest " +
                          current.document->digest().str() + " (the content digest is used)";
    m_tree.findings.push_back({FindingLevel::Warning, "header-digest-mismatch", message, node});
}

// With --platform, an index keeps the one entry `docker pull` would take (select.hpp) and the
// attestations of that entry; without it, every entry.
Walker::Selection Walker::select_entries(std::size_t node) {
    const TreeNode &current = m_tree.nodes[node];
    const Index &index = current.document->index();
    Selection selection;
    if (!m_options.platform) {
        for (std::size_t i = 0; i < index.manifests.size(); ++i)
            selection.entries.push_back(i);
        return selection;
    }
    auto choice = choose_entry(index, *m_options.platform, current.document->digest().str());
    if (!choice) {
        set_error(node, std::move(choice.error()));
        return selection;
    }
    const Descriptor &best = index.manifests[choice->position];
    for (std::size_t i = 0; i < index.manifests.size(); ++i) {
        const Descriptor &entry = index.manifests[i];
        bool attests_best = entry.is_attestation() && entry.attests() && entry.attests()->str() == best.digest.str();
        if (i == choice->position || attests_best) selection.entries.push_back(i);
    }
    selection.choice = *choice;
    return selection;
}

void Walker::plan_index(std::size_t node, std::vector<Pending> &pending) {
    Selection selection = select_entries(node);
    // The document is shared and immutable: adding children does not move it.
    const std::shared_ptr<const Document> document = m_tree.nodes[node].document;
    for (std::size_t position : selection.entries) {
        if (++m_entries_seen > m_options.max_entries) {
            set_error(node,
                      integrity("more than " + std::to_string(m_options.max_entries) + " index entries examined"));
            return;
        }
        const Descriptor &entry = document->index().manifests[position];
        std::size_t child = add_child(node, entry, position);
        media::Kind kind = media::classify(entry.media_type);
        if (selection.choice && selection.choice->position == position && kind != media::Kind::Index) {
            if (!m_tree.selected) m_tree.selected = child;
            if (!selection.choice->declared) m_undeclared_child.emplace(child, node);
        }
        if (entry.is_attestation() && !m_options.attestations) {
            m_tree.nodes[child].skipped = "attestations not requested";
        } else if (!media::is_manifest_type(entry.media_type)) {
            // image-spec: an unknown mediaType in an index MUST NOT be an error (fault catalogue B14).
            m_tree.nodes[child].skipped = "not a manifest type: " + sanitize(entry.media_type, 120);
        } else if (kind == media::Kind::Index && m_tree.nodes[child].depth >= m_options.max_depth) {
            set_error(child, integrity("index nesting deeper than " + std::to_string(m_options.max_depth)));
        } else {
            plan_fetch(child, FetchItem::Kind::Manifest, pending);
        }
    }
}

void Walker::plan_manifest(std::size_t node, std::vector<Pending> &pending) {
    const std::shared_ptr<const Document> document = m_tree.nodes[node].document;
    const Manifest &manifest = document->manifest();
    // An artifact manifest has no config: its blobs are all it names.
    if (!manifest.config) return;
    std::size_t child = add_child(node, *manifest.config, std::nullopt);
    m_tree.nodes[child].kind = NodeKind::Config;
    // The platform of an image reached without a declared one is read from its config.
    bool platform_needed = m_options.platform && (node == 0 || m_undeclared_child.count(node) != 0);
    if (!manifest.has_image_config()) {
        // image-spec: implementations MUST NOT parse a config whose media type they do not know.
        // The legacy types docker pulls as image configs (is_legacy_config_type) are read.
        m_tree.nodes[child].skipped = "artifact config (" + sanitize(manifest.config->media_type, 120) + ") not read";
    } else if (!m_options.fetch_configs && !platform_needed) {
        m_tree.nodes[child].skipped = "configs not requested";
    } else if (!m_options.attestation_configs && m_tree.nodes[node].descriptor &&
               m_tree.nodes[node].descriptor->is_attestation()) {
        // buildx types an attestation's config as an image config, yet it holds only unknown/unknown
        // and the diff_ids of in-toto layers, stored uncompressed and so equal to their digests
        // (buildkit attestation-storage.md): a request per image for nothing new. `which` and
        // `diff` ask for it, as a diff_id query may name one.
        m_tree.nodes[child].skipped = "attestation config not needed";
    } else {
        plan_fetch(child, FetchItem::Kind::Blob, pending);
    }
}

void Walker::plan_fetch(std::size_t node, FetchItem::Kind kind, std::vector<Pending> &pending) {
    const Descriptor &descriptor = *m_tree.nodes[node].descriptor;
    auto digest = descriptor.digest.require_verifiable();
    if (!digest) {
        set_error(node, std::move(digest.error()));
        return;
    }
    pending.push_back({node, FetchItem{kind, *digest, descriptor.media_type, descriptor.size}});
}

// Parses what one request answered (the source has checked its digest and size).
Read Walker::read(const FetchItem &item, Result<Fetched> fetched) {
    Read out;
    if (!fetched) {
        out.error = std::move(fetched.error());
        return out;
    }
    out.note = fetched->note;
    m_bytes_read += fetched->bytes.size();
    if (m_bytes_read > m_options.max_total_bytes) {
        out.error = integrity("documents exceed " + std::to_string(m_options.max_total_bytes) + " bytes in all");
        return out;
    }
    if (item.kind == FetchItem::Kind::Blob) {
        auto config = parse_image_config(fetched->bytes);
        if (!config) {
            out.error = std::move(config.error());
        } else {
            out.config = std::make_shared<const ImageConfig>(std::move(*config));
        }
        return out;
    }
    std::optional<std::string_view> declared;
    if (!item.media_type.empty()) declared = item.media_type;
    // The descriptor is the declaration the body must answer to (image-spec descriptor.md: the
    // media type of the referenced content); a registry's Content-Type is checked beside it.
    auto document = parse_document(std::move(fetched->bytes), declared, ParseOptions{m_options.strict, "descriptor"});
    if (!document) {
        out.error = std::move(document.error());
        return out;
    }
    out.notes = document->notes();
    if (!fetched->media_type.empty() && media::essence(fetched->media_type) != media::essence(item.media_type)) {
        auto served = check_declared_type(*document, fetched->media_type,
                                          ParseOptions{m_options.strict, declared_by(fetched->note)});
        if (!served) {
            out.error = std::move(served.error());
            return out;
        }
        if (*served) out.notes.push_back(std::move(**served));
    }
    out.document = std::make_shared<const Document>(std::move(*document));
    return out;
}

void Walker::absorb(std::size_t node, const Read &read, std::vector<std::size_t> &next) {
    TreeNode &current = m_tree.nodes[node];
    current.note = read.note;
    if (read.error) {
        current.error = *read.error;
        return;
    }
    if (current.kind == NodeKind::Config) {
        current.config = read.config;
        check_config_platform(node);
        return;
    }
    current.kind = kind_of(*read.document);
    current.document = read.document;
    add_notes(node, read.notes);
    check_header_digest(node);
    next.push_back(node);
}

void Walker::check_config_platform(std::size_t config_node) {
    const TreeNode &config = m_tree.nodes[config_node];
    const std::size_t manifest_id = *config.parent;
    const TreeNode &manifest = m_tree.nodes[manifest_id];
    Platform actual = config_platform(*config.config);
    // unknown/unknown entries (attestations, buildx references) describe no platform to compare.
    if (manifest.platform && !is_unknown_platform(*manifest.platform) &&
        !equivalent(
            Platform{manifest.platform->os, manifest.platform->architecture, manifest.platform->variant, {}, {}},
            Platform{actual.os, actual.architecture, actual.variant, {}, {}})) {
        m_tree.findings.push_back({FindingLevel::Warning, "platform-mismatch",
                                   "index entry says " + display_platform(*manifest.platform) +
                                       " but the image config says " + display_platform(actual),
                                   config_node});
    }
    if (!m_options.platform) return;
    auto undeclared = m_undeclared_child.find(manifest_id);
    if (manifest_id == 0) {
        if (!platform_satisfies(actual, *m_options.platform)) {
            m_tree.nodes[0].error =
                platform_mismatch(*m_options.platform, "the image " + manifest.document->digest().str(), actual);
        } else {
            m_tree.selected = 0;
        }
    } else if (undeclared != m_undeclared_child.end() && !platform_satisfies(actual, *m_options.platform)) {
        // containerd's images.Manifest: the platform-less candidate was the only one (limit 1),
        // and its config is of another platform: no match for the index.
        std::size_t index = undeclared->second;
        m_tree.nodes[index].error = undeclared_entry_mismatch(
            *m_options.platform, m_tree.nodes[index].document->digest(), manifest.document->digest(), actual);
        if (m_tree.selected == manifest_id) m_tree.selected.reset();
    }
}

void Walker::run_levels() {
    while (!m_frontier.empty()) {
        std::vector<Pending> pending;
        for (std::size_t node : m_frontier) {
            if (m_tree.nodes[node].kind == NodeKind::Index) plan_index(node, pending);
            if (m_tree.nodes[node].kind == NodeKind::Manifest) plan_manifest(node, pending);
        }
        m_frontier.clear();
        if (pending.empty()) break;
        // One request per distinct digest not read before: an index may list a manifest twice.
        std::vector<FetchItem> items;
        std::vector<Key> keys;
        for (const auto &p : pending) {
            Key key{p.item.kind, p.item.digest.str(), p.item.media_type};
            if (m_seen.count(key) == 0 && std::find(keys.begin(), keys.end(), key) == keys.end()) {
                keys.push_back(key);
                items.push_back(p.item);
            }
        }
        // fetch_by_digest answers exactly one result per item (Source checks it).
        std::vector<Result<Fetched>> results = m_source.fetch_by_digest(items);
        for (std::size_t i = 0; i < keys.size(); ++i)
            m_seen.emplace(keys[i], read(items[i], std::move(results[i])));
        std::vector<std::size_t> next;
        for (const auto &p : pending)
            absorb(p.node, m_seen.at({p.item.kind, p.item.digest.str(), p.item.media_type}), next);
        m_frontier = std::move(next);
    }
}

} // namespace

Result<ImageTree> resolve(Source &source, const Reference &reference, const ResolveOptions &options) {
    auto fetched = source.fetch_reference(reference);
    if (!fetched) return fail(std::move(fetched.error()));
    std::optional<Platform> platform;
    if (options.platform) platform = options.platform->platform;
    ImageTree tree{reference, {}, {}, {}, platform, std::nullopt, std::nullopt};
    Walker walker(source, options, tree);
    if (auto started = walker.run_root(std::move(*fetched)); !started) return fail(std::move(started.error()));
    walker.run_levels();
    for (auto &finding : source.findings())
        tree.findings.push_back(std::move(finding));
    tree.stats = source.stats();
    return tree;
}

} // namespace digestx

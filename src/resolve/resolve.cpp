#include "digestx/resolve/resolve.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

NodeKind kind_of(const Document &document) {
    if (document.is_index()) return NodeKind::Index;
    if (document.is_schema1()) return NodeKind::Schema1;
    return NodeKind::Manifest;
}

Platform to_platform(const DescriptorPlatform &declared) {
    return normalize(
        Platform{declared.os, declared.architecture, declared.variant, declared.os_version, declared.os_features});
}

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

    std::size_t add_child(std::size_t parent, const Descriptor &descriptor, std::optional<std::size_t> entry);
    void plan_index(std::size_t node, std::vector<Pending> &pending);
    void plan_manifest(std::size_t node, std::vector<Pending> &pending);
    bool plan_fetch(std::size_t node, FetchItem::Kind kind, std::vector<Pending> &pending);
    struct Selection {
        std::vector<std::size_t> entries; // positions to walk, in document order
        std::optional<std::size_t> best;  // the entry --platform chose
    };
    Selection select_entries(std::size_t node);
    void absorb(std::size_t node, Result<Fetched> fetched, std::vector<std::size_t> &next);
    void check_header_digest(std::size_t node);
    void check_config_platform(std::size_t config_node);
    void set_error(std::size_t node, Error error) { m_tree.nodes[node].error = std::move(error); }

    Source &m_source;
    const ResolveOptions &m_options;
    ImageTree &m_tree;
    std::vector<std::size_t> m_frontier;
    // Every document read so far, by kind and digest: content addressing makes a graph revisit
    // (the same manifest under two indexes) a cache hit instead of a second request, and together
    // with the depth limit it bounds any walk.
    std::map<std::pair<int, std::string>, Result<Fetched>> m_seen;
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
    if (descriptor.platform) child.platform = to_platform(*descriptor.platform);
    m_tree.nodes.push_back(std::move(child));
    m_tree.nodes[parent].children.push_back(m_tree.nodes.size() - 1);
    return m_tree.nodes.size() - 1;
}

Result<void> Walker::run_root(Fetched fetched) {
    m_bytes_read += fetched.bytes.size();
    TreeNode root;
    root.note = fetched.note;
    auto document = parse_document(std::move(fetched.bytes), fetched.media_type);
    if (!document) return fail(std::move(document.error()));
    const Reference &reference = m_tree.reference;
    if (reference.digest() && document->digest() != *reference.digest()) {
        return fail(ErrorCode::Integrity, "integrity failure: content has " + document->digest().str() +
                                              " for requested " + reference.digest()->str());
    }
    root.kind = kind_of(*document);
    root.document = std::move(*document);
    m_tree.nodes.push_back(std::move(root));
    check_header_digest(0);
    m_frontier = {0};
    return {};
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

// With --platform, an index keeps the entry docker would pull, the attestations of that entry,
// and nested indexes (which carry no platform of their own); without it, every entry.
Walker::Selection Walker::select_entries(std::size_t node) {
    const Index &index = m_tree.nodes[node].document->index();
    Selection chosen;
    if (!m_options.platform) {
        for (std::size_t i = 0; i < index.manifests.size(); ++i)
            chosen.entries.push_back(i);
        return chosen;
    }
    std::vector<std::optional<Platform>> platforms;
    for (const auto &entry : index.manifests) {
        bool image = media::classify(entry.media_type) == media::Kind::Manifest || entry.media_type.empty();
        platforms.push_back(entry.platform && image && !entry.is_attestation()
                                ? std::optional<Platform>(to_platform(*entry.platform))
                                : std::nullopt);
    }
    auto best = choose_platform(platforms, *m_options.platform, m_options.platform_mode);
    for (std::size_t i = 0; i < index.manifests.size(); ++i) {
        const Descriptor &entry = index.manifests[i];
        bool nested = media::classify(entry.media_type) == media::Kind::Index;
        bool attests_best = best && entry.is_attestation() && entry.attests() &&
                            entry.attests()->str() == index.manifests[*best].digest.str();
        if ((best && i == *best) || nested || attests_best) chosen.entries.push_back(i);
    }
    chosen.best = best;
    return chosen;
}

void Walker::plan_index(std::size_t node, std::vector<Pending> &pending) {
    // A copy: adding children grows m_tree.nodes, which would leave a reference into it dangling.
    const Index index = m_tree.nodes[node].document->index();
    Selection selection = select_entries(node);
    if (m_options.platform && selection.entries.empty()) {
        std::vector<std::optional<Platform>> platforms;
        for (const auto &entry : index.manifests) {
            platforms.push_back(entry.platform && !entry.is_attestation()
                                    ? std::optional<Platform>(to_platform(*entry.platform))
                                    : std::nullopt);
        }
        set_error(node, no_platform_match(*m_options.platform, m_tree.nodes[node].document->digest().str(), platforms));
        return;
    }
    for (std::size_t position : selection.entries) {
        if (++m_entries_seen > m_options.max_entries) {
            set_error(node, Error{ErrorCode::Integrity,
                                  "more than " + std::to_string(m_options.max_entries) + " index entries examined",
                                  {},
                                  0,
                                  {}});
            return;
        }
        // A copy: add_child grows m_tree.nodes, which moves the index that `index` refers to.
        const Descriptor entry = m_tree.nodes[node].document->index().manifests[position];
        std::size_t child = add_child(node, entry, position);
        if (selection.best == position && !m_tree.selected) m_tree.selected = child;
        media::Kind kind = media::classify(entry.media_type);
        if (entry.is_attestation() && !m_options.attestations) {
            m_tree.nodes[child].skipped = "attestations not requested";
        } else if (kind != media::Kind::Index && kind != media::Kind::Manifest && kind != media::Kind::Schema1) {
            // image-spec: an unknown mediaType in an index MUST NOT be an error (fault catalogue B14).
            m_tree.nodes[child].skipped = "not a manifest type: " + sanitize(entry.media_type, 120);
        } else if (kind == media::Kind::Index && m_tree.nodes[child].depth >= m_options.max_depth) {
            set_error(child, Error{ErrorCode::Integrity,
                                   "index nesting deeper than " + std::to_string(m_options.max_depth),
                                   {},
                                   0,
                                   {}});
        } else {
            plan_fetch(child, FetchItem::Kind::Manifest, pending);
        }
    }
}

void Walker::plan_manifest(std::size_t node, std::vector<Pending> &pending) {
    // A copy: adding the config node grows m_tree.nodes, which would leave a reference dangling.
    const Manifest manifest = m_tree.nodes[node].document->manifest();
    bool artifact = manifest.is_artifact();
    std::string config_type = manifest.config.media_type;
    std::size_t child = add_child(node, manifest.config, std::nullopt);
    m_tree.nodes[child].kind = NodeKind::Config;
    bool root_needs_platform = node == 0 && m_options.platform.has_value();
    if (artifact || media::classify(config_type) != media::Kind::Config) {
        // image-spec: implementations MUST NOT parse a config whose media type they do not know.
        m_tree.nodes[child].skipped = "artifact config (" + sanitize(config_type, 120) + ") not read";
    } else if (!m_options.fetch_configs && !root_needs_platform) {
        m_tree.nodes[child].skipped = "configs not requested";
    } else {
        plan_fetch(child, FetchItem::Kind::Blob, pending);
    }
}

bool Walker::plan_fetch(std::size_t node, FetchItem::Kind kind, std::vector<Pending> &pending) {
    const Descriptor &descriptor = *m_tree.nodes[node].descriptor;
    auto digest = descriptor.digest.require_verifiable();
    if (!digest) {
        set_error(node, std::move(digest.error()));
        return false;
    }
    pending.push_back({node, FetchItem{kind, *digest, descriptor.media_type}});
    return true;
}

void Walker::absorb(std::size_t node, Result<Fetched> fetched, std::vector<std::size_t> &next) {
    TreeNode &current = m_tree.nodes[node];
    if (!fetched) {
        current.error = std::move(fetched.error());
        return;
    }
    current.note = fetched->note;
    m_bytes_read += fetched->bytes.size();
    const Descriptor &descriptor = *current.descriptor;
    if (m_bytes_read > m_options.max_total_bytes) {
        current.error = Error{ErrorCode::Integrity,
                              "documents exceed " + std::to_string(m_options.max_total_bytes) + " bytes in all",
                              {},
                              0,
                              {}};
        return;
    }
    if (static_cast<std::int64_t>(fetched->bytes.size()) != descriptor.size) {
        current.error = Error{ErrorCode::Integrity,
                              "size " + std::to_string(fetched->bytes.size()) + " differs from descriptor size " +
                                  std::to_string(descriptor.size),
                              {},
                              0,
                              {}};
        return;
    }
    // The source verifies, and so does the walk: a document that does not hash to the digest it
    // was fetched by is never explained as if it were that document (fault catalogue B1).
    auto expected = descriptor.digest.require_verifiable();
    if (!expected || !expected->matches(fetched->bytes)) {
        current.error = Error{ErrorCode::Integrity,
                              "integrity failure: content for " + descriptor.digest.str() + " hashes to " +
                                  Digest::compute(fetched->bytes).str(),
                              {},
                              0,
                              {}};
        return;
    }
    if (current.kind == NodeKind::Config) {
        auto config = parse_image_config(fetched->bytes);
        if (!config) {
            current.error = std::move(config.error());
            return;
        }
        current.config = std::move(*config);
        check_config_platform(node);
        return;
    }
    std::optional<std::string_view> declared;
    if (!descriptor.media_type.empty()) declared = descriptor.media_type;
    auto document = parse_document(std::move(fetched->bytes), declared);
    if (!document) {
        current.error = std::move(document.error());
        return;
    }
    current.kind = kind_of(*document);
    current.document = std::move(*document);
    check_header_digest(node);
    next.push_back(node);
}

void Walker::check_config_platform(std::size_t config_node) {
    const TreeNode &config = m_tree.nodes[config_node];
    const TreeNode &manifest = m_tree.nodes[*config.parent];
    Platform actual = normalize(Platform{config.config->os, config.config->architecture, config.config->variant,
                                         config.config->os_version, config.config->os_features});
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
    if (manifest.id == 0 && m_options.platform) {
        if (!PlatformMatcher::for_mode(*m_options.platform, m_options.platform_mode).matches(actual)) {
            m_tree.nodes[0].error = Error{ErrorCode::NotFound,
                                          "no manifest for " + display_platform(*m_options.platform) +
                                              ": the image is single-platform " + display_platform(actual),
                                          {},
                                          0,
                                          {}};
        } else {
            m_tree.selected = 0;
        }
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
        std::vector<std::pair<int, std::string>> keys;
        for (const auto &p : pending) {
            auto key = std::make_pair(static_cast<int>(p.item.kind), p.item.digest.str());
            if (m_seen.count(key) == 0 && std::find(keys.begin(), keys.end(), key) == keys.end()) {
                keys.push_back(key);
                items.push_back(p.item);
            }
        }
        if (!items.empty()) {
            std::vector<Result<Fetched>> results = m_source.fetch_by_digest(items);
            for (std::size_t i = 0; i < keys.size(); ++i)
                m_seen.emplace(keys[i], std::move(results[i]));
        }
        std::vector<std::size_t> next;
        for (const auto &p : pending) {
            absorb(p.node, m_seen.at({static_cast<int>(p.item.kind), p.item.digest.str()}), next);
        }
        m_frontier = std::move(next);
    }
}

} // namespace

Result<ImageTree> resolve(Source &source, const Reference &reference, const ResolveOptions &options) {
    auto fetched = source.fetch_reference(reference);
    if (!fetched) return fail(std::move(fetched.error()));
    ImageTree tree{reference, {}, {}, {}, options.platform, std::nullopt, std::nullopt};
    Walker walker(source, options, tree);
    if (auto started = walker.run_root(std::move(*fetched)); !started) return fail(std::move(started.error()));
    walker.run_levels();
    tree.stats = source.stats();
    return tree;
}

} // namespace digestx

#include "digestx/render/text.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"

namespace digestx::render {
namespace {

struct Glyphs {
    std::string_view branch; // a child with siblings after it
    std::string_view last;   // the last child
    std::string_view pipe;   // the line continues below
    std::string_view blank;  // nothing continues below
    std::string_view marker; // points at the node --platform selected
};

constexpr Glyphs unicode_glyphs{"├─ ", "└─ ", "│  ", "   ", "◀"};
constexpr Glyphs ascii_glyphs{"|- ", "`- ", "|  ", "   ", "<-"};

// Only the SGR codes every terminal understands; colour is decoration, never information.
constexpr std::string_view yellow = "\x1b[33m";
constexpr std::string_view dim_on = "\x1b[2m";
constexpr std::string_view red = "\x1b[31m";
constexpr std::string_view reset = "\x1b[0m";

std::string size_text(std::int64_t bytes) {
    return human_size(static_cast<unsigned long long>(std::max<std::int64_t>(bytes, 0)));
}

std::string plural(std::size_t count, std::string_view word) {
    return std::to_string(count) + " " + std::string(word) + (count == 1 ? "" : "s");
}

class TextWriter {
public:
    TextWriter(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style)
        : m_out(out), m_tree(tree), m_words(explanation), m_style(style),
          m_glyphs(style.unicode ? unicode_glyphs : ascii_glyphs) {}

    void write() {
        m_out << sanitize(m_tree.reference.canonical(), 1000);
        if (m_tree.platform) m_out << "  (--platform " << sanitize(display_platform(*m_tree.platform), 200) << ")";
        if (m_tree.accept) m_out << "  (--accept " << sanitize(m_tree.accept->preset, 60) << ")";
        m_out << "\n";
        write_node(0, "", "", true);
        write_findings();
        write_cost();
    }

private:
    [[nodiscard]] std::string paint(std::string_view colour, const std::string &text) const {
        if (!m_style.color) return text;
        return std::string(colour) + text + std::string(reset);
    }
    [[nodiscard]] std::string digest(const std::string &text) const {
        return paint(yellow, m_style.full_digests ? text : short_digest(text));
    }

    void write_node(std::size_t id, const std::string &lead, std::string_view connector, bool last);
    void write_details(const TreeNode &node, const NodeExplanation &words, const std::string &prefix);
    void write_layers(const TreeNode &node, const NodeExplanation &words, const std::string &prefix);
    void write_findings();
    void write_cost();

    std::ostream &m_out;
    const ImageTree &m_tree;
    const Explanation &m_words;
    const TextStyle &m_style;
    const Glyphs &m_glyphs;
};

void TextWriter::write_node(std::size_t id, const std::string &lead, std::string_view connector, bool last) {
    const TreeNode &node = m_tree.nodes[id];
    const NodeExplanation &words = m_words.nodes[id];
    m_out << lead << connector << sanitize(words.title, 200) << "  " << digest(node.digest_text()) << "  "
          << media_type_label(node_media_type(node)) << "  " << size_text(node_size(node));
    bool image = words.role == Role::PlatformManifest || words.role == Role::SingleManifest;
    if (auto compressed = compressed_size(node); compressed && image) {
        m_out << "  compressed size " << size_text(*compressed);
    }
    if (m_tree.selected == id && m_tree.platform) {
        m_out << "  " << m_glyphs.marker << " --platform " << sanitize(display_platform(*m_tree.platform), 200);
    }
    if (node.note && !node.note->mirror.empty()) m_out << "  via mirror " << sanitize(node.note->mirror, 200);
    m_out << "\n";
    // The root has no connector, so its details and children hang from column 0.
    std::string below = connector.empty() ? lead : lead + std::string(last ? m_glyphs.blank : m_glyphs.pipe);
    std::string detail = below + std::string(node.children.empty() ? m_glyphs.blank : m_glyphs.pipe);
    write_details(node, words, detail);
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        bool final_child = i + 1 == node.children.size();
        write_node(node.children[i], below, final_child ? m_glyphs.last : m_glyphs.branch, final_child);
    }
}

void TextWriter::write_details(const TreeNode &node, const NodeExplanation &words, const std::string &prefix) {
    if (words.role != Role::NotRead) m_out << prefix << paint(dim_on, sanitize(words.sentence, 1000)) << "\n";
    if (auto attests = attested_digest(node)) {
        m_out << prefix << "attests " << digest(*attests) << " ("
              << (words.attests ? sanitize(m_words.nodes[*words.attests].title, 200) : std::string("not in this index"))
              << ")\n";
    }
    if (node.error) {
        m_out << prefix << paint(red, "error") << " (" << error_code_name(node.error->code) << ", exit "
              << exit_code(node.error->code) << "): " << sanitize(node.error->describe(), 1000) << "\n";
    }
    if (!node.skipped.empty()) m_out << prefix << "skipped: " << sanitize(node.skipped, 500) << "\n";
    write_layers(node, words, prefix);
}

// Docker Hub lists layers by their compressed digest; `docker inspect` and the config list
// diff_ids, the digests of the uncompressed tars. A row puts the two side by side.
void TextWriter::write_layers(const TreeNode &node, const NodeExplanation &words, const std::string &prefix) {
    bool config_read = std::any_of(node.children.begin(), node.children.end(),
                                   [&](std::size_t child) { return m_tree.nodes[child].config != nullptr; });
    std::string no_diff_id = config_read ? "- (not in the config)" : "- (config not read)";
    std::size_t size_width = 0;
    for (const auto &row : words.layers)
        size_width = std::max(size_width, size_text(row.layer->size).size());
    std::size_t position_width = std::to_string(words.layers.empty() ? 0 : words.layers.size() - 1).size();
    for (const auto &row : words.layers) {
        std::string position = std::to_string(row.position);
        std::string size = size_text(row.layer->size);
        m_out << prefix << "layer " << position << std::string(position_width - position.size(), ' ') << "  "
              << digest(row.layer->digest.str()) << "  " << std::string(size_width - size.size(), ' ') << size
              << "  diff_id " << (row.diff_id ? digest(row.diff_id->str()) : no_diff_id) << "\n";
    }
}

void TextWriter::write_findings() {
    if (m_words.findings.empty()) return;
    m_out << "\n";
    for (const auto &finding : m_words.findings) {
        m_out << finding_level_name(finding.level) << ": " << sanitize(finding.message, 1000) << " ["
              << sanitize(finding.code, 80) << "]";
        if (finding.node && *finding.node < m_tree.nodes.size()) {
            m_out << " (at " << sanitize(m_words.nodes[*finding.node].title, 200) << " "
                  << digest(m_tree.nodes[*finding.node].digest_text()) << ")";
        }
        m_out << "\n";
    }
}

// What was sent, counted by kind. Docker Hub meters manifest GETs against the pull limit and
// lets HEADs through ("Using GET emulates a real pull and counts towards the limit. Using HEAD
// won't.", docs.docker.com/docker-hub/usage/pulls/); how many pulls it charges for them is its
// own rule, so the line says only that. Other registries and OCI layouts get no Docker Hub words.
void TextWriter::write_cost() {
    const SourceStats &stats = m_tree.stats;
    const Reference &reference = m_tree.reference;
    m_out << "\ncost: ";
    bool local = reference.source() != SourceKind::Registry;
    if (local) {
        m_out << "no requests";
    } else {
        m_out << plural(stats.requests, "request");
        if (stats.requests > 0) {
            m_out << " (" << plural(stats.manifest_heads, "manifest HEAD") << ", "
                  << plural(stats.manifest_gets, "manifest GET") << ", " << plural(stats.blob_gets, "blob GET") << ")";
        }
        if (stats.mirror_requests > 0) m_out << "; " << plural(stats.mirror_requests, "request") << " to mirrors";
        if (reference.registry() == docker_hub_registry && stats.mirror_requests == 0) {
            m_out << "; " << plural(stats.manifest_gets, "manifest GET")
                  << " (Docker Hub meters these; HEADs are free)";
        } else if (reference.registry() == docker_hub_registry) {
            m_out << "; " << plural(stats.manifest_gets - stats.mirror_manifest_gets, "manifest GET")
                  << " reached Docker Hub (it meters these; HEADs and mirrors' answers are free)";
        }
    }
    m_out << "; " << human_size(stats.bytes_received) << (local ? " read from disk" : " read");
    if (stats.ratelimit_remaining) {
        m_out << "; ratelimit-remaining " << sanitize(*stats.ratelimit_remaining, 100);
        if (stats.ratelimit_limit) m_out << " of " << sanitize(*stats.ratelimit_limit, 100);
    }
    m_out << "\n";
}

} // namespace

void write_text(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style) {
    TextWriter(out, tree, explanation, style).write();
}

} // namespace digestx::render

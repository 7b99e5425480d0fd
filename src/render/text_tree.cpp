// The explained tree of `inspect --explain`: the form every inspect printed before the table.
#include "text_parts.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"

namespace digestx::render::detail {
namespace {

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
        std::string at = finding.node && *finding.node < m_tree.nodes.size()
                             ? digest(m_tree.nodes[*finding.node].digest_text())
                             : std::string();
        m_out << finding_text(finding, m_tree, m_words, at) << "\n";
    }
}

void TextWriter::write_cost() {
    m_out << "\ncost: " << cost_text(m_tree) << "\n";
}

} // namespace

void write_tree(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style) {
    TextWriter(out, tree, explanation, style).write();
}

} // namespace digestx::render::detail

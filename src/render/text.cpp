// The default text of `inspect`: the digest graph as a table that fits an 80-column screen.
// `docker buildx imagetools inspect` lists each manifest of an index by its platform and
// name@digest (docs.docker.com/reference/cli/docker/buildx/imagetools/inspect/); the table keeps
// that reading order and adds the role and type columns that say which digest is which, with the
// sentences of --explain shrunk to one line per role.
#include "digestx/render/text.hpp"

#include <algorithm>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"
#include "text_parts.hpp"

namespace digestx::render {
namespace {

using detail::Glyphs;

// A line under a row: its text and the colour it is drawn in ("" for none).
struct Note {
    std::string_view colour;
    std::string text;
};

struct Row {
    std::string tree;     // the glyphs that hang the row from its parent
    std::string role;     // what the digest is
    std::string platform; // the platform it is for
    std::string digest;   // in full; "-" when there is none
    std::string type;     // media type label
    std::string size;
    std::string below; // the glyphs every line under the row starts with
    std::vector<Note> notes;
};

// A child of a row: a node of the tree, or (in a one-platform graph) a layer or diff_id row.
struct Child {
    std::size_t node = 0;
    const LayerRow *layer = nullptr;
    bool diff_id = false;
};

std::string pad(const std::string &text, std::size_t width) {
    std::size_t shown = display_width(text);
    return shown >= width ? text : text + std::string(width - shown, ' ');
}

std::string pad_left(const std::string &text, std::size_t width) {
    std::size_t shown = display_width(text);
    return shown >= width ? text : std::string(width - shown, ' ') + text;
}

class TableWriter {
public:
    TableWriter(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style)
        : m_out(out), m_tree(tree), m_words(explanation), m_style(style),
          m_glyphs(style.unicode ? detail::unicode_glyphs : detail::ascii_glyphs) {
        std::size_t platforms = std::count_if(explanation.nodes.begin(), explanation.nodes.end(),
                                              [](const auto &w) { return w.role == Role::PlatformManifest; });
        // One platform fits a screen with every sentence and layer; many do not (issue: an
        // 8-platform image with attestations took 110 lines), so they get the short form.
        m_compact = platforms > 1;
    }

    void write() {
        write_title();
        add_node(0, "", "", true);
        write_rows();
        write_pin();
        m_out << "\n";
        write_findings();
        write_cost();
    }

private:
    [[nodiscard]] std::string paint(std::string_view colour, const std::string &text) const {
        if (!m_style.color || colour.empty()) return text;
        return std::string(colour) + text + std::string(detail::reset);
    }

    // Attestation configs and layers are what nobody pins; a many-platform table leaves them to
    // --explain (or to one platform's table, with --platform).
    [[nodiscard]] bool hidden(std::size_t id) const {
        const TreeNode &node = m_tree.nodes[id];
        return m_compact && node.parent && m_words.nodes[*node.parent].role == Role::Attestation;
    }

    [[nodiscard]] std::string platform_cell(std::size_t id) const {
        const TreeNode &node = m_tree.nodes[id];
        const NodeExplanation &words = m_words.nodes[id];
        // An attestation's own platform is unknown/unknown by design; the one it is about is the news.
        if (words.role == Role::Attestation && words.attests) return "of " + platform_cell(*words.attests);
        if (node.platform) return sanitize(display_platform(*node.platform), 60);
        if (node.parent && (words.role == Role::ImageConfig || words.role == Role::ArtifactConfig))
            return platform_cell(*node.parent);
        return "";
    }

    void write_title();
    void add_node(std::size_t id, const std::string &lead, std::string_view connector, bool last);
    void add_layer(const Child &child, const std::string &lead, std::string_view connector, bool last,
                   bool config_read);
    std::vector<Note> notes_of(std::size_t id);
    void write_rows();
    void write_pin();
    void write_findings();
    void write_cost();
    void write_wrapped(const std::string &text, const std::string &first, const std::string &rest,
                       std::string_view colour = {});

    std::ostream &m_out;
    const ImageTree &m_tree;
    const Explanation &m_words;
    const TextStyle &m_style;
    const Glyphs &m_glyphs;
    bool m_compact = false;
    bool m_layers_left_out = false;
    bool m_configs_left_out = false;
    std::set<Role> m_glossed;
    std::vector<Row> m_rows;
};

void TableWriter::write_title() {
    std::string reference = sanitize(m_tree.reference.canonical(), 1000);
    // A reference by digest is longer than a narrow terminal: the digest moves to a line of its
    // own rather than wrap in the middle.
    if (display_width(reference) > text_width) {
        if (auto at = reference.find('@'); at != std::string::npos) reference.insert(at, " ");
    }
    std::string title = reference;
    if (m_tree.platform) title += " (--platform " + sanitize(display_platform(*m_tree.platform), 200) + ")";
    if (m_tree.accept) title += " (--accept " + sanitize(m_tree.accept->preset, 60) + ")";
    write_wrapped(title, "", "");
}

std::vector<Note> TableWriter::notes_of(std::size_t id) {
    const TreeNode &node = m_tree.nodes[id];
    const NodeExplanation &words = m_words.nodes[id];
    std::vector<Note> notes;
    if (!m_compact && words.role != Role::NotRead) {
        notes.push_back({detail::dim_on, sanitize(words.sentence, 1000)});
    } else if (m_compact && !role_gloss(words.role).empty() && m_glossed.insert(words.role).second) {
        notes.push_back({detail::dim_on, std::string(role_gloss(words.role))});
    }
    bool image = words.role == Role::PlatformManifest || words.role == Role::SingleManifest;
    if (auto compressed = compressed_size(node); compressed && image && !m_compact) {
        notes.push_back({{}, "compressed size " + detail::size_text(*compressed) + " (the sum of its layers)"});
    }
    if (m_tree.selected == id && m_tree.platform) {
        notes.push_back({{},
                         std::string(m_glyphs.marker) + " the entry --platform " +
                             sanitize(display_platform(*m_tree.platform), 200) + " selects"});
    }
    if (auto attests = attested_digest(node); attests && !words.attests) {
        notes.push_back({{}, "attests " + short_digest(*attests) + " (not in this index)"});
    }
    if (node.error) {
        notes.push_back({detail::red, "error (" + std::string(error_code_name(node.error->code)) + ", exit " +
                                          std::to_string(exit_code(node.error->code)) +
                                          "): " + sanitize(node.error->describe(), 1000)});
    }
    if (!node.skipped.empty()) notes.push_back({{}, "skipped: " + sanitize(node.skipped, 500)});
    if (node.note && !node.note->mirror.empty())
        notes.push_back({{}, "via mirror " + sanitize(node.note->mirror, 200)});
    return notes;
}

void TableWriter::add_node(std::size_t id, const std::string &lead, std::string_view connector, bool last) {
    const TreeNode &node = m_tree.nodes[id];
    const NodeExplanation &words = m_words.nodes[id];
    std::vector<Child> children;
    bool config_read = std::any_of(node.children.begin(), node.children.end(),
                                   [&](std::size_t child) { return m_tree.nodes[child].config != nullptr; });
    if (m_compact) {
        m_layers_left_out = m_layers_left_out || !words.layers.empty();
    } else {
        for (const auto &layer : words.layers) {
            children.push_back({0, &layer, false});
            children.push_back({0, &layer, true});
        }
    }
    for (std::size_t child : node.children) {
        if (hidden(child)) {
            m_configs_left_out = true;
            continue;
        }
        children.push_back({child, nullptr, false});
    }
    // The root has no connector, so what hangs below it starts at column 0.
    std::string below = connector.empty() ? lead : lead + std::string(last ? m_glyphs.blank : m_glyphs.pipe);
    m_rows.push_back({lead + std::string(connector), role_label(node, words), platform_cell(id), node.digest_text(),
                      media_type_label(node_media_type(node)), detail::size_text(node_size(node)),
                      below + std::string(children.empty() ? m_glyphs.blank : m_glyphs.pipe), notes_of(id)});
    for (std::size_t i = 0; i < children.size(); ++i) {
        bool final_child = i + 1 == children.size();
        std::string_view glyph = final_child ? m_glyphs.last : m_glyphs.branch;
        if (children[i].layer != nullptr) {
            add_layer(children[i], below, glyph, final_child, config_read);
        } else {
            add_node(children[i].node, below, glyph, final_child);
        }
    }
}

// Docker Hub lists layers by their compressed digest; `docker inspect` and the config list
// diff_ids, the digests of the uncompressed tars: each layer row has its diff_id row below it.
void TableWriter::add_layer(const Child &child, const std::string &lead, std::string_view connector, bool last,
                            bool config_read) {
    const LayerRow &layer = *child.layer;
    std::string below = lead + std::string(last ? m_glyphs.blank : m_glyphs.pipe) + std::string(m_glyphs.blank);
    std::string position = std::to_string(layer.position);
    if (!child.diff_id) {
        m_rows.push_back({lead + std::string(connector),
                          "layer " + position,
                          "",
                          layer.layer->digest.str(),
                          media_type_label(layer.layer->media_type),
                          detail::size_text(layer.layer->size),
                          below,
                          {}});
        return;
    }
    std::string type = layer.diff_id ? "uncompressed" : config_read ? "(not in the config)" : "(config not read)";
    m_rows.push_back({lead + std::string(connector),
                      "diff_id " + position,
                      "",
                      layer.diff_id ? layer.diff_id->str() : "-",
                      type,
                      "",
                      below,
                      {}});
}

void TableWriter::write_rows() {
    std::size_t role_width = 4;
    std::size_t platform_width = 0;
    std::size_t digest_width = 6;
    std::size_t type_width = 4;
    std::size_t size_width = 4;
    for (const auto &row : m_rows) {
        role_width = std::max(role_width, display_width(row.tree + row.role));
        platform_width = std::max(platform_width, display_width(row.platform));
        digest_width = std::max(digest_width, display_width(short_digest(row.digest)));
        type_width = std::max(type_width, display_width(row.type));
        size_width = std::max(size_width, display_width(row.size));
    }
    // A graph without platforms (a single-platform image, an artifact) has no platform column.
    if (platform_width > 0) platform_width = std::max<std::size_t>(platform_width, 8);
    auto line = [&](const Row &row, const std::string &digest) {
        std::string text = pad(row.tree + row.role, role_width) + "  " +
                           (platform_width > 0 ? pad(row.platform, platform_width) + "  " : std::string()) +
                           paint(detail::yellow, digest) +
                           std::string(digest_width - std::min(digest_width, display_width(digest)), ' ') + "  " +
                           pad(row.type, type_width) + "  " + pad_left(row.size, size_width);
        text.erase(text.find_last_not_of(' ') + 1);
        return text;
    };
    std::string heading =
        pad("ROLE", role_width) + "  " + (platform_width > 0 ? pad("PLATFORM", platform_width) + "  " : std::string()) +
        pad("DIGEST", digest_width) + "  " + pad("TYPE", type_width) + "  " + pad_left("SIZE", size_width);
    m_out << heading << "\n";
    for (const auto &row : m_rows) {
        m_out << line(row, row.digest == "-" ? row.digest : short_digest(row.digest)) << "\n";
        if (m_style.full_digests && row.digest != "-") {
            m_out << row.below << paint(detail::yellow, sanitize(row.digest, 200)) << "\n";
        }
        for (const auto &note : row.notes)
            write_wrapped(note.text, row.below, row.below, note.colour);
    }
}

void TableWriter::write_pin() {
    const TreeNode &root = m_tree.root();
    if (root.error) return;
    // The full digest on a line of its own: what goes after `@` in a FROM line or a compose file.
    m_out << "pin: " << paint(detail::yellow, root.digest_text()) << "\n";
    if (!m_layers_left_out && !m_configs_left_out) return;
    std::string left_out = m_layers_left_out ? "layers and diff_ids" : "";
    if (m_configs_left_out) left_out += std::string(left_out.empty() ? "" : ", ") + "attestation configs";
    write_wrapped("not shown: " + left_out + " (see --explain)", "", "  ", detail::dim_on);
}

void TableWriter::write_findings() {
    for (const auto &finding : m_words.findings) {
        // A finding about the top document needs no pointer back to it: the table starts there.
        Finding shown = finding;
        if (shown.node == std::size_t{0}) shown.node.reset();
        std::string at = shown.node && *shown.node < m_tree.nodes.size()
                             ? short_digest(m_tree.nodes[*shown.node].digest_text())
                             : std::string();
        write_wrapped(detail::finding_text(shown, m_tree, m_words, at), "", "  ");
    }
}

// The cost line breaks between its parts, never inside "2.05 kB".
void TableWriter::write_cost() {
    std::string text = "cost: " + detail::cost_text(m_tree);
    std::string line;
    bool fresh = true; // nothing but the indent on this line yet
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find("; ", at);
        std::string part = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? text.size() : end + 2;
        if (!fresh && display_width(line) + 2 + display_width(part) > text_width) {
            m_out << line << ";\n";
            line = "      ";
        } else if (!fresh) {
            line += "; ";
        }
        line += part;
        fresh = false;
    }
    m_out << line << "\n";
}

void TableWriter::write_wrapped(const std::string &text, const std::string &first, const std::string &rest,
                                std::string_view colour) {
    std::size_t indent = std::max(display_width(first), display_width(rest));
    std::size_t width = text_width > indent + 20 ? text_width - indent : 20;
    auto lines = wrap_words(text, width);
    for (std::size_t i = 0; i < lines.size(); ++i)
        m_out << (i == 0 ? first : rest) << paint(colour, lines[i]) << "\n";
}

} // namespace

std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find(' ', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view word = text.substr(at, end - at);
        at = end + 1;
        if (word.empty()) continue;
        if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
            lines.push_back(line);
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += word;
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

void write_text(std::ostream &out, const ImageTree &tree, const Explanation &explanation, const TextStyle &style) {
    if (style.explain) {
        detail::write_tree(out, tree, explanation, style);
        return;
    }
    TableWriter(out, tree, explanation, style).write();
}

} // namespace digestx::render

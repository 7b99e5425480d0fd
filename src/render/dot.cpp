#include "digestx/render/dot.hpp"

#include <ostream>
#include <string>

#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"

namespace digestx::render {
namespace {

// A DOT quoted string: sanitize() leaves no control characters, so only `"` and `\` need
// escaping (a `\` would otherwise start a DOT escape such as `\N`).
std::string dot_quoted(const std::string &text) {
    std::string out = "\"";
    for (char c : sanitize(text, 300)) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string node_name(std::size_t id) {
    return "n" + std::to_string(id);
}

} // namespace

void write_dot(std::ostream &out, const ImageTree &tree, const Explanation &explanation) {
    out << "digraph digestx {\n";
    out << "  label=" << dot_quoted(tree.reference.canonical()) << ";\n";
    out << "  rankdir=LR;\n";
    out << "  node [shape=box, fontname=\"monospace\"];\n";
    for (const auto &node : tree.nodes) {
        const NodeExplanation &words = explanation.nodes[node.id];
        // Two lines in the box: a DOT `\n` is written as backslash-n inside the quoted label.
        std::string label = dot_quoted(words.title);
        label.insert(label.size() - 1, "\\n" + short_digest(node.digest_text()));
        out << "  " << node_name(node.id) << " [label=" << label;
        if (node.error) {
            out << ", color=red";
        } else if (words.role == Role::NotRead || !node.skipped.empty()) {
            out << ", style=dotted";
        }
        if (tree.selected == node.id) out << ", penwidth=2";
        out << "];\n";
    }
    for (const auto &node : tree.nodes) {
        for (std::size_t child : node.children) {
            // A referrer points at its subject, not the other way round: the edge says so.
            if (tree.nodes[child].is_referrer()) {
                out << "  " << node_name(child) << " -> " << node_name(node.id)
                    << " [style=dashed, label=\"subject\"];\n";
            } else {
                out << "  " << node_name(node.id) << " -> " << node_name(child) << ";\n";
            }
        }
    }
    for (const auto &node : tree.nodes) {
        const NodeExplanation &words = explanation.nodes[node.id];
        if (words.attests) {
            out << "  " << node_name(node.id) << " -> " << node_name(*words.attests)
                << " [style=dashed, label=\"attests\"];\n";
        }
    }
    out << "}\n";
}

} // namespace digestx::render

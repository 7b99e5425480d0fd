// yaml-cpp behind a small surface: loading with its exceptions turned into errors, mapping lookups
// that follow merge keys, and the report of a scalar as an image reference with its verified span.
#include "yaml_support.hpp"

#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "digestx/core/text.hpp"

namespace digestx::pinning::detail {
namespace {

// Merge keys nest only as deep as people write them; the bound also stops a merge cycle that a
// self-referencing alias (`&a {<<: *a}`) builds.
constexpr int max_merge_depth = 16;

void collect_entries(const YAML::Node &node, std::vector<Entry> &out, int depth) {
    if (!node.IsMap() || depth > max_merge_depth) return;
    std::vector<YAML::Node> merges;
    for (auto it = node.begin(); it != node.end(); ++it) {
        auto key = scalar_of(it->first);
        if (key && *key == "<<" && it->first.Tag() != "!") {
            merges.push_back(it->second);
            continue;
        }
        bool present = false;
        for (const auto &entry : out) {
            present = present || (key && scalar_of(entry.key) == key);
        }
        if (!present) out.push_back(Entry{it->first, it->second});
    }
    for (const auto &merge : merges) {
        if (merge.IsMap()) collect_entries(merge, out, depth + 1);
        if (merge.IsSequence()) {
            for (auto it = merge.begin(); it != merge.end(); ++it)
                collect_entries(*it, out, depth + 1);
        }
    }
}

// Watches the events of a stream for yaml-cpp 0.7's endless loop on a stray flow indicator (`,` at
// document level, jbeder/yaml-cpp#1040, fixed upstream in #1319): HandleNextDocument() then keeps
// reporting an empty document at the same place without consuming anything, and LoadAll() never
// returns. Two empty documents starting at the same byte can only be that loop.
class ProgressCheck final : public YAML::EventHandler {
public:
    // True when the stream parses without stalling; throws what the parser throws.
    static bool passes(std::string_view bytes) {
        std::istringstream input{std::string(bytes)};
        YAML::Parser parser(input);
        ProgressCheck check;
        int previous = -1;
        while (parser.HandleNextDocument(check)) {
            if (check.m_only_null && check.m_start == previous) return false;
            previous = check.m_only_null ? check.m_start : -1;
        }
        return true;
    }

    void OnDocumentStart(const YAML::Mark &mark) override {
        m_start = mark.pos;
        m_only_null = true;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &, YAML::anchor_t) override { m_only_null = false; }
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t, const std::string &) override {
        m_only_null = false;
    }
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override {
        m_only_null = false;
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override {
        m_only_null = false;
    }
    void OnMapEnd() override {}

private:
    int m_start = -1;
    bool m_only_null = true;
};

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

// Why a stream did not parse: yaml-cpp's message and, when it gave one, its 0-based position.
struct StreamError {
    std::string message;
    std::optional<std::size_t> line;
    std::size_t column = 0;
};

tl::expected<std::vector<YAML::Node>, StreamError> parse_stream(std::string_view bytes) {
    try {
        if (!ProgressCheck::passes(bytes)) {
            return tl::unexpected(StreamError{"a flow indicator (, ] }) outside any flow collection", std::nullopt, 0});
        }
        std::istringstream input{std::string(bytes)};
        return YAML::LoadAll(input);
    } catch (const YAML::Exception &error) {
        if (error.mark.is_null()) return tl::unexpected(StreamError{sanitize(error.msg), std::nullopt, 0});
        return tl::unexpected(StreamError{sanitize(error.msg), static_cast<std::size_t>(error.mark.line),
                                          static_cast<std::size_t>(error.mark.column)});
    }
}

// What the file is written in, for messages: yaml-cpp reads JSON too (YAML 1.2 is a superset).
std::string language(std::string_view file) {
    return file.ends_with(".json") ? "JSON" : "YAML";
}

std::string where_text(const StreamError &error) {
    if (!error.line) return {};
    return " at line " + std::to_string(*error.line + 1) + ", column " + std::to_string(error.column + 1);
}

// A line that is only blanks or a comment, or a directive (`%YAML 1.2`): what may come before a
// document's `---` and belongs to it.
bool is_prelude_line(std::string_view line) {
    auto first = line.find_first_not_of(" \t\r");
    return first == std::string_view::npos || line[first] == '#' || line.front() == '%';
}

// `---` at the start of a line, followed by a blank, the line's end or the file's end: the YAML
// directives-end marker (YAML 1.2 §9.1.3 c-directives-end), where a document starts.
bool is_document_marker(std::string_view line) {
    return line.starts_with("---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// Where each document of a stream starts: at offset 0 and at every `---` line that follows some
// content. k8s.io/apimachinery's YAMLReader cuts at the same lines, so these are the documents
// kubectl applies one by one; directives, comments and blank lines before a `---` stay with the
// document that line starts.
std::vector<std::size_t> document_starts(std::string_view bytes) {
    std::vector<std::size_t> starts{0};
    bool content = false;
    std::size_t begin = 0;
    while (begin < bytes.size()) {
        auto newline = bytes.find('\n', begin);
        std::size_t end = newline == std::string_view::npos ? bytes.size() : newline;
        std::string_view line = bytes.substr(begin, end - begin);
        if (begin == 0 && line.starts_with(byte_order_mark)) line.remove_prefix(byte_order_mark.size());
        if (is_document_marker(line)) {
            if (content) starts.push_back(begin);
            content = true;
        } else if (!content && !is_prelude_line(line)) {
            content = true;
        }
        begin = end + 1;
    }
    return starts;
}

} // namespace

Result<YamlStream> load_yaml(std::string_view file, std::string_view bytes) {
    auto whole = parse_stream(bytes);
    std::size_t bom = bytes.starts_with(byte_order_mark) ? byte_order_mark.size() : 0;
    if (whole) {
        YamlStream stream;
        for (auto &root : *whole)
            stream.documents.push_back({std::move(root), bom, 0, stream.documents.size() + 1});
        return stream;
    }
    auto starts = document_starts(bytes);
    if (starts.size() < 2) {
        return fail(ErrorCode::Usage, "malformed " + language(file) + " in " + quoted(file) +
                                          where_text(whole.error()) + ": " + whole.error().message);
    }
    // The stream as kubectl reads it (k8s.io/apimachinery pkg/util/yaml YAMLReader): document by
    // document, so that a bad one is reported where it is and the others are still read.
    LineIndex lines(bytes);
    YamlStream stream;
    for (std::size_t i = 0; i < starts.size(); ++i) {
        std::size_t begin = starts[i];
        std::size_t end = i + 1 < starts.size() ? starts[i + 1] : bytes.size();
        std::string_view text = bytes.substr(begin, end - begin);
        std::size_t first_line = lines.position(begin).first;
        auto parsed = parse_stream(text);
        if (parsed) {
            std::size_t origin = begin + (text.starts_with(byte_order_mark) ? byte_order_mark.size() : 0);
            for (auto &root : *parsed)
                stream.documents.push_back({std::move(root), origin, first_line - 1, i + 1});
            continue;
        }
        BadDocument bad;
        bad.first_line = first_line;
        auto [last_line, last_column] = lines.position(end > begin ? end - 1 : begin);
        bad.last_line = last_line;
        const StreamError &error = parsed.error();
        bad.line = error.line ? first_line + *error.line : first_line;
        bad.column = error.line ? error.column + 1 : 1;
        if (bad.line > last_line) {
            // The parser ran off the end of the document (an unclosed `[`): the end of its last
            // line, not the next document's `---`.
            bad.line = last_line;
            bad.column = last_column;
        }
        bad.error =
            Error::of(ErrorCode::Usage,
                      "malformed " + language(file) + " in " + quoted(file) + " at line " + std::to_string(bad.line) +
                          ", column " + std::to_string(bad.column) + " (document " + std::to_string(i + 1) + " of " +
                          std::to_string(starts.size()) + ", lines " + std::to_string(bad.first_line) + "-" +
                          std::to_string(bad.last_line) + "): " + error.message);
        stream.bad.push_back(std::move(bad));
    }
    return stream;
}

std::vector<Entry> entries(const YAML::Node &node) {
    std::vector<Entry> out;
    collect_entries(node, out, 0);
    return out;
}

std::optional<Entry> child(const YAML::Node &node, std::string_view key) {
    for (auto &entry : entries(node)) {
        if (scalar_of(entry.key) == key) return std::move(entry);
    }
    return std::nullopt;
}

std::optional<std::string> scalar_of(const YAML::Node &node) {
    if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
    return node.Scalar();
}

std::size_t line_of(const YAML::Node &node) {
    auto mark = node.Mark();
    return mark.line < 0 ? 0 : static_cast<std::size_t>(mark.line) + 1;
}

void report_image(Collector &collector, const Entry &entry, std::size_t prefix, Context context) {
    context.line = line_of(entry.key) + collector.origin_lines();
    auto at = mark_offset(collector.origin(), entry.value);
    auto value = scalar_of(entry.value);
    if (!value) {
        collector.warn(at, context.path + " is not a string; skipped");
        return;
    }
    auto located = locate_scalar(collector.bytes(), at, *value);
    Found found;
    found.text = value->substr(std::min(prefix, value->size()));
    found.offset = located.start;
    found.style = located.style;
    found.context = std::move(context);
    if (located.problem.empty()) {
        found.span = contiguous_span(collector.bytes(), located.offsets, prefix, found.text);
        if (found.span) found.offset = found.span->offset;
        found.span_problem = "the reference is written with escape sequences";
    } else {
        found.span_problem = located.problem;
    }
    collector.add(std::move(found));
}

bool is_kubernetes_object(const YAML::Node &document) {
    if (!document.IsMap()) return false;
    auto api_version = child(document, "apiVersion");
    auto kind = child(document, "kind");
    return api_version && kind && scalar_of(api_version->value) && scalar_of(kind->value);
}

std::optional<FileKind> yaml_shape(const std::vector<YamlDocument> &documents) {
    bool kubernetes = false;
    for (const auto &item : documents) {
        const YAML::Node &document = item.root;
        if (!document.IsMap()) continue;
        if (auto services = child(document, "services"); services && services->value.IsMap()) return FileKind::Compose;
        auto jobs = child(document, "jobs");
        if (jobs && jobs->value.IsMap() && (child(document, "on") || child(document, "true")))
            return FileKind::Workflow;
        kubernetes = kubernetes || child(document, "apiVersion") || child(document, "kind");
    }
    if (kubernetes) return FileKind::Kubernetes;
    return std::nullopt;
}

} // namespace digestx::pinning::detail

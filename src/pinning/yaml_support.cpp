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

} // namespace

Result<std::vector<YAML::Node>> load_yaml(std::string_view file, std::string_view bytes) {
    try {
        if (!ProgressCheck::passes(bytes)) {
            return fail(ErrorCode::Usage,
                        "malformed YAML in " + quoted(file) + ": a flow indicator (, ] }) outside any flow collection");
        }
        std::istringstream input{std::string(bytes)};
        return YAML::LoadAll(input);
    } catch (const YAML::Exception &error) {
        auto where = error.mark.is_null() ? std::string()
                                          : " at line " + std::to_string(error.mark.line + 1) + ", column " +
                                                std::to_string(error.mark.column + 1);
        return fail(ErrorCode::Usage, "malformed YAML in " + quoted(file) + where + ": " + sanitize(error.msg));
    }
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
    context.line = line_of(entry.key);
    auto at = mark_offset(collector.bytes(), entry.value);
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

std::optional<FileKind> yaml_shape(const std::vector<YAML::Node> &documents) {
    bool kubernetes = false;
    for (const auto &document : documents) {
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

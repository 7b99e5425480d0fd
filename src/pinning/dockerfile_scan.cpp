// Image references of a Dockerfile: FROM (after global ARG substitution), COPY --from (after the
// stage's ARGs), and the `# syntax=` frontend image. Stage names and `scratch` are not images;
// values that need a --build-arg or the builder's platform ARGs are reported as dynamic.
#include <algorithm>
#include <cctype>
#include <set>

#include "digestx/core/text.hpp"
#include "dockerfile_expand.hpp"
#include "dockerfile_lex.hpp"
#include "scan_support.hpp"

namespace digestx::pinning::detail {
namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_arg_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) != 0) return false;
    return std::all_of(name.begin(), name.end(), [](unsigned char c) { return c == '_' || std::isalnum(c) != 0; });
}

class DockerfileScanner {
public:
    explicit DockerfileScanner(Collector &collector) : m_out(collector), m_doc(lex_dockerfile(collector.bytes())) {}

    void run();

private:
    struct Current {
        const Instruction *instruction = nullptr;
        std::vector<Word> words;
        [[nodiscard]] std::string_view word(std::size_t k) const {
            return std::string_view(instruction->text.text).substr(words[k].begin, words[k].end - words[k].begin);
        }
        [[nodiscard]] std::size_t offset(std::size_t k) const { return instruction->text.offsets[words[k].begin]; }
    };

    void syntax_directive(const Directive &directive);
    void arg(const Current &at);
    void from(const Current &at);
    void copy(const Current &at);
    void report(const Current &at, std::size_t word, std::size_t skip, const Expanded &value, Context context);

    Collector &m_out;
    DockerfileText m_doc;
    std::set<std::string> m_all_stages;
    std::set<std::string> m_stages_so_far;
    ArgScope m_global;
    ArgScope m_stage;
    bool m_in_stage = false;
    std::size_t m_stage_count = 0;
    std::string m_stage_label;
};

void DockerfileScanner::run() {
    for (const auto &directive : m_doc.directives) {
        if (directive.name == "syntax") syntax_directive(directive);
    }
    std::vector<Current> instructions;
    for (const auto &instruction : m_doc.instructions) {
        Current at{&instruction, split_words(instruction.text.text, m_doc.escape)};
        if (keyword_of(instruction, at.words) == "FROM" && at.words.size() >= 4 &&
            lowercase(at.word(at.words.size() - 2)) == "as") {
            m_all_stages.insert(lowercase(at.word(at.words.size() - 1)));
        }
        instructions.push_back(std::move(at));
    }
    for (const auto &at : instructions) {
        auto keyword = keyword_of(*at.instruction, at.words);
        if (keyword == "ARG")
            arg(at);
        else if (keyword == "FROM")
            from(at);
        else if (keyword == "COPY" && m_in_stage)
            copy(at);
    }
}

void DockerfileScanner::syntax_directive(const Directive &directive) {
    Found found;
    found.text = directive.value;
    found.offset = directive.offset;
    found.style = TextStyle::DockerfileWord;
    if (!directive.value.empty() && m_out.bytes().substr(directive.offset, directive.value.size()) == directive.value) {
        found.span = Span{directive.offset, directive.value.size()};
    }
    found.span_problem = "the directive value is empty";
    found.context = Context{ContextKind::DockerfileSyntax, "", "", "# syntax", directive.line, "", std::nullopt};
    m_out.add(std::move(found));
}

// `ARG NAME[=default] …`. Inside a stage, a bare `ARG NAME` brings a global ARG's value into scope.
void DockerfileScanner::arg(const Current &at) {
    auto &scope = m_in_stage ? m_stage : m_global;
    for (std::size_t k = 1; k < at.words.size(); ++k) {
        auto word = at.word(k);
        auto equals = word.find('=');
        auto name = std::string(word.substr(0, equals));
        if (!is_arg_name(name)) {
            m_out.warn(at.offset(k), "ARG " + quoted(name) + " is not a valid name; ignored");
            continue;
        }
        if (equals == std::string_view::npos) {
            auto global = m_global.find(name);
            if (m_in_stage && global != m_global.end()) {
                scope[name] = global->second;
            } else {
                scope[name] = Expanded{{}, "ARG " + name + " has no default; its value comes from --build-arg"};
            }
            continue;
        }
        auto begin = at.words[k].begin + equals + 1;
        scope[name] = expand_word(at.instruction->text, begin, at.words[k].end, m_doc.escape, scope);
    }
}

void DockerfileScanner::from(const Current &at) {
    Context context{ContextKind::DockerfileFrom, "", "", "FROM", at.instruction->line, "", std::nullopt};
    std::size_t k = 1;
    for (; k < at.words.size() && at.word(k).starts_with("--"); ++k) {
        auto flag = at.word(k);
        if (!flag.starts_with("--platform=")) {
            m_out.warn(at.offset(k), "unknown FROM flag " + quoted(flag) + " ignored");
            continue;
        }
        auto begin = at.words[k].begin + 11;
        context.platform = std::string(flag.substr(11));
        auto value = expand_word(at.instruction->text, begin, at.words[k].end, m_doc.escape, m_global);
        if (!value.dynamic) context.platform_value = value.value.text;
    }
    auto label = "stage " + std::to_string(m_stage_count++);
    if (k + 3 == at.words.size() && lowercase(at.word(k + 1)) == "as") {
        context.name = lowercase(at.word(k + 2));
        label = context.name;
    } else if (k + 1 < at.words.size()) {
        m_out.warn(at.offset(k + 1), "unexpected words after the FROM image; expected `AS name`");
    }
    if (k < at.words.size()) {
        auto value = expand_word(at.instruction->text, at.words[k].begin, at.words[k].end, m_doc.escape, m_global);
        auto name = lowercase(value.value.text);
        if (value.dynamic || (name != "scratch" && !m_stages_so_far.contains(name))) {
            report(at, k, 0, value, context);
        }
    } else {
        m_out.warn(at.offset(0), "FROM without an image");
    }
    if (!context.name.empty()) m_stages_so_far.insert(context.name);
    m_in_stage = true;
    m_stage.clear();
    m_stage_label = label;
}

// `COPY --from=X`: X is a stage name, a stage index, or an image.
void DockerfileScanner::copy(const Current &at) {
    for (std::size_t k = 1; k < at.words.size() && at.word(k).starts_with("--"); ++k) {
        if (!at.word(k).starts_with("--from=")) continue;
        auto value = expand_word(at.instruction->text, at.words[k].begin + 7, at.words[k].end, m_doc.escape, m_stage);
        const auto &text = value.value.text;
        bool index = !text.empty() &&
                     std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
        if (!value.dynamic && (index || m_all_stages.contains(lowercase(text)))) continue;
        Context context{
            ContextKind::DockerfileCopyFrom, "", m_stage_label, "COPY --from", at.instruction->line, "", std::nullopt};
        report(at, k, 7, value, std::move(context));
    }
}

void DockerfileScanner::report(const Current &at, std::size_t word, std::size_t skip, const Expanded &value,
                               Context context) {
    Found found;
    found.style = TextStyle::DockerfileWord;
    found.templates = false;
    found.offset = at.instruction->text.offsets[at.words[word].begin + skip];
    found.context = std::move(context);
    if (value.dynamic) {
        found.text = std::string(at.word(word).substr(skip));
        found.dynamic = value.dynamic;
        found.span_problem = "its value is only known at build time";
    } else {
        found.text = value.value.text;
        found.span = contiguous_span(m_out.bytes(), value.value.offsets, 0, found.text);
        // An escape character just before the bytes would apply to whatever replaced them.
        if (found.span && found.span->offset > 0 && m_out.bytes()[found.span->offset - 1] == m_doc.escape) {
            found.span.reset();
        }
        found.span_problem = "it is built from several pieces of text (ARG values, quotes or escapes); edit it by hand";
        if (!value.value.offsets.empty()) found.offset = value.value.offsets.front();
    }
    m_out.add(std::move(found));
}

} // namespace

void scan_dockerfile(Collector &collector) {
    DockerfileScanner(collector).run();
}

} // namespace digestx::pinning::detail

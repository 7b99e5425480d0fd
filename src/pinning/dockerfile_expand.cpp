// Word expansion as BuildKit's shell lexer (frontend/dockerfile/shell/lex.go) does it for the
// instructions that can name images, with the values only of ARG defaults: a `--build-arg` can
// override any of them, which is why a value that needs one is reported as dynamic.
#include "dockerfile_expand.hpp"

#include <array>
#include <cctype>

#include "digestx/core/text.hpp"

namespace digestx::pinning::detail {
namespace {

// Docker's automatic platform ARGs, which the builder sets for every build.
constexpr std::array<std::string_view, 8> builder_args = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                                                          "BUILDPLATFORM",  "BUILDOS",  "BUILDARCH",  "BUILDVARIANT"};

bool name_start(char c) {
    return c == '_' || std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool name_char(char c) {
    return c == '_' || std::isalnum(static_cast<unsigned char>(c)) != 0;
}

class Expander {
public:
    Expander(const Traced &source, std::size_t begin, std::size_t end, char escape, const ArgScope &scope)
        : m_src(source), m_i(begin), m_end(end), m_escape(escape), m_scope(scope) {}

    Expanded run() {
        while (m_i < m_end) {
            char c = m_src.text[m_i];
            if (c == m_escape && m_i + 1 < m_end) {
                copy(m_i + 1);
                m_i += 2;
            } else if (c == '\'') {
                single_quoted();
            } else if (c == '"') {
                double_quoted();
            } else if (c == '$') {
                dollar();
            } else {
                copy(m_i++);
            }
        }
        return std::move(m_out);
    }

private:
    void copy(std::size_t at) { m_out.value.push(m_src.text[at], m_src.offsets[at]); }

    void make_dynamic(std::string reason) {
        if (!m_out.dynamic) m_out.dynamic = std::move(reason);
    }

    void single_quoted() {
        ++m_i;
        while (m_i < m_end && m_src.text[m_i] != '\'')
            copy(m_i++);
        ++m_i;
    }

    void double_quoted() {
        ++m_i;
        while (m_i < m_end && m_src.text[m_i] != '"') {
            char c = m_src.text[m_i];
            if (c == m_escape && m_i + 1 < m_end) {
                char next = m_src.text[m_i + 1];
                if (next == '"' || next == '$' || next == m_escape) {
                    copy(m_i + 1);
                    m_i += 2;
                    continue;
                }
            }
            if (c == '$')
                dollar();
            else
                copy(m_i++);
        }
        ++m_i;
    }

    void append(const Expanded &value) {
        if (value.dynamic) make_dynamic(*value.dynamic);
        for (std::size_t k = 0; k < value.value.text.size(); ++k) {
            m_out.value.push(value.value.text[k], value.value.offsets[k]);
        }
    }

    // The value of NAME, or nullopt (with the reason recorded) when it is only known at build time.
    const Expanded *lookup(std::string_view name, std::optional<std::string> &why) const {
        auto found = m_scope.find(name);
        if (found != m_scope.end()) {
            if (!found->second.dynamic) return &found->second;
            why = found->second.dynamic;
            return nullptr;
        }
        bool builder = false;
        for (auto arg : builder_args)
            builder = builder || arg == name;
        why = builder ? "ARG " + std::string(name) + " is set by the builder for each platform"
                      : "ARG " + std::string(name) + " is not declared where it is used";
        return nullptr;
    }

    void dollar() {
        auto start = m_i;
        ++m_i;
        if (m_i < m_end && m_src.text[m_i] == '{') {
            braced(start);
            return;
        }
        if (m_i >= m_end || !name_start(m_src.text[m_i])) {
            copy(start);
            return;
        }
        auto name_begin = m_i;
        while (m_i < m_end && name_char(m_src.text[m_i]))
            ++m_i;
        std::optional<std::string> why;
        if (const auto *value = lookup(std::string_view(m_src.text).substr(name_begin, m_i - name_begin), why)) {
            append(*value);
        } else {
            make_dynamic(*why);
        }
    }

    // Finds the `}` closing the `${` whose `{` is just before m_i, skipping nested `${…}`.
    std::size_t closing_brace() const {
        int depth = 1;
        for (auto k = m_i; k < m_end; ++k) {
            char c = m_src.text[k];
            if (c == m_escape)
                ++k;
            else if (c == '{')
                ++depth;
            else if (c == '}' && --depth == 0)
                return k;
        }
        return m_end;
    }

    void braced(std::size_t start);

    const Traced &m_src;
    std::size_t m_i;
    std::size_t m_end;
    char m_escape;
    const ArgScope &m_scope;
    Expanded m_out;
};

void Expander::braced(std::size_t start) {
    ++m_i; // past '{'
    auto close = closing_brace();
    auto name_begin = m_i;
    while (m_i < close && name_char(m_src.text[m_i]))
        ++m_i;
    auto name = std::string_view(m_src.text).substr(name_begin, m_i - name_begin);
    auto rest = std::string_view(m_src.text).substr(m_i, close - m_i);
    auto whole = std::string_view(m_src.text).substr(start, std::min(close + 1, m_end) - start);
    if (close >= m_end || name.empty() || !name_start(name[0])) {
        make_dynamic("substitution " + quoted(whole) + " is malformed");
        m_i = std::min(close + 1, m_end);
        return;
    }
    std::optional<std::string> why;
    const Expanded *value = lookup(name, why);
    if (rest.empty()) {
        if (value != nullptr)
            append(*value);
        else
            make_dynamic(*why);
    } else if (rest.starts_with(":-") || rest.starts_with("-") || rest.starts_with(":+") || rest.starts_with("+")) {
        auto op = rest.starts_with(":") ? rest.substr(0, 2) : rest.substr(0, 1);
        bool set = value != nullptr && (op.size() == 1 || !value->value.text.empty());
        bool use_word = op.back() == '-' ? !set : set;
        if (use_word)
            append(Expander(m_src, m_i + op.size(), close, m_escape, m_scope).run());
        else if (op.back() == '-')
            append(*value);
    } else {
        make_dynamic("substitution " + quoted(whole) + " is not one digestx evaluates");
    }
    m_i = close + 1;
}

} // namespace

Expanded expand_word(const Traced &text, std::size_t begin, std::size_t end, char escape, const ArgScope &scope) {
    return Expander(text, begin, end, escape, scope).run();
}

} // namespace digestx::pinning::detail

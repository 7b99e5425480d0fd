// The Dockerfile's line structure, following BuildKit's frontend/dockerfile/parser: directives only
// before the first comment, blank line or instruction; a trailing escape character (then optional
// blanks) continues the instruction; comment and blank lines inside a continuation are dropped;
// heredoc bodies (`RUN <<EOF`) belong to their instruction and are never read as instructions.
#include "dockerfile_lex.hpp"

#include <algorithm>
#include <cctype>

namespace digestx::pinning::detail {
namespace {

struct Line {
    std::size_t start = 0;
    std::size_t end = 0; // excludes "\n" and a "\r" before it
};

std::vector<Line> physical_lines(std::string_view bytes) {
    std::vector<Line> lines;
    std::size_t start = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (start < bytes.size()) {
        auto newline = bytes.find('\n', start);
        auto stop = newline == std::string_view::npos ? bytes.size() : newline;
        auto end = stop;
        if (end > start && bytes[end - 1] == '\r') --end;
        lines.push_back({start, end});
        start = stop + 1;
    }
    return lines;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back()))
        text.remove_suffix(1);
    return text;
}

bool is_blank_line(std::string_view text) {
    return trim(text).empty();
}
bool is_comment_line(std::string_view text) {
    return trim(text).starts_with('#');
}

// `# name=value` with a name of letters; anything else ends the directive block.
bool parse_directive(std::string_view bytes, const Line &line, std::size_t number, Directive &out) {
    auto text = bytes.substr(line.start, line.end - line.start);
    std::size_t i = text.find_first_not_of(" \t");
    if (i == std::string_view::npos || text[i] != '#') return false;
    ++i;
    while (i < text.size() && is_blank(text[i]))
        ++i;
    auto name_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0)
        ++i;
    if (i == name_start) return false;
    std::string name(text.substr(name_start, i - name_start));
    while (i < text.size() && is_blank(text[i]))
        ++i;
    if (i >= text.size() || text[i] != '=') return false;
    ++i;
    while (i < text.size() && is_blank(text[i]))
        ++i;
    auto value = text.substr(i);
    while (!value.empty() && is_blank(value.back()))
        value.remove_suffix(1);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out = Directive{name, std::string(value), line.start + i, number};
    return true;
}

struct Heredoc {
    std::string terminator;
    bool strip_tabs = false;
};

// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` (but not `<<<`), as BuildKit's heredoc support reads them.
std::vector<Heredoc> heredocs_of(std::string_view text) {
    std::vector<Heredoc> found;
    for (auto at = text.find("<<"); at != std::string_view::npos; at = text.find("<<", at + 2)) {
        std::size_t i = at + 2;
        if (i < text.size() && text[i] == '<') {
            at = i;
            continue;
        }
        Heredoc heredoc;
        if (i < text.size() && text[i] == '-') {
            heredoc.strip_tabs = true;
            ++i;
        }
        char quote = 0;
        if (i < text.size() && (text[i] == '"' || text[i] == '\'')) quote = text[i++];
        auto start = i;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) != 0 || text[i] == '_'))
            ++i;
        if (i == start || (quote != 0 && (i >= text.size() || text[i] != quote))) continue;
        heredoc.terminator = std::string(text.substr(start, i - start));
        found.push_back(std::move(heredoc));
    }
    return found;
}

std::size_t skip_heredocs(std::string_view bytes, const std::vector<Line> &lines, std::size_t next,
                          const std::vector<Heredoc> &heredocs) {
    for (const auto &heredoc : heredocs) {
        while (next < lines.size()) {
            auto text = bytes.substr(lines[next].start, lines[next].end - lines[next].start);
            ++next;
            if (heredoc.strip_tabs) {
                while (text.starts_with('\t'))
                    text.remove_prefix(1);
            }
            if (text == heredoc.terminator) break;
        }
    }
    return next;
}

// Appends a physical line to the instruction; returns true when it ends with the escape character.
bool append_line(std::string_view bytes, const Line &line, char escape, Traced &text) {
    auto end = line.end;
    while (end > line.start && is_blank(bytes[end - 1]))
        --end;
    bool continues = end > line.start && bytes[end - 1] == escape;
    if (continues)
        --end;
    else
        end = line.end;
    for (auto i = line.start; i < end; ++i)
        text.push(bytes[i], i);
    return continues;
}

} // namespace

DockerfileText lex_dockerfile(std::string_view bytes) {
    DockerfileText result;
    auto lines = physical_lines(bytes);
    std::size_t i = 0;
    for (Directive directive; i < lines.size() && parse_directive(bytes, lines[i], i + 1, directive); ++i) {
        bool repeated = std::any_of(result.directives.begin(), result.directives.end(),
                                    [&](const Directive &d) { return d.name == directive.name; });
        if (repeated) break;
        if (directive.name == "escape" && (directive.value == "`" || directive.value == "\\")) {
            result.escape = directive.value[0];
        }
        result.directives.push_back(directive);
    }
    while (i < lines.size()) {
        auto text = bytes.substr(lines[i].start, lines[i].end - lines[i].start);
        if (is_blank_line(text) || is_comment_line(text)) {
            ++i;
            continue;
        }
        Instruction instruction;
        instruction.line = i + 1;
        while (append_line(bytes, lines[i], result.escape, instruction.text)) {
            ++i;
            while (i < lines.size()) {
                auto next = bytes.substr(lines[i].start, lines[i].end - lines[i].start);
                if (!is_blank_line(next) && !is_comment_line(next)) break;
                ++i;
            }
            if (i >= lines.size()) break;
        }
        ++i;
        auto words = split_words(instruction.text.text, result.escape);
        auto keyword = keyword_of(instruction, words);
        if (keyword == "RUN" || keyword == "COPY" || keyword == "ADD") {
            i = skip_heredocs(bytes, lines, i, heredocs_of(instruction.text.text));
        }
        result.instructions.push_back(std::move(instruction));
    }
    return result;
}

std::vector<Word> split_words(std::string_view text, char escape) {
    std::vector<Word> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_blank(text[i]))
            ++i;
        if (i >= text.size()) break;
        Word word{i, i};
        char quote = 0;
        while (i < text.size() && (quote != 0 || !is_blank(text[i]))) {
            char c = text[i];
            if (c == escape && quote != '\'' && i + 1 < text.size()) {
                i += 2;
                continue;
            }
            if (quote == 0 && (c == '"' || c == '\''))
                quote = c;
            else if (c == quote)
                quote = 0;
            ++i;
        }
        word.end = i;
        words.push_back(word);
    }
    return words;
}

std::string keyword_of(const Instruction &instruction, const std::vector<Word> &words) {
    if (words.empty()) return {};
    std::string keyword = instruction.text.text.substr(words[0].begin, words[0].end - words[0].begin);
    std::transform(keyword.begin(), keyword.end(), keyword.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return keyword;
}

} // namespace digestx::pinning::detail

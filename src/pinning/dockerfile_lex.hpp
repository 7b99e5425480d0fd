#pragma once
/// @file
/// Internal to pinning: the Dockerfile's line structure as BuildKit's parser sees it (parser
/// directives, comments, `\` continuations, heredocs), keeping the file offset of every byte of
/// every instruction so that a word can be traced back to the bytes it came from.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace digestx::pinning::detail {

/// A text with the file offset of each of its bytes.
struct Traced {
    std::string text;                 ///< the bytes
    std::vector<std::size_t> offsets; ///< offsets[i] is where text[i] is in the file

    /// Appends one byte that came from file offset `offset`.
    void push(char c, std::size_t offset) {
        text.push_back(c);
        offsets.push_back(offset);
    }
};

/// A parser directive (`# syntax=…`, `# escape=…`) from the top of the file.
struct Directive {
    std::string name;       ///< lowercase
    std::string value;      ///< as written, trimmed
    std::size_t offset = 0; ///< file offset of the value
    std::size_t line = 0;   ///< 1-based
};

/// One instruction: its physical lines joined without continuations and comment lines.
struct Instruction {
    Traced text;          ///< the joined text
    std::size_t line = 0; ///< 1-based line of its first physical line
};

/// A word of an instruction: a maximal run outside quotes without unescaped whitespace.
struct Word {
    std::size_t begin = 0; ///< index into the instruction text
    std::size_t end = 0;   ///< one past the last byte
};

/// The Dockerfile split into directives and instructions.
struct DockerfileText {
    char escape = '\\';                    ///< the escape character (`# escape=` may make it a backtick)
    std::vector<Directive> directives;     ///< in file order
    std::vector<Instruction> instructions; ///< in file order; heredoc bodies are skipped
};

/// Splits `bytes` as BuildKit's parser does.
DockerfileText lex_dockerfile(std::string_view bytes);

/// Splits an instruction's text into words, honouring quotes and the escape character.
std::vector<Word> split_words(std::string_view text, char escape);

/// The instruction keyword (first word), uppercased.
std::string keyword_of(const Instruction &instruction, const std::vector<Word> &words);

} // namespace digestx::pinning::detail

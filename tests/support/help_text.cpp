#include "support/help_text.hpp"

#include <sstream>

namespace digestx::test {
namespace {

// The lines of one section ("Options:"), up to the blank line that ends it.
std::vector<std::string> section(const std::string &help, const std::string &title) {
    std::vector<std::string> lines;
    std::istringstream in(help);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside) {
            inside = line == title;
            continue;
        }
        if (line.empty()) break;
        lines.push_back(line);
    }
    return lines;
}

} // namespace

std::vector<std::string> split_words(const std::string &line) {
    std::vector<std::string> words;
    std::istringstream in(line);
    std::string word;
    while (in >> word)
        words.push_back(word);
    return words;
}

std::vector<std::string> help_options(const std::string &help) {
    std::vector<std::string> names;
    for (const std::string &line : section(help, "Options:")) {
        // An option's line starts "  -"; continuation lines are indented further.
        if (line.rfind("  -", 0) != 0) continue;
        std::string spellings = line.substr(2, line.find(' ', 2) - 2);
        spellings = spellings.substr(0, spellings.find('{')); // "--a,--no-a{false}": the default of the negation
        std::istringstream in(spellings);
        std::string name;
        while (std::getline(in, name, ','))
            names.push_back(name);
    }
    return names;
}

std::vector<std::string> help_commands(const std::string &help) {
    std::vector<std::string> names;
    for (const std::string &line : section(help, "Subcommands:"))
        if (line.size() > 2 && line[2] != ' ') names.push_back(split_words(line).front());
    return names;
}

std::vector<std::string> help_examples(const std::string &help) {
    std::vector<std::string> examples;
    std::size_t start = help.rfind("\nExamples:\n");
    if (start == std::string::npos) return examples;
    std::istringstream in(help.substr(start + 11));
    std::string line;
    while (std::getline(in, line) && line.rfind("  ", 0) == 0)
        examples.push_back(line.substr(2));
    return examples;
}

} // namespace digestx::test

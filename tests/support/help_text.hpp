#pragma once
/// @file
/// Reads CLI11's --help layout back (the tests of completions, man pages and examples compare
/// what they document with what the binary accepts).

#include <string>
#include <vector>

namespace digestx::test {

/// Every option spelling of the "Options:" section, dashes included ("-o", "--output",
/// "--no-attestations"), in order.
std::vector<std::string> help_options(const std::string &help);

/// The command names of the "Subcommands:" section, in order.
std::vector<std::string> help_commands(const std::string &help);

/// The lines of the "Examples:" block at the end of a help text, each without its indentation.
std::vector<std::string> help_examples(const std::string &help);

/// Splits a command line of plain words (no quotes, no shell syntax) at spaces.
std::vector<std::string> split_words(const std::string &line);

} // namespace digestx::test

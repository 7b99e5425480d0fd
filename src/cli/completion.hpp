#pragma once
/// @file
/// Shell completion scripts generated from the CLI11 command definitions themselves, so that a new
/// command or option is completed the day it is added and a removed one is never offered.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace digestx::cli {

/// One option as completion sees it.
struct CompletionOption {
    std::vector<std::string> names;   ///< every spelling, dashes included: "-o", "--output"
    std::string description;          ///< the first line of its --help description
    bool takes_value = false;         ///< false for flags
    std::vector<std::string> choices; ///< the values it accepts, when CLI11 knows a closed set
};

/// One command and what may follow it.
struct CompletionCommand {
    std::string name;                          ///< "inspect"
    std::string description;                   ///< its --help description
    std::vector<CompletionOption> options;     ///< its own options (globals apply too: fallthrough)
    bool takes_arguments = false;              ///< it has positionals (references, paths)
    std::vector<std::string> argument_choices; ///< a closed set for its positionals, if any
};

/// What the scripts complete: global options and every command.
struct CompletionModel {
    std::string program;                     ///< "digestx"
    std::vector<CompletionOption> globals;   ///< options of the top-level app
    std::vector<CompletionCommand> commands; ///< every command, in --help order
};

/// Reads the model out of a fully set-up app (after every command's setup function ran).
CompletionModel completion_model(const CLI::App &app);

/// A bash script defining `_digestx` and registering it with `complete -F` (bash-completion's
/// dynamic loader sources it from share/bash-completion/completions/digestx).
std::string bash_completion(const CompletionModel &model);

/// A zsh script for $fpath as `_digestx` (`#compdef`), which also works when sourced.
std::string zsh_completion(const CompletionModel &model);

/// A fish script for vendor_completions.d/digestx.fish.
std::string fish_completion(const CompletionModel &model);

} // namespace digestx::cli

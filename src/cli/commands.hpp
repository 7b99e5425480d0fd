#pragma once
/// @file
/// The list of command modules; each lives in its own cmd_*.cpp file.

#include <vector>

#include "command.hpp"

namespace digestx::cli {

/// Set-up functions of every command, in the order `--help` lists them.
const std::vector<CommandSetup> &all_commands();

/// `digestx ref REF`: how a reference parses and normalises (cmd_ref.cpp).
void setup_ref_command(CLI::App &app, Invocation &invocation);

} // namespace digestx::cli

#pragma once
/// @file
/// The list of command modules; each lives in its own cmd_*.cpp file.

#include <vector>

#include "command.hpp"

namespace digestx::cli {

/// Set-up functions of every command, in the order `--help` lists them.
const std::vector<CommandSetup> &all_commands();

} // namespace digestx::cli

#pragma once
/// @file
/// What the output may look like on this terminal, for every command that draws; the decision
/// itself is in the public header so that tests can call it.

#include "command.hpp"
#include "digestx/cli/terminal.hpp"

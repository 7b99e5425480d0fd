#pragma once
/// @file
/// The list of command modules; each lives in its own cmd_*.cpp file.

#include <vector>

#include "command.hpp"

namespace digestx::cli {

/// `digestx ref REF`: how a reference parses and normalises (cmd_ref.cpp).
void setup_ref_command(CLI::App &app, Invocation &invocation);

/// `digestx digest REF` / `digest --file PATH`: the digest a pin should use (HEAD first) / the digest of a
/// manifest document as a registry computes it (cmd_digest.cpp).
void setup_digest_command(CLI::App &app, Invocation &invocation);

/// `digestx inspect REF`: the whole digest graph, every digest explained (cmd_inspect.cpp).
void setup_inspect_command(CLI::App &app, Invocation &invocation);

/// `digestx manifest REF [--accept PRESET] [--head]`: a manifest as served (cmd_manifest.cpp).
void setup_manifest_command(CLI::App &app, Invocation &invocation);

/// `digestx config REF`: the image config of a platform as served (cmd_config.cpp).
void setup_config_command(CLI::App &app, Invocation &invocation);

/// `digestx tags REPO`: every tag of a repository (cmd_tags.cpp).
void setup_tags_command(CLI::App &app, Invocation &invocation);

/// `digestx verify REF@DIGEST`: does the tag still point at the pin, and at which level (cmd_verify.cpp).
void setup_verify_command(CLI::App &app, Invocation &invocation);

/// `digestx check PATH...`: are the image references in these files pinned and current (cmd_check.cpp).
void setup_check_command(CLI::App &app, Invocation &invocation);

/// `digestx pin PATH...`: rewrite image references to their pinned form (cmd_pin.cpp).
void setup_pin_command(CLI::App &app, Invocation &invocation);

/// `digestx which DIGEST REF|--in PATH…`: where a digest sits in an image's graph (cmd_which.cpp).
void setup_which_command(CLI::App &app, Invocation &invocation);

/// `digestx diff REF_A REF_B`: what changed between two graphs (cmd_diff.cpp).
void setup_diff_command(CLI::App &app, Invocation &invocation);

/// `digestx completion bash|zsh|fish`: a shell's completion script (cmd_completion.cpp).
void setup_completion_command(CLI::App &app, Invocation &invocation);

/// Set-up functions of every command, in the order `--help` lists them.
const std::vector<CommandSetup> &all_commands();

} // namespace digestx::cli

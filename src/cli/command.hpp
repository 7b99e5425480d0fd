#pragma once
/// @file
/// The contract between the CLI driver (app.cpp) and the one-file-per-command modules.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "digestx/cli/context.hpp"
#include "digestx/core/error.hpp"
#include "digestx/core/limits.hpp"

namespace digestx::cli {

/// What `-o` asks for.
enum class OutputFormat {
    Text, ///< the human form (the default)
    Json, ///< one versioned JSON document
    Dot,  ///< a Graphviz picture, where a graph is drawn (`inspect`)
};

/// "text", "json" or "dot", as written on the command line.
std::string_view output_format_name(OutputFormat format) noexcept;

/// Options every command accepts, before or after the command name (cli.md "Global options").
struct GlobalOptions {
    OutputFormat output = OutputFormat::Text; ///< -o text|json|dot
    std::string platform;                     ///< --platform, unnormalised as typed
    double timeout_seconds = 0;               ///< --timeout; 0 means the default deadline
    bool plain_http = false;                  ///< --plain-http
    bool insecure = false;                    ///< --insecure: skip TLS verification
    std::string cacert;                       ///< --cacert FILE
    std::string username;                     ///< --username
    bool password_stdin = false;              ///< --password-stdin
    bool strict = false;                      ///< --strict: header/content disagreements are errors
    bool verbose = false;                     ///< --verbose: redacted request trace on stderr
    bool no_color = false;                    ///< --no-color
    std::vector<std::string> mirrors;         ///< --mirror [REGISTRY=]HOST[/NAMESPACE], in order
    bool no_mirrors = false;                  ///< --no-mirrors: ignore configured mirrors
    bool tags_from_mirror = false;            ///< --tags-from-mirror: verify/check/pin read tags via mirrors
    /// --max-manifest-bytes: cap of a manifest, index, config or tags page (fault catalogue B6)
    std::size_t max_manifest_bytes = digestx::max_manifest_bytes;
};

/// A parsed command ready to run. Returning an Error means total failure: the driver drops the
/// buffered stdout and prints one line on stderr. Returning an exit code means the output is
/// worth keeping: 0, 1 (verification mismatch), or the exit_code() of the worst error of a
/// partial failure (`inspect` prints the readable rest of a graph and exits 5 for one bad blob).
using CommandRun = std::function<Result<int>(Context &, const GlobalOptions &)>;

/// Where a command's set-up function stores the run function of the command that was chosen.
struct Invocation {
    GlobalOptions globals; ///< filled by CLI11 while parsing
    CommandRun run;        ///< set by the chosen subcommand's callback
};

/// Every command module provides one set-up function of this shape.
using CommandSetup = void (*)(CLI::App &app, Invocation &invocation);

} // namespace digestx::cli

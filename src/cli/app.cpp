#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "command.hpp"
#include "commands.hpp"
#include "digestx/core/text.hpp"
#include "digestx/net/interrupt.hpp"
#include "version.hpp"

namespace digestx::cli {
namespace {

// The --help footer, built from the one exit-code table so that it cannot drift from exit_code().
std::string exit_code_help() {
    std::string text = "Exit codes:";
    for (const ExitCodeRow &row : exit_code_table()) {
        std::string code = std::to_string(row.code);
        text += "\n  " + code + std::string(5 - std::min<std::size_t>(code.size(), 4), ' ') + std::string(row.meaning);
    }
    return text;
}

// -o text|json|dot (any case) into OutputFormat; CLI11 reads enums by their number.
CLI::Validator output_format_option() {
    return CLI::Validator(
        [](std::string &input) -> std::string {
            for (OutputFormat format : {OutputFormat::Text, OutputFormat::Json, OutputFormat::Dot}) {
                if (ascii_lowercase(input) == output_format_name(format)) {
                    input = std::to_string(static_cast<int>(format));
                    return {};
                }
            }
            return "must be text, json or dot, not " + quoted(input, 40);
        },
        "text|json|dot");
}

void add_global_options(CLI::App &app, GlobalOptions &globals) {
    app.add_option("-o,--output", globals.output, "Output format: text, json (dot where a graph is drawn)")
        ->transform(output_format_option());
    app.add_option("--platform", globals.platform, "Platform to select, os/arch[/variant] (e.g. linux/arm64)");
    app.add_option("--timeout", globals.timeout_seconds, "Overall deadline in seconds (default 300)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--plain-http", globals.plain_http, "Use http:// for a registry that is not on loopback");
    app.add_flag("--insecure", globals.insecure, "Do not verify TLS certificates (loudly unsafe)");
    app.add_option("--cacert", globals.cacert, "Extra CA bundle (PEM) to trust")->check(CLI::ExistingFile);
    app.add_option("--username", globals.username,
                   "Registry user name (beats the stored credentials of docker and podman for its registry)");
    app.add_flag("--password-stdin", globals.password_stdin, "Read the registry password from stdin");
    app.add_flag("--strict", globals.strict,
                 "Treat header/content disagreements as errors, and a descriptor or Content-Type of the other "
                 "flavour (OCI vs Docker) than the document's mediaType");
    app.add_flag("-v,--verbose", globals.verbose, "Trace requests on stderr (credentials redacted)");
    app.add_flag("--no-color", globals.no_color, "Never colour the output");
    app.add_option("--mirror", globals.mirrors,
                   "Read through this registry mirror first, [REGISTRY=][http://]HOST[:PORT][/NAMESPACE] "
                   "(repeatable, tried in order; REGISTRY defaults to docker.io), before the configured ones")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_flag("--no-mirrors", globals.no_mirrors,
                 "Ignore the registry settings of /etc/docker/daemon.json and registries.conf (mirrors, "
                 "relocations, blocks)");
    app.add_flag("--tags-from-mirror", globals.tags_from_mirror,
                 "digest, verify, check and pin: read tags through the mirrors too (by default they read tags from "
                 "the registry itself and report a mirror whose tag differs; inspect, manifest and config always "
                 "read through mirrors, as docker pull does)");
    app.add_option("--max-manifest-bytes", globals.max_manifest_bytes,
                   "Largest manifest, index, config or tags page read (default " + std::to_string(max_manifest_bytes) +
                       ")")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30U));
}

// Writes the run's stdout and returns the exit code. Output that cannot be written fails the run,
// whatever it was to report: one line and exit 74 (disk full, I/O error), or, when the reader of
// a pipe went away (EPIPE: `digestx … | head`), exit 141 without a word, as a program that
// SIGPIPE ends (fault catalogue E4). errno is read because an ostream keeps no reason; for
// std::cout it is the failed write(2)'s, from the flush.
int deliver(Context &ctx, const std::string &text, int code) {
    errno = 0;
    ctx.out << text;
    ctx.out.flush();
    if (ctx.out) return code;
    int error = errno;
    if (error == EPIPE) return closed_pipe_exit_code;
    ctx.err << "digestx: error: cannot write the output to stdout: "
            << (error != 0 ? std::strerror(error) : "write failed") << "\n";
    return exit_code(ErrorCode::Output);
}

} // namespace

std::string_view output_format_name(OutputFormat format) noexcept {
    switch (format) {
    case OutputFormat::Text: return "text";
    case OutputFormat::Json: return "json";
    case OutputFormat::Dot: return "dot";
    }
    return "text";
}

namespace {

// CLI11 reports its own parse errors; map them onto the contract's usage exit code.
int report_parse_error(const CLI::ParseError &error, CLI::App &app, Context &ctx) {
    if (error.get_exit_code() == 0) {
        // --help / --version: CLI11 prints to the streams we give it.
        std::ostringstream help;
        std::ostringstream ignored;
        app.exit(error, help, ignored);
        return deliver(ctx, help.str(), 0);
    }
    ctx.err << "digestx: error: " << sanitize(error.what()) << "\n";
    return exit_code(ErrorCode::Usage);
}

} // namespace

int run(const std::vector<std::string> &args, Context &ctx) {
    Invocation invocation;
    CLI::App app{"digestx: which container-image digest is which, exactly and verifiably", "digestx"};
    app.set_version_flag("--version", version_text, "Print the version of digestx and of the libcurl it runs with");
    app.footer(exit_code_help() + "\n\n" +
               "Examples:\n"
               "  digestx ref alpine:3.12\n"
               "  digestx inspect oci:examples/alpine-3.12:3.12\n"
               "  digestx check --require-pins .");
    app.require_subcommand(1);
    app.fallthrough();
    add_global_options(app, invocation.globals);
    for (CommandSetup setup : all_commands())
        setup(app, invocation);

    std::vector<std::string> reversed(args.rbegin(), args.rend() - (args.empty() ? 0 : 1));
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError &error) {
        return report_parse_error(error, app, ctx);
    }
    if (!invocation.run) {
        ctx.err << "digestx: error: no command given (see digestx --help)\n";
        return exit_code(ErrorCode::Usage);
    }

    std::ostringstream buffered;
    Context inner{buffered, ctx.err, ctx.in, ctx.env, ctx.out_is_terminal, ctx.err_is_terminal};
    Result<int> outcome = [&]() -> Result<int> {
        try {
            return invocation.run(inner, invocation.globals);
        } catch (const std::bad_alloc &) {
            return fail(ErrorCode::Internal, "out of memory");
        } catch (const std::exception &error) {
            return fail(ErrorCode::Internal, std::string("internal error: ") + error.what());
        }
    }();
    if (!outcome) {
        ctx.err << "digestx: error: " << sanitize(outcome.error().describe(), 2000) << "\n";
        // Which signal interrupted the run decides the status: 130 (SIGINT) or 143 (SIGTERM).
        if (outcome.error().code == ErrorCode::Interrupted && net::interrupted()) return net::interrupt_exit_code();
        return exit_code(outcome.error().code);
    }
    if (net::interrupted()) {
        // A signal after the last transfer: the output may be incomplete, so none is printed (E4).
        ctx.err << "digestx: error: interrupted\n";
        return net::interrupt_exit_code();
    }
    // An exit code (0, 1, or a partial failure's) keeps the output the command wrote.
    return deliver(ctx, buffered.str(), *outcome);
}

Context process_context() {
    return Context{std::cout,
                   std::cerr,
                   std::cin,
                   [](const std::string &name) -> std::optional<std::string> {
                       const char *value = std::getenv(name.c_str());
                       if (value == nullptr) return std::nullopt;
                       return std::string(value);
                   },
                   isatty(STDOUT_FILENO) == 1,
                   isatty(STDERR_FILENO) == 1};
}

} // namespace digestx::cli

// `digestx inspect REF`: the whole digest graph of a reference, every digest's role explained.
#include <memory>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "terminal.hpp"
#include "digestx/core/text.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/render/dot.hpp"
#include "digestx/render/inspect_json.hpp"
#include "digestx/render/text.hpp"
#include "digestx/resolve/resolve.hpp"

namespace digestx::cli {
namespace {

struct InspectOptions {
    std::string reference;
    bool full = false;
    bool no_config = false;
    bool attestations = true;
};

Result<ResolveOptions> resolve_options(const InspectOptions &options, const GlobalOptions &globals) {
    ResolveOptions resolve_options;
    resolve_options.fetch_configs = !options.no_config;
    resolve_options.attestations = options.attestations;
    if (!globals.platform.empty()) {
        auto platform = parse_platform(globals.platform);
        if (!platform) return fail(std::move(platform.error()));
        resolve_options.platform = normalize(std::move(*platform));
    }
    return resolve_options;
}

void write_output(const ImageTree &tree, const InspectOptions &options, Context &ctx, const GlobalOptions &globals) {
    Explanation explanation = explain(tree);
    if (globals.output == "json") {
        render::write_json(ctx.out, tree, explanation, options.reference);
    } else if (globals.output == "dot") {
        render::write_dot(ctx.out, tree, explanation);
    } else {
        render::TextStyle style{utf8_locale(ctx), use_color(ctx, globals), options.full};
        render::write_text(ctx.out, tree, explanation, style);
    }
}

Result<int> run_inspect(const InspectOptions &options, Context &ctx, const GlobalOptions &globals) {
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    auto walk = resolve_options(options, globals);
    if (!walk) return fail(std::move(walk.error()));
    auto source = make_source(*reference, globals, ctx);
    if (!source) return fail(std::move(source.error()));
    auto tree = resolve(**source, *reference, *walk);
    if (!tree) return fail(std::move(tree.error()));
    // Nothing below a failed root is worth printing (no platform matched, say): the ordinary
    // error path, stdout empty.
    if (tree->root().error) return fail(*tree->root().error);
    write_output(*tree, options, ctx, globals);
    auto worst = tree->worst_error();
    if (!worst) return 0;
    // A partial failure keeps the tree on stdout (the rest of the graph is still true) and
    // says on stderr why the exit code is not 0.
    std::size_t failed = 0;
    for (const auto &node : tree->nodes)
        failed += node.error ? 1U : 0U;
    ctx.err << "digestx: error: " << failed << " of " << tree->nodes.size()
            << " documents could not be read; the worst: " << sanitize(worst->describe(), 1000) << "\n";
    return exit_code(worst->code);
}

} // namespace

void setup_inspect_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<InspectOptions>();
    CLI::App *command =
        app.add_subcommand("inspect", "Show the whole digest graph of a reference, every digest's role explained");
    command->add_option("REF", options->reference, "Image reference or oci:DIR[:TAG|@DIGEST]")->required();
    command->add_flag("--full", options->full, "Show every digest in full (default: 12 hex like Docker Hub)");
    command->add_flag("--no-config", options->no_config, "Do not read image configs (no image IDs, no diff_ids)");
    command->add_flag("--attestations,!--no-attestations", options->attestations,
                      "Read buildx attestation manifests (default: on)");
    command->footer("With --platform, only the entry `docker pull --platform` would use is walked (with its "
                    "attestations).\nA partly unreadable graph is still printed; the exit code is then that of the "
                    "worst error.");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_inspect(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

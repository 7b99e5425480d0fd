// `digestx inspect REF`: the whole digest graph of a reference, every digest's role explained.
#include <memory>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "terminal.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/render/dot.hpp"
#include "digestx/render/inspect_json.hpp"
#include "digestx/render/text.hpp"
#include "digestx/resolve/referrers.hpp"
#include "digestx/resolve/resolve.hpp"

namespace digestx::cli {
namespace {

struct InspectOptions {
    std::string reference;
    bool full = false;
    bool explain = false;
    bool no_config = false;
    bool attestations = true;
    bool referrers = false;
    std::string accept; // a preset name; "" when --accept was not given
};

// What digestx's default Accept list is given for the reference: one HEAD through the same
// client (and token), counted in the cost line like every other request.
Result<AcceptComparison> full_list_answer(RegistrySource &source, const Reference &reference,
                                          const std::string &preset) {
    auto target = registry::ManifestTarget::of(reference);
    target.accept = media::default_accept_preset().types;
    auto outcome = source.client().head_manifest(source.repository(), target);
    if (!outcome) return fail(std::move(outcome.error()));
    AcceptComparison comparison{preset, {}, outcome->head.content_type};
    if (outcome->digest) comparison.full_digest = outcome->digest->str();
    if (outcome->fetched) {
        comparison.full_digest = outcome->fetched->digest.str();
        comparison.full_media_type = outcome->fetched->media_type;
    }
    return comparison;
}

struct Opened {
    std::unique_ptr<Source> source;
    RegistrySource *registry = nullptr; // the same source when --accept needs its client
};

Result<Opened> open_source(const Reference &reference, const InspectOptions &options, const GlobalOptions &globals,
                           Context &ctx) {
    if (options.accept.empty()) {
        auto source = make_source(reference, globals, ctx);
        if (!source) return fail(std::move(source.error()));
        return Opened{std::move(*source), nullptr};
    }
    auto preset = media::require_accept_preset(options.accept);
    if (!preset) return fail(std::move(preset.error()));
    if (reference.source() != SourceKind::Registry) {
        return fail(ErrorCode::Usage, "--accept applies to registry references; " +
                                          std::string(source_kind_name(reference.source())) +
                                          " sources have no Accept header");
    }
    auto source = make_registry_source(reference, globals, ctx, preset->types);
    if (!source) return fail(std::move(source.error()));
    RegistrySource *registry = source->get();
    return Opened{std::move(*source), registry};
}

// The reference could not be read with the narrow list (an OCI index asked for with Docker types
// only is 404 on distribution): say what digestx's default list gets, then fail as before.
Error explain_narrow_failure(Error error, const Opened &opened, const Reference &reference,
                             const InspectOptions &options, Context &ctx) {
    if (opened.registry == nullptr || error.code != ErrorCode::NotFound) return error;
    auto full = full_list_answer(*opened.registry, reference, options.accept);
    if (full && !full->full_digest.empty()) {
        ctx.err << "digestx: note: with Accept " << options.accept << " the registry has no answer for "
                << sanitize(reference.canonical(), 600) << "; digestx's default Accept list gets " << full->full_digest
                << " (" << sanitize(full->full_media_type, 200) << ")\n";
    }
    return error;
}

Result<ResolveOptions> resolve_options(const InspectOptions &options, const GlobalOptions &globals) {
    ResolveOptions resolve_options;
    resolve_options.fetch_configs = !options.no_config;
    resolve_options.attestations = options.attestations;
    resolve_options.strict = globals.strict;
    if (!globals.platform.empty()) {
        auto request = platform_request(globals);
        if (!request) return fail(std::move(request.error()));
        resolve_options.platform = std::move(*request);
    }
    return resolve_options;
}

void write_output(const ImageTree &tree, const InspectOptions &options, Context &ctx, const GlobalOptions &globals) {
    Explanation explanation = explain(tree);
    if (globals.output == OutputFormat::Json) {
        render::write_json(ctx.out, tree, explanation, options.reference);
    } else if (globals.output == OutputFormat::Dot) {
        render::write_dot(ctx.out, tree, explanation);
    } else {
        Drawing drawing = decide_drawing(ctx, globals.no_color);
        render::TextStyle style{drawing.unicode, drawing.color, options.full, options.explain};
        render::write_text(ctx.out, tree, explanation, style);
    }
}

Result<int> run_inspect(const InspectOptions &options, Context &ctx, const GlobalOptions &globals) {
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    auto walk = resolve_options(options, globals);
    if (!walk) return fail(std::move(walk.error()));
    auto opened = open_source(*reference, options, globals, ctx);
    if (!opened) return fail(std::move(opened.error()));
    Source &source = *opened->source;
    auto tree = resolve(source, *reference, *walk);
    if (!tree) return fail(explain_narrow_failure(std::move(tree.error()), *opened, *reference, options, ctx));
    // Nothing below a failed root is worth printing (no platform matched, say): the ordinary
    // error path, stdout empty.
    if (tree->root().error) return fail(*tree->root().error);
    // With --platform the answer is one manifest: when the selection found none (a nested index
    // without a match, an entry without a platform whose config is of another), every command
    // fails alike, with stdout empty.
    if (walk->platform && !tree->selected) {
        if (auto worst = tree->worst_error()) return fail(std::move(*worst));
    }
    if (options.referrers) {
        if (auto attached = attach_referrers(source, *tree); !attached) return fail(std::move(attached.error()));
    }
    if (opened->registry != nullptr) {
        auto full = full_list_answer(*opened->registry, *reference, options.accept);
        if (full) {
            tree->accept = std::move(*full);
        } else {
            tree->accept = AcceptComparison{options.accept, {}, {}};
            tree->findings.push_back({FindingLevel::Warning, "accept-unknown",
                                      "the HEAD with digestx's default Accept list failed, so the answers cannot be "
                                      "compared: " +
                                          sanitize(full.error().describe(), 600),
                                      std::size_t{0}});
        }
    }
    tree->stats = source.stats();
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
    command->add_flag("--explain", options->explain,
                      "Explain every digest in a sentence, and list layers beside their diff_ids (default: a "
                      "table, each role explained once)");
    command->add_flag("--no-config", options->no_config, "Do not read image configs (no image IDs, no diff_ids)");
    command->add_flag("--attestations,!--no-attestations", options->attestations,
                      "Read buildx attestation manifests (default: on)");
    command->add_flag("--referrers", options->referrers,
                      "Also list what is attached to the top document and each image manifest (OCI 1.1 "
                      "referrers API, else the sha256-<hex> tag schema; a layout's index.json)");
    command->add_option("--accept", options->accept,
                        "Read the reference with this client's Accept list, and compare with digestx's default "
                        "list:" +
                            accept_presets_help());
    command->footer("With --platform, only the entry `docker pull --platform` would use is walked (with its "
                    "attestations).\nA partly unreadable graph is still printed; the exit code is then that of the "
                    "worst error."
                    "\n\n"
                    "Examples:\n"
                    "  digestx inspect oci:examples/alpine-3.12:3.12\n"
                    "  digestx inspect --explain --platform linux/amd64 oci:examples/alpine-3.12:3.12\n"
                    "  digestx -o json inspect oci:examples/alpine-3.12:3.12");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_inspect(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

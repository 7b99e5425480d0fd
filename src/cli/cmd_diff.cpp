// `digestx diff REF_A REF_B`: what changed between two graphs, by meaning: platforms, manifests,
// configs field by field, layers, attestations, annotations and order.
#include <memory>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "graph_read.hpp"
#include "source_factory.hpp"
#include "digestx/explain/graph_diff.hpp"
#include "digestx/render/diff.hpp"

namespace digestx::cli {
namespace {

struct DiffOptions {
    std::string a;
    std::string b;
    bool full = false;
};

// An image from `docker save` (or a tarred layout) is compared with a registry's as docker
// compares images, by image ID and diff_ids: its layers are stored uncompressed.
bool is_archive(const Reference &reference) {
    return reference.source() == SourceKind::DockerArchive || reference.source() == SourceKind::OciArchive;
}

// A partly unreadable graph would make a difference up (or hide one): the worst error stops the diff.
Result<ImageTree> read_whole(const SourceFactory &factory, const Reference &reference, const GlobalOptions &globals,
                             Context &ctx) {
    auto source = factory.make(reference, ctx.err);
    if (!source) return fail(std::move(source.error()));
    // Referrers are attached after the fact and in no digest of the image (distribution-spec
    // 1.1): they cannot explain why a digest changed, so they are not listed.
    auto tree = read_full_graph(**source, reference, globals, false);
    if (!tree) return fail(std::move(tree.error()));
    if (auto worst = tree->worst_error()) {
        return fail(std::move(*worst).with_context("reading " + reference.canonical()));
    }
    return tree;
}

Result<int> run_diff(const DiffOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == OutputFormat::Dot) return fail(ErrorCode::Usage, "diff prints text or json, not \"dot\"");
    auto a = parse_reference(options.a);
    if (!a) return fail(std::move(a.error()));
    auto b = parse_reference(options.b);
    if (!b) return fail(std::move(b.error()));
    auto auth_registry = single_auth_registry({*a, *b}, globals);
    if (!auth_registry) return fail(std::move(auth_registry.error()));
    auto factory = SourceFactory::create(globals, ctx, *auth_registry);
    if (!factory) return fail(std::move(factory.error()));
    auto tree_a = read_whole(*factory, *a, globals, ctx);
    if (!tree_a) return fail(std::move(tree_a.error()));
    auto tree_b = read_whole(*factory, *b, globals, ctx);
    if (!tree_b) return fail(std::move(tree_b.error()));
    digestx::DiffOptions compare;
    compare.a_local = is_archive(*a);
    compare.b_local = is_archive(*b);
    GraphDiff diff = diff_graphs(*tree_a, *tree_b, compare);
    if (globals.output == OutputFormat::Json) {
        render::write_diff_json(ctx.out, a->canonical(), b->canonical(), diff);
    } else {
        render::write_diff_text(ctx.out, a->canonical(), b->canonical(), diff, options.full);
    }
    return diff.identical || diff.same_image ? 0 : exit_code(ErrorCode::Mismatch);
}

} // namespace

void setup_diff_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<DiffOptions>();
    CLI::App *command = app.add_subcommand(
        "diff", "Say what changed between two images' graphs: platforms, manifests, configs, layers, attestations");
    command
        ->add_option("REF_A", options->a,
                     "The image before (reference, oci:DIR[:TAG|@DIGEST], docker-archive:FILE[:REF|:@N] or "
                     "oci-archive:FILE[:TAG|@DIGEST])")
        ->required();
    command->add_option("REF_B", options->b, "The image after")->required();
    command->add_flag("--full", options->full, "Show every digest in full (default: 12 hex like Docker Hub)");
    command->footer(
        "Layers are compared by content (diff_ids) as well as by compressed digest.\nExit 0 when both name the "
        "same top digest, 1 when they differ, else the exit code of the error. With a docker-archive: or "
        "oci-archive: side, the same means the same image ID (config) and so the same diff_ids, as docker "
        "compares images: docker save stores layers uncompressed, so their compressed digests legitimately "
        "differ, and platforms only the other side serves are listed, not compared: `digestx diff "
        "docker-archive:app.tar registry.example/app:1.2` says whether a saved image is what the registry "
        "serves.\n\n"
        "Examples:\n"
        "  digestx diff oci:examples/alpine-3.12:3.12 "
        "oci:examples/alpine-3.12@sha256:407b6b6a6e2df8eb050faf799c3c1241e19a677226b70c0908b8c2c1fb21631f\n"
        "  digestx -o json diff oci:examples/alpine-3.12:3.12 oci:examples/alpine-3.12:3.12");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_diff(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

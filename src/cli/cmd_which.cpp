// `digestx which DIGEST REF` / `which DIGEST --in PATH…`: where a digest sits in an image's graph
// (or in which pinned image of some files), in one sentence per place.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "commands.hpp"
#include "graph_read.hpp"
#include "pin_files.hpp"
#include "source_factory.hpp"
#include "digestx/core/text.hpp"
#include "digestx/explain/explain.hpp"
#include "digestx/explain/which.hpp"
#include "digestx/render/which.hpp"

namespace digestx::cli {
namespace {

struct WhichOptions {
    std::string digest;
    std::string reference;
    std::vector<std::string> in;
    bool full = false;
};

// One image searched: its graph kept alive for the renderer, which names nodes of it.
struct Searched {
    Reference reference;
    std::vector<std::string> origins;
    std::unique_ptr<ImageTree> tree;
    WhichAnswer answer;
};

std::string candidate_list(const std::vector<std::string> &candidates) {
    std::string out;
    for (const auto &candidate : candidates)
        out += (out.empty() ? "" : ", ") + candidate;
    return out;
}

// The distinct references the files name, with where each is named ("FILE:LINE").
Result<std::vector<Searched>> references_in(const std::vector<std::string> &paths, Context &ctx) {
    auto files = scan_paths(paths);
    if (!files) return fail(std::move(files.error()));
    std::vector<Searched> images;
    std::map<std::string, std::size_t> seen;
    for (const auto &file : *files) {
        if (!file.scan) {
            ctx.err << "digestx: warning: " << sanitize(file.error->describe(), 600) << "\n";
            continue;
        }
        for (const auto &occurrence : file.scan->occurrences) {
            if (occurrence.status != pinning::OccurrenceStatus::Valid) continue;
            auto [it, added] = seen.emplace(occurrence.reference->canonical(), images.size());
            if (added) images.push_back({*occurrence.reference, {}, nullptr, {}});
            images[it->second].origins.push_back(file.path + ":" + std::to_string(occurrence.line));
        }
    }
    if (images.empty()) return fail(ErrorCode::Usage, "the files name no image reference to search");
    return images;
}

Result<int> print_answer(const std::vector<Searched> &images, const WhichOptions &options, Context &ctx,
                         const GlobalOptions &globals) {
    std::vector<render::WhichFound> found;
    std::string digest;
    for (const auto &image : images) {
        if (image.answer.places.empty()) continue;
        digest = image.answer.candidates.front();
        found.push_back({image.reference.canonical(), image.origins, image.tree.get(), image.answer.places});
    }
    if (globals.output == OutputFormat::Json) {
        render::write_which_json(ctx.out, options.digest, digest, found);
    } else {
        render::write_which_text(ctx.out, digest, found, options.full);
    }
    return 0;
}

// Every image is searched; the query must name one digest across all of them.
Result<int> answer(std::vector<Searched> &images, std::size_t unreadable, const WhichOptions &options, Context &ctx,
                   const GlobalOptions &globals) {
    std::vector<std::string> candidates;
    for (const auto &image : images) {
        for (const auto &candidate : image.answer.candidates)
            if (std::find(candidates.begin(), candidates.end(), candidate) == candidates.end())
                candidates.push_back(candidate);
    }
    if (candidates.size() > 1) {
        return fail(ErrorCode::Usage, "digest prefix " + quoted(options.digest, 200) + " is ambiguous: it matches " +
                                          candidate_list(candidates) + "; give more hex digits");
    }
    if (candidates.empty()) {
        if (images.size() == 1 && images.front().tree) {
            return fail(ErrorCode::NotFound,
                        quoted(options.digest, 200) + " is " + which_miss_hint(*images.front().tree));
        }
        std::string unread = unreadable == 0
                                 ? std::string()
                                 : " (" + std::to_string(unreadable) + " of them could not be read, see above)";
        return fail(ErrorCode::NotFound,
                    quoted(options.digest, 200) + " is in none of the " + std::to_string(images.size()) +
                        " images the files name" + unread +
                        ": it may belong to an older build of a tag, or to an image not named there");
    }
    return print_answer(images, options, ctx, globals);
}

Result<int> run_which(const WhichOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == OutputFormat::Dot) return fail(ErrorCode::Usage, "which prints text or json, not \"dot\"");
    if (options.reference.empty() == options.in.empty()) {
        return fail(ErrorCode::Usage, "give either REF or --in PATH…, not both and not neither");
    }
    auto query = parse_digest_query(options.digest);
    if (!query) return fail(std::move(query.error()));
    std::vector<Searched> images;
    if (!options.reference.empty()) {
        auto reference = parse_reference(options.reference);
        if (!reference) return fail(std::move(reference.error()));
        images.push_back({std::move(*reference), {}, nullptr, {}});
    } else {
        auto listed = references_in(options.in, ctx);
        if (!listed) return fail(std::move(listed.error()));
        images = std::move(*listed);
    }
    std::vector<Reference> references;
    for (const auto &image : images)
        references.push_back(image.reference);
    auto auth_registry = single_auth_registry(references, globals);
    if (!auth_registry) return fail(std::move(auth_registry.error()));
    auto factory = SourceFactory::create(globals, ctx, *auth_registry);
    if (!factory) return fail(std::move(factory.error()));
    std::size_t unreadable = 0;
    for (auto &image : images) {
        auto source = factory->make(image.reference, ctx.err);
        auto tree =
            source ? read_full_graph(**source, image.reference, globals, true) : fail(std::move(source.error()));
        if (!tree) {
            // One image named by a file failing does not hide the others; a REF that fails is the answer.
            if (options.in.empty()) return fail(std::move(tree.error()));
            ctx.err << "digestx: warning: " << sanitize(image.reference.canonical(), 600) << ": "
                    << sanitize(tree.error().describe(), 600) << "\n";
            ++unreadable;
            continue;
        }
        image.tree = std::make_unique<ImageTree>(std::move(*tree));
        image.answer = which(*image.tree, explain(*image.tree), *query);
    }
    return answer(images, unreadable, options, ctx, globals);
}

} // namespace

void setup_which_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<WhichOptions>();
    CLI::App *command = app.add_subcommand(
        "which", "Say where a digest sits in an image's graph: index, platform manifest, image ID, layer, diff_id, "
                 "attestation or referrer");
    command
        ->add_option("DIGEST", options->digest,
                     "sha256:<hex>, or a hex prefix of at least 12 digits as Docker Hub and `docker images` show")
        ->required();
    command->add_option("REF", options->reference,
                        "Image reference, oci:DIR[:TAG|@DIGEST], docker-archive:FILE[:REF|:@N] or "
                        "oci-archive:FILE[:TAG|@DIGEST] whose graph is searched");
    command->add_option("--in", options->in,
                        "Instead of REF: search every image the references in these files (or directories) name");
    command->add_flag("--full", options->full, "Show every digest in full (default: 12 hex like Docker Hub)");
    command->footer("Every platform is walked, with configs, layers, attestations and the referrers the source lists "
                    "(--platform walks one).\nExit 0 found, 2 an ambiguous prefix (the candidates are listed), 3 not "
                    "in the graph. In a docker save archive a layer is found by its diff_id: docker save stores layers "
                    "uncompressed.\n\n"
                    "Examples:\n"
                    "  digestx which b0925e081921 oci:examples/alpine-3.12:3.12\n"
                    "  digestx which sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18 "
                    "oci:examples/alpine-3.12:3.12");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_which(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

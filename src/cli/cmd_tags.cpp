// `digestx tags REPO`: every tag of a repository, across all pages of the tags list.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct TagsOptions {
    std::string repository;
    std::size_t page_size = registry::default_tags_page_size;
};

Result<Reference> parse_repository(const std::string &text) {
    auto reference = parse_reference(text);
    if (!reference) return fail(std::move(reference.error()));
    if (reference->digest() || (reference->tag() && !reference->tag_is_default())) {
        return fail(ErrorCode::Usage, "tags takes a repository without tag or digest, not " + digestx::quoted(text));
    }
    return reference;
}

Result<int> run_tags(const TagsOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == OutputFormat::Dot) return fail(ErrorCode::Usage, "tags prints text or json, not dot");
    auto reference = parse_repository(options.repository);
    if (!reference) return fail(std::move(reference.error()));
    auto source = make_source(*reference, globals, ctx);
    if (!source) return fail(std::move(source.error()));
    auto list = (*source)->list_tags(options.page_size);
    if (!list) return fail(std::move(list.error()));
    if (globals.verbose) {
        ctx.err << "digestx: note: " << list->tags.size() << " tags in " << list->pages << " pages\n";
    }
    if (globals.output == OutputFormat::Json) {
        nlohmann::ordered_json doc;
        doc["schemaVersion"] = 1;
        doc["repository"] = reference->source() == SourceKind::Registry ? reference->name() : reference->canonical();
        doc["tags"] = list->tags;
        ctx.out << doc.dump(2) << "\n";
        return 0;
    }
    // Tags passed the tag grammar in the client: nothing in them can steer a terminal.
    for (const auto &tag : list->tags)
        ctx.out << tag << "\n";
    return 0;
}

} // namespace

void setup_tags_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<TagsOptions>();
    CLI::App *command = app.add_subcommand("tags", "List every tag of a repository, across all pages");
    command
        ->add_option("REPO", options->repository,
                     "Repository, e.g. alpine or ghcr.io/org/app, or oci:DIR (its ref.name annotations)")
        ->required();
    command->add_option("--page-size", options->page_size, "Tags asked for per page (the `n` parameter)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    command->footer("Examples:\n"
                    "  digestx tags oci:examples/alpine-3.12\n"
                    "  digestx -o json tags oci:examples/alpine-3.12");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_tags(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

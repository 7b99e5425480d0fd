// `digestx config REF [--platform P]`: the image config bytes of one platform, exactly as served
// and verified against the digest the manifest gives it (that digest is the image ID).
#include <memory>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "digestx/core/text.hpp"
#include "digestx/resolve/platform_walk.hpp"

namespace digestx::cli {
namespace {

struct ConfigOptions {
    std::string reference;
};

Result<int> run_config(const ConfigOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == OutputFormat::Dot)
        return fail(ErrorCode::Usage, "config prints the config document, not dot");
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    auto request = platform_request(globals);
    if (!request) return fail(std::move(request.error()));
    auto source = make_source(*reference, globals, ctx);
    if (!source) return fail(std::move(source.error()));
    PlatformWalkOptions walk_options;
    walk_options.fetch_config = true;
    walk_options.strict = globals.strict;
    auto walk = walk_to_platform(**source, *reference, *request, walk_options);
    if (!walk) return fail(std::move(walk.error()));
    if (walk->manifest->is_schema1()) {
        return fail(ErrorCode::NotFound, "manifest " + walk->digest.str() +
                                             " is legacy schema1: it has no config blob (its history holds "
                                             "v1Compatibility JSON instead)");
    }
    // An image config must read as one (the legacy types docker pulls as image configs too); an
    // artifact's config type is not ours to parse (image-spec).
    if (walk->manifest->manifest().has_image_config()) {
        auto config = parse_image_config(walk->config->bytes);
        if (!config) return fail(std::move(config.error()).with_context("config " + walk->config->digest.str()));
    }
    ctx.out << walk->config->bytes; // byte-exact: its sha256 is the image ID
    return 0;
}

} // namespace

void setup_config_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<ConfigOptions>();
    CLI::App *command = app.add_subcommand("config", "Print the image config of a platform exactly as served");
    command->add_option("REF", options->reference, "Image reference (tag or digest), or oci:DIR[:TAG|@DIGEST]")
        ->required();
    command->footer("From an index, the entry `docker pull` would use on this machine, or the one --platform names. "
                    "The config is verified against the manifest's config digest (the image ID) and size."
                    "\n\n"
                    "Examples:\n"
                    "  digestx config --platform linux/amd64 oci:examples/alpine-3.12:3.12\n"
                    "  digestx config "
                    "oci:examples/alpine-3.12@sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_config(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

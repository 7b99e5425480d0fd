// `digestx config REF [--platform P]`: the image config bytes of one platform, exactly as served
// and verified against the digest the manifest gives it (that digest is the image ID).
#include <memory>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "network_setup.hpp"
#include "platform_select.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct ConfigOptions {
    std::string reference;
};

Result<std::string> read_config(registry::RegistryClient &client, const Reference &reference, const Document &manifest,
                                bool single_platform, const WantedPlatform &wanted) {
    const Descriptor &descriptor = manifest.manifest().config;
    auto digest = descriptor.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    auto blob = client.get_blob(reference.repository(), *digest);
    if (!blob) return fail(std::move(blob.error()));
    if (blob->bytes.size() != static_cast<std::size_t>(descriptor.size)) {
        // B16: the descriptor's size is part of what the manifest pins.
        return fail(ErrorCode::Integrity, "config " + digest->str() + " is " + std::to_string(blob->bytes.size()) +
                                              " bytes but the manifest says " + std::to_string(descriptor.size));
    }
    // An image config must read as one; an artifact's config type is not ours to parse (image-spec).
    if (media::classify(descriptor.media_type) == media::Kind::Config) {
        auto config = parse_image_config(blob->bytes);
        if (!config) return fail(std::move(config.error()).with_context("config " + digest->str()));
        if (single_platform) {
            if (auto matches = check_single_platform(*config, wanted); !matches) return fail(matches.error());
        }
    }
    return std::move(blob->bytes);
}

Result<int> run_config(const ConfigOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == "dot") return fail(ErrorCode::Usage, "config prints the config document, not dot");
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    if (auto registry = require_registry_reference(*reference, "config"); !registry) return fail(registry.error());
    auto wanted = wanted_platform(globals);
    if (!wanted) return fail(std::move(wanted.error()));
    auto connection = connect_registry(*reference, globals, ctx);
    if (!connection) return fail(std::move(connection.error()));
    registry::RegistryClient &client = *connection->client;
    auto reached = fetch_platform_manifest(client, *reference, *wanted);
    if (!reached) return fail(std::move(reached.error()));
    if (reached->document.is_schema1()) {
        return fail(ErrorCode::NotFound, "manifest " + reached->fetched.digest.str() +
                                             " is legacy schema1: it has no config blob (its history holds "
                                             "v1Compatibility JSON instead)");
    }
    auto config = read_config(client, *reference, reached->document, !reached->from_index, *wanted);
    if (!config) return fail(std::move(config.error()));
    ctx.out << *config; // byte-exact: its sha256 is the image ID
    return 0;
}

} // namespace

void setup_config_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<ConfigOptions>();
    CLI::App *command = app.add_subcommand("config", "Print the image config of a platform exactly as served");
    command->add_option("REF", options->reference, "Registry reference (tag or digest)")->required();
    command->footer("From an index, the entry `docker pull` would use on this machine, or the one --platform names. "
                    "The config is verified against the manifest's config digest (the image ID) and size.");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_config(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

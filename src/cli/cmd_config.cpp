// `digestx config REF [--platform P]`: the image config bytes of one platform, exactly as served
// and verified against the digest the manifest gives it (that digest is the image ID).
#include <algorithm>
#include <memory>
#include <string>

#include "command.hpp"
#include "commands.hpp"
#include "network_setup.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct ConfigOptions {
    std::string reference;
};

// Index nesting followed at most (fault catalogue B12).
constexpr int max_index_depth = 4;

std::optional<Platform> entry_platform(const Descriptor &entry) {
    if (!entry.platform || entry.is_attestation()) return std::nullopt;
    const DescriptorPlatform &p = *entry.platform;
    return normalize(Platform{p.os, p.architecture, p.variant, p.os_version, p.os_features});
}

struct Wanted {
    Platform platform;
    bool given = false; // --platform was given (a single-platform image must then match it)
};

Result<Wanted> wanted_platform(const GlobalOptions &globals) {
    if (globals.platform.empty()) return Wanted{host_platform(), false};
    auto platform = parse_platform(globals.platform);
    if (!platform) return fail(std::move(platform.error()));
    return Wanted{normalize(std::move(*platform)), true};
}

// The index entry `docker pull --platform` would use, fetched by digest and verified.
Result<registry::Fetch> select_entry(registry::RegistryClient &client, const Reference &reference, const Document &index,
                                     const registry::Fetch &fetched, const Wanted &wanted) {
    std::vector<std::optional<Platform>> platforms;
    for (const auto &entry : index.index().manifests)
        platforms.push_back(entry_platform(entry));
    auto chosen = choose_platform(platforms, wanted.platform, MatchMode::Compatible);
    if (!chosen) {
        // A nested index carries no platform of its own: look inside the first one.
        const auto &entries = index.index().manifests;
        auto nested = std::find_if(entries.begin(), entries.end(), [](const Descriptor &entry) {
            return media::classify(entry.media_type) == media::Kind::Index;
        });
        if (nested == entries.end()) return fail(no_platform_match(wanted.platform, fetched.digest.str(), platforms));
        chosen = static_cast<std::size_t>(nested - entries.begin());
    }
    const Descriptor &entry = index.index().manifests[*chosen];
    auto digest = entry.digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    auto results = client.fetch_by_digest(reference.repository(),
                                          {{registry::DigestRequest::Kind::Manifest, *digest, entry.media_type}});
    return std::move(results.front());
}

Result<void> check_single_platform(const ImageConfig &config, const Wanted &wanted) {
    if (!wanted.given) return {};
    Platform actual = normalize(Platform{config.os, config.architecture, config.variant, config.os_version, {}});
    if (PlatformMatcher::for_mode(wanted.platform, MatchMode::Compatible).matches(actual)) return {};
    return fail(ErrorCode::NotFound, "no manifest for " + display_platform(wanted.platform) +
                                         ": the image is single-platform " + display_platform(actual));
}

Result<std::string> read_config(registry::RegistryClient &client, const Reference &reference, const Document &manifest,
                                bool single_platform, const Wanted &wanted) {
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
    auto fetched = client.get_manifest(reference->repository(), registry::ManifestTarget::of(*reference));
    bool single_platform = true;
    for (int depth = 0;; ++depth) {
        if (!fetched) return fail(std::move(fetched.error()));
        auto document = parse_document(fetched->bytes, fetched->media_type);
        if (!document) return fail(std::move(document.error()));
        if (document->is_schema1()) {
            return fail(ErrorCode::NotFound, "manifest " + fetched->digest.str() +
                                                 " is legacy schema1: it has no config blob (its history holds "
                                                 "v1Compatibility JSON instead)");
        }
        if (document->is_manifest()) {
            auto config = read_config(client, *reference, *document, single_platform, *wanted);
            if (!config) return fail(std::move(config.error()));
            ctx.out << *config; // byte-exact: its sha256 is the image ID
            return 0;
        }
        if (depth == max_index_depth) {
            return fail(ErrorCode::Integrity, "index nesting deeper than " + std::to_string(max_index_depth));
        }
        single_platform = false;
        fetched = select_entry(client, *reference, *document, *fetched, *wanted);
    }
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

// `digestx manifest REF [--accept PRESET] [--head]`: the manifest bytes exactly as served (and
// verified), or what a HEAD says about them.
#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "network_setup.hpp"
#include "platform_select.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct ManifestOptions {
    std::string reference;
    std::string accept = "full";
    bool head = false;
};

nlohmann::ordered_json optional_text(const std::optional<std::string> &value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json exchange_json(const FetchNote &note, const std::optional<std::string> &content_length) {
    nlohmann::ordered_json out;
    out["method"] = note.method;
    out["url"] = note.location;
    out["status"] = note.status;
    out["contentType"] =
        note.content_type.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(note.content_type);
    out["dockerContentDigest"] = optional_text(note.header_digest);
    out["contentLength"] = optional_text(content_length);
    out["answeredBy"] = note.answered_by;
    return out;
}

void print_line(std::ostream &out, std::string_view label, std::string_view value) {
    out << label << std::string(label.size() < 22 ? 22 - label.size() : 1, ' ') << sanitize(value, 600) << "\n";
}

void print_exchange(std::ostream &out, const FetchNote &note, const std::optional<std::string> &content_length) {
    print_line(out, "method", note.method + " " + note.location);
    print_line(out, "status", std::to_string(note.status));
    print_line(out, "content-type", note.content_type.empty() ? "-" : note.content_type);
    print_line(out, "docker-content-digest", note.header_digest.value_or("-"));
    print_line(out, "content-length", content_length.value_or("-"));
}

void write_head(std::ostream &out, const registry::HeadOutcome &outcome, const Reference &reference,
                const GlobalOptions &globals) {
    const bool computed = outcome.fetched.has_value();
    std::string digest = computed ? outcome.fetched->digest.str() : outcome.digest->str();
    if (globals.output == "json") {
        nlohmann::ordered_json doc;
        doc["schemaVersion"] = 1;
        doc["reference"] = reference.canonical();
        doc["head"] = exchange_json(outcome.head, outcome.content_length);
        doc["get"] = computed ? exchange_json(outcome.fetched->note, outcome.fetched->content_length)
                              : nlohmann::ordered_json(nullptr);
        doc["fallback"] = computed ? nlohmann::ordered_json(outcome.fallback) : nlohmann::ordered_json(nullptr);
        doc["digest"] = digest;
        doc["digestSource"] = computed ? "computed" : "header";
        out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return;
    }
    print_exchange(out, outcome.head, outcome.content_length);
    if (computed) {
        out << "\n";
        print_exchange(out, outcome.fetched->note, outcome.fetched->content_length);
        print_line(out, "digest", digest + " (computed from the GET body: " + outcome.fallback + ")");
    } else {
        print_line(out, "digest", digest + " (Docker-Content-Digest of the HEAD; not computed: no body fetched)");
    }
}

Result<int> run_manifest(const ManifestOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == "dot") return fail(ErrorCode::Usage, "manifest prints text or json, not dot");
    auto preset = media::require_accept_preset(options.accept);
    if (!preset) return fail(std::move(preset.error()));
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    if (auto registry = require_registry_reference(*reference, "manifest"); !registry) return fail(registry.error());
    if (reference->tag() && reference->digest() && !reference->tag_is_default()) {
        ctx.err << "digestx: warning: tag " << digestx::quoted(*reference->tag()) << " ignored; pinned digest used\n";
    }
    if (options.head && !globals.platform.empty()) {
        return fail(ErrorCode::Usage, "--head reads the reference alone; `digestx digest --platform` gives a "
                                      "platform's digest without a pull");
    }
    auto wanted = wanted_platform(globals);
    if (!wanted) return fail(std::move(wanted.error()));
    auto connection = connect_registry(*reference, globals, ctx, preset->types);
    if (!connection) return fail(std::move(connection.error()));
    registry::RegistryClient &client = *connection->client;
    auto target = registry::ManifestTarget::of(*reference);
    if (options.head) {
        auto outcome = client.head_manifest(reference->repository(), target);
        if (!outcome) return fail(std::move(outcome.error()));
        write_head(ctx.out, *outcome, *reference, globals);
        return 0;
    }
    if (!globals.platform.empty()) {
        auto reached = fetch_platform_manifest(client, *reference, *wanted);
        if (!reached) return fail(std::move(reached.error()));
        if (auto matches = check_direct_manifest_platform(client, *reference, *reached, *wanted); !matches) {
            return fail(matches.error());
        }
        ctx.out << reached->fetched.bytes;
        return 0;
    }
    auto fetched = client.get_manifest(reference->repository(), target);
    if (!fetched) return fail(std::move(fetched.error()));
    if (globals.verbose) {
        ctx.err << "digestx: note: " << fetched->bytes.size() << " bytes of " << sanitize(fetched->media_type, 200)
                << ", digest " << fetched->digest.str() << " (computed from the body)\n";
    }
    // Byte-exact: the digest is the hash of exactly these bytes, so nothing is added.
    ctx.out << fetched->bytes;
    return 0;
}

} // namespace

void setup_manifest_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<ManifestOptions>();
    CLI::App *command = app.add_subcommand("manifest", "Print a manifest exactly as the registry serves it (verified)");
    command->add_option("REF", options->reference, "Registry reference (tag or digest)")->required();
    std::string presets;
    for (const auto &preset : media::accept_presets())
        presets += "\n  " + preset.name + ": " + preset.description;
    command->add_option("--accept", options->accept, "Accept preset to send (default: full):" + presets);
    command->add_flag("--head", options->head,
                      "Send HEAD and print status, Content-Type, Docker-Content-Digest and Content-Length "
                      "(a GET follows only when the HEAD cannot give the digest)");
    command->footer("The bytes are printed as served, without an added newline; their digest is verified against "
                    "a pinned digest and cross-checked with Docker-Content-Digest.\nWith --platform, an index is "
                    "followed to the entry `docker pull --platform` would use, and that manifest is printed.");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_manifest(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

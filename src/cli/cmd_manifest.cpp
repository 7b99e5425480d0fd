// `digestx manifest REF [--accept PRESET] [--head]`: the manifest bytes exactly as served (and
// verified), or what a HEAD says about them.
#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "digestx/resolve/platform_walk.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct ManifestOptions {
    std::string reference;
    std::string accept = media::default_accept_preset().name;
    bool head = false;
};

nlohmann::ordered_json optional_text(const std::optional<std::string> &value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json exchange_json(const FetchNote &note, const std::optional<std::string> &content_length) {
    nlohmann::ordered_json out;
    out["method"] = fetch_method_name(note.method);
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
    print_line(out, "method", std::string(fetch_method_name(note.method)) + " " + note.location);
    print_line(out, "status", std::to_string(note.status));
    print_line(out, "content-type", note.content_type.empty() ? "-" : note.content_type);
    print_line(out, "docker-content-digest", note.header_digest.value_or("-"));
    print_line(out, "content-length", content_length.value_or("-"));
}

void write_head(std::ostream &out, const registry::HeadOutcome &outcome, const Reference &reference,
                const GlobalOptions &globals) {
    const bool computed = outcome.fetched.has_value();
    std::string digest = computed ? outcome.fetched->digest.str() : outcome.digest->str();
    if (globals.output == OutputFormat::Json) {
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

// `--head` and `--accept` are questions to a registry: a layout has no HTTP exchange to show.
Result<void> check_local_options(const Reference &reference, const ManifestOptions &options,
                                 const media::AcceptPreset &preset) {
    if (reference.source() == SourceKind::Registry) return {};
    std::string kind(source_kind_name(reference.source()));
    if (options.head) return fail(ErrorCode::Usage, "--head sends an HTTP HEAD; " + kind + " sources have none");
    // The default, by any of its names, asks nothing of a layout.
    if (preset.name != media::default_accept_preset().name) {
        return fail(ErrorCode::Usage,
                    "--accept applies to registry references; " + kind + " sources have no Accept header");
    }
    return {};
}

Result<int> run_manifest(const ManifestOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output == OutputFormat::Dot) return fail(ErrorCode::Usage, "manifest prints text or json, not dot");
    auto preset = media::require_accept_preset(options.accept);
    if (!preset) return fail(std::move(preset.error()));
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    if (auto local = check_local_options(*reference, options, *preset); !local) return fail(std::move(local.error()));
    if (reference->tag() && reference->digest() && !reference->tag_is_default()) {
        ctx.err << "digestx: warning: tag " << digestx::quoted(*reference->tag()) << " ignored; pinned digest used\n";
    }
    if (options.head && !globals.platform.empty()) {
        return fail(ErrorCode::Usage, "--head reads the reference alone; `digestx digest --platform` gives a "
                                      "platform's digest without a pull");
    }
    auto request = platform_request(globals);
    if (!request) return fail(std::move(request.error()));
    if (reference->source() == SourceKind::Registry && options.head) {
        // A HEAD reports how the registry itself answers, so it never goes to a mirror.
        auto registry = make_registry_source(*reference, globals, ctx, preset->types);
        if (!registry) return fail(std::move(registry.error()));
        auto outcome =
            (*registry)->client().head_manifest((*registry)->repository(), registry::ManifestTarget::of(*reference));
        if (!outcome) return fail(std::move(outcome.error()));
        write_head(ctx.out, *outcome, *reference, globals);
        return 0;
    }
    auto opened = make_source(
        *reference, globals, ctx,
        SourceChoice{reference->source() == SourceKind::Registry ? preset->types : std::vector<std::string>{}});
    if (!opened) return fail(std::move(opened.error()));
    std::unique_ptr<Source> source = std::move(*opened);
    if (!globals.platform.empty()) {
        PlatformWalkOptions walk_options;
        walk_options.fetch_manifest = true;
        walk_options.strict = globals.strict;
        auto walk = walk_to_platform(*source, *reference, *request, walk_options);
        if (!walk) return fail(std::move(walk.error()));
        ctx.out << walk->manifest->bytes();
        return 0;
    }
    auto fetched = source->fetch_reference(*reference);
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
    command->add_option("REF", options->reference, "Image reference (tag or digest), or oci:DIR[:TAG|@DIGEST]")
        ->required();
    command->add_option("--accept", options->accept,
                        "Send this client's Accept list (default: " + media::default_accept_preset().name +
                            "):" + accept_presets_help());
    command->add_flag("--head", options->head,
                      "Send HEAD and print status, Content-Type, Docker-Content-Digest and Content-Length "
                      "(a GET follows only when the HEAD cannot give the digest)");
    command->footer("The bytes are printed as served, without an added newline; their digest is verified against "
                    "a pinned digest and cross-checked with Docker-Content-Digest.\nWith --platform, an index is "
                    "followed to the entry `docker pull --platform` would use, and that manifest is printed."
                    "\n\n"
                    "Examples:\n"
                    "  digestx manifest oci:examples/alpine-3.12:3.12\n"
                    "  digestx manifest --platform linux/arm/v7 oci:examples/alpine-3.12:3.12");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_manifest(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

// `digestx digest REF [--platform P] [--full-ref]`: the digest a pin should use, HEAD first (as
// `crane digest` does: Docker Hub does not count a HEAD as a pull); with --platform, one read of
// the index and the entry's digest taken from it. `digestx digest --file PATH`: the digest of a
// manifest document exactly as a registry computes it (sha256 of the bytes, or of the signed
// payload of a schema1 manifest), like `skopeo manifest-digest`.

#include <memory>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/text.hpp"
#include "digestx/io/file.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx::cli {
namespace {

struct DigestOptions {
    std::string reference; ///< REF
    std::string file;      ///< --file PATH, or "-" for stdin
    bool full_ref = false; ///< --full-ref: print name@digest
};

// A manifest document is capped like one from a registry (fault catalogue B6); an unreadable file
// the user named is a usage error.
io::ReadLimit manifest_limit() {
    return {.max_bytes = max_manifest_bytes, .what = "manifest"};
}

// The name as a pin writes it, ready to paste: the fully qualified repository, as `crane digest
// --full-ref` prints it, or the source for a layout.
std::string full_ref(const Reference &reference, const Digest &digest) {
    if (reference.source() == SourceKind::Registry) return reference.name() + "@" + digest.str();
    return reference.without_tag().with_digest(digest).canonical();
}

Result<int> run_reference_digest(const DigestOptions &options, Context &ctx, const GlobalOptions &globals) {
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    std::optional<PlatformRequest> platform;
    if (!globals.platform.empty()) {
        auto request = platform_request(globals);
        if (!request) return fail(std::move(request.error()));
        platform = std::move(*request);
    }
    // The digest to pin comes from the registry itself, as for verify, check and pin: a mirror's
    // tag may lag behind.
    auto source = make_source(*reference, globals, ctx, SourceChoice{{}, pin_tags_policy(globals)});
    if (!source) return fail(std::move(source.error()));
    auto target = pin_target(**source, *reference, platform);
    if (!target) return fail(std::move(target.error()));
    std::string pasted = full_ref(*reference, target->digest);
    if (globals.output == OutputFormat::Json) {
        nlohmann::ordered_json out;
        out["schemaVersion"] = 1;
        out["reference"] = reference->canonical();
        out["digest"] = target->digest.str();
        out["fullRef"] = pasted;
        out["mediaType"] =
            target->media_type.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(target->media_type);
        out["level"] = pin_level_name(target->level);
        out["platform"] = target->platform ? nlohmann::ordered_json(display_platform(*target->platform))
                                           : nlohmann::ordered_json(nullptr);
        out["method"] = fetch_method_name(target->method);
        ctx.out << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        ctx.out << (options.full_ref ? sanitize(pasted, 2000) : target->digest.str()) << "\n";
    }
    return 0;
}

Result<int> run_digest(const DigestOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output != OutputFormat::Text && globals.output != OutputFormat::Json) {
        return fail(ErrorCode::Usage,
                    "digest prints text or json, not " + digestx::quoted(output_format_name(globals.output)));
    }
    if (options.reference.empty() && options.file.empty()) {
        return fail(ErrorCode::Usage, "digest needs REF or --file PATH");
    }
    if (!options.reference.empty() && !options.file.empty()) {
        return fail(ErrorCode::Usage,
                    "digest takes REF or --file PATH, not both (REF " + digestx::quoted(options.reference) + ")");
    }
    if (!options.reference.empty()) return run_reference_digest(options, ctx, globals);
    if (options.full_ref) return fail(ErrorCode::Usage, "--full-ref needs REF (a file has no name)");
    if (!globals.platform.empty()) return fail(ErrorCode::Usage, "--platform needs REF (--file hashes one document)");
    bool from_stdin = options.file == "-";
    auto bytes = from_stdin ? io::read_stream_bounded(ctx.in, manifest_limit(), "stdin")
                            : io::read_file_bounded(options.file, manifest_limit());
    if (!bytes) return fail(std::move(bytes.error()));
    auto document = parse_document(std::move(*bytes));
    if (!document) return fail(std::move(document.error()).with_context(from_stdin ? "stdin" : sanitize(options.file)));
    if (globals.output == OutputFormat::Json) {
        nlohmann::ordered_json out;
        out["schemaVersion"] = 1;
        out["digest"] = document->digest().str();
        out["mediaType"] = document->media_type();
        out["size"] = document->size();
        ctx.out << out.dump() << "\n";
    } else {
        ctx.out << document->digest().str() << "\n";
    }
    return 0;
}

} // namespace

void setup_digest_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<DigestOptions>();
    CLI::App *command = app.add_subcommand(
        "digest", "Print the digest a pin should use (HEAD first; --platform: that platform's manifest), or with "
                  "--file the digest of a manifest document exactly as a registry computes it");
    command->add_option("REF", options->reference, "Image reference, or oci:DIR[:TAG|@DIGEST]");
    command->add_option("--file", options->file, "Manifest document to hash; - reads stdin");
    command->add_flag("--full-ref", options->full_ref, "Print name@digest, ready to paste into a pin");
    command->footer(
        "A single-platform image that is not of --platform is exit 3, never a silent answer."
        "\n\n"
        "Examples:\n"
        "  digestx digest oci:examples/alpine-3.12:3.12\n"
        "  digestx digest --platform linux/arm64 --full-ref oci:examples/alpine-3.12:3.12\n"
        "  digestx digest --file "
        "examples/alpine-3.12/blobs/sha256/74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_digest(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

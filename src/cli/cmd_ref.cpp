// `digestx ref REF`: how a reference parses and normalises. Pure: no network, no files read.
#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/core/text.hpp"
#include "digestx/render/inspect_json.hpp"

namespace digestx::cli {
namespace {

struct RefOptions {
    std::string reference;
};

// The document of `ref -o json`: the reference object `inspect -o json` also carries, versioned.
nlohmann::ordered_json to_json(const std::string &input, const Reference &reference) {
    nlohmann::ordered_json out;
    out["schemaVersion"] = 1;
    out.update(render::reference_json(reference, input));
    return out;
}

void print_line(std::ostream &out, std::string_view label, const std::string &value) {
    out << label << std::string(12 - label.size(), ' ') << (value.empty() ? "-" : sanitize(value, 4000)) << "\n";
}

void print_text(std::ostream &out, const std::string &input, const Reference &reference) {
    print_line(out, "input", input);
    print_line(out, "canonical", reference.canonical());
    print_line(out, "familiar", reference.familiar());
    print_line(out, "registry", reference.registry());
    print_line(out, "endpoint", reference.endpoint());
    print_line(out, "repository", reference.repository());
    std::string tag = reference.tag().value_or("");
    if (reference.tag_is_default()) tag += " (default: no tag or digest given)";
    print_line(out, "tag", tag);
    print_line(out, "digest", reference.digest() ? reference.digest()->str() : "");
    if (reference.source() == SourceKind::Registry) {
        print_line(out, "source", "registry");
    } else {
        print_line(out, "source", std::string(source_kind_name(reference.source())) + " " + reference.source_path());
    }
    if (reference.tag() && reference.digest()) {
        // fault catalogue A8: the digest pins; the tag is not looked up (ParseDockerRef drops it).
        print_line(out, "note",
                   "the digest is what will be fetched; tag " + digestx::quoted(*reference.tag()) + " is ignored");
    }
}

Result<int> run_ref(const RefOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output != OutputFormat::Text && globals.output != OutputFormat::Json) {
        return fail(ErrorCode::Usage,
                    "ref prints text or json, not " + digestx::quoted(output_format_name(globals.output)));
    }
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(reference.error());
    if (globals.output == OutputFormat::Json) {
        // Paths of local sources may hold bytes that are not UTF-8; replace them rather than throw.
        ctx.out << to_json(options.reference, *reference).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    } else {
        print_text(ctx.out, options.reference, *reference);
    }
    return 0;
}

} // namespace

void setup_ref_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<RefOptions>();
    CLI::App *command = app.add_subcommand("ref", "Show how a reference parses and normalises (no network)");
    command
        ->add_option(
            "REF", options->reference,
            "Image reference, oci:DIR[:TAG|@DIGEST], docker-archive:FILE[:REF|:@N] or oci-archive:FILE[:TAG|@DIGEST]")
        ->required();
    command->footer("Examples:\n"
                    "  digestx ref alpine:3.12\n"
                    "  digestx ref -o json "
                    "ghcr.io/org/app@sha256:407b6b6a6e2df8eb050faf799c3c1241e19a677226b70c0908b8c2c1fb21631f\n"
                    "  digestx ref oci:examples/alpine-3.12:3.12");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_ref(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

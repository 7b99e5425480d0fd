// `digestx verify REF@DIGEST` (or `REF --digest D`): does the tag still point at the pinned
// digest, and at which level. Resolves the tag once (HEAD first); the pin logic lives in
// resolve/pin_check, this file parses, prints and chooses the exit code.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "source_factory.hpp"
#include "pin_report.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct VerifyOptions {
    std::string reference;
    std::string digest;
    bool require_index = false;
};

struct Pin {
    Reference reference;
    Digest pinned;
};

Result<Pin> read_pin(const VerifyOptions &options) {
    auto reference = parse_reference(options.reference);
    if (!reference) return fail(std::move(reference.error()));
    if (options.digest.empty()) {
        if (!reference->digest()) {
            return fail(ErrorCode::Usage, "verify needs a pinned digest: write REF@DIGEST or pass --digest");
        }
        return Pin{*reference, *reference->digest()};
    }
    auto pinned = Digest::parse(options.digest);
    if (!pinned) return fail(std::move(pinned.error()).with_context("--digest"));
    if (reference->digest() && *reference->digest() != *pinned) {
        return fail(ErrorCode::Usage,
                    "the reference is pinned to " + reference->digest()->str() + " but --digest says " + pinned->str());
    }
    return Pin{*reference, *pinned};
}

// MATCH / PLATFORM / MISMATCH / MISSING / EXISTS, as CI logs grep for them (fault catalogue F1).
std::string status_word(const PinVerdict &verdict) {
    switch (verdict.status) {
    case PinStatus::Current: return "MATCH";
    case PinStatus::PlatformPin: return "PLATFORM";
    case PinStatus::Drifted: return "MISMATCH";
    case PinStatus::Missing: return "MISSING";
    case PinStatus::Exists: return "EXISTS";
    }
    return "MISMATCH";
}

bool passes(const PinVerdict &verdict, bool require_index) {
    switch (verdict.status) {
    case PinStatus::Current:
    case PinStatus::Exists: return true;
    case PinStatus::PlatformPin: return !require_index && verdict.level == PinLevel::PlatformManifest;
    case PinStatus::Drifted:
    case PinStatus::Missing: return false;
    }
    return false;
}

// What was verified: the tag (`name:tag`), or the digest of a digest-only reference.
std::string shown(const Reference &reference) {
    auto tagged = tag_reference(reference);
    return sanitize(tagged ? tagged->familiar() : reference.familiar(), 600);
}

void print_text(std::ostream &out, const Pin &pin, const PinVerdict &verdict) {
    out << status_word(verdict) << " " << shown(pin.reference) << ": " << verdict_detail(verdict) << "\n";
    out << "  pinned  " << verdict.pinned.str() << "\n";
    if (verdict.current && verdict.status != PinStatus::Current) out << "  current " << verdict.current->str() << "\n";
    for (const auto &line : change_lines(verdict))
        out << "  " << line << "\n";
}

Result<int> run_verify(const VerifyOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output != OutputFormat::Text && globals.output != OutputFormat::Json) {
        return fail(ErrorCode::Usage,
                    "verify prints text or json, not " + digestx::quoted(output_format_name(globals.output)));
    }
    auto pin = read_pin(options);
    if (!pin) return fail(std::move(pin.error()));
    auto source = make_source(pin->reference, globals, ctx, SourceChoice{{}, pin_tags_policy(globals)});
    if (!source) return fail(std::move(source.error()));
    auto verdict = verify_pin(**source, pin->reference, pin->pinned);
    if (!verdict)
        return fail(std::move(verdict.error()).with_context("verifying " + sanitize(pin->reference.familiar(), 300)));
    bool ok = passes(*verdict, options.require_index);
    if (verdict->status == PinStatus::PlatformPin) {
        ctx.err << "digestx: " << (ok ? "warning" : "error") << ": " << shown(pin->reference) << " "
                << platform_pin_warning(*verdict) << (!ok && options.require_index ? " (--require-index)" : "") << "\n";
    }
    if (globals.output == OutputFormat::Json) {
        nlohmann::ordered_json out;
        out["schemaVersion"] = 1;
        out["reference"] = pin->reference.canonical();
        add_verdict_json(out, *verdict);
        out["ok"] = ok;
        ctx.out << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        print_text(ctx.out, *pin, *verdict);
    }
    return ok ? 0 : exit_code(ErrorCode::Mismatch);
}

} // namespace

void setup_verify_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<VerifyOptions>();
    CLI::App *command = app.add_subcommand(
        "verify", "Check that a tag still points at a pinned digest, and at which level (index or one platform)");
    command->add_option("REF", options->reference, "REF@DIGEST, or REF with --digest")->required();
    command->add_option("--digest", options->digest, "The pinned digest (sha256:… or sha512:…)");
    command->add_flag("--require-index", options->require_index,
                      "Fail (exit 1) when the pin is one platform's manifest rather than the index");
    command->footer("Exit 0 when the tag points at the pin, 1 on drift or a missing pin; a platform-manifest pin "
                    "passes with a warning unless --require-index."
                    "\n\n"
                    "Examples:\n"
                    "  digestx verify --digest sha256:407b6b6a6e2df8eb050faf799c3c1241e19a677226b70c0908b8c2c1fb21631f "
                    "oci:examples/alpine-3.12:3.12\n"
                    "  digestx verify "
                    "oci:examples/alpine-3.12@sha256:407b6b6a6e2df8eb050faf799c3c1241e19a677226b70c0908b8c2c1fb21631f");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_verify(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

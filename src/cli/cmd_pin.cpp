// `digestx pin PATH...`: rewrites image references in place to `name:tag@<index digest>`, changing
// only the bytes of each reference (formatting, comments and quoting stay), each file replaced
// atomically; `--update` refreshes stale pins; `--dry-run` prints a unified diff instead.

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "pin_files.hpp"
#include "pin_jobs.hpp"
#include "source_factory.hpp"
#include "pin_report.hpp"
#include "digestx/core/text.hpp"
#include "digestx/pinning/diff.hpp"
#include "digestx/io/file.hpp"
#include "digestx/net/interrupt.hpp"
#include "digestx/pinning/rewrite.hpp"

namespace digestx::cli {
namespace {

struct PinOptions {
    std::vector<std::string> paths;
    bool update = false;
    bool dry_run = false;
    std::size_t jobs = 8;
    std::string auth_registry;
};

// The distinct tags to resolve, and for every occurrence to pin the position of its tag.
struct Plan {
    std::vector<Reference> tags;
    std::map<const pinning::Occurrence *, std::size_t> slot;
};

struct Change {
    const ScannedFile *file;
    const pinning::Occurrence *occurrence;
    std::string to;
    Digest digest;
};

struct Problem {
    const ScannedFile *file;
    const pinning::Occurrence *occurrence; // null for a whole-file problem
    Error error;
    std::size_t line = 0; // without an occurrence: where a document that does not parse stopped
    std::size_t column = 0;
};

struct Skipped {
    const ScannedFile *file;
    const pinning::Occurrence *occurrence;
};

struct Outcome {
    std::vector<Change> changes;
    std::vector<Problem> problems;
    std::vector<Skipped> skipped;             // values only known at build or deploy time
    std::map<std::string, std::string> diffs; // file → diff (dry run)
    std::size_t kept = 0;                     // references pinned already (and right, with --update)
};

Result<Plan> plan_pins(const std::vector<ScannedFile> &files, bool update) {
    Plan plan;
    std::map<std::string, std::size_t> seen;
    for (const auto &file : files) {
        if (!file.scan) continue;
        for (const auto &occurrence : file.scan->occurrences) {
            if (occurrence.status != pinning::OccurrenceStatus::Valid || !occurrence.reference->tag()) continue;
            if (occurrence.reference->digest() && !update) continue;
            auto tag = tag_reference(*occurrence.reference);
            if (!tag) return fail(std::move(tag.error()));
            auto [it, added] = seen.emplace(tag->canonical(), plan.tags.size());
            if (added) plan.tags.push_back(*tag);
            plan.slot[&occurrence] = it->second;
        }
    }
    return plan;
}

std::string where(const ScannedFile &file, const pinning::Occurrence *occurrence, std::size_t line = 0,
                  std::size_t column = 0) {
    std::string text = sanitize(file.path, 300);
    if (occurrence != nullptr) {
        text += ":" + std::to_string(occurrence->line) + ":" + std::to_string(occurrence->column) + ": " +
                sanitize(occurrence->text, 300);
    } else if (line > 0) {
        text += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    return text;
}

// The new bytes of one file, with what changed and what could not be pinned.
std::optional<std::string> rewrite_file(const ScannedFile &file, const Plan &plan,
                                        const std::vector<std::optional<Result<PinTarget>>> &targets,
                                        Outcome &outcome) {
    std::vector<pinning::Edit> edits;
    std::vector<Change> changes;
    for (const auto &occurrence : file.scan->occurrences) {
        if (occurrence.status == pinning::OccurrenceStatus::Dynamic) {
            outcome.skipped.push_back({&file, &occurrence});
            continue;
        }
        if (occurrence.status == pinning::OccurrenceStatus::Invalid) {
            outcome.problems.push_back(
                {&file, &occurrence, occurrence.error.value_or(Error::of(ErrorCode::Usage, "not an image reference"))});
            continue;
        }
        auto slot = plan.slot.find(&occurrence);
        if (slot == plan.slot.end()) {
            if (occurrence.reference && occurrence.reference->digest()) ++outcome.kept;
            continue;
        }
        const Result<PinTarget> &target = *targets[slot->second];
        if (!target) {
            outcome.problems.push_back({&file, &occurrence, target.error()});
            continue;
        }
        auto mode = occurrence.reference->digest() ? pinning::PinMode::ReplaceDigest : pinning::PinMode::KeepDigest;
        auto text = pinning::pinned_text(occurrence.text, target->digest, mode);
        if (!text) {
            outcome.problems.push_back({&file, &occurrence, text.error()});
            continue;
        }
        if (*text == occurrence.text) {
            ++outcome.kept;
            continue;
        }
        auto edit = pinning::edit_for(occurrence, *text);
        if (!edit) {
            outcome.problems.push_back({&file, &occurrence, edit.error()});
            continue;
        }
        edits.push_back(std::move(*edit));
        changes.push_back({&file, &occurrence, *text, target->digest});
    }
    if (edits.empty()) return std::nullopt;
    auto rewritten = pinning::apply_edits(file.bytes, std::move(edits));
    if (!rewritten) {
        outcome.problems.push_back({&file, nullptr, rewritten.error()});
        return std::nullopt;
    }
    outcome.changes.insert(outcome.changes.end(), changes.begin(), changes.end());
    return std::move(*rewritten);
}

Result<std::vector<std::optional<Result<PinTarget>>>> resolve_all(const Plan &plan, const PinOptions &options,
                                                                  Context &ctx, const GlobalOptions &globals) {
    std::vector<std::optional<Result<PinTarget>>> targets(plan.tags.size());
    if (plan.tags.empty()) return targets;
    if (!globals.username.empty() && options.auth_registry.empty()) {
        for (const auto &tag : plan.tags) {
            if (tag.registry() != plan.tags.front().registry()) {
                return fail(ErrorCode::Usage, "the files name several registries; say which one --username is for "
                                              "with --auth-registry HOST");
            }
        }
    }
    auto factory = SourceFactory::create(globals, ctx, options.auth_registry);
    if (!factory) return fail(std::move(factory.error()));
    SourceMaker make = [&](const Reference &reference, std::ostream &diagnostics) {
        return factory->make(reference, diagnostics);
    };
    ReferenceWork work = [&](Source &source, std::size_t item) { targets[item] = pin_target(source, plan.tags[item]); };
    run_by_repository(plan.tags, options.jobs, make, work, ctx, "resolving");
    // A signal ended every unfinished transfer: the run stops with one "interrupted" line (and
    // 130 or 143) before any file is touched, not with one error per reference (E4).
    if (net::interrupted()) return fail(ErrorCode::Interrupted, "interrupted");
    return targets;
}

void write_json(std::ostream &out, const Outcome &outcome, const PinOptions &options, int code) {
    nlohmann::ordered_json document;
    document["schemaVersion"] = 1;
    document["command"] = "pin";
    document["dryRun"] = options.dry_run;
    document["exitCode"] = code;
    document["changes"] = nlohmann::ordered_json::array();
    for (const auto &change : outcome.changes) {
        document["changes"].push_back({{"file", change.file->path},
                                       {"line", change.occurrence->line},
                                       {"column", change.occurrence->column},
                                       {"from", change.occurrence->text},
                                       {"to", change.to},
                                       {"digest", change.digest.str()}});
    }
    document["alreadyPinned"] = outcome.kept;
    document["skipped"] = nlohmann::ordered_json::array();
    for (const auto &skipped : outcome.skipped) {
        document["skipped"].push_back({{"file", skipped.file->path},
                                       {"line", skipped.occurrence->line},
                                       {"text", skipped.occurrence->text},
                                       {"reason", skipped.occurrence->reason}});
    }
    document["errors"] = nlohmann::ordered_json::array();
    for (const auto &problem : outcome.problems) {
        nlohmann::ordered_json item{{"file", problem.file->path}};
        std::size_t line = problem.occurrence ? problem.occurrence->line : problem.line;
        item["line"] = line > 0 ? nlohmann::ordered_json(line) : nullptr;
        item["text"] = problem.occurrence ? nlohmann::ordered_json(problem.occurrence->text) : nullptr;
        item["error"] = error_json(problem.error);
        document["errors"].push_back(item);
    }
    if (options.dry_run) {
        document["diffs"] = nlohmann::ordered_json::object();
        for (const auto &[file, diff] : outcome.diffs)
            document["diffs"][file] = diff;
    }
    out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void write_text(Context &ctx, const Outcome &outcome, const PinOptions &options, std::size_t files) {
    std::ostream &report = options.dry_run ? ctx.err : ctx.out;
    if (options.dry_run) {
        for (const auto &[file, diff] : outcome.diffs)
            ctx.out << diff;
    } else {
        for (const auto &change : outcome.changes)
            report << where(*change.file, change.occurrence) << " → " << sanitize(change.to, 400) << "\n";
    }
    std::size_t changed_files = outcome.diffs.size();
    report << (options.dry_run ? "would pin " : "pinned ") << outcome.changes.size() << " reference"
           << (outcome.changes.size() == 1 ? "" : "s") << " in " << changed_files << " of " << files << " file"
           << (files == 1 ? "" : "s") << "; " << outcome.kept << " already pinned\n";
}

Result<int> run_pin(const PinOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output != OutputFormat::Text && globals.output != OutputFormat::Json) {
        return fail(ErrorCode::Usage,
                    "pin prints text or json, not " + digestx::quoted(output_format_name(globals.output)));
    }
    if (!globals.platform.empty()) {
        return fail(ErrorCode::Usage, "pin writes index digests, right for every platform; --platform does not apply");
    }
    auto files = scan_paths(options.paths);
    if (!files) return fail(std::move(files.error()));
    auto plan = plan_pins(*files, options.update);
    if (!plan) return fail(std::move(plan.error()));
    auto targets = resolve_all(*plan, options, ctx, globals);
    if (!targets) return fail(std::move(targets.error()));

    Outcome outcome;
    for (const auto &file : *files) {
        if (!file.scan && !file.named) {
            ctx.err << "digestx: warning: not scanned: " << sanitize(file.error->describe(), 600) << "\n";
            continue;
        }
        if (!file.scan) {
            outcome.problems.push_back({&file, nullptr, *file.error});
            continue;
        }
        for (const auto &warning : file.scan->warnings)
            ctx.err << "digestx: warning: " << sanitize(warning, 600) << "\n";
        // A document that does not parse is reported like a file that does not parse, and the
        // file's other documents are still pinned: every edit replaces only the verified bytes of
        // one reference, so the bad document is written back byte for byte, and it is the
        // document kubectl would refuse too (it cuts the file at the same `---` lines).
        for (const auto &bad : file.scan->bad_documents) {
            if (file.named) {
                outcome.problems.push_back({&file, nullptr, bad.error, bad.line, bad.column});
            } else {
                ctx.err << "digestx: warning: not scanned: " << sanitize(bad.error.describe(), 600) << "\n";
            }
        }
        auto rewritten = rewrite_file(file, *plan, *targets, outcome);
        if (!rewritten) continue;
        outcome.diffs[file.path] = pinning::unified_diff(file.path, file.bytes, *rewritten);
        if (options.dry_run) continue;
        if (auto written = io::write_file_atomically(file.path, *rewritten); !written) {
            outcome.problems.push_back({&file, nullptr, written.error()});
        }
    }
    int code = outcome.problems.empty() ? 0 : exit_code(outcome.problems.front().error.code);
    // Not an error (nothing static to pin), but never silent: the file still names a moving tag.
    for (const auto &skipped : outcome.skipped) {
        ctx.err << "digestx: warning: " << where(*skipped.file, skipped.occurrence)
                << ": not pinned: " << sanitize(skipped.occurrence->reason, 300) << "\n";
    }
    for (const auto &problem : outcome.problems) {
        ctx.err << "digestx: error: " << where(*problem.file, problem.occurrence, problem.line, problem.column) << ": "
                << sanitize(problem.error.describe(), 600) << "\n";
    }
    if (globals.output == OutputFormat::Json) {
        write_json(ctx.out, outcome, options, code);
    } else {
        write_text(ctx, outcome, options, files->size());
    }
    return code;
}

} // namespace

void setup_pin_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<PinOptions>();
    CLI::App *command = app.add_subcommand(
        "pin", "Rewrite image references in place to name:tag@<index digest>, keeping formatting and comments");
    command->add_option("PATH", options->paths, "Files, or directories to search")->required();
    command->add_flag("--update", options->update, "Also refresh references that are pinned already");
    command->add_flag("--dry-run", options->dry_run, "Print a unified diff instead of writing");
    command->add_option("--jobs", options->jobs, "Repositories resolved at once (requests in flight), default 8")
        ->check(CLI::Range(std::size_t{1}, std::size_t{64}));
    command->add_option("--auth-registry", options->auth_registry,
                        "The registry --username is for, when the files name several");
    command->footer("Files are replaced atomically (a temporary file renamed over the original). Exit 0 when every "
                    "reference was pinned, else the exit code of the first that could not be."
                    "\n\n"
                    "Examples:\n"
                    "  digestx pin --dry-run Dockerfile\n"
                    "  digestx pin Dockerfile\n"
                    "  digestx pin --update .");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_pin(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

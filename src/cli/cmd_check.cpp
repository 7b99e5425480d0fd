// `digestx check PATH...`: are the image references in these files pinned, and are the pins
// current? Each distinct pinned reference is verified once (resolve/pin_check), concurrently per
// repository; the outcome is a table, JSON, or GitHub workflow annotations.

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <set>

#include "check_report.hpp"
#include "command.hpp"
#include "commands.hpp"
#include "pin_files.hpp"
#include "pin_jobs.hpp"
#include "source_factory.hpp"
#include "pin_report.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/explain/graph_diff.hpp"
#include "digestx/io/host_platform.hpp"
#include "digestx/net/interrupt.hpp"
#include "digestx/resolve/select.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct CheckOptions {
    std::vector<std::string> paths;
    bool require_pins = false;
    bool require_index = false;
    std::string format = "text";
    std::size_t jobs = 8;
    std::string auth_registry;
};

// The distinct pinned references, and for every occurrence the position of its own.
struct Plan {
    std::vector<Reference> references;
    std::vector<Digest> pins;
    std::map<const pinning::Occurrence *, std::size_t> slot;
};

Plan plan_checks(const std::vector<ScannedFile> &files) {
    Plan plan;
    std::map<std::string, std::size_t> seen;
    for (const auto &file : files) {
        if (!file.scan) continue;
        for (const auto &occurrence : file.scan->occurrences) {
            if (occurrence.status != pinning::OccurrenceStatus::Valid || !occurrence.reference->digest()) continue;
            auto [it, added] = seen.emplace(occurrence.reference->canonical(), plan.references.size());
            if (added) {
                plan.references.push_back(*occurrence.reference);
                plan.pins.push_back(*occurrence.reference->digest());
            }
            plan.slot[&occurrence] = it->second;
        }
    }
    return plan;
}

// Credentials go to one registry (fault catalogue rule 7); with several, the user must say which.
Result<void> check_auth_scope(const std::vector<Reference> &references, const GlobalOptions &globals,
                              const std::string &auth_registry) {
    if (globals.username.empty() || !auth_registry.empty()) return {};
    std::set<std::string> registries;
    for (const auto &reference : references)
        if (reference.source() == SourceKind::Registry) registries.insert(reference.registry());
    if (registries.size() <= 1) return {};
    return fail(ErrorCode::Usage, "the files name " + std::to_string(registries.size()) +
                                      " registries; say which one --username is for with --auth-registry HOST");
}

// The drift in the words `diff` uses.
std::string summary_of(const PinVerdict &verdict, const std::vector<PlatformDiff> &platforms) {
    std::vector<std::string> added;
    std::vector<std::string> removed;
    for (const auto &change : verdict.changes) {
        if (change.pinned && change.current) continue;
        (change.current ? added : removed).push_back(change.platform);
    }
    return drift_summary(platforms, added, removed);
}

// One line per changed platform: what moved, digests as `check` prints them, in full.
std::string platform_line(const PlatformDiff &platform) {
    std::string line = platform.platform + ": " + std::string(platform_verdict_name(platform.verdict)) + ", manifest " +
                       platform.manifest_a.value_or("-") + " → " + platform.manifest_b.value_or("-");
    if (platform.config_a != platform.config_b) {
        line += ", config " + platform.config_a.value_or("-") + " → " + platform.config_b.value_or("-");
        std::string fields;
        for (const auto &field : platform.config_fields)
            fields += (fields.empty() ? "" : ", ") + field.field;
        if (!fields.empty()) line += " (" + fields + ")";
    }
    if (platform.verdict == PlatformVerdict::Unknown) return line;
    if (platform.layers.empty()) return line + ", layers the same";
    std::string positions;
    for (const auto &layer : platform.layers)
        positions += (positions.empty() ? "" : ", ") + std::to_string(layer.position);
    return line + ", layers " + std::to_string(platform.layers_a) + " → " + std::to_string(platform.layers_b) +
           " (changed at " + positions + ")";
}

CheckRow verdict_row(CheckRow row, const PinCheck &checked, const CheckOptions &options) {
    const Result<PinVerdict> &verdict = checked.verdict;
    if (!verdict) {
        row.status = CheckStatus::Error;
        row.severity = Severity::Error;
        row.error = verdict.error();
        row.detail = sanitize(verdict.error().describe(), 600) + " (exit " +
                     std::to_string(exit_code(verdict.error().code)) + ")";
        return row;
    }
    row.verdict = *verdict;
    row.status = check_status_of(verdict->status);
    row.detail = verdict_detail(*verdict);
    row.more = change_lines(*verdict);
    if (verdict->status == PinStatus::Drifted && verdict->note.empty()) {
        row.summary = summary_of(*verdict, checked.platforms);
        row.platforms = checked.platforms;
        // A compared platform's line says what moved in it; the others (added, removed, or not
        // comparable) keep change_lines' line, and a drift without any keeps its one sentence.
        std::vector<std::string> lines;
        for (const auto &platform : checked.platforms)
            lines.push_back(platform_line(platform));
        for (const auto &change : verdict->changes) {
            bool compared =
                std::any_of(checked.platforms.begin(), checked.platforms.end(),
                            [&](const PlatformDiff &platform) { return platform.platform == change.platform; });
            if (auto line = change_line(change); !compared && !line.empty()) lines.push_back(std::move(line));
        }
        if (!lines.empty()) row.more = std::move(lines);
        // The summary goes first; with no platform changed it is the one line change_lines gave.
        if (std::find(row.more.begin(), row.more.end(), row.summary) == row.more.end()) {
            row.more.insert(row.more.begin(), row.summary);
        }
    }
    switch (verdict->status) {
    case PinStatus::Current:
    case PinStatus::Exists: row.severity = Severity::Ok; break;
    case PinStatus::PlatformPin:
        row.severity =
            options.require_index || verdict->level != PinLevel::PlatformManifest ? Severity::Error : Severity::Warning;
        break;
    case PinStatus::Drifted:
    case PinStatus::Missing: row.severity = Severity::Error; break;
    }
    return row;
}

// A platform pin under `FROM --platform=P` must be a manifest P can run: BuildKit builds on the
// pinned manifest whatever --platform says, and only warns (InvalidBaseImagePlatform) that the
// stage now runs another architecture than the one asked for.
CheckRow check_from_platform(CheckRow row, const pinning::Occurrence &occurrence) {
    const auto &wanted_text = occurrence.context.platform_value;
    if (!row.verdict || row.verdict->status != PinStatus::PlatformPin || !row.verdict->platform || !wanted_text) {
        return row;
    }
    auto wanted = parse_platform(*wanted_text);
    if (!wanted) return row;
    if (platform_satisfies(*row.verdict->platform, PlatformRequest::of(*wanted))) return row;
    row.severity = Severity::Error;
    row.detail = "pins the " + sanitize(display_platform(*row.verdict->platform), 100) +
                 " manifest, but FROM --platform=" + sanitize(occurrence.context.platform, 100) + " asks for " +
                 sanitize(display_platform(normalize(*wanted)), 100) +
                 ": the stage would build on the wrong architecture; pin the index " +
                 (row.verdict->current ? row.verdict->current->str() : std::string("of the tag"));
    return row;
}

CheckRow occurrence_row(const ScannedFile &file, const pinning::Occurrence &occurrence, const Plan &plan,
                        const std::vector<std::optional<PinCheck>> &verdicts, const CheckOptions &options) {
    CheckRow row{&file, &occurrence, CheckStatus::Current, Severity::Ok, {}, {}, std::nullopt, std::nullopt};
    switch (occurrence.status) {
    case pinning::OccurrenceStatus::Dynamic:
        row.status = CheckStatus::Skipped;
        row.severity = Severity::Warning;
        row.detail = "not checked: " + sanitize(occurrence.reason, 300);
        return row;
    case pinning::OccurrenceStatus::Invalid:
        row.status = CheckStatus::Invalid;
        row.severity = Severity::Error;
        row.error = occurrence.error;
        row.detail = occurrence.error ? sanitize(occurrence.error->describe(), 600) : "not an image reference";
        return row;
    case pinning::OccurrenceStatus::Valid: break;
    }
    auto slot = plan.slot.find(&occurrence);
    if (slot == plan.slot.end()) {
        row.status = CheckStatus::Unpinned;
        row.severity = options.require_pins ? Severity::Error : Severity::Warning;
        row.detail = "not pinned to a digest; `digestx pin` pins it to the index digest";
        return row;
    }
    return check_from_platform(verdict_row(std::move(row), *verdicts[slot->second], options), occurrence);
}

// A document of a multi-document YAML file that does not parse: as a file that does not parse,
// an error when the file was named, a warning when it was found in a directory (the other
// documents are checked either way).
CheckRow bad_document_row(const ScannedFile &file, const pinning::BadDocument &bad) {
    CheckRow row{&file, nullptr,      CheckStatus::Error, Severity::Error, sanitize(bad.error.describe(), 600),
                 {},    std::nullopt, bad.error};
    if (!file.named) {
        row.status = CheckStatus::Skipped;
        row.severity = Severity::Warning;
        row.detail = "not scanned: " + row.detail;
        row.error.reset();
    }
    row.line = bad.line;
    row.column = bad.column;
    return row;
}

std::size_t row_line(const CheckRow &row) {
    return row.occurrence != nullptr ? row.occurrence->line : row.line;
}

// 0 when everything holds; the exit code of the first reference that could not be checked; else 1
// when any check failed.
int exit_status(const std::vector<CheckRow> &rows) {
    for (const auto &row : rows)
        if (row.error) return exit_code(row.error->code);
    for (const auto &row : rows)
        if (row.severity == Severity::Error) return exit_code(ErrorCode::Mismatch);
    return 0;
}

Result<std::vector<std::optional<PinCheck>>> verify_all(const Plan &plan, const CheckOptions &options, Context &ctx,
                                                        const GlobalOptions &globals) {
    std::vector<std::optional<PinCheck>> verdicts(plan.references.size());
    if (plan.references.empty()) return verdicts;
    if (auto scope = check_auth_scope(plan.references, globals, options.auth_registry); !scope) {
        return fail(std::move(scope.error()));
    }
    auto factory = SourceFactory::create(globals, ctx, options.auth_registry);
    if (!factory) return fail(std::move(factory.error()));
    SourceMaker make = [&](const Reference &reference, std::ostream &diagnostics) {
        return factory->make(reference, diagnostics);
    };
    ReferenceWork work = [&](Source &source, std::size_t item) {
        verdicts[item] = check_pin(source, plan.references[item], plan.pins[item]);
    };
    run_by_repository(plan.references, options.jobs, make, work, ctx, "checking");
    return verdicts;
}

Result<int> run_check(const CheckOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output != OutputFormat::Text && globals.output != OutputFormat::Json) {
        return fail(ErrorCode::Usage,
                    "check prints text or json, not " + digestx::quoted(output_format_name(globals.output)));
    }
    if (options.format == "github" && globals.output == OutputFormat::Json) {
        return fail(ErrorCode::Usage, "--format github and -o json exclude each other");
    }
    auto files = scan_paths(options.paths);
    if (!files) return fail(std::move(files.error()));
    Plan plan = plan_checks(*files);
    auto verdicts = verify_all(plan, options, ctx, globals);
    if (!verdicts) return fail(std::move(verdicts.error()));
    // A signal ended every unfinished verification: one "interrupted" line, not a report whose
    // rows all say so (E4).
    if (net::interrupted()) return fail(ErrorCode::Interrupted, "interrupted");

    std::vector<CheckRow> rows;
    for (const auto &file : *files) {
        if (!file.scan && !file.named) {
            // Found while searching a directory (a Helm template, say): not what was asked about.
            rows.push_back({&file,
                            nullptr,
                            CheckStatus::Skipped,
                            Severity::Warning,
                            "not scanned: " + sanitize(file.error->describe(), 600),
                            {},
                            std::nullopt,
                            std::nullopt});
            continue;
        }
        if (!file.scan) {
            rows.push_back({&file,
                            nullptr,
                            CheckStatus::Error,
                            Severity::Error,
                            sanitize(file.error->describe(), 600),
                            {},
                            std::nullopt,
                            file.error});
            continue;
        }
        for (const auto &warning : file.scan->warnings)
            ctx.err << "digestx: warning: " << sanitize(warning, 600) << "\n";
        std::size_t first = rows.size();
        for (const auto &occurrence : file.scan->occurrences)
            rows.push_back(occurrence_row(file, occurrence, plan, *verdicts, options));
        for (const auto &bad : file.scan->bad_documents)
            rows.push_back(bad_document_row(file, bad));
        // The file's rows in line order, a document that does not parse among the references.
        std::stable_sort(rows.begin() + static_cast<std::ptrdiff_t>(first), rows.end(),
                         [](const CheckRow &a, const CheckRow &b) { return row_line(a) < row_line(b); });
    }
    CheckSummary summary{files->size(), plan.references.size(), exit_status(rows)};
    if (globals.output == OutputFormat::Json) {
        write_check_json(ctx.out, rows, summary);
    } else if (options.format == "github") {
        write_check_github(ctx.out, rows, summary, ctx.env ? ctx.env("GITHUB_WORKSPACE").value_or("") : "");
    } else {
        write_check_text(ctx.out, rows, summary);
    }
    return summary.exit_code;
}

} // namespace

void setup_check_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<CheckOptions>();
    CLI::App *command = app.add_subcommand(
        "check", "Check that the image references in Dockerfiles, Compose, Kubernetes, workflow files and lists "
                 "are pinned and current");
    command->add_option("PATH", options->paths, "Files, or directories to search")->required();
    command->add_flag("--require-pins", options->require_pins, "An unpinned reference is an error, not a warning");
    command->add_flag("--require-index", options->require_index,
                      "A pin to one platform's manifest is an error, not a warning");
    command->add_option("--format", options->format, "text, or github for workflow annotations")
        ->check(CLI::IsMember({"text", "github"}));
    command->add_option("--jobs", options->jobs, "Repositories resolved at once (requests in flight), default 8")
        ->check(CLI::Range(std::size_t{1}, std::size_t{64}));
    command->add_option("--auth-registry", options->auth_registry,
                        "The registry --username is for, when the files name several");
    command->footer("Exit 0 when every reference holds, 1 when a check fails (drift, missing pin, and with the "
                    "--require flags unpinned or platform pins), else the exit code of the first reference that "
                    "could not be checked."
                    "\n\n"
                    "Examples:\n"
                    "  digestx check Dockerfile\n"
                    "  digestx check --require-pins --format github .\n"
                    "  digestx -o json check Dockerfile");
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_check(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

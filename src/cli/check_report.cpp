#include "check_report.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "pin_report.hpp"
#include "digestx/core/text.hpp"
#include "digestx/render/diff.hpp"

namespace digestx::cli {
namespace {

std::string location(const CheckRow &row) {
    std::string where = sanitize(row.file->path, 300);
    if (row.occurrence != nullptr) {
        where += ":" + std::to_string(row.occurrence->line) + ":" + std::to_string(row.occurrence->column);
    } else if (row.line > 0) {
        where += ":" + std::to_string(row.line) + ":" + std::to_string(row.column);
    }
    return where;
}

std::string shown_text(const CheckRow &row) {
    return row.occurrence != nullptr ? sanitize(row.occurrence->text, 300) : "-";
}

std::string summary_line(const std::vector<CheckRow> &rows, const CheckSummary &summary) {
    std::map<CheckStatus, std::size_t> counts;
    std::size_t references = 0;
    for (const auto &row : rows) {
        ++counts[row.status];
        if (row.occurrence != nullptr) ++references;
    }
    std::string line = std::to_string(references) + " reference" + (references == 1 ? "" : "s") + " in " +
                       std::to_string(summary.files) + " file" + (summary.files == 1 ? "" : "s") + " (" +
                       std::to_string(summary.distinct) + " distinct pinned)";
    std::string separator = ": ";
    for (CheckStatus status : check_statuses) {
        auto found = counts.find(status);
        if (found == counts.end()) continue;
        line += separator + std::to_string(found->second) + " " + std::string(check_status_name(status));
        separator = ", ";
    }
    return line + (summary.exit_code == 0 ? " — ok" : " — failed (exit " + std::to_string(summary.exit_code) + ")");
}

std::string pad(const std::string &text, std::size_t width) {
    // Display width: UTF-8 continuation bytes take no column.
    std::size_t columns = 0;
    for (unsigned char c : text)
        columns += (c & 0xC0U) != 0x80U ? 1 : 0;
    return text + std::string(columns < width ? width - columns + 2 : 2, ' ');
}

nlohmann::ordered_json row_json(const CheckRow &row) {
    nlohmann::ordered_json out;
    out["file"] = row.file->path;
    const pinning::Occurrence *occurrence = row.occurrence;
    std::size_t line = occurrence != nullptr ? occurrence->line : row.line;
    std::size_t column = occurrence != nullptr ? occurrence->column : row.column;
    out["line"] = line > 0 ? nlohmann::ordered_json(line) : nlohmann::ordered_json(nullptr);
    out["column"] = line > 0 ? nlohmann::ordered_json(column) : nlohmann::ordered_json(nullptr);
    out["fileKind"] = row.file->scan ? nlohmann::ordered_json(pinning::file_kind_name(row.file->scan->kind))
                                     : nlohmann::ordered_json(nullptr);
    if (occurrence != nullptr) {
        out["use"] = pinning::context_kind_name(occurrence->context.kind);
        out["name"] = occurrence->context.name;
        out["text"] = occurrence->text;
        out["reference"] = occurrence->reference ? nlohmann::ordered_json(occurrence->reference->canonical())
                                                 : nlohmann::ordered_json(nullptr);
    }
    out["severity"] = row.severity == Severity::Ok ? "ok" : row.severity == Severity::Warning ? "warning" : "error";
    if (row.verdict) {
        add_verdict_json(out, *row.verdict);
    } else {
        out["status"] = check_status_name(row.status);
    }
    out["message"] = row.detail;
    out["summary"] = row.summary.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(row.summary);
    if (row.status == CheckStatus::Drifted) {
        out["platforms"] = nlohmann::ordered_json::array();
        for (const auto &platform : row.platforms)
            out["platforms"].push_back(render::platform_diff_json(platform));
    }
    out["error"] = row.error ? error_json(*row.error) : nlohmann::ordered_json(nullptr);
    return out;
}

// GitHub puts an annotation on the file only when its path is relative to the repository root
// (GITHUB_WORKSPACE): `./Dockerfile`, which `check .` finds, or an absolute path shows in the log
// and on the run's summary but never on the pull request's diff.
std::string annotation_path(const std::string &path, const std::string &workspace) {
    namespace fs = std::filesystem;
    fs::path normal = fs::path(path).lexically_normal();
    if (workspace.empty()) return normal.string();
    std::error_code error;
    fs::path absolute = fs::absolute(normal, error);
    if (error) return normal.string();
    fs::path root = fs::path(workspace).lexically_normal();
    if (root.has_relative_path() && !root.has_filename()) root = root.parent_path();
    fs::path relative = absolute.lexically_normal().lexically_relative(root);
    if (relative.empty() || *relative.begin() == "..") return normal.string();
    return relative.string();
}

} // namespace

std::string_view check_status_name(CheckStatus status) noexcept {
    switch (status) {
    case CheckStatus::Current: return "current";
    case CheckStatus::Exists: return "exists";
    case CheckStatus::PlatformPin: return "platform-pin";
    case CheckStatus::Unpinned: return "unpinned";
    case CheckStatus::Drifted: return "drifted";
    case CheckStatus::Missing: return "missing";
    case CheckStatus::Skipped: return "skipped";
    case CheckStatus::Invalid: return "invalid";
    case CheckStatus::Error: return "error";
    }
    return "error";
}

CheckStatus check_status_of(PinStatus status) noexcept {
    switch (status) {
    case PinStatus::Current: return CheckStatus::Current;
    case PinStatus::PlatformPin: return CheckStatus::PlatformPin;
    case PinStatus::Drifted: return CheckStatus::Drifted;
    case PinStatus::Missing: return CheckStatus::Missing;
    case PinStatus::Exists: return CheckStatus::Exists;
    }
    return CheckStatus::Error;
}

void write_check_text(std::ostream &out, const std::vector<CheckRow> &rows, const CheckSummary &summary) {
    std::size_t where_width = 8;
    std::size_t status_width = 6;
    std::size_t text_width = 9;
    for (const auto &row : rows) {
        where_width = std::max(where_width, std::min<std::size_t>(location(row).size(), 50));
        status_width = std::max(status_width, check_status_name(row.status).size());
        text_width = std::max(text_width, std::min<std::size_t>(shown_text(row).size(), 110));
    }
    if (!rows.empty()) {
        out << pad("LOCATION", where_width) << pad("STATUS", status_width) << pad("REFERENCE", text_width)
            << "DETAIL\n";
    }
    for (const auto &row : rows) {
        out << pad(location(row), where_width) << pad(std::string(check_status_name(row.status)), status_width)
            << pad(shown_text(row), text_width) << row.detail << "\n";
        for (const auto &line : row.more)
            out << "    " << line << "\n";
    }
    out << summary_line(rows, summary) << "\n";
}

void write_check_json(std::ostream &out, const std::vector<CheckRow> &rows, const CheckSummary &summary) {
    nlohmann::ordered_json document;
    document["schemaVersion"] = 1;
    document["command"] = "check";
    document["ok"] = summary.exit_code == 0;
    document["exitCode"] = summary.exit_code;
    nlohmann::ordered_json counts;
    counts["files"] = summary.files;
    counts["references"] = std::count_if(rows.begin(), rows.end(), [](const auto &r) { return r.occurrence; });
    counts["distinct"] = summary.distinct;
    for (CheckStatus status : check_statuses) {
        counts[std::string(check_status_name(status))] =
            std::count_if(rows.begin(), rows.end(), [&](const auto &r) { return r.status == status; });
    }
    document["summary"] = counts;
    document["results"] = nlohmann::ordered_json::array();
    for (const auto &row : rows)
        document["results"].push_back(row_json(row));
    out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void write_check_github(std::ostream &out, const std::vector<CheckRow> &rows, const CheckSummary &summary,
                        const std::string &workspace) {
    for (const auto &row : rows) {
        if (row.severity == Severity::Ok) continue;
        out << "::" << (row.severity == Severity::Error ? "error" : "warning")
            << " file=" << github_property(sanitize(annotation_path(row.file->path, workspace), 1000));
        if (row.occurrence != nullptr) {
            out << ",line=" << row.occurrence->line << ",col=" << row.occurrence->column;
        } else if (row.line > 0) {
            out << ",line=" << row.line << ",col=" << row.column;
        }
        out << ",title=" << github_property("digestx: " + std::string(check_status_name(row.status))) << "::";
        std::string message = shown_text(row) + ": " + row.detail;
        for (const auto &line : row.more)
            message += "\n" + line;
        out << github_data(message) << "\n";
    }
    out << summary_line(rows, summary) << "\n";
}

} // namespace digestx::cli

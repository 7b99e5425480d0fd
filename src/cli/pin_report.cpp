#include "pin_report.hpp"

#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

// A platform pin's platform as the reports print it.
std::string platform_text(const PinVerdict &verdict) {
    return verdict.platform ? sanitize(display_platform(*verdict.platform), 100) : std::string("platform");
}

std::string current_text(const PinVerdict &verdict) {
    return verdict.current ? verdict.current->str() : std::string("nothing");
}

std::string platform_pin_detail(const PinVerdict &verdict) {
    std::string index = current_text(verdict);
    switch (verdict.level) {
    case PinLevel::PlatformManifest:
        return "the " + platform_text(verdict) + " manifest inside index " + index +
               ": it pins one architecture only; pin the index to cover every platform";
    case PinLevel::Attestation:
        return "an attestation manifest inside index " + index + ", not a runnable image; pin the index";
    case PinLevel::NestedIndex: return "an index nested inside index " + index + "; pin the outer index";
    default: return "an entry of index " + index + ", not the index itself; pin the index";
    }
}

} // namespace

std::string verdict_detail(const PinVerdict &verdict) {
    switch (verdict.status) {
    case PinStatus::Current:
        return verdict.level == PinLevel::Index ? "the index: right for every architecture"
                                                : "the tag's only manifest (a single-platform image)";
    case PinStatus::PlatformPin: return platform_pin_detail(verdict);
    case PinStatus::Drifted:
        return "the tag now points to " + current_text(verdict) + " (pinned " + verdict.pinned.str() + ")";
    case PinStatus::Missing:
        if (!verdict.current) return "the pinned content no longer exists, and neither does the tag";
        return "the pinned content no longer exists; the tag now points to " + current_text(verdict);
    case PinStatus::Exists:
        return std::string("the content exists and hashes to its digest (") +
               (verdict.level == PinLevel::Index ? "an index" : "a manifest") + ")";
    }
    return {};
}

std::string platform_pin_warning(const PinVerdict &verdict) {
    std::string what = verdict.level == PinLevel::PlatformManifest
                           ? "the " + platform_text(verdict) + " manifest only (one architecture)"
                           : "an entry of the index (" + std::string(pin_level_name(verdict.level)) + ")";
    return "pins " + what + "; pin the index " + current_text(verdict) + " to cover every platform";
}

std::string change_line(const PlatformChange &change) {
    if (change.pinned && change.current) return change.platform + ": " + *change.pinned + " → " + *change.current;
    if (change.current) return change.platform + ": added " + *change.current;
    if (change.pinned) return change.platform + ": removed (was " + *change.pinned + ")";
    return {};
}

std::vector<std::string> change_lines(const PinVerdict &verdict) {
    std::vector<std::string> lines;
    for (const auto &change : verdict.changes) {
        if (auto line = change_line(change); !line.empty()) lines.push_back(std::move(line));
    }
    if (!verdict.note.empty()) lines.push_back(sanitize(verdict.note, 600));
    if (lines.empty() && verdict.status == PinStatus::Drifted && verdict.current) {
        // A rebuilt index can keep every image: only an attestation, an annotation or the order changed.
        lines.push_back("every platform keeps its manifest; only the index itself changed (attestations, "
                        "annotations or entry order)");
    }
    return lines;
}

void add_verdict_json(nlohmann::ordered_json &out, const PinVerdict &verdict) {
    auto optional = [](const auto &value) {
        return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
    };
    out["status"] = pin_status_name(verdict.status);
    bool located = verdict.status == PinStatus::Current || verdict.status == PinStatus::PlatformPin ||
                   verdict.status == PinStatus::Exists;
    out["level"] = located ? nlohmann::ordered_json(pin_level_name(verdict.level)) : nlohmann::ordered_json(nullptr);
    out["pinned"] = verdict.pinned.str();
    out["current"] = verdict.current ? nlohmann::ordered_json(verdict.current->str()) : nlohmann::ordered_json(nullptr);
    if (verdict.registry_digest) out["registryDigest"] = verdict.registry_digest->str();
    out["platform"] = verdict.platform ? nlohmann::ordered_json(sanitize(display_platform(*verdict.platform), 100))
                                       : nlohmann::ordered_json(nullptr);
    out["changes"] = nlohmann::ordered_json::array();
    for (const auto &change : verdict.changes) {
        out["changes"].push_back({{"platform", change.platform},
                                  {"pinned", optional(change.pinned)},
                                  {"current", optional(change.current)}});
    }
    if (!verdict.note.empty()) out["note"] = sanitize(verdict.note, 600);
}

nlohmann::ordered_json error_json(const Error &error) {
    return {{"code", error_code_name(error.code)},
            {"exitCode", exit_code(error.code)},
            {"message", sanitize(error.describe(), 2000)}};
}

std::string github_data(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '%') {
            out += "%25";
        } else if (c == '\r') {
            out += "%0D";
        } else if (c == '\n') {
            out += "%0A";
        } else {
            out += c;
        }
    }
    return out;
}

std::string github_property(std::string_view text) {
    std::string out;
    for (char c : github_data(text)) {
        if (c == ':') {
            out += "%3A";
        } else if (c == ',') {
            out += "%2C";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace digestx::cli

// Which scanner reads a file, and the one place where a library exception could escape a scan.
#include "digestx/pinning/scan.hpp"

#include <algorithm>
#include <cctype>

#include "digestx/core/text.hpp"
#include "dockerfile_lex.hpp"
#include "scan_support.hpp"
#include "yaml_support.hpp"

namespace digestx::pinning {
namespace {

bool is_yaml_name(std::string_view name) {
    return name.ends_with(".yml") || name.ends_with(".yaml");
}

// `compose.yaml`, `compose.override.yml`, `docker-compose.yml`, `docker-compose.prod.yaml`.
bool is_compose_name(std::string_view name) {
    if (!is_yaml_name(name)) return false;
    return name.starts_with("compose.") || name.starts_with("docker-compose.");
}

bool is_dockerfile_name(std::string_view name) {
    auto lower = ascii_lowercase(name);
    for (std::string_view base : {"dockerfile", "containerfile"}) {
        if (lower == base || (lower.starts_with(base) && lower[base.size()] == '.')) return true;
        if (lower.size() > base.size() && lower.ends_with(base) && lower[lower.size() - base.size() - 1] == '.') {
            return true;
        }
    }
    return false;
}

// A Dockerfile's first instruction is FROM, or ARG before FROM.
bool looks_like_dockerfile(std::string_view bytes) {
    auto text = detail::lex_dockerfile(bytes);
    if (text.instructions.empty()) return false;
    const auto &first = text.instructions.front();
    auto keyword = detail::keyword_of(first, detail::split_words(first.text.text, text.escape));
    return keyword == "FROM" || keyword == "ARG";
}

// The YAML shape of the documents of a stream that parse, nullopt when none does or none names a
// known shape.
std::optional<FileKind> sniff_yaml(std::string_view bytes) {
    auto stream = detail::load_yaml("", bytes);
    if (!stream) return std::nullopt;
    try {
        return detail::yaml_shape(stream->documents);
    } catch (const YAML::Exception &) {
        return std::nullopt;
    }
}

Result<FileScan> scan_yaml(std::string_view path, std::string_view bytes, FileKind kind) {
    auto stream = detail::load_yaml(path, bytes);
    if (!stream) return fail(std::move(stream.error()));
    detail::Collector collector(path, bytes);
    try {
        switch (kind) {
        case FileKind::Compose: detail::scan_compose(collector, stream->documents); break;
        case FileKind::Workflow: detail::scan_workflow(collector, stream->documents); break;
        default: detail::scan_kubernetes(collector, stream->documents); break;
        }
    } catch (const YAML::Exception &error) {
        // The walk only reads nodes it has checked the type of; an exception here is a bug.
        return fail(ErrorCode::Internal, "unexpected YAML node while scanning " + quoted(path) + ": " + error.msg);
    }
    FileScan scan = std::move(collector).finish(kind);
    scan.bad_documents = std::move(stream->bad);
    return scan;
}

} // namespace

std::optional<FileKind> kind_from_name(std::string_view path) {
    auto slash = path.find_last_of('/');
    auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (is_dockerfile_name(name)) return FileKind::Dockerfile;
    if (is_compose_name(name)) return FileKind::Compose;
    auto directory = path.substr(0, path.size() - name.size());
    if (is_yaml_name(name) && (directory == ".github/workflows/" || directory.ends_with("/.github/workflows/"))) {
        return FileKind::Workflow;
    }
    if (name.ends_with(".txt")) return FileKind::PlainList;
    return std::nullopt;
}

bool is_json_name(std::string_view path) {
    return path.ends_with(".json");
}

JsonRole json_role(std::string_view bytes) {
    // A cheap look first: package-lock.json runs to megabytes and names neither.
    if (bytes.find("apiVersion") == std::string_view::npos || bytes.find("kind") == std::string_view::npos) {
        return JsonRole::Other;
    }
    // JSON is YAML 1.2, and kubectl's YAMLOrJSONDecoder reads a .json file holding YAML as YAML.
    auto stream = detail::load_yaml("", bytes);
    if (!stream) return JsonRole::Malformed;
    try {
        for (const auto &document : stream->documents) {
            if (detail::is_kubernetes_object(document.root)) return JsonRole::Kubernetes;
        }
    } catch (const YAML::Exception &) {
        return JsonRole::Malformed;
    }
    return stream->bad.empty() ? JsonRole::Other : JsonRole::Malformed;
}

FileKind detect_kind(std::string_view path, std::string_view bytes) {
    if (auto kind = kind_from_name(path)) return *kind;
    if (is_json_name(path)) return FileKind::Kubernetes;
    auto slash = path.find_last_of('/');
    auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (is_yaml_name(name)) return sniff_yaml(bytes).value_or(FileKind::Kubernetes);
    if (looks_like_dockerfile(bytes)) return FileKind::Dockerfile;
    return sniff_yaml(bytes).value_or(FileKind::PlainList);
}

Result<FileScan> scan_file(std::string_view path, std::string_view bytes, std::optional<FileKind> kind) {
    if (!kind && is_json_name(path) && json_role(bytes) == JsonRole::Other) {
        // Read as a plain list, a JSON file would give one invalid "reference" per line.
        return fail(ErrorCode::Usage, quoted(path) +
                                          " is not a Kubernetes object (no top-level \"apiVersion\" and \"kind\"): "
                                          "a .json file is read only as a Kubernetes manifest");
    }
    auto chosen = kind ? *kind : detect_kind(path, bytes);
    if (chosen == FileKind::Compose || chosen == FileKind::Kubernetes || chosen == FileKind::Workflow) {
        return scan_yaml(path, bytes, chosen);
    }
    detail::Collector collector(path, bytes);
    if (chosen == FileKind::Dockerfile)
        detail::scan_dockerfile(collector);
    else
        detail::scan_list(collector);
    return std::move(collector).finish(chosen);
}

std::string_view file_kind_name(FileKind kind) noexcept {
    switch (kind) {
    case FileKind::Dockerfile: return "dockerfile";
    case FileKind::Compose: return "compose";
    case FileKind::Kubernetes: return "kubernetes";
    case FileKind::Workflow: return "workflow";
    case FileKind::PlainList: return "list";
    }
    return "list";
}

std::string_view context_kind_name(ContextKind kind) noexcept {
    switch (kind) {
    case ContextKind::DockerfileFrom: return "dockerfile-from";
    case ContextKind::DockerfileCopyFrom: return "dockerfile-copy-from";
    case ContextKind::DockerfileSyntax: return "dockerfile-syntax";
    case ContextKind::ComposeService: return "compose-service";
    case ContextKind::KubernetesContainer: return "kubernetes-container";
    case ContextKind::WorkflowContainer: return "workflow-container";
    case ContextKind::WorkflowService: return "workflow-service";
    case ContextKind::WorkflowStep: return "workflow-step";
    case ContextKind::ListEntry: return "list-entry";
    }
    return "list-entry";
}

std::string_view occurrence_status_name(OccurrenceStatus status) noexcept {
    switch (status) {
    case OccurrenceStatus::Valid: return "valid";
    case OccurrenceStatus::Invalid: return "invalid";
    case OccurrenceStatus::Dynamic: return "dynamic";
    }
    return "invalid";
}

} // namespace digestx::pinning

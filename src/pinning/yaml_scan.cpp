// The YAML shapes that name images: Compose services, Kubernetes pod specs (in workloads, CronJob
// job templates and List items) and GitHub Actions jobs. Only these known paths are walked, so an
// alias cycle elsewhere in a document is never followed.
#include <array>

#include "yaml_support.hpp"

namespace digestx::pinning::detail {
namespace {

// A List inside a List is legal but unusual; the bound stops an alias cycle through `items`.
constexpr int max_list_depth = 8;

std::string key_text(const Entry &entry) {
    return scalar_of(entry.key).value_or("?");
}

void scan_pod_spec(Collector &collector, const YAML::Node &spec, const std::string &owner, const std::string &path) {
    static constexpr std::array<const char *, 3> fields = {"initContainers", "containers", "ephemeralContainers"};
    for (const char *field : fields) {
        auto list = child(spec, field);
        if (!list || !list->value.IsSequence()) continue;
        const YAML::Node sequence = list->value;
        for (std::size_t i = 0; i < sequence.size(); ++i) {
            const YAML::Node container = sequence[i];
            auto image = child(container, "image");
            if (!image) continue;
            auto name = child(container, "name");
            Context context{ContextKind::KubernetesContainer,
                            name ? scalar_of(name->value).value_or("") : "",
                            owner,
                            path + field + "[" + std::to_string(i) + "].image",
                            0,
                            "",
                            std::nullopt};
            report_image(collector, *image, 0, std::move(context));
        }
    }
}

// The value at a dotted path of mapping keys.
std::optional<YAML::Node> at_path(const YAML::Node &node, std::initializer_list<std::string_view> keys) {
    YAML::Node current = node;
    for (auto key : keys) {
        auto entry = child(current, key);
        if (!entry) return std::nullopt;
        // Node::operator= would overwrite the node `current` refers to; reset() rebinds it.
        current.reset(entry->value);
    }
    return current;
}

void scan_object(Collector &collector, const YAML::Node &object, const std::string &prefix, std::size_t document,
                 int depth) {
    if (!object.IsMap()) return;
    auto kind = child(object, "kind");
    auto name = at_path(object, {"metadata", "name"});
    std::string owner = kind ? scalar_of(kind->value).value_or("") : "";
    if (name && scalar_of(*name)) owner += (owner.empty() ? "" : "/") + *scalar_of(*name);
    if (owner.empty()) owner = "document " + std::to_string(document);
    if (auto items = child(object, "items"); items && items->value.IsSequence() && depth < max_list_depth) {
        const YAML::Node sequence = items->value;
        for (std::size_t i = 0; i < sequence.size(); ++i) {
            scan_object(collector, sequence[i], prefix + "items[" + std::to_string(i) + "].", document, depth + 1);
        }
    }
    // A Pod's spec holds containers itself; workloads hold a pod template, CronJobs one more level down,
    // and a PodTemplate object has its template at the top.
    if (auto spec = at_path(object, {"spec"}); spec && child(*spec, "containers")) {
        scan_pod_spec(collector, *spec, owner, prefix + "spec.");
    }
    if (auto spec = at_path(object, {"spec", "template", "spec"})) {
        scan_pod_spec(collector, *spec, owner, prefix + "spec.template.spec.");
    }
    if (auto spec = at_path(object, {"spec", "jobTemplate", "spec", "template", "spec"})) {
        scan_pod_spec(collector, *spec, owner, prefix + "spec.jobTemplate.spec.template.spec.");
    }
    if (auto spec = at_path(object, {"template", "spec"})) {
        scan_pod_spec(collector, *spec, owner, prefix + "template.spec.");
    }
}

void scan_job(Collector &collector, const std::string &job, const YAML::Node &body) {
    const auto base = "jobs." + job;
    if (auto container = child(body, "container")) {
        if (container->value.IsMap()) {
            if (auto image = child(container->value, "image")) {
                report_image(
                    collector, *image, 0,
                    Context{ContextKind::WorkflowContainer, job, "", base + ".container.image", 0, "", std::nullopt});
            }
        } else {
            report_image(collector, *container, 0,
                         Context{ContextKind::WorkflowContainer, job, "", base + ".container", 0, "", std::nullopt});
        }
    }
    if (auto services = child(body, "services")) {
        for (const auto &service : entries(services->value)) {
            auto image = child(service.value, "image");
            if (!image) continue;
            auto name = key_text(service);
            report_image(collector, *image, 0,
                         Context{ContextKind::WorkflowService, name, job, base + ".services." + name + ".image", 0, "",
                                 std::nullopt});
        }
    }
    auto steps = child(body, "steps");
    if (!steps || !steps->value.IsSequence()) return;
    static constexpr std::string_view docker_scheme = "docker://";
    const YAML::Node sequence = steps->value;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        const YAML::Node step = sequence[i];
        auto uses = child(step, "uses");
        auto text = uses ? scalar_of(uses->value) : std::nullopt;
        if (!text || !text->starts_with(docker_scheme)) continue;
        auto name = child(step, "name");
        auto id = child(step, "id");
        const auto &label = name ? name : id;
        Context context{ContextKind::WorkflowStep,
                        label ? scalar_of(label->value).value_or("") : "",
                        job,
                        base + ".steps[" + std::to_string(i) + "].uses",
                        0,
                        "",
                        std::nullopt};
        report_image(collector, *uses, docker_scheme.size(), std::move(context));
    }
}

} // namespace

void scan_compose(Collector &collector, const std::vector<YamlDocument> &documents) {
    for (const auto &document : documents) {
        collector.set_origin(document.offset, document.lines);
        auto services = child(document.root, "services");
        if (!services) continue;
        for (const auto &service : entries(services->value)) {
            auto image = child(service.value, "image");
            if (!image) continue;
            auto name = key_text(service);
            report_image(
                collector, *image, 0,
                Context{ContextKind::ComposeService, name, "", "services." + name + ".image", 0, "", std::nullopt});
        }
    }
}

void scan_kubernetes(Collector &collector, const std::vector<YamlDocument> &documents) {
    for (const auto &document : documents) {
        collector.set_origin(document.offset, document.lines);
        scan_object(collector, document.root, "", document.number, 0);
    }
}

void scan_workflow(Collector &collector, const std::vector<YamlDocument> &documents) {
    for (const auto &document : documents) {
        collector.set_origin(document.offset, document.lines);
        auto jobs = child(document.root, "jobs");
        if (!jobs) continue;
        for (const auto &job : entries(jobs->value))
            scan_job(collector, key_text(job), job.value);
    }
}

} // namespace digestx::pinning::detail

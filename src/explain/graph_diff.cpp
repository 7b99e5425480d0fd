#include "digestx/explain/graph_diff.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx {
namespace {

// One image of a graph: a platform manifest of an index, or the single manifest a tag names.
using Image = PlatformImage;

struct Side {
    std::vector<Image> images;
    std::vector<std::string> entries;                                // the top index's entry digests, in order
    std::vector<std::string> others;                                 // entries that are neither images nor attestations
    const std::map<std::string, std::string> *annotations = nullptr; // the top index's
};

const ImageConfig *config_below(const ImageTree &tree, const TreeNode &node) {
    for (std::size_t child : node.children)
        if (tree.nodes[child].config) return tree.nodes[child].config.get();
    return nullptr;
}

// The platform an image is keyed by: its index entry's, else its config's (a single manifest).
std::string image_platform(const TreeNode &node, const ImageConfig *config) {
    if (node.platform) return display_platform(*node.platform);
    if (config) {
        return display_platform(
            normalize(Platform{config->os, config->architecture, config->variant, config->os_version, {}}));
    }
    return "unknown platform";
}

Side read_side(const ImageTree &tree) {
    Explanation words = explain(tree);
    Side side;
    std::map<std::size_t, std::string> attestation_of; // image node -> attestation digest
    for (const auto &node : tree.nodes) {
        const NodeExplanation &explained = words.nodes[node.id];
        if (explained.role == Role::Attestation && explained.attests) {
            attestation_of[*explained.attests] = node.digest_text();
        }
    }
    std::map<std::string, std::size_t> seen;
    for (const auto &node : tree.nodes) {
        Role role = words.nodes[node.id].role;
        if (role != Role::PlatformManifest && role != Role::SingleManifest) continue;
        Image image;
        image.config = config_below(tree, node);
        image.platform = image_platform(node, image.config);
        // A platform listed twice (an index may) is told apart by its position, as the first wins in docker.
        if (std::size_t repeat = seen[image.platform]++; repeat > 0) {
            image.platform += " #" + std::to_string(repeat + 1);
        }
        image.digest = node.digest_text();
        if (node.document && node.document->is_manifest()) image.manifest = &node.document->manifest();
        if (auto found = attestation_of.find(node.id); found != attestation_of.end()) image.attestation = found->second;
        side.images.push_back(std::move(image));
    }
    const TreeNode &root = tree.root();
    if (root.document && root.document->is_index()) {
        side.annotations = &root.document->index().annotations;
        for (std::size_t child : root.children) {
            const TreeNode &entry = tree.nodes[child];
            if (entry.is_referrer()) continue;
            side.entries.push_back(entry.digest_text());
            Role role = words.nodes[child].role;
            if (role != Role::PlatformManifest && role != Role::Attestation && role != Role::NestedIndex) {
                side.others.push_back(entry.digest_text());
            }
        }
    }
    return side;
}

std::string clip(const std::string &text) {
    return sanitize(text, 200);
}

std::string compact(const nlohmann::json &value) {
    if (value.is_null()) return "(none)";
    if (value.is_string()) return clip(value.get<std::string>());
    return clip(value.dump());
}

// `config.Env` as KEY → "KEY=value"; `config.Labels` as key → "key=value".
std::map<std::string, std::string> keyed(const nlohmann::json &value, bool env) {
    std::map<std::string, std::string> out;
    if (env && value.is_array()) {
        for (const auto &item : value) {
            if (!item.is_string()) continue;
            const auto &text = item.get_ref<const std::string &>();
            out[text.substr(0, text.find('='))] = text;
        }
    } else if (!env && value.is_object()) {
        for (const auto &[key, item] : value.items())
            out[key] = key + "=" + (item.is_string() ? item.get<std::string>() : item.dump());
    }
    return out;
}

void map_change(const std::string &field, const nlohmann::json &a, const nlohmann::json &b, bool env,
                std::vector<ConfigFieldChange> &out) {
    auto before = keyed(a, env);
    auto after = keyed(b, env);
    if (before == after) return;
    std::vector<std::string> removed;
    std::vector<std::string> added;
    for (const auto &[key, text] : before) {
        auto other = after.find(key);
        if (other == after.end() || other->second != text) removed.push_back(text);
    }
    for (const auto &[key, text] : after) {
        auto other = before.find(key);
        if (other == before.end() || other->second != text) added.push_back(text);
    }
    auto join = [](const std::vector<std::string> &items) {
        std::string text;
        for (const auto &item : items)
            text += (text.empty() ? "" : " ") + item;
        return text.empty() ? std::string("(none)") : clip(text);
    };
    out.push_back({field, join(removed), join(added)});
}

std::string steps_text(std::size_t count) {
    return std::to_string(count) + (count == 1 ? " step" : " steps");
}

// History tells "rebuilt from the same Dockerfile" (same steps, new times) from "the Dockerfile
// changed" (another step): image-spec config.md history, one entry per build step.
void history_change(const ImageConfig &a, const ImageConfig &b, std::vector<ConfigFieldChange> &out) {
    auto same_step = [](const HistoryEntry &x, const HistoryEntry &y) {
        return x.created_by == y.created_by && x.empty_layer == y.empty_layer && x.comment == y.comment &&
               x.author == y.author;
    };
    std::size_t common = std::min(a.history.size(), b.history.size());
    std::size_t first = 0;
    while (first < common && same_step(a.history[first], b.history[first]))
        ++first;
    if (first == common && a.history.size() == b.history.size()) {
        bool retimed = false;
        for (std::size_t i = 0; i < common; ++i)
            retimed = retimed || a.history[i].created != b.history[i].created;
        if (retimed) out.push_back({"history", steps_text(common), "the same " + steps_text(common) + ", new times"});
        return;
    }
    std::string after = steps_text(b.history.size()) + ", from step " + std::to_string(first) + " on";
    if (first < b.history.size()) after += ": " + clip(b.history[first].created_by);
    out.push_back({"history", steps_text(a.history.size()), after});
}

std::vector<ConfigFieldChange> config_changes(const ImageConfig &a, const ImageConfig &b) {
    std::vector<ConfigFieldChange> out;
    if (a.digest == b.digest) return out;
    auto ja = nlohmann::json::parse(a.bytes, nullptr, false);
    auto jb = nlohmann::json::parse(b.bytes, nullptr, false);
    if (ja.is_discarded() || jb.is_discarded() || !ja.is_object() || !jb.is_object()) return out;
    if (a.created != b.created) out.push_back({"created", clip(a.created), clip(b.created)});
    auto top = [](const nlohmann::json &doc, const char *key) { return doc.value(key, nlohmann::json()); };
    if (top(ja, "author") != top(jb, "author"))
        out.push_back({"author", compact(top(ja, "author")), compact(top(jb, "author"))});
    const nlohmann::json ca = top(ja, "config");
    const nlohmann::json cb = top(jb, "config");
    auto field = [](const nlohmann::json &config, const char *key) {
        return config.is_object() ? config.value(key, nlohmann::json()) : nlohmann::json();
    };
    map_change("env", field(ca, "Env"), field(cb, "Env"), true, out);
    map_change("labels", field(ca, "Labels"), field(cb, "Labels"), false, out);
    // The fields `docker run` starts the container with (image-spec config.md `config`).
    for (const auto &[key, name] :
         {std::pair{"Entrypoint", "entrypoint"}, std::pair{"Cmd", "cmd"}, std::pair{"User", "user"},
          std::pair{"WorkingDir", "workingDir"}, std::pair{"ExposedPorts", "exposedPorts"},
          std::pair{"Volumes", "volumes"}, std::pair{"StopSignal", "stopSignal"}}) {
        if (field(ca, key) != field(cb, key)) out.push_back({name, compact(field(ca, key)), compact(field(cb, key))});
    }
    history_change(a, b, out);
    if (a.diff_ids != b.diff_ids) {
        out.push_back({"rootfs", std::to_string(a.diff_ids.size()) + " diff_ids",
                       std::to_string(b.diff_ids.size()) + " diff_ids, not the same"});
    }
    return out;
}

std::vector<std::string> layer_digests(const Manifest &manifest) {
    std::vector<std::string> out;
    for (const auto &layer : manifest.layers)
        out.push_back(layer.digest.str());
    return out;
}

std::vector<std::string> diff_id_texts(const ImageConfig &config) {
    std::vector<std::string> out;
    for (const auto &id : config.diff_ids)
        out.push_back(id.str());
    return out;
}

std::vector<LayerChange> layer_changes(const std::vector<std::string> &a, const std::vector<std::string> &b) {
    std::vector<LayerChange> out;
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        std::optional<std::string> before = i < a.size() ? std::optional(a[i]) : std::nullopt;
        std::optional<std::string> after = i < b.size() ? std::optional(b[i]) : std::nullopt;
        if (before != after) out.push_back({i, before, after});
    }
    return out;
}

// Content compares by diff_id where both configs were read: `docker save` writes layers
// uncompressed and registries hold them compressed, so the compressed digests of the same
// content differ legitimately; the diff_ids do not.
PlatformVerdict classify(const Image &a, const Image &b, PlatformDiff &out) {
    if (a.manifest == nullptr || b.manifest == nullptr) return PlatformVerdict::Unknown;
    auto layers_a = layer_digests(*a.manifest);
    auto layers_b = layer_digests(*b.manifest);
    out.layers_a = layers_a.size();
    out.layers_b = layers_b.size();
    out.layers = layer_changes(layers_a, layers_b);
    if (a.config && b.config) out.config_fields = config_changes(*a.config, *b.config);
    if (out.layers.empty()) {
        return out.config_a == out.config_b ? PlatformVerdict::ManifestOnly : PlatformVerdict::SameLayers;
    }
    std::vector<LayerChange> content = out.layers;
    if (a.config && b.config) {
        content = layer_changes(diff_id_texts(*a.config), diff_id_texts(*b.config));
        // The same content under another config is a rebuild, whatever the compression.
        if (content.empty()) {
            return out.config_a == out.config_b ? PlatformVerdict::Recompressed : PlatformVerdict::SameLayers;
        }
    }
    return content.front().position == 0 ? PlatformVerdict::NewBaseLayer : PlatformVerdict::UpperLayers;
}

} // namespace

PlatformDiff compare_platform(const PlatformImage &a, const PlatformImage &b) {
    PlatformDiff out;
    out.platform = b.platform;
    out.manifest_a = a.digest;
    out.manifest_b = b.digest;
    if (a.manifest && a.manifest->config) out.config_a = a.manifest->config->digest.str();
    if (b.manifest && b.manifest->config) out.config_b = b.manifest->config->digest.str();
    out.attestation_changed = a.attestation != b.attestation;
    if (a.digest == b.digest) {
        out.verdict = PlatformVerdict::Identical;
        if (a.manifest) out.layers_a = out.layers_b = a.manifest->layers.size();
        return out;
    }
    out.verdict = classify(a, b, out);
    return out;
}

namespace {

PlatformDiff one_sided(const Image &image, bool added) {
    PlatformDiff out;
    out.platform = image.platform;
    out.verdict = added ? PlatformVerdict::Added : PlatformVerdict::Removed;
    (added ? out.manifest_b : out.manifest_a) = image.digest;
    if (image.manifest && image.manifest->config) {
        (added ? out.config_b : out.config_a) = image.manifest->config->digest.str();
        (added ? out.layers_b : out.layers_a) = image.manifest->layers.size();
    }
    return out;
}

std::vector<std::string> annotation_changes(const Side &a, const Side &b) {
    std::vector<std::string> keys;
    if (a.annotations == nullptr || b.annotations == nullptr) return keys;
    for (const auto &[key, value] : *a.annotations) {
        auto other = b.annotations->find(key);
        if (other == b.annotations->end() || other->second != value) keys.push_back(sanitize(key, 200));
    }
    for (const auto &[key, value] : *b.annotations)
        if (!a.annotations->contains(key)) keys.push_back(sanitize(key, 200));
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::size_t symmetric_difference(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<std::string> out;
    std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out.size();
}

std::string layer_range(const std::vector<LayerChange> &layers) {
    if (layers.size() == 1) return "layer " + std::to_string(layers.front().position) + " changed";
    return "layers " + std::to_string(layers.front().position) + "–" + std::to_string(layers.back().position) +
           " changed";
}

std::string config_field_names(const PlatformDiff &diff) {
    std::string names;
    for (const auto &change : diff.config_fields)
        names += (names.empty() ? "" : ", ") + change.field;
    return names;
}

} // namespace

std::string platform_change_phrase(const PlatformDiff &diff) {
    const std::string &p = diff.platform;
    switch (diff.verdict) {
    case PlatformVerdict::ManifestOnly: return p + " has a new manifest around the same config and layers";
    case PlatformVerdict::Recompressed: return p + " has the same layer content, compressed anew";
    case PlatformVerdict::SameLayers: {
        std::string fields = config_field_names(diff);
        return p + " was rebuilt with the same layers" + (fields.empty() ? "" : " (config: " + fields + ")");
    }
    case PlatformVerdict::NewBaseLayer: return p + " has a new base layer";
    case PlatformVerdict::UpperLayers: return p + " keeps its base layer; " + layer_range(diff.layers);
    case PlatformVerdict::Unknown: return p + " has a new manifest";
    case PlatformVerdict::Identical:
    case PlatformVerdict::Added:
    case PlatformVerdict::Removed: break;
    }
    return p;
}

namespace {

std::string join_and(const std::vector<std::string> &items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
        out += items[i];
    }
    return out;
}

std::string entries_phrase(const std::vector<std::string> &platforms, std::string_view verb) {
    if (platforms.size() == 1) {
        return (verb == "added" ? "a " : "the ") + platforms.front() + " entry was " + std::string(verb);
    }
    return join_and(platforms) + " entries were " + std::string(verb);
}

// DiffBasis::ImageId: the archive holds the platform docker saved; what only the registry side
// serves is set aside, and index-level changes (annotations, order, attestations) say nothing of
// an image that docker loads without them.
void keep_local_platforms(GraphDiff &diff, const DiffOptions &options) {
    std::vector<PlatformDiff> kept;
    for (auto &platform : diff.platforms) {
        bool registry_only = (platform.verdict == PlatformVerdict::Added && options.a_local && !options.b_local) ||
                             (platform.verdict == PlatformVerdict::Removed && options.b_local && !options.a_local);
        if (registry_only) {
            diff.not_local.push_back(platform.platform);
            continue;
        }
        platform.attestation_changed = false;
        kept.push_back(std::move(platform));
    }
    diff.platforms = std::move(kept);
    diff.same_image = !diff.platforms.empty() &&
                      std::all_of(diff.platforms.begin(), diff.platforms.end(), [](const PlatformDiff &platform) {
                          return platform.config_a && platform.config_b && platform.config_a == platform.config_b;
                      });
}

std::string not_local_clause(const GraphDiff &diff) {
    if (diff.not_local.empty()) return "";
    return "; " + join_and(diff.not_local) + (diff.not_local.size() == 1 ? " is" : " are") +
           " served too but not in the archive (docker save writes one platform)";
}

// The answer to "is my local image what the registry serves?" when it is.
std::string same_image_sentence(const GraphDiff &diff) {
    std::string out;
    if (diff.platforms.size() == 1) {
        const PlatformDiff &only = diff.platforms.front();
        out = "the same image: " + only.platform + "'s config (image ID) " + *only.config_a + " and its " +
              std::to_string(only.layers_a) + (only.layers_a == 1 ? " diff_id are" : " diff_ids are") + " identical";
    } else {
        out = "the same images: each of the " + std::to_string(diff.platforms.size()) +
              " platforms has the same config (image ID) and diff_ids";
    }
    bool recompressed = std::any_of(diff.platforms.begin(), diff.platforms.end(), [](const PlatformDiff &platform) {
        return platform.verdict == PlatformVerdict::Recompressed;
    });
    bool manifest_only = std::any_of(diff.platforms.begin(), diff.platforms.end(), [](const PlatformDiff &platform) {
        return platform.verdict == PlatformVerdict::ManifestOnly;
    });
    if (recompressed) {
        out += "; the compressed layer digests legitimately differ: docker save stores layers uncompressed";
    } else if (manifest_only) {
        out += "; only the manifest differs (docker save writes its own)";
    }
    return out + not_local_clause(diff);
}

} // namespace

std::string_view platform_verdict_name(PlatformVerdict verdict) noexcept {
    switch (verdict) {
    case PlatformVerdict::Identical: return "identical";
    case PlatformVerdict::Added: return "added";
    case PlatformVerdict::Removed: return "removed";
    case PlatformVerdict::ManifestOnly: return "manifest-only";
    case PlatformVerdict::Recompressed: return "recompressed";
    case PlatformVerdict::SameLayers: return "same-layers";
    case PlatformVerdict::NewBaseLayer: return "new-base-layer";
    case PlatformVerdict::UpperLayers: return "upper-layers";
    case PlatformVerdict::Unknown: return "unknown";
    }
    return "unknown";
}

std::string change_summary(const ChangeFacts &facts) {
    std::vector<std::string> parts;
    if (!facts.added.empty()) parts.push_back(entries_phrase(facts.added, "added"));
    if (!facts.removed.empty()) parts.push_back(entries_phrase(facts.removed, "removed"));
    parts.insert(parts.end(), facts.changed.begin(), facts.changed.end());
    if (!facts.attestations.empty()) {
        parts.push_back((facts.attestations.size() == 1 ? "the attestation of " : "the attestations of ") +
                        join_and(facts.attestations) + " changed");
    }
    if (facts.other_entries > 0) {
        parts.push_back(std::to_string(facts.other_entries) +
                        (facts.other_entries == 1 ? " other index entry changed" : " other index entries changed"));
    }
    if (facts.annotations) parts.push_back("the index annotations changed");
    if (facts.reordered) parts.push_back("the index entries were reordered");
    bool images_changed = !facts.added.empty() || !facts.removed.empty() || !facts.changed.empty();
    if (parts.empty()) {
        // Same images, same entries: the top document itself differs (its media type, its
        // formatting), as when a list is pushed again by another tool.
        return "only the top document changed (media type or formatting); every platform is byte-identical";
    }
    std::string out = (parts.size() == 1 ? "only " : "") + parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i)
        out += "; " + parts[i];
    if (!facts.unchanged) return out;
    if (!images_changed && (*facts.unchanged > 0 || !facts.attestations.empty())) {
        out += "; every image is byte-identical";
    } else if (images_changed && *facts.unchanged > 0) {
        out += "; every other platform is byte-identical";
    }
    return out;
}

std::string drift_summary(const std::vector<PlatformDiff> &changed, const std::vector<std::string> &added,
                          const std::vector<std::string> &removed) {
    ChangeFacts facts;
    facts.added = added;
    facts.removed = removed;
    for (const auto &platform : changed)
        facts.changed.push_back(platform_change_phrase(platform));
    if (facts.added.empty() && facts.removed.empty() && facts.changed.empty()) {
        return "every platform keeps its manifest; only the index itself changed (attestations, annotations or "
               "entry order)";
    }
    return change_summary(facts);
}

GraphDiff diff_graphs(const ImageTree &a, const ImageTree &b, const DiffOptions &options) {
    GraphDiff diff;
    diff.top_a = a.root().digest_text();
    diff.top_b = b.root().digest_text();
    diff.identical = diff.top_a == diff.top_b;
    Side side_a = read_side(a);
    Side side_b = read_side(b);
    std::vector<bool> matched(side_a.images.size(), false);
    for (const auto &image : side_b.images) {
        auto found = std::find_if(side_a.images.begin(), side_a.images.end(),
                                  [&](const Image &other) { return other.platform == image.platform; });
        if (found == side_a.images.end()) {
            diff.platforms.push_back(one_sided(image, true));
            continue;
        }
        matched[static_cast<std::size_t>(found - side_a.images.begin())] = true;
        diff.platforms.push_back(compare_platform(*found, image));
    }
    for (std::size_t i = 0; i < side_a.images.size(); ++i)
        if (!matched[i]) diff.platforms.push_back(one_sided(side_a.images[i], false));
    diff.basis = options.a_local || options.b_local ? DiffBasis::ImageId : DiffBasis::Digest;
    if (diff.basis == DiffBasis::ImageId) {
        keep_local_platforms(diff, options);
    } else {
        diff.annotations = annotation_changes(side_a, side_b);
        diff.reordered = side_a.entries != side_b.entries && symmetric_difference(side_a.entries, side_b.entries) == 0;
        diff.other_entries_changed = symmetric_difference(side_a.others, side_b.others);
    }

    if (diff.identical) {
        diff.summary = "identical: both name " + diff.top_a + ", so every document below is the same";
        return diff;
    }
    if (diff.same_image) {
        diff.summary = same_image_sentence(diff);
        return diff;
    }
    ChangeFacts facts;
    facts.annotations = !diff.annotations.empty();
    facts.reordered = diff.reordered;
    facts.other_entries = diff.other_entries_changed;
    std::size_t unchanged = 0;
    for (const auto &platform : diff.platforms) {
        switch (platform.verdict) {
        case PlatformVerdict::Added: facts.added.push_back(platform.platform); break;
        case PlatformVerdict::Removed: facts.removed.push_back(platform.platform); break;
        case PlatformVerdict::Identical:
            if (platform.attestation_changed) {
                facts.attestations.push_back(platform.platform);
            } else {
                ++unchanged;
            }
            break;
        default: facts.changed.push_back(platform_change_phrase(platform)); break;
        }
    }
    facts.unchanged = unchanged;
    diff.summary = change_summary(facts) + not_local_clause(diff);
    return diff;
}

} // namespace digestx

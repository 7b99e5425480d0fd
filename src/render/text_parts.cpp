#include "text_parts.hpp"

#include <algorithm>
#include <sstream>

#include "digestx/core/text.hpp"
#include "digestx/render/labels.hpp"

namespace digestx::render::detail {

std::string size_text(std::int64_t bytes) {
    return human_size(static_cast<unsigned long long>(std::max<std::int64_t>(bytes, 0)));
}

std::string plural(std::size_t count, std::string_view word) {
    return std::to_string(count) + " " + std::string(word) + (count == 1 ? "" : "s");
}

std::string finding_text(const Finding &finding, const ImageTree &tree, const Explanation &explanation,
                         const std::string &digest) {
    std::string line = std::string(finding_level_name(finding.level)) + ": " + sanitize(finding.message, 1000) + " [" +
                       sanitize(finding.code, 80) + "]";
    if (finding.node && *finding.node < tree.nodes.size()) {
        line += " (at " + sanitize(explanation.nodes[*finding.node].title, 200) + " " + digest + ")";
    }
    return line;
}

// What was sent, counted by kind. Docker Hub meters manifest GETs against the pull limit and
// lets HEADs through ("Using GET emulates a real pull and counts towards the limit. Using HEAD
// won't.", docs.docker.com/docker-hub/usage/pulls/); how many pulls it charges for them is its
// own rule, so the line says only that. Other registries and OCI layouts get no Docker Hub words.
std::string cost_text(const ImageTree &tree) {
    const SourceStats &stats = tree.stats;
    const Reference &reference = tree.reference;
    std::ostringstream out;
    bool local = reference.source() != SourceKind::Registry;
    if (local) {
        out << "no requests";
    } else {
        out << plural(stats.requests, "request");
        if (stats.requests > 0) {
            out << " (" << plural(stats.manifest_heads, "manifest HEAD") << ", "
                << plural(stats.manifest_gets, "manifest GET") << ", " << plural(stats.blob_gets, "blob GET") << ")";
        }
        if (stats.mirror_requests > 0) out << "; " << plural(stats.mirror_requests, "request") << " to mirrors";
        if (reference.registry() == docker_hub_registry && stats.mirror_requests == 0) {
            out << "; " << plural(stats.manifest_gets, "manifest GET") << " (Docker Hub meters these; HEADs are free)";
        } else if (reference.registry() == docker_hub_registry) {
            out << "; " << plural(stats.manifest_gets - stats.mirror_manifest_gets, "manifest GET")
                << " reached Docker Hub (it meters these; HEADs and mirrors' answers are free)";
        }
    }
    out << "; " << human_size(stats.bytes_received) << (local ? " read from disk" : " read");
    if (stats.ratelimit_remaining) {
        out << "; ratelimit-remaining " << sanitize(*stats.ratelimit_remaining, 100);
        if (stats.ratelimit_limit) out << " of " << sanitize(*stats.ratelimit_limit, 100);
    }
    return out.str();
}

} // namespace digestx::render::detail

#include "digestx/core/reference.hpp"

namespace digestx {

std::optional<std::string> canonical_registry(std::string_view host) {
    if (host.empty() || host.find_first_of("/@") != std::string_view::npos) return std::nullopt;
    // Two path components, so that docker.io's `library/` (added to one-component names) never
    // enters the comparison: `index.docker.io/probe/name` is docker.io's repository `probe/name`.
    auto probe = parse_reference(std::string(host) + "/probe/name");
    if (!probe || probe->source() != SourceKind::Registry || probe->repository() != "probe/name") return std::nullopt;
    return probe->registry();
}

bool is_repository_location(std::string_view location) {
    if (location.empty() || location.front() == '/' || location.find_first_of("?#@") != std::string_view::npos) {
        return false;
    }
    // The location itself must read back as a repository name's start, unchanged: a name the
    // reference grammar would fold (docker.io) or not see as a host would relocate elsewhere.
    const std::string name = std::string(location) + "/probe";
    auto probe = parse_reference(name);
    return probe && probe->source() == SourceKind::Registry && probe->name() == name;
}

} // namespace digestx

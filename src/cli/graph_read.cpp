#include "graph_read.hpp"

#include <set>

#include "source_factory.hpp"
#include "digestx/resolve/referrers.hpp"
#include "digestx/resolve/resolve.hpp"

namespace digestx::cli {

Result<ImageTree> read_full_graph(Source &source, const Reference &reference, const GlobalOptions &globals,
                                  bool referrers) {
    ResolveOptions options;
    options.strict = globals.strict;
    // A diff_id query may name an attestation's layer, which only its config lists.
    options.attestation_configs = true;
    if (!globals.platform.empty()) {
        auto request = platform_request(globals);
        if (!request) return fail(std::move(request.error()));
        options.platform = std::move(*request);
    }
    auto tree = resolve(source, reference, options);
    if (!tree) return fail(std::move(tree.error()));
    if (tree->root().error) return fail(*tree->root().error);
    if (options.platform && !tree->selected) {
        if (auto worst = tree->worst_error()) return fail(std::move(*worst));
    }
    // Referrers are found by asking (OCI distribution-spec 1.1); a source with no way to list
    // them (Usage) simply has none to search.
    if (!referrers) {
        tree->stats = source.stats();
        return tree;
    }
    if (auto attached = attach_referrers(source, *tree); !attached && attached.error().code != ErrorCode::Usage) {
        return fail(std::move(attached.error()));
    }
    tree->stats = source.stats();
    return tree;
}

Result<std::string> single_auth_registry(const std::vector<Reference> &references, const GlobalOptions &globals) {
    std::set<std::string> registries;
    for (const auto &reference : references)
        if (reference.source() == SourceKind::Registry) registries.insert(reference.registry());
    if (!globals.username.empty() && registries.size() > 1) {
        return fail(ErrorCode::Usage, "the references name " + std::to_string(registries.size()) +
                                          " registries; --username can only be sent to one");
    }
    return registries.size() == 1 ? *registries.begin() : std::string();
}

} // namespace digestx::cli

#include "digestx/resolve/referrers.hpp"

#include <map>
#include <string>

#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// An index entry that is an image a platform runs: not a buildx attestation or other reference
// type, not the unknown/unknown platform, not an artifact.
bool is_image_entry(const TreeNode &node) {
    if (!node.document || !node.document->is_manifest() || !node.descriptor) return false;
    if (node.descriptor->is_attestation() || !node.descriptor->reference_type().empty()) return false;
    if (node.platform && is_unknown_platform(*node.platform)) return false;
    const Manifest &manifest = node.document->manifest();
    return !manifest.is_artifact() && media::classify(manifest.config->media_type) == media::Kind::Config;
}

std::size_t add_referrer(ImageTree &tree, std::size_t subject, const Descriptor &descriptor, const ReferrerList &list) {
    TreeNode node;
    node.id = tree.nodes.size();
    node.parent = subject;
    node.depth = tree.nodes[subject].depth + 1;
    node.descriptor = descriptor;
    node.note = list.note;
    node.referrer_via = list.route;
    tree.nodes.push_back(std::move(node));
    tree.nodes[subject].children.push_back(tree.nodes.size() - 1);
    return tree.nodes.size() - 1;
}

std::string via_text(ReferrerRoute route) {
    switch (route) {
    case ReferrerRoute::TagSchema: return "the sha256-<hex> tag schema (the registry has no referrers API)";
    case ReferrerRoute::Api: return "the referrers API";
    case ReferrerRoute::OciLayout: return "the layout's index.json";
    }
    return "the referrers API";
}

// One line that says what was asked, so "no referrers" is not mistaken for "not looked".
Finding summary(std::size_t subjects, std::size_t found, const std::map<ReferrerRoute, std::size_t> &vias) {
    std::string how;
    for (const auto &[via, count] : vias)
        how += (how.empty() ? "" : ", ") + via_text(via) + (vias.size() > 1 ? " for " + std::to_string(count) : "");
    std::string message = "referrers listed for " + std::to_string(subjects) + " manifest" +
                          (subjects == 1 ? "" : "s") + (how.empty() ? "" : " through " + how) + ": " +
                          std::to_string(found) + " found";
    return Finding{FindingLevel::Info, "referrers", message, std::nullopt};
}

} // namespace

std::vector<std::size_t> referrer_subjects(const ImageTree &tree) {
    std::vector<std::size_t> subjects;
    for (const auto &node : tree.nodes) {
        if (node.is_referrer() || !node.document || node.document->is_schema1()) continue;
        bool top = !node.parent.has_value();
        bool in_index = node.parent && tree.nodes[*node.parent].kind == NodeKind::Index;
        if (top || (in_index && is_image_entry(node))) subjects.push_back(node.id);
    }
    return subjects;
}

Result<void> attach_referrers(Source &source, ImageTree &tree) {
    std::size_t found = 0;
    std::map<ReferrerRoute, std::size_t> vias;
    std::vector<std::size_t> subjects = referrer_subjects(tree);
    std::vector<Digest> digests;
    for (std::size_t subject : subjects)
        digests.push_back(tree.nodes[subject].document->digest());
    // One listing batch for every subject: the image and its platform manifests are one level
    // each, so this is the walk's "one batch per level" for referrers.
    std::vector<Result<ReferrerList>> lists = source.referrers(digests);
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        std::size_t subject = subjects[i];
        const Digest &digest = digests[i];
        if (i >= lists.size())
            return fail(ErrorCode::Internal, "the source answered fewer referrer listings than asked");
        Result<ReferrerList> &list = lists[i];
        if (!list && list.error().code == ErrorCode::Usage) return fail(std::move(list.error()));
        if (!list) {
            tree.findings.push_back(
                {FindingLevel::Warning, "referrers-unavailable",
                 "the referrers of " + digest.str() + " could not be listed: " + sanitize(list.error().describe(), 600),
                 subject});
            continue;
        }
        ++vias[list->route];
        for (const auto &descriptor : list->manifests) {
            add_referrer(tree, subject, descriptor, *list);
            ++found;
        }
    }
    tree.findings.push_back(summary(subjects.size(), found, vias));
    tree.stats = source.stats();
    return {};
}

} // namespace digestx

#include "digestx/core/image_tree.hpp"

namespace digestx {

std::string_view fetch_method_name(FetchMethod method) noexcept {
    switch (method) {
    case FetchMethod::Get: return "GET";
    case FetchMethod::Head: return "HEAD";
    case FetchMethod::Read: return "read";
    }
    return "GET";
}

std::string_view referrer_route_name(ReferrerRoute route) noexcept {
    switch (route) {
    case ReferrerRoute::Api: return "referrers-api";
    case ReferrerRoute::TagSchema: return "tag-schema";
    case ReferrerRoute::OciLayout: return "oci-layout";
    }
    return "referrers-api";
}
namespace {

// The order in which errors decide the exit code when several nodes failed: content that cannot
// be trusted outranks access problems, which outrank absence. Failures of digestx's own run
// (a bug, Ctrl-C, output that cannot be written) outrank anything a source did.
int severity(ErrorCode code) {
    switch (code) {
    case ErrorCode::Internal: return 10;
    case ErrorCode::Interrupted: return 9;
    case ErrorCode::Output: return 8;
    case ErrorCode::Integrity: return 7;
    case ErrorCode::Auth: return 6;
    case ErrorCode::RateLimited: return 5;
    case ErrorCode::Network: return 4;
    case ErrorCode::NotFound: return 3;
    case ErrorCode::Usage: return 2;
    case ErrorCode::Mismatch: return 1;
    }
    return 0;
}

} // namespace

std::string TreeNode::digest_text() const {
    if (document) return document->digest().str();
    if (config) return config->digest.str();
    if (descriptor) return descriptor->digest.str();
    return {};
}

std::optional<Error> ImageTree::worst_error() const {
    const Error *worst = nullptr;
    for (const auto &node : nodes) {
        if (node.error && (worst == nullptr || severity(node.error->code) > severity(worst->code))) {
            worst = &*node.error;
        }
    }
    if (worst == nullptr) return std::nullopt;
    return *worst;
}

} // namespace digestx

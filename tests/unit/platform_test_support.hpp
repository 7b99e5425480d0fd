#pragma once
/// @file
/// Shared helpers of the platform unit tests.

#include <string>
#include <string_view>
#include <vector>

#include "digestx/io/host_platform.hpp"
#include "digestx/core/platform.hpp"

namespace digestx::test {

/// The host injected into parse_platform() so that one-word inputs have fixed answers.
inline const Platform kLinuxAmd64{"linux", "amd64", "", "", {}};

/// A platform exactly as written ("os/arch/variant:os.version"), without any normalisation, the
/// way an index entry's JSON would hold it.
inline Platform raw(std::string_view text, std::vector<std::string> features = {}) {
    Platform platform;
    auto colon = text.find(':');
    if (colon != std::string_view::npos) {
        platform.os_version = std::string(text.substr(colon + 1));
        text = text.substr(0, colon);
    }
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto slash = text.find('/');; slash = text.find('/', start)) {
        parts.emplace_back(text.substr(start, slash == std::string_view::npos ? text.npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    platform.os = parts[0];
    if (parts.size() > 1) platform.architecture = parts[1];
    if (parts.size() > 2) platform.variant = parts[2];
    platform.os_features = std::move(features);
    return platform;
}

} // namespace digestx::test

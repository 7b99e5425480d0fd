#pragma once
// Running the real digestx binary against the shared registry beds with the options each auth
// mode needs.

#include <string>
#include <vector>

#include "digestx/core/digest.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"

namespace digestx::test {

inline const std::vector<BedMode> all_bed_modes = {BedMode::Open, BedMode::Basic, BedMode::Token, BedMode::Tls};

/// Runs `digestx ARGS…` against `bed`, adding what its mode needs: alice's credentials on stdin in
/// the Basic and Token modes, the bed's CA in Tls mode.
inline ProcessResult run_against(const RegistryBed &bed, std::vector<std::string> args) {
    std::string input;
    if (bed.mode() == BedMode::Basic || bed.mode() == BedMode::Token) {
        args.insert(args.begin(), {"--username", bed.credentials().user, "--password-stdin"});
        input = bed.credentials().password + "\n";
    }
    if (bed.mode() == BedMode::Tls) args.insert(args.begin(), {"--cacert", bed.ca_certificate()});
    return run_digestx(args, input);
}

/// The sha256 digest string of some bytes.
inline std::string sha256_of(const std::string &bytes) {
    return Digest::compute(bytes).str();
}

/// Every tag the fixtures give `repository`.
inline std::vector<std::string> fixture_tags(const std::string &repository) {
    std::vector<std::string> tags;
    for (const auto *manifest : fixture_catalog().manifests()) {
        if (manifest->repository != repository) continue;
        tags.insert(tags.end(), manifest->tags.begin(), manifest->tags.end());
    }
    return tags;
}

} // namespace digestx::test

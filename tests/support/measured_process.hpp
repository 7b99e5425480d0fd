#pragma once
/// @file
/// Running the digestx binary as support/process.hpp does, for long runs that also report how
/// much memory the child used (the soak compares runs over 100 and 1,000 references).

#include <map>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace digestx::test {

/// A finished child and its peak resident set.
struct MeasuredRun {
    ProcessResult result; ///< exit code and output, as run_digestx() gives them
    long peak_rss_kb = 0; ///< getrusage(2) ru_maxrss of the child, in KiB
    double seconds = 0;   ///< wall time from start to exit
};

/// run_digestx() with the child killed after `timeout_seconds` instead of 60, measured.
MeasuredRun run_digestx_measured(const std::vector<std::string> &args, int timeout_seconds,
                                 const std::map<std::string, std::string> &env = {});

} // namespace digestx::test

#pragma once
/// @file
/// The platform of the machine digestx runs on: the one place that reads uname(2) and
/// /proc/cpuinfo (core/platform turns the facts into a Platform without I/O).

#include <string_view>

#include "digestx/core/error.hpp"
#include "digestx/core/platform.hpp"

namespace digestx {

/// Reads uname(2) and /proc/cpuinfo.
HostFacts read_host_facts();

/// The platform of the machine digestx runs on, detected once.
const Platform &host_platform();

/// parse_platform() with the detected host_platform() as the defaults of a one-word input.
Result<Platform> parse_platform(std::string_view text);

} // namespace digestx

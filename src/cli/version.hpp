#pragma once
/// @file
/// What `digestx --version` prints.

#include <string>

namespace digestx::cli {

/// "digestx VERSION\nlibcurl X (TLS/Y)": the version configured from git (cmake/DigestxVersion.cmake)
/// and the libcurl loaded at run time, the two facts a bug report about a registry needs.
std::string version_text();

} // namespace digestx::cli

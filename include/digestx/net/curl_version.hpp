#pragma once
/// @file
/// The libcurl digestx runs with, as the loaded library reports it (not the headers it was built
/// against): a distribution upgrade of libcurl4 changes it without a rebuild.

#include <string>

namespace digestx::net {

/// libcurl's version and TLS backend at run time, e.g. "libcurl 7.88.1 (OpenSSL/3.0.11)", from
/// curl_version_info(CURLVERSION_NOW); "(no TLS)" when the library was built without one.
std::string curl_version_line();

} // namespace digestx::net

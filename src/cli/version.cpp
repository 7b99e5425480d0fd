#include "version.hpp"

#include "digestx/net/curl_version.hpp"

#ifndef DIGESTX_VERSION
#error "DIGESTX_VERSION is defined by CMakeLists.txt for this file only"
#endif

namespace digestx::cli {

std::string version_text() {
    return std::string("digestx ") + DIGESTX_VERSION + "\n" + net::curl_version_line();
}

} // namespace digestx::cli

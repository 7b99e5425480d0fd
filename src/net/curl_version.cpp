#include "digestx/net/curl_version.hpp"

#include <curl/curl.h>

#include "digestx/net/curl_library.hpp"

namespace digestx::net {

std::string curl_version_line() {
    if (auto library = load_libcurl(); !library) return "libcurl: " + library.error().message;
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    std::string line = "libcurl ";
    line += info->version != nullptr ? info->version : "unknown";
    // ssl_version names the backend and its version ("OpenSSL/3.0.11", "GnuTLS/3.7.9"), which is
    // what decides the certificate store and the TLS versions a registry is reached with.
    line += " (";
    line += info->ssl_version != nullptr ? info->ssl_version : "no TLS";
    line += ")";
    return line;
}

} // namespace digestx::net

#pragma once
/// @file
/// libcurl, opened when a command first needs the network instead of when digestx starts. Debian's
/// libcurl brings 30 shared objects of its own (OpenLDAP, Kerberos, libssh2, librtmp with GnuTLS,
/// …) whose loading and relocation were most of the start-up of every command, `digestx ref` and
/// shell completion included, and 8 MB of its resident memory. The functions digestx calls keep
/// their libcurl names and declarations (<curl/curl.h>); their definitions in this module open
/// the library on first use and forward to it. The three variadic ones are called through the
/// typed easy_setopt(), multi_setopt() and easy_getinfo() below instead: a C++ function cannot
/// take curl's enum before its `...` (va_start on a promoted type is undefined behaviour).

#include <string>
#include <type_traits>

#include <curl/curl.h>

#include "digestx/core/error.hpp"

namespace digestx::net {

namespace detail {
/// The opened libcurl's curl_easy_setopt, or nullptr when it could not be opened.
CURLcode (*easy_setopt_function())(CURL *, CURLoption, ...);
/// The opened libcurl's curl_multi_setopt, or nullptr when it could not be opened.
CURLMcode (*multi_setopt_function())(CURLM *, CURLMoption, ...);
/// The opened libcurl's curl_easy_getinfo, or nullptr when it could not be opened.
CURLcode (*easy_getinfo_function())(CURL *, CURLINFO, ...);
/// What an option may be given (curl.h: a long, a curl_off_t, or a pointer to data or to a
/// function); an int or a bool would be read as a long from a register holding less.
template <typename T>
inline constexpr bool option_argument =
    std::is_same_v<T, long> || std::is_same_v<T, curl_off_t> || std::is_pointer_v<T>;
} // namespace detail

/// curl_easy_setopt() of the opened libcurl; CURLE_FAILED_INIT when it could not be opened.
template <typename T> CURLcode easy_setopt(CURL *handle, CURLoption option, T value) {
    static_assert(detail::option_argument<T>, "a libcurl option takes a long, a curl_off_t or a pointer");
    auto *real = detail::easy_setopt_function();
    return real != nullptr ? real(handle, option, value) : CURLE_FAILED_INIT;
}

/// curl_multi_setopt() of the opened libcurl; CURLM_INTERNAL_ERROR when it could not be opened.
template <typename T> CURLMcode multi_setopt(CURLM *multi, CURLMoption option, T value) {
    static_assert(detail::option_argument<T>, "a libcurl option takes a long, a curl_off_t or a pointer");
    auto *real = detail::multi_setopt_function();
    return real != nullptr ? real(multi, option, value) : CURLM_INTERNAL_ERROR;
}

/// curl_easy_getinfo() of the opened libcurl (every CURLINFO_* answer is written through a
/// pointer); CURLE_FAILED_INIT when it could not be opened.
template <typename T> CURLcode easy_getinfo(CURL *handle, CURLINFO info, T *out) {
    auto *real = detail::easy_getinfo_function();
    return real != nullptr ? real(handle, info, out) : CURLE_FAILED_INIT;
}

/// The shared object opened: libcurl's soname has been 4 since curl 7.16.0 (2006), the one
/// Debian's libcurl4 ships and the .deb depends on.
inline constexpr const char *libcurl_soname = "libcurl.so.4";

/// Opens libcurl and finds every function digestx calls, once per process (later calls give the
/// first answer). An error (Internal: the installation lacks its libcurl) names the library and
/// what the dynamic loader said; transports call this before anything else of libcurl.
Result<void> load_libcurl();

/// Opens the shared object `name` as load_libcurl() opens libcurl, checks that it has every
/// function digestx calls, and closes it again; the same error when it cannot be used.
Result<void> probe_libcurl(const std::string &name);

} // namespace digestx::net

#pragma once
/// @file
/// libcurl, opened when a command first needs the network instead of when digestx starts. Debian's
/// libcurl brings 30 shared objects of its own (OpenLDAP, Kerberos, libssh2, librtmp with GnuTLS,
/// …) whose loading and relocation were most of the start-up of every command, `digestx ref` and
/// shell completion included, and 8 MB of its resident memory. The functions digestx calls keep
/// their libcurl names and declarations (<curl/curl.h>); their definitions in this module open
/// the library on first use and forward to it, so no call site knows.

#include <string>

#include "digestx/core/error.hpp"

namespace digestx::net {

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

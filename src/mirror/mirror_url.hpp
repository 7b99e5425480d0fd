#pragma once
/// @file
/// The URL forms a mirror is written in (`--mirror`, daemon.json `registry-mirrors`), taken apart
/// the same way for both.

#include <string_view>

namespace digestx::mirror {

/// A mirror URL without its scheme and trailing slashes.
struct MirrorUrl {
    std::string_view location; ///< host[:port][/namespace…] as written
    bool has_scheme = false;   ///< it began with http:// or https://
    bool plain_http = false;   ///< it began with http://
};

/// Splits `url` (`[http://|https://]host[:port][/path][/]`); the location keeps any path.
inline MirrorUrl split_mirror_url(std::string_view url) {
    MirrorUrl parts;
    if (url.substr(0, 7) == "http://") {
        parts.has_scheme = parts.plain_http = true;
        url.remove_prefix(7);
    } else if (url.substr(0, 8) == "https://") {
        parts.has_scheme = true;
        url.remove_prefix(8);
    }
    while (!url.empty() && url.back() == '/')
        url.remove_suffix(1);
    parts.location = url;
    return parts;
}

} // namespace digestx::mirror

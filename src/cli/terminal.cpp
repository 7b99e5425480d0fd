#include "terminal.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace digestx::cli {

bool use_color(const Context &ctx, const GlobalOptions &globals) {
    if (!ctx.out_is_terminal || globals.no_color) return false;
    auto no_color = ctx.env("NO_COLOR");
    return !no_color || no_color->empty();
}

bool utf8_locale(const Context &ctx) {
    for (const char *name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        auto value = ctx.env(name);
        if (!value || value->empty()) continue;
        std::string lower = *value;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
    }
    return false;
}

} // namespace digestx::cli

#include "terminal.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace digestx::cli {

Drawing decide_drawing(const Context &ctx, bool no_color_flag) {
    Drawing drawing;
    if (!ctx.out_is_terminal) return drawing;
    auto no_color = ctx.env("NO_COLOR");
    drawing.color = !no_color_flag && (!no_color || no_color->empty());
    drawing.unicode = utf8_locale(ctx);
    return drawing;
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

// Plain lists: one reference per line; blank lines and `#` comments (whole-line, or after a blank)
// are skipped, as in the image lists CI jobs keep for mirroring and pre-pulling.
#include <string_view>

#include "digestx/core/text.hpp"
#include "scan_support.hpp"

namespace digestx::pinning::detail {

void scan_list(Collector &collector) {
    auto bytes = collector.bytes();
    std::size_t start = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (start < bytes.size()) {
        auto newline = bytes.find('\n', start);
        auto stop = newline == std::string_view::npos ? bytes.size() : newline;
        auto line = bytes.substr(start, stop - start);
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
                line = line.substr(0, i);
                break;
            }
        }
        auto first = line.find_first_not_of(" \t\r");
        if (first != std::string_view::npos) {
            auto last = line.find_last_not_of(" \t\r");
            auto word = line.substr(first, last - first + 1);
            if (word.find_first_of(" \t") != std::string_view::npos) {
                collector.warn(start + first, "more than one word on a line: " + quoted(word) + "; skipped");
            } else {
                Found found;
                found.text = std::string(word);
                found.offset = start + first;
                found.span = Span{start + first, word.size()};
                found.style = TextStyle::Bare;
                found.context =
                    Context{ContextKind::ListEntry, "", "", "", collector.position(start).first, "", std::nullopt};
                collector.add(std::move(found));
            }
        }
        start = stop + 1;
    }
}

} // namespace digestx::pinning::detail

#include "fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>

namespace digestx::fuzz {

void check(bool holds, std::string_view what) {
    if (holds) return;
    std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
    std::abort();
}

std::size_t Input::choose(std::size_t count) {
    if (m_rest.empty() || count == 0) return 0;
    const auto byte = static_cast<unsigned char>(m_rest.front());
    m_rest.remove_prefix(1);
    return byte % count;
}

std::string_view Input::line() {
    const auto end = m_rest.find('\n');
    const auto taken = m_rest.substr(0, end);
    m_rest.remove_prefix(end == std::string_view::npos ? m_rest.size() : end + 1);
    return taken;
}

} // namespace digestx::fuzz

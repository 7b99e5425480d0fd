// How text is drawn, decided from the terminal facts alone: colour and box drawing on a
// terminal, NO_COLOR (no-color.org) and --no-color for colour only, plain ASCII in a pipe.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "digestx/cli/terminal.hpp"
#include "support/env_lookup.hpp"

namespace {

digestx::cli::Drawing drawing(bool terminal, const std::map<std::string, std::string> &env, bool no_color_flag) {
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in;
    digestx::cli::Context ctx{out, err, in, digestx::test::env_from(env), terminal, false};
    return digestx::cli::decide_drawing(ctx, no_color_flag);
}

} // namespace

TEST_CASE("colour and box drawing only on a terminal, NO_COLOR and --no-color for colour", "[terminal]") {
    struct Case {
        bool terminal;
        std::map<std::string, std::string> env;
        bool no_color_flag;
        bool color;
        bool unicode;
    };
    const std::map<std::string, std::string> utf8{{"LANG", "en_US.UTF-8"}};
    std::vector<Case> cases = {
        {true, utf8, false, true, true},
        {true, {}, false, true, false}, // no locale: the C locale, ASCII
        {false, utf8, false, false, false},
        {false, {}, false, false, false},
        {true, {{"LANG", "en_US.UTF-8"}, {"NO_COLOR", "1"}}, false, false, true},
        {true, {{"LANG", "en_US.UTF-8"}, {"NO_COLOR", ""}}, false, true, true}, // only a non-empty value counts
        {true, utf8, true, false, true},
        {false, {{"NO_COLOR", "1"}}, true, false, false},
        {true, {{"LC_ALL", "C"}, {"LANG", "en_US.UTF-8"}}, false, true, false},
    };
    for (const auto &c : cases) {
        std::string described;
        for (const auto &[key, value] : c.env)
            described += key + "=" + value + " ";
        INFO("terminal " << c.terminal << ", --no-color " << c.no_color_flag << ", " << described);
        auto decided = drawing(c.terminal, c.env, c.no_color_flag);
        CHECK(decided.color == c.color);
        CHECK(decided.unicode == c.unicode);
    }
}

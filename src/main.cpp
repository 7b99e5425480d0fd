#include <csignal>
#include <string>
#include <vector>

#include "digestx/cli/context.hpp"

int main(int argc, char **argv) {
    // A closed pipe (digestx … | head) must end quietly with a write error, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv, argv + argc);
    digestx::cli::Context ctx = digestx::cli::process_context();
    return digestx::cli::run(args, ctx);
}

#include <csignal>
#include <string>
#include <vector>

#include "digestx/cli/context.hpp"
#include "digestx/net/interrupt.hpp"

namespace {

extern "C" void on_interrupt(int signal_number) {
    // Only an atomic store: the transport notices it and ends its transfers (exit 130 or 143).
    digestx::net::request_interrupt(signal_number);
}

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    // A second Ctrl-C or SIGTERM gets the default action: a stuck process can always be stopped.
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
    // SIGTERM is how `timeout`, CI runners and container runtimes stop a job: the run ends the
    // same way, with nothing partial on stdout, and no temporary file of `pin` left behind.
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace

int main(int argc, char **argv) {
    // A closed pipe (digestx … | head) must end quietly with a write error, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    install_interrupt_handler();
    std::vector<std::string> args(argv, argv + argc);
    digestx::cli::Context ctx = digestx::cli::process_context();
    return digestx::cli::run(args, ctx);
}

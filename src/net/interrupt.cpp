#include "digestx/net/interrupt.hpp"

#include <atomic>

#include "digestx/core/error.hpp"

namespace digestx::net {
namespace {

// Written from a signal handler: only a lock-free atomic is safe to touch there. 0: not
// interrupted; otherwise the signal that asked for it.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

} // namespace

void request_interrupt(int signal_number) noexcept {
    g_signal.store(signal_number);
}

void clear_interrupt() noexcept {
    g_signal.store(0);
}

bool interrupted() noexcept {
    return g_signal.load() != 0;
}

int interrupt_exit_code() noexcept {
    return g_signal.load() == SIGTERM ? terminated_exit_code : exit_code(ErrorCode::Interrupted);
}

} // namespace digestx::net

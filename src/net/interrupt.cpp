#include "digestx/net/interrupt.hpp"

#include <atomic>

namespace digestx::net {
namespace {

// Written from a signal handler: only a lock-free atomic is safe to touch there.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

} // namespace

void request_interrupt() noexcept {
    g_interrupted.store(true);
}

void clear_interrupt() noexcept {
    g_interrupted.store(false);
}

bool interrupted() noexcept {
    return g_interrupted.load();
}

} // namespace digestx::net

#pragma once
/// @file
/// A clock that moves only when a test says so, for token expiry tests.

#include <chrono>

#include "digestx/auth/clock.hpp"

namespace digestx::test {

/// A Clock set and advanced by hand; starts at 2024-05-01T12:00:00Z.
class ManualClock final : public auth::Clock {
public:
    /// The fixed start time.
    static time_point start() {
        return time_point{std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours{12}};
    }
    /// The current (manual) time.
    [[nodiscard]] time_point now() const override { return m_now; }
    /// Moves time forward (or back, with a negative duration).
    void advance(std::chrono::seconds by) { m_now += by; }
    /// Sets the time.
    void set(time_point to) { m_now = to; }

private:
    time_point m_now = start();
};

} // namespace digestx::test

#pragma once
/// @file
/// The clock the token cache reads, behind an interface so that tests can move time by hand.

#include <chrono>

namespace digestx::auth {

/// A source of the current time.
class Clock {
public:
    /// Wall-clock time, comparable with a token's `issued_at`.
    using time_point = std::chrono::system_clock::time_point;
    virtual ~Clock() = default;
    /// The current time.
    [[nodiscard]] virtual time_point now() const = 0;
};

/// The system's wall clock.
class SystemClock final : public Clock {
public:
    /// std::chrono::system_clock::now().
    [[nodiscard]] time_point now() const override { return std::chrono::system_clock::now(); }
};

/// A process-wide SystemClock, the default for production code.
const Clock &system_clock();

} // namespace digestx::auth

#pragma once
/// @file
/// A process-wide interruption flag: a SIGINT handler sets it, the transport notices it between
/// and during transfers and ends them with ErrorCode::Interrupted (fault catalogue E4).

namespace digestx::net {

/// Asks every running and future transfer to stop. Async-signal-safe (a lock-free atomic store).
void request_interrupt() noexcept;

/// Clears the flag (tests, or a long-lived process starting a new command).
void clear_interrupt() noexcept;

/// Whether an interruption was requested.
[[nodiscard]] bool interrupted() noexcept;

} // namespace digestx::net

#pragma once
/// @file
/// A process-wide interruption flag: a SIGINT or SIGTERM handler sets it, the transport notices
/// it between and during transfers and ends them with ErrorCode::Interrupted (fault catalogue E4).

#include <csignal>

namespace digestx::net {

/// Asks every running and future transfer to stop because of `signal_number` (SIGINT or
/// SIGTERM). Async-signal-safe (a lock-free atomic store).
void request_interrupt(int signal_number = SIGINT) noexcept;

/// Clears the flag (tests, or a long-lived process starting a new command).
void clear_interrupt() noexcept;

/// Whether an interruption was requested.
[[nodiscard]] bool interrupted() noexcept;

/// The exit code of an interrupted run: 128 + the signal, as a shell shows for a program the
/// signal ended (130 for SIGINT, 143 for SIGTERM).
[[nodiscard]] int interrupt_exit_code() noexcept;

} // namespace digestx::net

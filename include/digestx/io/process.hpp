#pragma once
/// @file
/// Running a small helper program (a docker credential helper) without a shell: the program is
/// found on PATH by posix_spawnp, gets its input on stdin (closed after writing), has its stdout
/// captured up to a cap and its stderr discarded, and is killed (its whole process group) when it
/// outlives its time.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"

namespace digestx::io {

/// How a program run ended.
struct ProgramRun {
    int exit_status = -1;   ///< exit status, 128+signal when killed by a signal
    std::string out;        ///< stdout, at most the cap
    bool timed_out = false; ///< killed for taking longer than the timeout
    bool too_large = false; ///< killed for printing more than the cap
    bool not_found = false; ///< the program could not be started (not on PATH, not executable)
};

/// Runs `program` (a bare name, looked up on PATH as Go's exec.LookPath does: an executable
/// regular file, empty entries skipped; a name with a slash as it is) with `args`, writes
/// `input` to its stdin and closes it, reads stdout up to `max_output` bytes, discards stderr
/// (it may hold secrets), and kills the process group after `timeout`. ErrorCode::Internal only
/// when the system cannot make pipes or processes; everything the program does is reported in
/// ProgramRun.
Result<ProgramRun> run_program(const std::string &program, const std::vector<std::string> &args, std::string_view input,
                               std::chrono::milliseconds timeout, std::size_t max_output);

} // namespace digestx::io

#pragma once
/// @file
/// Resolves many references for `check` and `pin`: grouped by repository, each group through one
/// source (one connection pool and one token per repository), at most `jobs` groups at a time, so
/// at most `jobs` requests are in flight. The threads live here, at the edge; the pin logic they
/// run is single-threaded. A progress line is drawn on stderr when it is a terminal and the work
/// takes more than a moment.

#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "command.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx::cli {

/// Makes the source of a reference's repository, writing its warnings to the given stream.
using SourceMaker = std::function<Result<std::unique_ptr<Source>>(const Reference &, std::ostream &)>;

/// The work for one reference: `item` is its position in the list given to run_by_repository().
using ReferenceWork = std::function<void(Source &source, std::size_t item)>;

/// The key references are grouped by: registry endpoint and repository, or the local source.
std::string repository_key(const Reference &reference);

/// Runs `work` for every reference. References of one repository run in order through one source,
/// which observes each tag once however many references name it;
/// a source that cannot be made fails every call of its group with that error. Diagnostics are
/// written to ctx.err one group at a time. `what` names the work in the progress line ("checking").
void run_by_repository(const std::vector<Reference> &references, std::size_t jobs, const SourceMaker &make_source,
                       const ReferenceWork &work, Context &ctx, const std::string &what);

} // namespace digestx::cli

#pragma once
/// @file
/// Which Source reads a reference: the one place that maps a reference's kind to an
/// implementation, so commands never construct sources themselves.

#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/source/registry_source.hpp"
#include "digestx/source/source.hpp"

namespace digestx::cli {

/// The source for `reference`: an OciLayoutSource for `oci:DIR`, a RegistrySource (transport,
/// credentials and diagnostics from the global options) for a registry reference. Kinds this
/// build cannot read are ErrorCode::Usage errors that name the kind.
Result<std::unique_ptr<Source>> make_source(const Reference &reference, const GlobalOptions &globals, Context &ctx);

/// The RegistrySource for a registry `reference`, sending `accept` as the manifest Accept list
/// (empty: the full list), for callers that also use its client directly (`inspect --accept`).
Result<std::unique_ptr<RegistrySource>> make_registry_source(const Reference &reference, const GlobalOptions &globals,
                                                             Context &ctx, std::vector<std::string> accept = {});

} // namespace digestx::cli

#pragma once
// Helpers shared by the pin logic files (pin_reader.cpp, pin_target.cpp, pin_verify.cpp).

#include <optional>
#include <string>

#include "digestx/core/model.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/resolve/pin_check.hpp"

namespace digestx::pin_detail {

/// The registry digest of a document recomputed in `algorithm` (the JWS payload for schema1, as
/// the registry digest itself is computed).
Digest rehash(const Document &document, DigestAlgorithm algorithm);

/// The platform a single image manifest is for, read from its config (one blob read); a schema1
/// manifest names its architecture itself. Errors are returned as they come.
Result<Platform> manifest_platform(Source &source, const Document &manifest);

/// The reference reading exactly `digest` (its tag kept, as a label only).
Reference at_digest(const Reference &reference, const Digest &digest);

} // namespace digestx::pin_detail

#pragma once
/// @file
/// The machine form of `inspect` (`-o json`): one versioned document per run, every digest in
/// full, camelCase keys that never change meaning within a schema version. The schema is
/// documented field by field in docs/inspect-json.md; tests walk real output against it.

#include <iosfwd>
#include <string_view>

#include <nlohmann/json.hpp>

#include "digestx/core/image_tree.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/explain/explain.hpp"

namespace digestx::render {

/// The `schemaVersion` of the inspect document; raised only when a key changes meaning or goes.
inline constexpr int inspect_schema_version = 1;

/// A reference as `digestx ref -o json` describes it, without `schemaVersion`: input, canonical,
/// familiar, registry, endpoint, repository, tag, digest, source (null for a registry).
nlohmann::ordered_json reference_json(const Reference &reference, std::string_view input);

/// A platform object: os, architecture, variant, osVersion (null when unset), osFeatures.
nlohmann::ordered_json platform_json(const Platform &platform);

/// The whole inspect document for a resolved and explained tree; `input` is the reference as
/// the user typed it.
nlohmann::ordered_json inspect_json(const ImageTree &tree, const Explanation &explanation, std::string_view input);

/// Writes inspect_json() indented by two spaces, with a final newline. Bytes that are not UTF-8
/// (a layout path, say) are replaced by U+FFFD rather than failing the run.
void write_json(std::ostream &out, const ImageTree &tree, const Explanation &explanation, std::string_view input);

} // namespace digestx::render

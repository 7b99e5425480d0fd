#pragma once
/// @file
/// Small resolved and explained trees covering every shape the renderers draw: a manifest list,
/// an OCI index with attestations, nested indexes, an artifact, a single-platform image, a
/// partial failure, and one full of hostile strings. Built with MemorySource and the document
/// builders, so every digest is real and every run is byte-for-byte the same.

#include <string>
#include <vector>

#include "digestx/explain/explain.hpp"

namespace digestx::test {

/// One tree ready to render.
struct RenderScenario {
    std::string name;        ///< short name, also the golden file stem ("list", "partial")
    std::string input;       ///< the reference as typed
    ImageTree tree;          ///< the resolved tree
    Explanation explanation; ///< its explanation
};

/// Every scenario, in a fixed order.
std::vector<RenderScenario> render_scenarios();

/// The hostile text that scenario "hostile" plants in error messages: ANSI and OSC escapes, a
/// newline, and a GitHub Actions workflow command.
inline constexpr const char *hostile_text = "\x1b[31mred\x1b]0;title\x07\n::set-output name=x::y";

} // namespace digestx::test

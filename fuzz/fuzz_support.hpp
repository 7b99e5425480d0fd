#pragma once
/// @file
/// What every fuzz target shares: the libFuzzer entry point's declaration, an invariant check
/// that stops the run the way a crash does (so libFuzzer saves the input and the corpus replay
/// fails), and a reader that splits one input into the several values a target needs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

/// The libFuzzer entry point each target defines (llvm.org/docs/LibFuzzer.html "Fuzz Target").
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace digestx::fuzz {

/// Aborts with `what` on stderr when `holds` is false: libFuzzer reports an abort as a crash
/// and keeps the input, and the replay executable exits non-zero.
void check(bool holds, std::string_view what);

/// The fuzzer's bytes, taken apart front to back. Taking past the end yields empty values, so
/// a target never has to check the size first and every input means something.
class Input {
public:
    /// Wraps the bytes libFuzzer passes.
    Input(const std::uint8_t *data, std::size_t size) : m_rest(reinterpret_cast<const char *>(data), size) {}

    /// One byte as a choice among `count` alternatives (0 when nothing is left).
    std::size_t choose(std::size_t count);
    /// The bytes up to the next newline (which is consumed), or all that is left.
    std::string_view line();
    /// Everything not yet taken.
    std::string_view rest() const noexcept { return m_rest; }

private:
    std::string_view m_rest;
};

} // namespace digestx::fuzz

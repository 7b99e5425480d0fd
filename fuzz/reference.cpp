/// @file
/// Fuzz target: image references and digests, as a user types them and as files hold them.
/// Invariants: whatever parses re-parses from its printed form to the same value (canonical,
/// familiar, grammar parts, bare digests), and the printed forms agree with one another.

#include <string>

#include "digestx/core/digest.hpp"
#include "digestx/core/reference.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;

namespace {

void check_digest(std::string_view text) {
    const auto digest = digestx::Digest::parse(text);
    if (!digest) return;
    const auto printed = digest->str();
    const auto again = digestx::Digest::parse(printed);
    check(again && *again == *digest, "a digest re-parses from str() to the same value");
    check(digest->hex().size() == (digest->algorithm() == digestx::DigestAlgorithm::Sha256 ? 64U : 128U),
          "a digest's hex has the length of its algorithm");
    check(digestx::grammar::is_digest(printed), "a valid digest matches the reference grammar's digest pattern");
}

void check_reference(std::string_view text) {
    const auto reference = digestx::parse_reference(text);
    if (!reference) return;
    // The `latest` parse_reference() adds is written out by canonical(), so the re-parsed value
    // has it as a written tag; everything else must be identical.
    const auto canonical = digestx::parse_reference(reference->canonical());
    check(canonical.has_value(), "a reference's canonical form parses");
    check(canonical->canonical() == reference->canonical(), "canonical() is a fixed point");
    check(canonical->registry() == reference->registry() && canonical->repository() == reference->repository() &&
              canonical->tag() == reference->tag() && canonical->digest() == reference->digest() &&
              canonical->source() == reference->source() && canonical->source_path() == reference->source_path(),
          "a reference re-parses from canonical() to the same value");
    const auto familiar = digestx::parse_reference(reference->familiar());
    check(familiar && familiar->canonical() == reference->canonical(), "familiar() names the same reference");
    if (reference->source() != digestx::SourceKind::Registry) return;
    check(!reference->manifest_reference().empty(), "a registry reference asks for a tag or a digest");
    check(digestx::grammar::is_domain(reference->registry()), "the registry is a domain");
    check(reference->parts().str() == reference->canonical(), "parts() prints as canonical()");
    const auto docker_ref = digestx::parse_docker_ref(reference->canonical());
    check(docker_ref && docker_ref->registry() == reference->registry(), "ParseDockerRef keeps the registry");
}

void check_parts(std::string_view text) {
    const auto parts = digestx::parse_reference_parts(text);
    if (!parts) return;
    const auto again = digestx::parse_reference_parts(parts->str());
    check(again && *again == *parts, "grammar parts re-parse from str() to the same value");
    check(parts->str() == text, "grammar parts print as written");
    const auto name = digestx::parse_name_parts(parts->name());
    check(name && name->domain == parts->domain && name->path == parts->path, "the name of parts parses alone");
}

void check_any(std::string_view text) {
    const auto any = digestx::parse_any_reference(text);
    if (!any) return;
    const auto again = digestx::parse_any_reference(any->str());
    check(again && again->str() == any->str(), "ParseAnyReference re-parses from String()");
    // The pattern is the input's first line; a malformed pattern is an error, never a crash.
    const auto pattern = text.substr(0, text.find('\n'));
    (void)digestx::familiar_match(pattern, *any);
    const auto named = digestx::parse_named(any->str());
    check(any->is_digest_only() || named.has_value(), "a normalised name is canonical");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    const auto choice = input.choose(2);
    const auto text = input.rest();
    check_digest(text);
    check_reference(text);
    check_parts(text);
    check_any(text);
    if (choice == 1) {
        // A glob over the rest: first line the pattern, the remainder the name.
        const auto pattern = input.line();
        (void)digestx::glob_match(pattern, input.rest());
    }
    return 0;
}

// distribution/reference's own entry points over the grammar (reference.go Parse, WithName,
// WithTag, WithDigest) and the anchored regexps of regexp.go as yes/no checks. They exist so the
// peer's test vectors can be run against digestx unchanged; digestx itself resolves references
// through parse_reference() in reference.cpp.
#include <algorithm>

#include "digestx/core/reference.hpp"
#include "digestx/core/text.hpp"
#include "reference_grammar.hpp"

namespace digestx {

using namespace reference_detail;

std::string ReferenceParts::name() const {
    return domain.empty() ? path : domain + "/" + path;
}

std::string ReferenceParts::str() const {
    std::string text = name();
    if (tag) text += ":" + *tag;
    if (digest) text += "@" + *digest;
    return text;
}

Result<ReferenceParts> parse_reference_parts(std::string_view text) {
    if (text.empty()) return fail(reference_error(text, Fault{"reference is empty"}));
    ReferenceParts parts;
    if (auto fault = match_parts(text, parts)) {
        // reference.go: when only lowercasing makes it parse, the repository has uppercase letters.
        std::string lower = ascii_lowercase(text);
        ReferenceParts lowered;
        if (lower != text && !match_parts(lower, lowered)) {
            std::size_t path_offset = lowered.domain.empty() ? 0 : lowered.domain.size() + 1;
            auto upper = first_uppercase(text.substr(path_offset, lowered.path.size()), path_offset);
            std::size_t at = upper ? *upper : *first_uppercase(text, 0);
            return fail(reference_error(text, Fault{"repository name must be lowercase (" + describe_char(text, at) +
                                                    " at " + position(at) + ")"}));
        }
        return fail(reference_error(text, *fault));
    }
    if (auto fault = check_path_length(parts.path)) return fail(reference_error(text, *fault));
    if (parts.digest) {
        std::optional<Digest> digest;
        if (auto fault = parse_digest(*parts.digest, text.find('@') + 1, digest)) {
            return fail(reference_error(text, *fault));
        }
    }
    return parts;
}

Result<ReferenceParts> parse_name_parts(std::string_view name) {
    if (name.empty()) return fail(reference_error(name, Fault{"invalid reference format: repository name is empty"}));
    if (auto fault = check_not_url(name)) return fail(reference_error(name, *fault));
    ReferenceParts parts;
    if (auto fault = split_name(name, 0, parts)) return fail(reference_error(name, *fault));
    if (auto fault = check_path_length(parts.path)) return fail(reference_error(name, *fault));
    return parts;
}

Result<ReferenceParts> with_tag(ReferenceParts parts, std::string_view tag) {
    if (!grammar::is_tag(tag))
        return fail(ErrorCode::Usage, "invalid tag " + quoted(tag, 60) + ": " + std::string(tag_rule));
    parts.tag = std::string(tag);
    return parts;
}

Result<ReferenceParts> with_digest(ReferenceParts parts, std::string_view digest) {
    if (!grammar::is_digest(digest)) {
        return fail(ErrorCode::Usage,
                    "invalid digest format " + quoted(digest, 80) + ": expected algorithm:hex (32 or more hex digits)");
    }
    parts.digest = std::string(digest);
    return parts;
}

namespace grammar {

bool is_domain(std::string_view text) {
    return !check_domain(text, 0);
}

std::optional<ReferenceParts> match_name(std::string_view text) {
    ReferenceParts parts;
    if (text.empty() || split_name(text, 0, parts)) return std::nullopt;
    return parts;
}

std::optional<ReferenceParts> match_reference(std::string_view text) {
    ReferenceParts parts;
    if (text.empty() || match_parts(text, parts)) return std::nullopt;
    return parts;
}

bool is_tag(std::string_view text) {
    return !text.empty() && !check_tag(text, 1);
}

bool is_digest(std::string_view text) {
    return !text.empty() && !check_digest_pattern(text, 1);
}

bool is_identifier(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace grammar

} // namespace digestx

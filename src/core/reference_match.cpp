// Glob matching of references the way distribution/reference's FamiliarMatch does it, which is
// Go's path.Match (src/path/match.go) over the familiar string. Ported step by step so patterns
// behave identically, including the rule that a malformed pattern is an error even when an earlier
// chunk already failed to match.
#include <optional>

#include "digestx/core/reference.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

constexpr char32_t rune_error = 0xFFFD;

struct Rune {
    char32_t value = rune_error;
    std::size_t length = 0; // bytes consumed; 1 for an invalid byte, 0 at the end of input
};

// utf8.DecodeRuneInString: invalid or truncated sequences decode as U+FFFD of length 1.
Rune decode_rune(std::string_view text) {
    if (text.empty()) return {rune_error, 0};
    auto lead = static_cast<unsigned char>(text[0]);
    if (lead < 0x80) return {lead, 1};
    std::size_t length = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
    if (length == 0 || text.size() < length) return {rune_error, 1};
    char32_t value = lead & (0x7FU >> length);
    for (std::size_t i = 1; i < length; ++i) {
        auto next = static_cast<unsigned char>(text[i]);
        if ((next & 0xC0U) != 0x80U) return {rune_error, 1};
        value = (value << 6U) | (next & 0x3FU);
    }
    bool overlong = (length == 3 && value < 0x800) || (length == 4 && value < 0x10000);
    if (overlong || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {rune_error, 1};
    return {value, length};
}

struct Chunk {
    bool star = false;
    std::string_view chunk;
    std::string_view rest;
};

// scanChunk: the next run of non-star pattern, after any leading stars.
Chunk scan_chunk(std::string_view pattern) {
    Chunk out;
    while (!pattern.empty() && pattern[0] == '*') {
        pattern.remove_prefix(1);
        out.star = true;
    }
    bool in_range = false;
    std::size_t i = 0;
    for (; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\') {
            if (i + 1 < pattern.size()) ++i;
        } else if (c == '[') {
            in_range = true;
        } else if (c == ']') {
            in_range = false;
        } else if (c == '*' && !in_range) {
            break;
        }
    }
    out.chunk = pattern.substr(0, i);
    out.rest = pattern.substr(i);
    return out;
}

// getEsc: one possibly escaped character of a class; false for ErrBadPattern.
bool get_escaped(std::string_view &chunk, char32_t &rune) {
    if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') return false;
    if (chunk[0] == '\\') {
        chunk.remove_prefix(1);
        if (chunk.empty()) return false;
    }
    Rune decoded = decode_rune(chunk);
    rune = decoded.value;
    chunk.remove_prefix(decoded.length);
    return !(decoded.value == rune_error && decoded.length == 1) && !chunk.empty();
}

// The `[...]` at the front of `chunk` against rune `r`; false for ErrBadPattern.
bool match_class(std::string_view &chunk, char32_t r, bool &failed) {
    chunk.remove_prefix(1);
    bool negated = !chunk.empty() && chunk[0] == '^';
    if (negated) chunk.remove_prefix(1);
    bool matched = false;
    for (int ranges = 0;; ++ranges) {
        if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
            chunk.remove_prefix(1);
            break;
        }
        char32_t lo = 0;
        if (!get_escaped(chunk, lo)) return false;
        char32_t hi = lo;
        if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            if (!get_escaped(chunk, hi)) return false;
        }
        if (lo <= r && r <= hi) matched = true;
    }
    if (matched == negated) failed = true;
    return true;
}

// matchChunk: the rest of `s` after `chunk` matched its front, nullopt when it did not; `bad` is
// set for a malformed chunk.
std::optional<std::string_view> match_chunk(std::string_view chunk, std::string_view s, bool &bad) {
    bool failed = false;
    while (!chunk.empty()) {
        if (!failed && s.empty()) failed = true;
        char c = chunk[0];
        if (c == '[') {
            char32_t r = 0;
            if (!failed) {
                Rune decoded = decode_rune(s);
                r = decoded.value;
                s.remove_prefix(decoded.length);
            }
            if (!match_class(chunk, r, failed)) {
                bad = true;
                return std::nullopt;
            }
            continue;
        }
        if (c == '?') {
            if (!failed) {
                if (s[0] == '/') failed = true;
                s.remove_prefix(decode_rune(s).length);
            }
            chunk.remove_prefix(1);
            continue;
        }
        if (c == '\\') {
            chunk.remove_prefix(1);
            if (chunk.empty()) {
                bad = true;
                return std::nullopt;
            }
        }
        if (!failed) {
            if (chunk[0] != s[0]) failed = true;
            s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
    }
    if (failed) return std::nullopt;
    return s;
}

tl::unexpected<Error> bad_pattern(std::string_view pattern) {
    return fail(ErrorCode::Usage, "malformed pattern " + quoted(pattern, 100) + ": syntax error in pattern");
}

} // namespace

Result<bool> glob_match(std::string_view pattern, std::string_view name) {
    const std::string_view whole = pattern;
    while (!pattern.empty()) {
        Chunk next = scan_chunk(pattern);
        pattern = next.rest;
        if (next.star && next.chunk.empty()) return name.find('/') == std::string_view::npos;
        bool bad = false;
        auto rest = match_chunk(next.chunk, name, bad);
        if (rest && (rest->empty() || !pattern.empty())) {
            name = *rest;
            continue;
        }
        if (bad) return bad_pattern(whole);
        bool advanced = false;
        for (std::size_t i = 0; next.star && i < name.size() && name[i] != '/'; ++i) {
            auto skipped = match_chunk(next.chunk, name.substr(i + 1), bad);
            if (bad) return bad_pattern(whole);
            if (skipped && (!pattern.empty() || skipped->empty())) {
                name = *skipped;
                advanced = true;
                break;
            }
        }
        if (advanced) continue;
        // Before answering "no", the rest of the pattern must still be well formed.
        while (!pattern.empty()) {
            Chunk later = scan_chunk(pattern);
            pattern = later.rest;
            match_chunk(later.chunk, "", bad);
            if (bad) return bad_pattern(whole);
        }
        return false;
    }
    return name.empty();
}

Result<bool> familiar_match(std::string_view pattern, const AnyReference &reference) {
    // The peer's FamiliarString: `oci:*` matches Docker Hub's library/oci:1 there.
    const auto *named = std::get_if<Reference>(&reference.value);
    auto matched = glob_match(pattern, named != nullptr ? named->docker_familiar() : reference.familiar());
    if (!matched) return matched;
    if (!*matched && !reference.is_digest_only()) {
        auto by_name = glob_match(pattern, std::get<Reference>(reference.value).familiar_name());
        return by_name && *by_name;
    }
    return matched;
}

} // namespace digestx

// Byte-exact rewriting: each edit replaces the bytes of one reference, encoded the way the
// surrounding text is written, and everything between edits is copied unchanged.
#include "digestx/pinning/rewrite.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "digestx/core/text.hpp"

namespace digestx::pinning {
namespace {

bool is_control(char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
}
bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

Result<std::string> refuse(std::string_view text, std::string_view why) {
    return fail(ErrorCode::Usage, "cannot write " + quoted(text) + " here: " + std::string(why));
}

// YAML 1.2 §7.3.3: a plain scalar may not start with an indicator, may not contain `: ` or ` #`,
// and inside a flow collection may not contain `,[]{}`; the span may sit in either, so both rules hold.
Result<std::string> encode_plain_yaml(std::string_view text) {
    constexpr std::string_view indicators = "-?:,[]{}#&*!|>'\"%@`";
    if (indicators.find(text.front()) != std::string_view::npos) {
        return refuse(text, "a plain YAML scalar cannot start with it");
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (is_control(c) || is_blank(c) || std::string_view(",[]{}").find(c) != std::string_view::npos) {
            return refuse(text, "a plain YAML scalar cannot hold it");
        }
    }
    if (text.back() == ':') return refuse(text, "a plain YAML scalar cannot end with ':'");
    return std::string(text);
}

std::string encode_double_quoted(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (is_control(c)) {
            std::array<char, 8> buffer{};
            std::snprintf(buffer.data(), buffer.size(), "\\x%02x", static_cast<unsigned char>(c));
            out += buffer.data();
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

Result<std::string> encode_for_style(std::string_view text, TextStyle style) {
    if (text.empty()) return fail(ErrorCode::Usage, "cannot write an empty reference");
    switch (style) {
    case TextStyle::Bare:
        if (std::any_of(text.begin(), text.end(), [](char c) { return is_control(c) || is_blank(c) || c == '#'; })) {
            return refuse(text, "a list entry cannot hold whitespace, control characters or '#'");
        }
        return std::string(text);
    case TextStyle::DockerfileWord:
        // A Dockerfile word is expanded again by the builder: quotes, `$` and escapes would change it.
        if (std::any_of(text.begin(), text.end(), [](char c) {
                return is_control(c) || is_blank(c) || std::string_view("\"'$\\`").find(c) != std::string_view::npos;
            })) {
            return refuse(text, "a Dockerfile word cannot hold whitespace, quotes, '$' or escape characters");
        }
        return std::string(text);
    case TextStyle::YamlPlain: return encode_plain_yaml(text);
    case TextStyle::YamlSingleQuoted: {
        if (std::any_of(text.begin(), text.end(), is_control)) {
            return refuse(text, "a single-quoted YAML scalar cannot hold control characters");
        }
        std::string out;
        for (char c : text) {
            out += c;
            if (c == '\'') out += '\'';
        }
        return out;
    }
    case TextStyle::YamlDoubleQuoted: return encode_double_quoted(text);
    }
    return fail(ErrorCode::Internal, "unknown text style");
}

Result<Edit> edit_for(const Occurrence &occurrence, std::string new_text) {
    if (!occurrence.span) {
        return fail(ErrorCode::Usage, "cannot rewrite " + quoted(occurrence.text) + " at " + sanitize(occurrence.file) +
                                          ":" + std::to_string(occurrence.line) + ":" +
                                          std::to_string(occurrence.column) + ": " + occurrence.span_problem);
    }
    return Edit{*occurrence.span, occurrence.text, occurrence.style, std::move(new_text)};
}

Result<std::string> apply_edits(std::string_view original, std::vector<Edit> edits) {
    std::sort(edits.begin(), edits.end(), [](const Edit &a, const Edit &b) { return a.span.offset < b.span.offset; });
    std::string out;
    out.reserve(original.size());
    std::size_t copied = 0;
    const Edit *previous = nullptr;
    for (const auto &edit : edits) {
        auto where = "at byte " + std::to_string(edit.span.offset);
        if (previous != nullptr && previous->span == edit.span && previous->new_text == edit.new_text &&
            previous->style == edit.style) {
            continue;
        }
        if (edit.span.length == 0) return fail(ErrorCode::Usage, "empty edit " + where);
        if (edit.span.offset < copied) return fail(ErrorCode::Usage, "overlapping edits " + where);
        if (edit.span.offset > original.size() || edit.span.length > original.size() - edit.span.offset) {
            return fail(ErrorCode::Usage, "edit " + where + " is past the end of the file");
        }
        if (original.substr(edit.span.offset, edit.span.length) != edit.old_text) {
            return fail(ErrorCode::Usage,
                        "the file changed since it was scanned: " + quoted(edit.old_text) + " is no longer " + where);
        }
        auto encoded = encode_for_style(edit.new_text, edit.style);
        if (!encoded) return fail(std::move(encoded.error()));
        out.append(original.substr(copied, edit.span.offset - copied));
        out += *encoded;
        copied = edit.span.offset + edit.span.length;
        previous = &edit;
    }
    out.append(original.substr(copied));
    return out;
}

Result<std::string> pinned_text(std::string_view written, const Digest &digest, PinMode mode) {
    auto reference = parse_reference(written);
    if (!reference) return fail(std::move(reference.error()));
    if (reference->source() != SourceKind::Registry) {
        return fail(ErrorCode::Usage, "cannot pin " + quoted(written) + ": it is not a registry reference");
    }
    auto parts = parse_reference_parts(written);
    if (!parts) return fail(std::move(parts.error()));
    if (parts->digest && mode == PinMode::KeepDigest) return std::string(written);
    std::string out = parts->name();
    if (parts->tag)
        out += ":" + *parts->tag;
    else if (!parts->digest)
        out += ":" + std::string(default_tag);
    return out + "@" + digest.str();
}

} // namespace digestx::pinning

#include "digestx/registry/headers.hpp"

#include <cctype>

#include "digestx/core/text.hpp"

namespace digestx::registry {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

// Reads an RFC 9110 quoted-string starting at text[pos] == '"'; pos ends after the closing quote.
std::optional<std::string> quoted_string(std::string_view text, std::size_t &pos) {
    std::string out;
    for (++pos; pos < text.size(); ++pos) {
        char c = text[pos];
        if (c == '"') {
            ++pos;
            return out;
        }
        if (c == '\\' && pos + 1 < text.size()) c = text[++pos];
        out += c;
    }
    return std::nullopt;
}

// One `<uri>; param; param` link of a Link value starting at pos; pos ends after its ','.
struct Link {
    std::string target;
    bool next = false;
};

std::optional<Link> read_link(std::string_view value, std::size_t &pos) {
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t' || value[pos] == ','))
        ++pos;
    if (pos >= value.size() || value[pos] != '<') return std::nullopt;
    auto close = value.find('>', pos);
    if (close == std::string_view::npos) return std::nullopt;
    Link link{std::string(value.substr(pos + 1, close - pos - 1)), false};
    pos = close + 1;
    while (pos < value.size() && value[pos] != ',') {
        if (value[pos] != ';') {
            ++pos;
            continue;
        }
        ++pos;
        auto equals = value.find('=', pos);
        if (equals == std::string_view::npos) return std::nullopt;
        std::string_view name = trim(value.substr(pos, equals - pos));
        pos = equals + 1;
        while (pos < value.size() && value[pos] == ' ')
            ++pos;
        std::string param;
        if (pos < value.size() && value[pos] == '"') {
            auto text = quoted_string(value, pos);
            if (!text) return std::nullopt;
            param = *text;
        } else {
            auto end = value.find_first_of(";,", pos);
            param =
                std::string(trim(value.substr(pos, end == std::string_view::npos ? value.size() - pos : end - pos)));
            pos = end == std::string_view::npos ? value.size() : end;
        }
        if (iequals(name, "rel")) {
            // rel may list several relation types separated by spaces (RFC 8288 §3.3).
            std::size_t start = 0;
            while (start <= param.size()) {
                auto space = param.find(' ', start);
                auto token = std::string_view(param).substr(start, space == std::string::npos ? std::string::npos
                                                                                              : space - start);
                if (iequals(token, "next")) link.next = true;
                if (space == std::string::npos) break;
                start = space + 1;
            }
        }
    }
    return link;
}

} // namespace

HeaderDigest read_header_digest(const net::HttpResponse &response) {
    HeaderDigest reading;
    auto values = response.headers_named("docker-content-digest");
    if (values.empty()) return reading;
    std::string joined;
    for (const auto &value : values)
        joined += (joined.empty() ? "" : ", ") + value;
    reading.shown = sanitize(joined, 160);
    if (values.size() > 1) {
        reading.problem = std::to_string(values.size()) + " Docker-Content-Digest headers";
        return reading;
    }
    std::string_view value = trim(values.front());
    if (value.size() > max_header_digest_bytes) {
        reading.problem = "Docker-Content-Digest of " + std::to_string(value.size()) + " bytes";
        return reading;
    }
    if (value.find(',') != std::string_view::npos) {
        reading.problem = "several values in one Docker-Content-Digest header";
        return reading;
    }
    auto digest = Digest::parse(value);
    if (!digest) {
        reading.problem = "Docker-Content-Digest is not a usable digest: " + digest.error().message;
        return reading;
    }
    reading.digest = *digest;
    return reading;
}

std::vector<std::string> warning_texts(const net::HttpResponse &response) {
    std::vector<std::string> texts;
    for (const auto &value : response.headers_named("warning")) {
        // One header may carry several comma-separated warnings: `299 - "a", 299 - "b"`.
        std::size_t pos = 0;
        while (pos < value.size()) {
            while (pos < value.size() && (value[pos] == ' ' || value[pos] == ','))
                ++pos;
            auto space = value.find(' ', pos);
            if (space == std::string::npos) break;
            std::string_view code = std::string_view(value).substr(pos, space - pos);
            auto quote = value.find('"', space);
            if (quote == std::string::npos) break;
            pos = quote;
            auto text = quoted_string(value, pos);
            if (!text) break;
            if (code == "299") texts.push_back(std::move(*text));
            // Skip an optional warn-date ("…") up to the next warning.
            auto comma = value.find(',', pos);
            auto next_quote = value.find('"', pos);
            if (next_quote != std::string::npos && (comma == std::string::npos || next_quote < comma)) {
                std::size_t date = next_quote;
                if (!quoted_string(value, date)) break;
                pos = date;
            }
        }
    }
    return texts;
}

std::optional<std::string> next_link(const net::HttpResponse &response) {
    for (const auto &value : response.headers_named("link")) {
        std::size_t pos = 0;
        while (pos < value.size()) {
            auto link = read_link(value, pos);
            if (!link) break;
            if (link->next) return link->target;
        }
    }
    return std::nullopt;
}

} // namespace digestx::registry

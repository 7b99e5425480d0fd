#include "digestx/mirror/mirrors.hpp"
#include "mirror_url.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

#include "digestx/core/text.hpp"

namespace digestx::mirror {
namespace {

// How many characters of `name` the prefix covers, or nullopt. containers/image
// (sysregistriesv2 `refMatchingPrefix`) lets "example.com" match "example.com:5000/…" and calls
// that unintended; here a prefix ends at a path separator, a tag or a digest only, so another
// port of the host never matches.
std::optional<std::size_t> prefix_match(std::string_view name, std::string_view host, std::string_view prefix) {
    if (prefix.empty()) return std::nullopt;
    if (prefix.substr(0, 2) == "*.") {
        // `*.example.com`: a subdomain of the host, the whole host matched (registries.conf(5)).
        std::string_view suffix = prefix.substr(1);
        if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix &&
            host.find(':') == std::string_view::npos) {
            return host.size();
        }
        return std::nullopt;
    }
    if (name.size() < prefix.size() || name.substr(0, prefix.size()) != prefix) return std::nullopt;
    if (name.size() == prefix.size()) return prefix.size();
    char next = name[prefix.size()];
    if (next == '/' || next == '@' || (next == ':' && prefix.find('/') != std::string_view::npos)) {
        return prefix.size();
    }
    return std::nullopt;
}

// The reference at `location` + the part of the name the prefix did not cover, keeping the tag
// and digest.
Result<Reference> relocate(const Reference &reference, std::string_view full, std::size_t matched,
                           std::string_view location, const std::string &origin) {
    std::string text = std::string(location) + std::string(full.substr(matched));
    auto relocated = parse_reference(text);
    if (!relocated || relocated->source() != SourceKind::Registry) {
        return fail(ErrorCode::Usage, origin + ": location " + quoted(location) + " turns " +
                                          quoted(reference.canonical()) + " into " + quoted(text) +
                                          ", which is not a registry reference");
    }
    return *relocated;
}

std::string name_with_target(const Reference &reference) {
    std::string text = reference.name();
    if (reference.tag() && !reference.digest()) text += ":" + *reference.tag();
    if (reference.digest()) text += "@" + reference.digest()->str();
    return text;
}

bool serves(MirrorPulls pulls, const Reference &reference) {
    switch (pulls) {
    case MirrorPulls::All: return true;
    case MirrorPulls::DigestOnly: return reference.digest().has_value();
    case MirrorPulls::TagOnly: return !reference.digest().has_value();
    }
    return false;
}

} // namespace

Result<Route> route(const Reference &reference, const MirrorConfig &config) {
    Route result{{}, Endpoint{reference, false, false, reference.registry(), ""}};
    if (reference.source() != SourceKind::Registry) return result;
    // Matched on the full name with the tag or digest, as registries.conf(5) allows prefixes that
    // name a tag; the name alone is a prefix of it, so one comparison serves every form.
    const std::string full = name_with_target(reference);
    std::size_t best = 0;
    std::vector<const RegistryRule *> chosen;
    for (const auto &rule : config.rules) {
        auto matched = prefix_match(full, reference.registry(), rule.prefix);
        if (!matched) continue;
        if (*matched > best) {
            best = *matched;
            chosen.clear();
        }
        if (*matched == best) chosen.push_back(&rule);
    }
    if (chosen.empty()) return result;
    for (const RegistryRule *rule : chosen) {
        if (rule->blocked) {
            return fail(ErrorCode::Usage, "pulls of " + quoted(reference.canonical()) + " are blocked by " +
                                              sanitize(rule->origin, 300) + " (prefix " + quoted(rule->prefix) + ")");
        }
    }
    for (const RegistryRule *rule : chosen) {
        if (!rule->location.empty() && rule->location != rule->prefix && result.upstream.origin.empty()) {
            if (rule->prefix.substr(0, 2) == "*.") {
                return fail(ErrorCode::Usage, sanitize(rule->origin, 300) + ": prefix " + quoted(rule->prefix) +
                                                  " is a wildcard and cannot have a location");
            }
            auto relocated = relocate(reference, full, best, rule->location, rule->origin);
            if (!relocated) return fail(std::move(relocated.error()));
            result.upstream = Endpoint{std::move(*relocated), false, rule->insecure, rule->location, rule->origin};
        }
        if (rule->insecure) result.upstream.insecure = true;
    }
    for (const RegistryRule *rule : chosen) {
        for (const auto &spec : rule->mirrors) {
            if (!serves(spec.pulls, reference)) continue;
            auto relocated = relocate(reference, full, best, spec.location, spec.origin);
            if (!relocated) return fail(std::move(relocated.error()));
            result.mirrors.push_back(
                Endpoint{std::move(*relocated), spec.plain_http, spec.insecure, spec.location, spec.origin});
        }
    }
    return result;
}

Result<RegistryRule> parse_mirror_option(std::string_view value) {
    // A mistyped `https://user:password@host` is refused without echoing the password.
    std::string redacted(value);
    if (auto at = redacted.rfind('@'); at != std::string::npos) {
        auto scheme = redacted.find("://");
        auto from = scheme == std::string::npos ? redacted.find('=') : scheme + 2;
        from = from == std::string::npos ? 0 : from + 1;
        if (at > from) redacted.replace(from, at - from, "***");
    }
    const std::string shown = quoted(redacted);
    std::string registry = std::string(docker_hub_registry);
    std::string_view location = value;
    if (auto equals = value.find('='); equals != std::string_view::npos) {
        auto named = canonical_registry(value.substr(0, equals));
        if (!named) {
            return fail(ErrorCode::Usage, "--mirror " + shown + ": " + quoted(value.substr(0, equals)) +
                                              " is not a registry host (expected REGISTRY=HOST[/NAMESPACE])");
        }
        registry = std::move(*named);
        location = value.substr(equals + 1);
    }
    MirrorSpec spec;
    spec.origin = "--mirror";
    auto url_parts = split_mirror_url(location);
    spec.plain_http = url_parts.plain_http;
    location = url_parts.location;
    if (location.find_first_of("?#@") != std::string_view::npos) {
        return fail(ErrorCode::Usage,
                    "--mirror " + shown +
                        ": a mirror is HOST[:PORT][/NAMESPACE], without credentials, query or fragment");
    }
    // The location must itself be a repository name (host and optional namespace), so that the
    // image's path can follow it.
    if (!is_repository_location(location)) {
        return fail(ErrorCode::Usage,
                    "--mirror " + shown +
                        ": not HOST[:PORT][/NAMESPACE] with a host that has a dot, a port or is localhost");
    }
    spec.location = std::string(location);
    RegistryRule rule;
    rule.prefix = registry;
    rule.origin = "--mirror";
    rule.mirrors.push_back(std::move(spec));
    return rule;
}

std::vector<RegistryRule> merge_registries_conf(std::vector<std::vector<RegistryRule>> files) {
    std::vector<RegistryRule> merged;
    for (auto &file : files) {
        for (auto &rule : file) {
            auto same = std::find_if(merged.begin(), merged.end(),
                                     [&](const RegistryRule &earlier) { return earlier.prefix == rule.prefix; });
            if (same != merged.end()) {
                *same = std::move(rule);
            } else {
                merged.push_back(std::move(rule));
            }
        }
    }
    return merged;
}

} // namespace digestx::mirror

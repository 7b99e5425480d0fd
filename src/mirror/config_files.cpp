// registries.conf is TOML; toml++ (Debian's libtomlplusplus-dev) reads it, so digestx accepts
// every file podman accepts (inline tables, multi-line arrays, literal strings) without a
// hand-written subset parser.
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "digestx/core/text.hpp"
#include "digestx/mirror/mirrors.hpp"
#include "mirror_url.hpp"

namespace digestx::mirror {
namespace {

Error bad_key(const std::string &origin, std::string_view key, std::string_view expected) {
    return Error::of(ErrorCode::Usage,
                     sanitize(origin, 300) + ": " + quoted(key) + " must be " + std::string(expected));
}

// A daemon.json mirror: a URL with a scheme (moby config.go `ValidateMirror` refuses one
// without), no credentials, query or fragment.
std::optional<MirrorSpec> daemon_mirror(std::string_view url, const std::string &origin,
                                        std::vector<std::string> &warnings) {
    MirrorSpec spec;
    spec.origin = origin;
    if (url.find('@') != std::string_view::npos) {
        // moby refuses "username/password not allowed in URI"; the URL is not echoed.
        warnings.push_back(origin + ": a registry mirror URL with credentials in it is skipped");
        return std::nullopt;
    }
    auto url_parts = split_mirror_url(url);
    if (!url_parts.has_scheme) {
        warnings.push_back(origin + ": registry mirror " + quoted(url) +
                           " has no http:// or https:// scheme (dockerd refuses it); skipped");
        return std::nullopt;
    }
    spec.plain_http = url_parts.plain_http;
    std::string_view rest = url_parts.location;
    if (rest.find('/') != std::string_view::npos) {
        warnings.push_back(origin + ": registry mirror " + quoted(url) +
                           " has a path, which dockerd puts before /v2/ and digestx does not support; skipped");
        return std::nullopt;
    }
    if (!is_repository_location(rest)) {
        warnings.push_back(origin + ": registry mirror " + quoted(url) + " is not a usable host; skipped");
        return std::nullopt;
    }
    spec.location = std::string(rest);
    return spec;
}

} // namespace

Result<DaemonMirrors> parse_daemon_json(std::string_view text, const std::string &origin) {
    auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return fail(ErrorCode::Usage, sanitize(origin, 300) + ": not a JSON object");
    }
    DaemonMirrors result;
    result.rule.prefix = std::string(docker_hub_registry);
    result.rule.origin = origin;
    std::vector<std::string> insecure;
    if (auto found = document.find("insecure-registries"); found != document.end()) {
        if (!found->is_array()) return fail(bad_key(origin, "insecure-registries", "an array of strings"));
        for (const auto &entry : *found) {
            if (!entry.is_string()) return fail(bad_key(origin, "insecure-registries", "an array of strings"));
            insecure.push_back(entry.get<std::string>());
        }
    }
    auto found = document.find("registry-mirrors");
    if (found == document.end()) return result;
    if (!found->is_array()) return fail(bad_key(origin, "registry-mirrors", "an array of strings"));
    for (const auto &entry : *found) {
        if (!entry.is_string()) return fail(bad_key(origin, "registry-mirrors", "an array of strings"));
        auto spec = daemon_mirror(entry.get<std::string>(), origin, result.warnings);
        if (!spec) continue;
        // moby `isSecureIndex`: a host listed in insecure-registries. Its CIDR entries are not
        // matched here (they need the mirror's resolved addresses).
        spec->insecure = std::find(insecure.begin(), insecure.end(), spec->location) != insecure.end();
        result.rule.mirrors.push_back(std::move(*spec));
    }
    return result;
}

namespace {

Result<std::optional<std::string>> string_key(const toml::table &table, std::string_view key,
                                              const std::string &origin) {
    const toml::node *node = table.get(key);
    if (node == nullptr) return std::optional<std::string>();
    if (const auto *value = node->as_string()) return std::optional<std::string>(value->get());
    return fail(bad_key(origin, key, "a string"));
}

Result<bool> bool_key(const toml::table &table, std::string_view key, const std::string &origin) {
    const toml::node *node = table.get(key);
    if (node == nullptr) return false;
    if (const auto *value = node->as_boolean()) return value->get();
    return fail(bad_key(origin, key, "true or false"));
}

Result<MirrorSpec> mirror_table(const toml::table &table, bool digest_only, const std::string &origin) {
    MirrorSpec spec;
    spec.origin = origin;
    auto location = string_key(table, "location", origin);
    if (!location) return fail(std::move(location.error()));
    if (!*location || (*location)->empty()) return fail(bad_key(origin, "mirror.location", "a non-empty string"));
    spec.location = **location;
    auto insecure = bool_key(table, "insecure", origin);
    if (!insecure) return fail(std::move(insecure.error()));
    spec.insecure = *insecure;
    auto pull_from = string_key(table, "pull-from-mirror", origin);
    if (!pull_from) return fail(std::move(pull_from.error()));
    // containers-registries.conf(5): `pull-from-mirror` is "all" (default), "digest-only" or
    // "tag-only", and is ignored (as digest-only) when the registry says mirror-by-digest-only.
    std::string mode = pull_from->value_or("all");
    if (mode == "digest-only" || digest_only) {
        spec.pulls = MirrorPulls::DigestOnly;
    } else if (mode == "tag-only") {
        spec.pulls = MirrorPulls::TagOnly;
    } else if (mode != "all" && !mode.empty()) {
        return fail(bad_key(origin, "pull-from-mirror", "\"all\", \"digest-only\" or \"tag-only\""));
    }
    return spec;
}

Result<RegistryRule> registry_table(const toml::table &table, const std::string &origin) {
    RegistryRule rule;
    rule.origin = origin;
    auto prefix = string_key(table, "prefix", origin);
    if (!prefix) return fail(std::move(prefix.error()));
    auto location = string_key(table, "location", origin);
    if (!location) return fail(std::move(location.error()));
    rule.location = location->value_or("");
    // registries.conf(5): a missing prefix defaults to the location.
    rule.prefix = prefix->value_or(rule.location);
    if (rule.prefix.empty()) return fail(bad_key(origin, "registry.prefix", "set, or a location given"));
    auto insecure = bool_key(table, "insecure", origin);
    if (!insecure) return fail(std::move(insecure.error()));
    rule.insecure = *insecure;
    auto blocked = bool_key(table, "blocked", origin);
    if (!blocked) return fail(std::move(blocked.error()));
    rule.blocked = *blocked;
    auto digest_only = bool_key(table, "mirror-by-digest-only", origin);
    if (!digest_only) return fail(std::move(digest_only.error()));
    if (const toml::node *mirrors = table.get("mirror")) {
        const toml::array *list = mirrors->as_array();
        if (list == nullptr) return fail(bad_key(origin, "registry.mirror", "an array of tables"));
        for (const auto &entry : *list) {
            const toml::table *mirror = entry.as_table();
            if (mirror == nullptr) return fail(bad_key(origin, "registry.mirror", "an array of tables"));
            auto spec = mirror_table(*mirror, *digest_only, origin);
            if (!spec) return fail(std::move(spec.error()));
            rule.mirrors.push_back(std::move(*spec));
        }
    }
    return rule;
}

} // namespace

Result<std::vector<RegistryRule>> parse_registries_conf(std::string_view text, const std::string &origin) {
    toml::table document;
    try {
        document = toml::parse(text, origin);
    } catch (const toml::parse_error &error) {
        std::ostringstream where;
        where << error.source().begin.line;
        return fail(ErrorCode::Usage, sanitize(origin, 300) + ": invalid TOML at line " + where.str() + ": " +
                                          sanitize(error.description(), 200));
    }
    std::vector<RegistryRule> rules;
    const toml::node *registries = document.get("registry");
    if (registries == nullptr) return rules;
    const toml::array *list = registries->as_array();
    if (list == nullptr) return fail(bad_key(origin, "registry", "an array of tables ([[registry]])"));
    for (const auto &entry : *list) {
        const toml::table *table = entry.as_table();
        if (table == nullptr) return fail(bad_key(origin, "registry", "an array of tables ([[registry]])"));
        auto rule = registry_table(*table, origin);
        if (!rule) return fail(std::move(rule.error()));
        rules.push_back(std::move(*rule));
    }
    return rules;
}

} // namespace digestx::mirror

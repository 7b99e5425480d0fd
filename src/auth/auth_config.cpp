#include "digestx/auth/auth_config.hpp"

#include <algorithm>
#include <array>

#include "digestx/core/json.hpp"
#include "digestx/core/text.hpp"

namespace digestx::auth {
namespace {

tl::unexpected<Error> refuse(const std::string &file, const std::string &what) {
    return fail(ErrorCode::Auth, sanitize(file, 300) + ": " + what);
}

std::string entry_name(const std::string &section, const std::string &key) {
    return section + "[" + quoted(key, 120) + "]";
}

// Go's encoding/json matches field names case-insensitively and prefers an exact match.
const nlohmann::json *field(const nlohmann::json &object, std::string_view name) {
    if (auto exact = object.find(std::string(name)); exact != object.end()) return &*exact;
    std::string folded = fold_json_key(name);
    for (const auto &[key, value] : object.items()) {
        if (fold_json_key(key) == folded) return &value;
    }
    return nullptr;
}

Result<std::string> string_field(const nlohmann::json &object, std::string_view name, const std::string &file,
                                 const std::string &where) {
    const nlohmann::json *value = field(object, name);
    if (value == nullptr || value->is_null()) return std::string();
    if (!value->is_string()) return refuse(file, where + "." + std::string(name) + " is not a string");
    return value->get<std::string>();
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Standard base64 with padding, as Go's base64.StdEncoding decodes it: CR and LF are skipped,
// anything else outside the alphabet, or wrong padding, is an error.
std::optional<std::string> base64_decode_strict(std::string_view text) {
    std::string clean;
    for (char c : text)
        if (c != '\r' && c != '\n') clean.push_back(c);
    if (clean.size() % 4 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < clean.size(); i += 4) {
        std::array<int, 4> v{};
        int pad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            char c = clean[i + k];
            if (c == '=') {
                // Padding only at the end of the last quantum, never in its first two places.
                if (i + 4 != clean.size() || k < 2) return std::nullopt;
                ++pad;
                v.at(k) = 0;
                continue;
            }
            if (pad > 0) return std::nullopt;
            v.at(k) = base64_value(c);
            if (v.at(k) < 0) return std::nullopt;
        }
        unsigned triple = (static_cast<unsigned>(v[0]) << 18U) | (static_cast<unsigned>(v[1]) << 12U) |
                          (static_cast<unsigned>(v[2]) << 6U) | static_cast<unsigned>(v[3]);
        out.push_back(static_cast<char>((triple >> 16U) & 0xFFU));
        if (pad < 2) out.push_back(static_cast<char>((triple >> 8U) & 0xFFU));
        if (pad < 1) out.push_back(static_cast<char>(triple & 0xFFU));
    }
    return out;
}

bool is_header_token(std::string_view token) {
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte > 0x20 && byte < 0x7F;
    });
}

std::string trim_nuls(std::string text) {
    auto first = text.find_first_not_of('\0');
    if (first == std::string::npos) return {};
    auto last = text.find_last_not_of('\0');
    return text.substr(first, last - first + 1);
}

// One `auths` entry, read as docker/cli LoadFromReader does: `auth` wins over username/password.
Result<std::optional<Credentials>> read_entry(const nlohmann::json &entry, const std::string &file,
                                              const std::string &where) {
    if (!entry.is_object()) return refuse(file, where + " is not an object");
    auto auth = string_field(entry, "auth", file, where);
    auto username = string_field(entry, "username", file, where);
    auto password = string_field(entry, "password", file, where);
    auto identity = string_field(entry, "identitytoken", file, where);
    auto registry_token = string_field(entry, "registrytoken", file, where);
    for (const auto *read : {&auth, &username, &password, &identity, &registry_token}) {
        if (!*read) return fail(read->error());
    }
    Credentials credentials{*username, *password, CredentialKind::Password};
    if (!auth->empty()) {
        // docker/cli cli/config/configfile/file.go decodeAuth.
        auto decoded = base64_decode_strict(*auth);
        if (!decoded) return refuse(file, where + ".auth is not valid base64");
        auto colon = decoded->find(':');
        if (colon == std::string::npos) return refuse(file, where + ".auth does not hold user:password (no ':')");
        if (colon == 0) return refuse(file, where + ".auth has an empty username");
        credentials.username = decoded->substr(0, colon);
        credentials.password = trim_nuls(decoded->substr(colon + 1));
    }
    if (!registry_token->empty()) {
        // Sent as `Authorization: Bearer <token>`: it must be a header value that cannot inject.
        if (!is_header_token(*registry_token)) return refuse(file, where + ".registrytoken is not a usable token");
        return std::optional<Credentials>(
            Credentials{credentials.username, *registry_token, CredentialKind::RegistryToken});
    }
    if (!identity->empty()) {
        return std::optional<Credentials>(Credentials{credentials.username, *identity, CredentialKind::IdentityToken});
    }
    if (credentials.username.empty() && credentials.password.empty()) return std::optional<Credentials>();
    if (credentials.username.empty()) return refuse(file, where + " has a password but an empty username");
    return std::optional<Credentials>(std::move(credentials));
}

bool is_docker_hub(std::string_view registry) {
    return canonical_registry(registry) == "docker.io";
}

} // namespace

std::string canonical_registry(std::string_view host) {
    if (host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io") return "docker.io";
    return std::string(host);
}

std::string normalize_auth_key(std::string_view key) {
    std::string_view stripped = key;
    if (auto scheme = key.find("://"); scheme != std::string_view::npos) {
        stripped = key.substr(scheme + 3);
        stripped = stripped.substr(0, stripped.find('/'));
    }
    return canonical_registry(stripped);
}

std::vector<std::string> auth_key_candidates(std::string_view registry, std::string_view repository) {
    std::vector<std::string> keys;
    std::string key = std::string(registry);
    if (!repository.empty()) key += "/" + std::string(repository);
    while (true) {
        keys.push_back(key);
        auto slash = key.rfind('/');
        if (slash == std::string::npos || slash < registry.size()) break;
        key.resize(slash);
    }
    return keys;
}

const AuthEntry *find_auth_entry(const AuthConfig &config, std::string_view registry, std::string_view repository) {
    for (const auto &candidate : auth_key_candidates(registry, repository)) {
        for (const auto &entry : config.auths) {
            if (entry.key == candidate) return &entry;
        }
    }
    std::string wanted = canonical_registry(registry);
    for (const auto &entry : config.auths) {
        if (normalize_auth_key(entry.key) == wanted) return &entry;
    }
    return nullptr;
}

std::optional<std::string> find_cred_helper(const AuthConfig &config, std::string_view registry) {
    std::vector<std::string> keys;
    if (is_docker_hub(registry)) keys = {std::string(docker_hub_auth_key), "docker.io"};
    keys.emplace_back(registry);
    for (const auto &key : keys) {
        if (auto found = config.cred_helpers.find(key); found != config.cred_helpers.end()) return found->second;
    }
    return std::nullopt;
}

std::string helper_server_url(std::string_view registry) {
    return is_docker_hub(registry) ? std::string(docker_hub_auth_key) : std::string(registry);
}

Result<void> check_helper_name(std::string_view name, std::string_view where) {
    bool valid =
        !name.empty() && name.find("..") == std::string_view::npos && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                   c == '-';
        });
    if (valid) return {};
    return fail(ErrorCode::Auth, std::string(where) + ": credential helper name " + quoted(name, 80) +
                                     " is not allowed (only A-Z a-z 0-9 . _ - and no '..')");
}

Result<AuthConfig> parse_auth_config(std::string_view json, const std::string &file) {
    JsonReadOptions options;
    options.what = "credentials file";
    options.allow_case_variant_keys = true; // registry keys are map keys, compared exactly
    auto parsed = parse_json_strict(json, options);
    if (!parsed) {
        // The parser's detail quotes what it last read, which may be a password: keep only the
        // kind of problem and its position ("malformed JSON in credentials file at byte 50").
        std::string message = parsed.error().message;
        message = message.substr(0, message.find(": "));
        return refuse(file, message);
    }
    const nlohmann::json &root = *parsed;
    if (!root.is_object()) return refuse(file, "is not a JSON object");
    AuthConfig config;
    config.file = file;
    if (const auto *auths = field(root, "auths"); auths != nullptr && !auths->is_null()) {
        if (!auths->is_object()) return refuse(file, "auths is not an object");
        for (const auto &[key, value] : auths->items()) {
            auto credentials = read_entry(value, file, entry_name("auths", key));
            if (!credentials) return fail(std::move(credentials.error()));
            config.auths.push_back(AuthEntry{key, std::move(*credentials)});
        }
    }
    if (const auto *helpers = field(root, "credHelpers"); helpers != nullptr && !helpers->is_null()) {
        if (!helpers->is_object()) return refuse(file, "credHelpers is not an object");
        for (const auto &[key, value] : helpers->items()) {
            std::string where = entry_name("credHelpers", key);
            if (!value.is_string()) return refuse(file, where + " is not a string");
            if (auto valid = check_helper_name(value.get<std::string>(), sanitize(file, 300) + ": " + where); !valid) {
                return fail(std::move(valid.error()));
            }
            config.cred_helpers.emplace(key, value.get<std::string>());
        }
    }
    auto store = string_field(root, "credsStore", file, "");
    if (!store) return fail(std::move(store.error()));
    if (!store->empty()) {
        if (auto valid = check_helper_name(*store, sanitize(file, 300) + ": credsStore"); !valid) {
            return fail(std::move(valid.error()));
        }
    }
    config.creds_store = std::move(*store);
    return config;
}

Result<std::optional<Credentials>> read_helper_answer(std::string_view helper, int exit_status,
                                                      std::string_view stdout_text) {
    std::string name = "credential helper docker-credential-" + std::string(helper);
    if (exit_status != 0) {
        std::string trimmed(stdout_text);
        trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
        trimmed.erase(trimmed.find_last_not_of(" \t\r\n") + 1);
        if (trimmed == helper_not_found_message) return std::optional<Credentials>();
        return fail(ErrorCode::Auth, name + " failed (exit status " + std::to_string(exit_status) + ")");
    }
    JsonReadOptions options;
    options.what = "helper answer";
    options.allow_case_variant_keys = true;
    auto parsed = parse_json_strict(stdout_text, options);
    // The output may be a secret printed in the wrong format: say what is wrong, never what it was.
    if (!parsed || !parsed->is_object()) {
        return fail(ErrorCode::Auth, name + " printed an answer that is not a credentials JSON object");
    }
    const auto *username = field(*parsed, "username");
    const auto *secret = field(*parsed, "secret");
    if ((username != nullptr && !username->is_string()) || (secret != nullptr && !secret->is_string())) {
        return fail(ErrorCode::Auth, name + " printed Username or Secret that is not a string");
    }
    std::string user = username != nullptr ? username->get<std::string>() : std::string();
    std::string pass = secret != nullptr ? secret->get<std::string>() : std::string();
    if (pass.empty()) return std::optional<Credentials>();
    if (user == "<token>") return std::optional<Credentials>(Credentials{"", pass, CredentialKind::IdentityToken});
    return std::optional<Credentials>(Credentials{user, pass, CredentialKind::Password});
}

} // namespace digestx::auth

/// @file
/// Fuzz target: Docker's `config.json`, containers' `auth.json` (one format: containers/image
/// pkg/docker/config reads both) and credential helpers' answers (docker-credential-helpers
/// client/client.go). Invariants: no error message and no describe() quotes a secret (fault
/// catalogue D8, D9); key normalisation is idempotent; every host key is found again by its
/// host (D10); an accepted helper name can never name a path.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/auth/auth_config.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;

namespace {

// A secret shorter than this may appear in a message by coincidence (`user`, a helper name).
constexpr std::size_t min_secret = 8;

// The secret-bearing fields of every `auths` entry, as written (docker/cli types.AuthConfig).
std::vector<std::string> written_secrets(std::string_view text) {
    std::vector<std::string> secrets;
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object() || !json.contains("auths") || !json["auths"].is_object()) return secrets;
    for (const auto &[key, entry] : json["auths"].items()) {
        if (!entry.is_object()) continue;
        for (const auto *field : {"auth", "password", "identitytoken", "registrytoken"}) {
            const auto found = entry.find(field);
            if (found != entry.end() && found->is_string() && found->get<std::string>().size() >= min_secret)
                secrets.push_back(found->get<std::string>());
        }
    }
    return secrets;
}

void check_config(std::string_view text) {
    const auto config = digestx::auth::parse_auth_config(text, "fuzz.json");
    if (!config) {
        for (const auto &secret : written_secrets(text))
            check(config.error().message.find(secret) == std::string::npos, "an error never quotes a secret");
        return;
    }
    for (const auto &entry : config->auths) {
        const auto key = digestx::auth::normalize_auth_key(entry.key);
        check(digestx::auth::normalize_auth_key(key) == key, "normalize_auth_key() is idempotent");
        if (entry.key.find('/') == std::string::npos && !key.empty())
            check(digestx::auth::find_auth_entry(*config, key, "repo") != nullptr, "a host key is found by its host");
        if (!entry.credentials) continue;
        const auto &secret = entry.credentials->password;
        if (secret.size() >= min_secret && entry.credentials->username.find(secret) == std::string::npos)
            check(entry.credentials->describe().find(secret) == std::string::npos, "describe() never quotes a secret");
    }
    for (const auto &[key, helper] : config->cred_helpers) {
        (void)digestx::auth::find_cred_helper(*config, key);
        check(helper.find('/') == std::string::npos && helper.find("..") == std::string::npos,
              "a helper name never names a path");
    }
}

void check_helper_answer(int status, std::string_view stdout_text) {
    const auto answer = digestx::auth::read_helper_answer("fuzz", status, stdout_text);
    if (answer) return;
    const auto json = nlohmann::json::parse(stdout_text, nullptr, false);
    if (!json.is_object()) return;
    const auto secret = json.find("Secret");
    if (secret != json.end() && secret->is_string() && secret->get<std::string>().size() >= min_secret)
        check(answer.error().message.find(secret->get<std::string>()) == std::string::npos,
              "a helper error never quotes the secret");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    const auto choice = input.choose(4);
    const auto text = input.rest();
    check_config(text);
    check_helper_answer(choice == 0 ? 0 : 1, text);
    const auto host = input.line();
    (void)digestx::auth::canonical_registry(host);
    (void)digestx::auth::helper_server_url(host);
    (void)digestx::auth::auth_key_candidates(host, input.line());
    if (digestx::auth::check_helper_name(host, "fuzz"))
        check(host.find('/') == std::string::npos && host.find("..") == std::string::npos,
              "an accepted helper name never names a path");
    return 0;
}

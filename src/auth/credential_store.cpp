#include "digestx/auth/credential_store.hpp"

#include "digestx/core/text.hpp"

namespace digestx::auth {
namespace {

std::optional<std::string> non_empty(const EnvironmentLookup &env, const std::string &name) {
    auto value = env(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
}

std::string join(const std::string &directory, std::string_view rest) {
    std::string path = directory;
    if (!path.empty() && path.back() == '/') path.pop_back();
    path += '/';
    path += rest;
    return path;
}

} // namespace

CredentialStore::CredentialStore(EnvironmentLookup env, AuthFileReader read, DirectoryProbe is_directory,
                                 std::shared_ptr<HelperRunner> helpers)
    : m_env(std::move(env)), m_read(std::move(read)), m_is_directory(std::move(is_directory)),
      m_helpers(std::move(helpers)) {}

Result<std::vector<AuthFile>> CredentialStore::files() const {
    std::vector<AuthFile> files;
    auto home = non_empty(m_env, "HOME");
    // containers/image pkg/docker/config/config.go getAuthFilePaths: a user-specified file
    // replaces the two containers paths.
    if (auto named = non_empty(m_env, "REGISTRY_AUTH_FILE")) {
        files.push_back({*named, false});
    } else {
        // getPathToAuthWithOS: a missing $XDG_RUNTIME_DIR is skipped (c/image warns and goes on).
        if (auto runtime = non_empty(m_env, "XDG_RUNTIME_DIR"); runtime && m_is_directory(*runtime)) {
            files.push_back({join(*runtime, "containers/auth.json"), false});
        }
        auto config_home = non_empty(m_env, "XDG_CONFIG_HOME");
        if (!config_home && home) config_home = join(*home, ".config");
        if (config_home) files.push_back({join(*config_home, "containers/auth.json"), false});
    }
    // docker/cli cli/config/config.go Dir: $DOCKER_CONFIG, else ~/.docker. Docker itself reads a
    // missing $DOCKER_CONFIG directory as an empty configuration; it is almost always a typo that
    // would silently drop the user's credentials, so it is an error here (fault catalogue D8).
    if (auto docker = non_empty(m_env, "DOCKER_CONFIG")) {
        if (!m_is_directory(*docker)) {
            return fail(ErrorCode::Auth, "DOCKER_CONFIG directory " + quoted(*docker, 300) + " does not exist");
        }
        files.push_back({join(*docker, "config.json"), true});
    } else if (home) {
        files.push_back({join(*home, ".docker/config.json"), true});
    }
    return files;
}

Result<std::optional<FoundCredentials>> CredentialStore::find(std::string_view registry, std::string_view repository) {
    std::lock_guard lock(m_mutex);
    std::string key = std::string(registry) + '\n' + std::string(repository);
    if (auto known = m_found.find(key); known != m_found.end()) return known->second;
    auto result = search(registry, repository);
    m_found.emplace(key, result);
    return result;
}

Result<const AuthConfig *> CredentialStore::load(const std::string &path) {
    if (auto known = m_files.find(path); known != m_files.end()) {
        return known->second ? &*known->second : static_cast<const AuthConfig *>(nullptr);
    }
    auto bytes = m_read(path);
    if (!bytes) {
        Error error = std::move(bytes.error());
        error.code = ErrorCode::Auth;
        return fail(std::move(error));
    }
    if (!*bytes) {
        m_files.emplace(path, std::nullopt);
        return static_cast<const AuthConfig *>(nullptr);
    }
    auto parsed = parse_auth_config(**bytes, path);
    if (!parsed) return fail(std::move(parsed.error()));
    auto [where, inserted] = m_files.emplace(path, std::move(*parsed));
    return &*where->second;
}

Result<std::optional<FoundCredentials>> CredentialStore::ask_helper(const std::string &helper,
                                                                    std::string_view registry, const std::string &why) {
    if (auto valid = check_helper_name(helper, why); !valid) return fail(std::move(valid.error()));
    auto output = m_helpers->get(helper, helper_server_url(registry));
    if (!output) return fail(std::move(output.error()));
    auto answer = read_helper_answer(helper, output->exit_status, output->out);
    if (!answer) return fail(std::move(answer.error()));
    if (!*answer) return std::optional<FoundCredentials>();
    return std::optional<FoundCredentials>(
        FoundCredentials{std::move(**answer), "docker-credential-" + helper + " (" + why + ")"});
}

Result<std::optional<FoundCredentials>> CredentialStore::search(std::string_view registry,
                                                                std::string_view repository) {
    auto files = this->files();
    if (!files) return fail(std::move(files.error()));
    for (const auto &file : *files) {
        auto loaded = load(file.path);
        if (!loaded) return fail(std::move(loaded.error()));
        const AuthConfig *config = *loaded;
        if (config == nullptr) continue;
        // containers/image findCredentialsInFile: credHelpers first; docker/cli
        // getConfiguredCredentialStore: credHelpers[host], then credsStore.
        std::optional<std::string> helper = find_cred_helper(*config, registry);
        std::string why = "credHelpers in " + file.path;
        if (!helper && file.docker && !config->creds_store.empty()) {
            helper = config->creds_store;
            why = "credsStore in " + file.path;
        }
        if (helper) {
            auto answer = ask_helper(*helper, registry, why);
            // Found or not, the helper's answer is this file's answer: docker's native store
            // never falls back to the file's `auths`, and c/image moves on to the next file.
            if (!answer || *answer) return answer;
            continue;
        }
        if (const AuthEntry *entry = find_auth_entry(*config, registry, repository);
            entry != nullptr && entry->credentials) {
            return std::optional<FoundCredentials>(
                FoundCredentials{*entry->credentials, file.path + " (auths " + quoted(entry->key, 200) + ")"});
        }
    }
    return std::optional<FoundCredentials>();
}

} // namespace digestx::auth

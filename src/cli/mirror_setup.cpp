#include "mirror_setup.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <sys/stat.h>

#include "digestx/core/text.hpp"
#include "digestx/io/file.hpp"

namespace digestx::cli {
namespace {

// Configuration files are small; a larger one is a mistake, not a configuration.
constexpr std::size_t max_config_bytes = 1U << 20U;

std::optional<std::string> non_empty(const Context &ctx, const char *name) {
    if (!ctx.env) return std::nullopt;
    auto value = ctx.env(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
}

// The file's text, nullopt when it does not exist; any other failure is an error naming it.
Result<std::optional<std::string>> read_config(const std::string &path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
        return std::optional<std::string>();
    }
    io::ReadLimit limit{max_config_bytes, path, ErrorCode::Usage, ErrorCode::Usage, true};
    auto text = io::read_file_bounded(path, limit);
    if (!text) return fail(std::move(text.error()));
    return std::optional<std::string>(std::move(*text));
}

std::vector<std::string> drop_in_files(const std::string &directory) {
    std::vector<std::string> files;
    std::error_code error;
    for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
        if (it->path().extension() == ".conf") files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

Result<void> add_registries_conf(const std::string &path, std::vector<std::vector<mirror::RegistryRule>> &files) {
    auto text = read_config(path);
    if (!text) return fail(std::move(text.error()));
    if (!*text) return {};
    auto rules = mirror::parse_registries_conf(**text, path);
    if (!rules) return fail(std::move(rules.error()));
    files.push_back(std::move(*rules));
    return {};
}

Result<std::vector<mirror::RegistryRule>> registries_conf(const Context &ctx, const std::string &root) {
    std::optional<std::string> user_dir;
    if (auto config_home = non_empty(ctx, "XDG_CONFIG_HOME")) {
        user_dir = *config_home + "/containers";
    } else if (auto home = non_empty(ctx, "HOME")) {
        user_dir = *home + "/.config/containers";
    }
    std::string system_dir = root + "/etc/containers";
    std::vector<std::string> main_files;
    std::vector<std::string> directories;
    std::error_code ignored;
    if (auto chosen = non_empty(ctx, "CONTAINERS_REGISTRIES_CONF")) {
        main_files.push_back(*chosen);
        directories.push_back(system_dir + "/registries.conf.d");
        if (user_dir) directories.push_back(*user_dir + "/registries.conf.d");
    } else if (user_dir && std::filesystem::exists(*user_dir + "/registries.conf", ignored)) {
        // A user's own registries.conf replaces the system's and its drop-ins (sysregistriesv2).
        main_files.push_back(*user_dir + "/registries.conf");
        directories.push_back(*user_dir + "/registries.conf.d");
    } else {
        main_files.push_back(system_dir + "/registries.conf");
        directories.push_back(system_dir + "/registries.conf.d");
        if (user_dir) directories.push_back(*user_dir + "/registries.conf.d");
    }
    std::vector<std::vector<mirror::RegistryRule>> files;
    for (const auto &path : main_files) {
        if (auto added = add_registries_conf(path, files); !added) return fail(std::move(added.error()));
    }
    for (const auto &directory : directories) {
        for (const auto &path : drop_in_files(directory)) {
            if (auto added = add_registries_conf(path, files); !added) return fail(std::move(added.error()));
        }
    }
    return mirror::merge_registries_conf(std::move(files));
}

} // namespace

Result<mirror::MirrorConfig> load_mirror_config(const GlobalOptions &globals, Context &ctx) {
    mirror::MirrorConfig config;
    if (globals.no_mirrors) {
        if (!globals.mirrors.empty()) return fail(ErrorCode::Usage, "--no-mirrors and --mirror exclude each other");
        return config;
    }
    for (const auto &value : globals.mirrors) {
        auto rule = mirror::parse_mirror_option(value);
        if (!rule) return fail(std::move(rule.error()));
        config.rules.push_back(std::move(*rule));
    }
    std::string root = non_empty(ctx, system_root_variable).value_or("");
    while (!root.empty() && root.back() == '/')
        root.pop_back();
    std::string daemon_path = root + "/etc/docker/daemon.json";
    auto daemon_text = read_config(daemon_path);
    if (!daemon_text) return fail(std::move(daemon_text.error()));
    if (*daemon_text) {
        auto daemon = mirror::parse_daemon_json(**daemon_text, daemon_path);
        if (!daemon) return fail(std::move(daemon.error()));
        for (const auto &warning : daemon->warnings)
            ctx.err << "digestx: warning: " << sanitize(warning, 600) << "\n";
        if (!daemon->rule.mirrors.empty()) config.rules.push_back(std::move(daemon->rule));
    }
    auto conf = registries_conf(ctx, root);
    if (!conf) return fail(std::move(conf.error()));
    for (auto &rule : *conf)
        config.rules.push_back(std::move(rule));
    return config;
}

} // namespace digestx::cli

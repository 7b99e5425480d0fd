#include "stored_credentials.hpp"

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <sys/stat.h>

#include "digestx/core/text.hpp"
#include "digestx/io/file.hpp"
#include "digestx/io/process.hpp"

namespace digestx::cli {
namespace {

// Runs docker-credential-NAME as docker-credential-helpers' client.Get does (client/client.go:
// `get`, the server URL on stdin, stdout read), but without a shell, bounded in time and size,
// and with its stderr discarded rather than passed through.
class ProcessHelperRunner : public auth::HelperRunner {
public:
    explicit ProcessHelperRunner(std::chrono::milliseconds timeout) : m_timeout(timeout) {}

    Result<auth::HelperOutput> get(const std::string &name, const std::string &server_url) override {
        std::string program = "docker-credential-" + name;
        auto run = io::run_program(program, {"get"}, server_url, m_timeout, auth::max_helper_output_bytes);
        if (!run) return fail(std::move(run.error()));
        std::string failed = "credential helper " + program + " failed: ";
        if (run->not_found) return fail(ErrorCode::Auth, failed + "not found on PATH or not executable");
        if (run->timed_out) {
            return fail(ErrorCode::Auth, failed + "no answer within " + std::to_string(m_timeout.count()) + " ms");
        }
        if (run->too_large) {
            return fail(ErrorCode::Auth,
                        failed + "printed more than " + std::to_string(auth::max_helper_output_bytes) + " bytes");
        }
        return auth::HelperOutput{run->exit_status, std::move(run->out)};
    }

private:
    std::chrono::milliseconds m_timeout;
};

Result<std::optional<std::string>> read_auth_file(const std::string &path) {
    struct stat info {};
    // Only "no such file" means anonymous; anything else that stops the read is an error.
    if (::stat(path.c_str(), &info) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
        return std::optional<std::string>();
    }
    io::ReadLimit limit{auth::max_auth_file_bytes, path, ErrorCode::Auth, ErrorCode::Auth, true};
    auto bytes = io::read_file_bounded(path, limit);
    if (!bytes) return fail(std::move(bytes.error()));
    return std::optional<std::string>(std::move(*bytes));
}

bool is_directory(const std::string &path) {
    std::error_code ignored;
    return std::filesystem::is_directory(path, ignored);
}

} // namespace

Result<std::shared_ptr<auth::CredentialStore>> make_credential_store(const Context &ctx) {
    std::chrono::milliseconds timeout = auth::default_helper_timeout;
    if (auto text = ctx.env(helper_timeout_variable); text && !text->empty()) {
        char *end = nullptr;
        double seconds = std::strtod(text->c_str(), &end);
        if (end == text->c_str() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 3600) {
            return fail(ErrorCode::Usage, std::string(helper_timeout_variable) + "=" + quoted(*text, 40) +
                                              " is not a number of seconds between 0 and 3600");
        }
        timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
    }
    return std::make_shared<auth::CredentialStore>(ctx.env, read_auth_file, is_directory,
                                                   std::make_shared<ProcessHelperRunner>(timeout));
}

} // namespace digestx::cli

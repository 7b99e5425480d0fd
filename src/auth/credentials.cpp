#include "digestx/auth/credentials.hpp"

#include <algorithm>
#include <ostream>

#include "digestx/core/text.hpp"
#include "strings.hpp"

namespace digestx::auth {
namespace {

bool has_control(const std::string &text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7F;
    });
}

} // namespace

std::string Credentials::describe() const {
    if (kind == CredentialKind::IdentityToken) return "identity token for user " + quoted(username) + " (redacted)";
    if (kind == CredentialKind::RegistryToken) return "registry token (redacted)";
    return "user " + quoted(username) + " (password redacted)";
}

std::ostream &operator<<(std::ostream &out, const Credentials &credentials) {
    return out << credentials.describe();
}

Result<void> check_credentials(const Credentials &credentials) {
    if (credentials.username.empty()) return fail(ErrorCode::Usage, "username is empty");
    if (credentials.username.find(':') != std::string::npos) {
        return fail(ErrorCode::Usage, "username " + quoted(credentials.username) + " must not contain ':'");
    }
    if (has_control(credentials.username)) {
        return fail(ErrorCode::Usage, "username " + quoted(credentials.username) + " contains control characters");
    }
    if (credentials.password.empty()) return fail(ErrorCode::Usage, "password is empty");
    if (has_control(credentials.password)) return fail(ErrorCode::Usage, "password contains control characters");
    return {};
}

std::string basic_authorization(const Credentials &credentials) {
    return "Basic " + detail::base64_encode(credentials.username + ":" + credentials.password);
}

} // namespace digestx::auth

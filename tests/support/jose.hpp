#pragma once
/// @file
/// The small pieces of JOSE the test bed needs, on the OpenSSL C API: sha256, base64 and base64url,
/// an RSA key with a self-signed certificate, RS256 signatures and compact JWTs. The token server
/// signs registry tokens with it and the fixture loader signs schema1 manifests (libtrust JWS).
/// Independent of digestx's own code, which is what the bed tests.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace digestx::test {

/// `sha256:<64 hex>` of `bytes`.
std::string sha256_digest(std::string_view bytes);
/// The 64 lowercase hex characters of sha256(`bytes`).
std::string sha256_hex(std::string_view bytes);
/// Standard base64 with padding (RFC 4648 §4), as the `x5c` header wants it.
std::string base64_encode(std::string_view bytes);
/// base64url without padding (RFC 7515 §2), as JWS wants it.
std::string base64url_encode(std::string_view bytes);
/// Decodes base64url with or without padding; nullopt when `text` is not base64url.
std::optional<std::string> base64url_decode(std::string_view text);
/// Decodes standard base64 with or without padding; nullopt when `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);

/// An RSA-2048 key and a self-signed certificate for it (CN "digestx test token issuer", valid
/// from an hour ago for a week, no extended key usage so that Go's chain check accepts it as is).
class SigningIdentity {
public:
    /// Generates a fresh key and certificate; throws when OpenSSL fails.
    SigningIdentity();
    /// Frees the key.
    ~SigningIdentity();
    SigningIdentity(const SigningIdentity &) = delete;
    SigningIdentity &operator=(const SigningIdentity &) = delete;

    /// The certificate, PEM (what a registry's `rootcertbundle` file holds).
    [[nodiscard]] const std::string &certificate_pem() const noexcept { return m_certificate_pem; }
    /// The certificate, DER (what a JWT's `x5c` carries, base64).
    [[nodiscard]] const std::string &certificate_der() const noexcept { return m_certificate_der; }
    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `data` (raw bytes).
    [[nodiscard]] std::string sign_rs256(std::string_view data) const;
    /// The public key as a JWK: {"e", "kty": "RSA", "n"} (libtrust accepts it without "kid").
    [[nodiscard]] nlohmann::ordered_json public_jwk() const;

private:
    struct Keys;
    std::unique_ptr<Keys> m_keys;
    std::string m_certificate_pem;
    std::string m_certificate_der;
};

/// One identity per test process, made on first use (key generation costs about 100 ms).
const SigningIdentity &test_signing_identity();

/// A compact RS256 JWT: header {"typ": "JWT", "alg": "RS256", "x5c": [certificate]}, the claims
/// serialised as given, base64url without padding, signed by `identity`.
std::string make_jwt(const SigningIdentity &identity, const nlohmann::ordered_json &claims);

} // namespace digestx::test

#include "support/jose.hpp"

#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace digestx::test {
namespace {

constexpr char k_base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void require(bool ok, const char *what) {
    if (!ok) throw std::runtime_error(std::string("openssl: ") + what + " failed");
}

std::string bignum_bytes(const EVP_PKEY *key, const char *name) {
    BIGNUM *number = nullptr;
    require(EVP_PKEY_get_bn_param(key, name, &number) == 1, "EVP_PKEY_get_bn_param");
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(number)), '\0');
    BN_bn2bin(number, reinterpret_cast<unsigned char *>(bytes.data()));
    BN_free(number);
    return bytes;
}

void add_extension(X509 *certificate, int nid, const char *value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    require(extension != nullptr, "X509V3_EXT_conf_nid");
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
}

// Decodes either alphabet (they differ only in the last two digits); padding is optional.
std::optional<std::string> decode_base64(std::string_view text, char digit62, char digit63) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    std::string bytes;
    unsigned value = 0;
    int bits = 0;
    for (char c : text) {
        int digit;
        if (c >= 'A' && c <= 'Z')
            digit = c - 'A';
        else if (c >= 'a' && c <= 'z')
            digit = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            digit = c - '0' + 52;
        else if (c == digit62)
            digit = 62;
        else if (c == digit63)
            digit = 63;
        else
            return std::nullopt;
        value = (value << 6) | static_cast<unsigned>(digit);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(static_cast<char>((value >> bits) & 0xff));
        }
    }
    return bytes;
}

} // namespace

std::string sha256_hex(std::string_view bytes) {
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    require(EVP_Digest(bytes.data(), bytes.size(), hash, &length, EVP_sha256(), nullptr) == 1, "EVP_Digest");
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text.push_back(hex[hash[i] >> 4]);
        text.push_back(hex[hash[i] & 15]);
    }
    return text;
}

std::string sha256_digest(std::string_view bytes) {
    return "sha256:" + sha256_hex(bytes);
}

std::string base64_encode(std::string_view bytes) {
    std::string text;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned value = (static_cast<unsigned char>(bytes[i]) << 16) |
                         (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0})
            text.push_back(k_base64[(value >> shift) & 63]);
    }
    if (i < bytes.size()) {
        unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        text.push_back(k_base64[(value >> 18) & 63]);
        text.push_back(k_base64[(value >> 12) & 63]);
        text.push_back(i + 1 < bytes.size() ? k_base64[(value >> 6) & 63] : '=');
        text.push_back('=');
    }
    return text;
}

std::string base64url_encode(std::string_view bytes) {
    std::string text = base64_encode(bytes);
    while (!text.empty() && text.back() == '=')
        text.pop_back();
    for (char &c : text) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    return decode_base64(text, '-', '_');
}

std::optional<std::string> base64_decode(std::string_view text) {
    return decode_base64(text, '+', '/');
}

struct SigningIdentity::Keys {
    EVP_PKEY *key = nullptr;
    ~Keys() { EVP_PKEY_free(key); }
};

SigningIdentity::SigningIdentity() : m_keys(std::make_unique<Keys>()) {
    m_keys->key = EVP_RSA_gen(2048);
    require(m_keys->key != nullptr, "EVP_RSA_gen");
    X509 *certificate = X509_new();
    require(certificate != nullptr, "X509_new");
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 7L * 24 * 3600);
    X509_set_pubkey(certificate, m_keys->key);
    X509_NAME *name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("digestx test token issuer"), -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    add_extension(certificate, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(certificate, NID_key_usage, "critical,digitalSignature,keyCertSign");
    require(X509_sign(certificate, m_keys->key, EVP_sha256()) > 0, "X509_sign");

    unsigned char *der = nullptr;
    int der_length = i2d_X509(certificate, &der);
    require(der_length > 0, "i2d_X509");
    m_certificate_der.assign(reinterpret_cast<char *>(der), static_cast<std::size_t>(der_length));
    OPENSSL_free(der);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, certificate);
    char *pem = nullptr;
    long pem_length = BIO_get_mem_data(bio, &pem);
    m_certificate_pem.assign(pem, static_cast<std::size_t>(pem_length));
    BIO_free(bio);
    X509_free(certificate);
}

SigningIdentity::~SigningIdentity() = default;

std::string SigningIdentity::sign_rs256(std::string_view data) const {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    require(context != nullptr, "EVP_MD_CTX_new");
    std::size_t length = 0;
    bool ok = EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, m_keys->key) == 1 &&
              EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char *>(data.data()),
                             data.size()) == 1;
    std::string signature(length, '\0');
    ok = ok && EVP_DigestSign(context, reinterpret_cast<unsigned char *>(signature.data()), &length,
                              reinterpret_cast<const unsigned char *>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(context);
    require(ok, "EVP_DigestSign");
    signature.resize(length);
    return signature;
}

nlohmann::ordered_json SigningIdentity::public_jwk() const {
    nlohmann::ordered_json jwk;
    jwk["e"] = base64url_encode(bignum_bytes(m_keys->key, OSSL_PKEY_PARAM_RSA_E));
    jwk["kty"] = "RSA";
    jwk["n"] = base64url_encode(bignum_bytes(m_keys->key, OSSL_PKEY_PARAM_RSA_N));
    return jwk;
}

const SigningIdentity &test_signing_identity() {
    static const SigningIdentity identity;
    return identity;
}

std::string make_jwt(const SigningIdentity &identity, const nlohmann::ordered_json &claims) {
    nlohmann::ordered_json header;
    header["typ"] = "JWT";
    header["alg"] = "RS256";
    header["x5c"] = nlohmann::ordered_json::array({base64_encode(identity.certificate_der())});
    std::string signing_input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
    return signing_input + "." + base64url_encode(identity.sign_rs256(signing_input));
}

} // namespace digestx::test

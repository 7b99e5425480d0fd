#include "digestx/core/digest.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>

namespace digestx {
namespace {

const EVP_MD *evp_for(DigestAlgorithm algorithm) {
    return algorithm == DigestAlgorithm::Sha512 ? EVP_sha512() : EVP_sha256();
}

std::size_t hex_length(DigestAlgorithm algorithm) {
    return algorithm == DigestAlgorithm::Sha512 ? 128 : 64;
}

bool is_lower_hex(std::string_view text) {
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// go-digest / image-spec grammar: algorithm-component ([a-z0-9]+) joined by [+._-], then ':',
// then an encoded part of [a-zA-Z0-9=_-]+.
bool is_algorithm_grammar(std::string_view algorithm) {
    if (algorithm.empty()) return false;
    bool previous_separator = true;
    for (char c : algorithm) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        bool separator = c == '+' || c == '.' || c == '_' || c == '-';
        if (!alnum && !separator) return false;
        if (separator && previous_separator) return false;
        previous_separator = separator;
    }
    return !previous_separator;
}

bool is_encoded_grammar(std::string_view encoded) {
    if (encoded.empty()) return false;
    for (char c : encoded) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' || c == '_' ||
                  c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string to_hex(const unsigned char *data, unsigned int length) {
    static constexpr std::array<char, 16> digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                                 '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    std::string hex;
    hex.reserve(length * 2U);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(digits[data[i] >> 4U]);
        hex.push_back(digits[data[i] & 0x0FU]);
    }
    return hex;
}

// A failed EVP call: its reason is taken off OpenSSL's error queue (so that it does not linger for
// an unrelated later call) and thrown, because returning would hand out a digest that is no hash.
[[noreturn]] void openssl_failed(std::string_view step) {
    std::string reason = "no reason given";
    if (unsigned long code = ERR_get_error(); code != 0) {
        std::array<char, 256> text{};
        ERR_error_string_n(code, text.data(), text.size());
        reason = text.data();
    }
    ERR_clear_error();
    throw DigestFailure("OpenSSL " + std::string(step) + " failed: " + reason);
}

} // namespace

std::string_view algorithm_name(DigestAlgorithm algorithm) noexcept {
    return algorithm == DigestAlgorithm::Sha512 ? "sha512" : "sha256";
}

Result<Digest> Digest::parse(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return fail(ErrorCode::Usage, "invalid digest format: expected algorithm:hex");
    }
    std::string_view algorithm = text.substr(0, colon);
    std::string_view encoded = text.substr(colon + 1);
    if (!is_algorithm_grammar(algorithm) || !is_encoded_grammar(encoded)) {
        return fail(ErrorCode::Usage, "invalid digest format: expected algorithm:hex");
    }
    DigestAlgorithm parsed;
    if (algorithm == "sha256") {
        parsed = DigestAlgorithm::Sha256;
    } else if (algorithm == "sha512") {
        parsed = DigestAlgorithm::Sha512;
    } else {
        return fail(ErrorCode::Usage,
                    "digest algorithm \"" + std::string(algorithm) + "\" is not supported (supported: sha256, sha512)");
    }
    if (encoded.size() != hex_length(parsed) || !is_lower_hex(encoded)) {
        return fail(ErrorCode::Usage, "invalid digest format: " + std::string(algorithm) + " digest must be " +
                                          std::to_string(hex_length(parsed)) + " lowercase hex characters");
    }
    return Digest(parsed, std::string(encoded));
}

Digest Digest::compute(std::string_view bytes, DigestAlgorithm algorithm) {
    DigestHasher hasher(algorithm);
    hasher.update(bytes);
    return hasher.finish();
}

std::string Digest::str() const {
    std::string text(algorithm_name(m_algorithm));
    text += ':';
    text += m_hex;
    return text;
}

bool Digest::matches(std::string_view bytes) const {
    return compute(bytes, m_algorithm) == *this;
}

struct DigestHasher::State {
    EVP_MD_CTX *context = nullptr;
    ~State() { EVP_MD_CTX_free(context); }
};

DigestHasher::DigestHasher(DigestAlgorithm algorithm) : m_state(std::make_unique<State>()), m_algorithm(algorithm) {
    m_state->context = EVP_MD_CTX_new();
    if (m_state->context == nullptr) openssl_failed("digest context allocation");
    if (EVP_DigestInit_ex(m_state->context, evp_for(algorithm), nullptr) != 1) {
        openssl_failed(std::string(algorithm_name(algorithm)) + " initialisation");
    }
}

DigestHasher::~DigestHasher() = default;
DigestHasher::DigestHasher(DigestHasher &&) noexcept = default;
DigestHasher &DigestHasher::operator=(DigestHasher &&) noexcept = default;

void DigestHasher::update(std::string_view bytes) {
    if (bytes.empty()) return;
    if (EVP_DigestUpdate(m_state->context, bytes.data(), bytes.size()) != 1) {
        openssl_failed(std::string(algorithm_name(m_algorithm)) + " update");
    }
}

Digest DigestHasher::finish() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    // A short result would make a hex string that no digest has: refused like a failed call.
    if (EVP_DigestFinal_ex(m_state->context, out.data(), &length) != 1 || length * 2U != hex_length(m_algorithm)) {
        openssl_failed(std::string(algorithm_name(m_algorithm)) + " finalisation");
    }
    return Digest(m_algorithm, to_hex(out.data(), length));
}

} // namespace digestx

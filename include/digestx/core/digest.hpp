#pragma once
/// @file
/// Content digests (`algorithm:hex`): validation, computation with OpenSSL EVP, short forms.

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "digestx/core/error.hpp"

namespace digestx {

/// The digest algorithms digestx can verify (image-spec registers sha256 and sha512).
enum class DigestAlgorithm { Sha256, Sha512 };

/// The algorithm's name as written in a digest ("sha256").
std::string_view algorithm_name(DigestAlgorithm algorithm) noexcept;

/// Thrown when OpenSSL cannot hash (no usable provider, out of memory). A digest is never made up
/// from a failed hash: this exception is the only way out, and the CLI driver reports it as an
/// internal error (exit 70), as it does std::bad_alloc.
class DigestFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A validated digest. Only constructible through parse() or compute(), so every Digest value
/// in the program has passed the grammar and the per-algorithm encoding check.
class Digest {
public:
    /// Parses `algorithm:hex`. Grammar errors are "invalid digest format" (Usage); a well-formed
    /// digest of an algorithm other than sha256/sha512 is "unsupported digest algorithm" (Usage).
    static Result<Digest> parse(std::string_view text);
    /// Hashes `bytes` with `algorithm`. Throws DigestFailure when OpenSSL fails.
    static Digest compute(std::string_view bytes, DigestAlgorithm algorithm = DigestAlgorithm::Sha256);

    /// The algorithm.
    [[nodiscard]] DigestAlgorithm algorithm() const noexcept { return m_algorithm; }
    /// The lowercase hex encoding (64 or 128 characters).
    [[nodiscard]] const std::string &hex() const noexcept { return m_hex; }
    /// The full `algorithm:hex` string.
    [[nodiscard]] std::string str() const;
    /// The first 12 hex characters, as Docker Hub and `docker images` show them.
    [[nodiscard]] std::string short_hex() const { return m_hex.substr(0, 12); }
    /// True when `bytes` hash to this digest (hashed with this digest's algorithm). Throws
    /// DigestFailure when OpenSSL fails.
    [[nodiscard]] bool matches(std::string_view bytes) const;

    /// Digests compare by algorithm and hex.
    friend bool operator==(const Digest &, const Digest &) = default;
    /// Ordering for use as a map key.
    friend auto operator<=>(const Digest &, const Digest &) = default;

private:
    friend class DigestHasher;
    Digest(DigestAlgorithm algorithm, std::string hex) : m_algorithm(algorithm), m_hex(std::move(hex)) {}
    DigestAlgorithm m_algorithm;
    std::string m_hex;
};

/// Incremental hashing, for bodies that arrive in pieces (OpenSSL EVP underneath). Every step
/// throws DigestFailure when OpenSSL fails.
class DigestHasher {
public:
    /// Starts a hash with the given algorithm.
    explicit DigestHasher(DigestAlgorithm algorithm = DigestAlgorithm::Sha256);
    ~DigestHasher();
    DigestHasher(const DigestHasher &) = delete;
    DigestHasher &operator=(const DigestHasher &) = delete;
    DigestHasher(DigestHasher &&) noexcept;
    DigestHasher &operator=(DigestHasher &&) noexcept;

    /// Feeds more bytes.
    void update(std::string_view bytes);
    /// Finishes the hash; the hasher must not be used afterwards.
    Digest finish();

private:
    struct State;
    std::unique_ptr<State> m_state;
    DigestAlgorithm m_algorithm;
};

} // namespace digestx

#pragma once
/// @file
/// `WWW-Authenticate` parsing (RFC 7235 §4.1) and the choice of the challenge digestx answers:
/// Bearer (the distribution token flow), else Basic. Registry-supplied text, so the parser is
/// total: any input ends in a value or an Error, never a crash (fault catalogue D3).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "digestx/core/error.hpp"

namespace digestx::auth {

/// The most `WWW-Authenticate` bytes (all headers of one response together) that are parsed;
/// real challenges are a few hundred bytes, so more is refused rather than truncated mid-quote.
inline constexpr std::size_t max_challenge_header_bytes = std::size_t{16} * 1024U;

/// One challenge: an auth-scheme with either auth-params or a token68.
struct Challenge {
    std::string scheme;                                      ///< auth-scheme, lowercased
    std::vector<std::pair<std::string, std::string>> params; ///< names lowercased, values unquoted, in order
    std::string token68;                                     ///< the token68 form (Negotiate blobs), else empty

    /// The value of the auth-param with that (lowercase) name.
    [[nodiscard]] std::optional<std::string> param(std::string_view name) const;
};

/// Parses one `WWW-Authenticate` value into its challenges. Quoted strings may contain escaped
/// characters (`\"`, `\\`); unquoted values are read up to `,` or whitespace, which tolerates
/// unquoted URLs some servers send. Errors (ErrorCode::Auth): an unterminated quoted string, a
/// control character, a duplicated parameter, a missing scheme, a value longer than
/// max_challenge_header_bytes.
Result<std::vector<Challenge>> parse_challenges(std::string_view header);

/// The schemes digestx can answer.
enum class AuthScheme {
    Bearer, ///< distribution token flow: fetch a token from `realm`
    Basic,  ///< RFC 7617 username and password on every request
};

/// The challenge selected from a 401, reduced to the parameters digestx uses.
struct AuthChallenge {
    AuthScheme scheme = AuthScheme::Bearer; ///< Bearer or Basic
    std::string realm;                      ///< Bearer: token endpoint URL (unvalidated); Basic: informational
    std::string service;                    ///< Bearer `service`, may be empty
    std::vector<std::string> scopes;        ///< Bearer `scope`, split at spaces
    std::string error;                      ///< Bearer `error` (`insufficient_scope`, `invalid_token`), may be empty
    std::string error_description;          ///< Bearer `error_description`, may be empty
};

/// Picks the challenge to answer from every `WWW-Authenticate` value of one response: the first
/// Bearer challenge that has a realm, else the first Basic one. Unknown schemes (Negotiate, NTLM,
/// Digest) are skipped. Errors (ErrorCode::Auth): no header at all, `bearer challenge has no
/// realm` when that is the only candidate, a malformed header when nothing usable was found in
/// the others, otherwise `unsupported auth challenge` naming the schemes seen.
Result<AuthChallenge> select_challenge(const std::vector<std::string> &headers);

} // namespace digestx::auth

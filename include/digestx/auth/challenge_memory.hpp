#pragma once
/// @file
/// The Bearer challenges registries sent earlier in one command, by registry origin, shared by
/// every client of that command. A client that has not been challenged yet by an origin another
/// client already met asks the token server in the same batch as its first requests instead of
/// waiting for its own 401 first (Authenticator).

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "digestx/auth/challenge.hpp"
#include "digestx/auth/origin.hpp"

namespace digestx::auth {

/// Challenges by registry origin. Thread-safe: `check` and `pin` read several repositories at
/// once, each through its own client.
class ChallengeMemory {
public:
    /// Remembers `challenge` (a Bearer challenge whose realm was checked) as what `registry` asks.
    void remember(const Origin &registry, const AuthChallenge &challenge);
    /// The challenge `registry` sent last in this command, if any.
    [[nodiscard]] std::optional<AuthChallenge> recall(const Origin &registry) const;

private:
    mutable std::mutex m_mutex;
    std::map<std::string, AuthChallenge> m_challenges; ///< by Origin::str()
};

} // namespace digestx::auth

#include "digestx/auth/challenge_memory.hpp"

namespace digestx::auth {

void ChallengeMemory::remember(const Origin &registry, const AuthChallenge &challenge) {
    std::lock_guard lock(m_mutex);
    m_challenges.insert_or_assign(registry.str(), challenge);
}

std::optional<AuthChallenge> ChallengeMemory::recall(const Origin &registry) const {
    std::lock_guard lock(m_mutex);
    auto found = m_challenges.find(registry.str());
    if (found == m_challenges.end()) return std::nullopt;
    return found->second;
}

} // namespace digestx::auth

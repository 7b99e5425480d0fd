#include "digestx/auth/clock.hpp"

namespace digestx::auth {

const Clock &system_clock() {
    static const SystemClock clock;
    return clock;
}

} // namespace digestx::auth

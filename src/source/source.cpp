#include "digestx/source/source.hpp"

namespace digestx {

Result<ReferrerList> Source::referrers(const Digest &subject) {
    return fail(ErrorCode::Usage, "this source cannot list the referrers of " + subject.str());
}

} // namespace digestx

#include "digestx/io/host_platform.hpp"

#include <sys/utsname.h>

#include "digestx/io/file.hpp"

namespace digestx {
namespace {

// /proc/cpuinfo grows with the number of CPUs (about 1.5 KiB each on x86-64); 4 MiB is room for
// thousands of them.
constexpr std::size_t max_cpuinfo_bytes = 4U * 1024U * 1024U;

// The facts are hints: a cpuinfo that cannot be read (no /proc, a sandbox) leaves the variant to
// the architecture's baseline, as an empty file would.
std::string read_cpuinfo() {
    auto bytes = io::read_file_bounded("/proc/cpuinfo", {.max_bytes = max_cpuinfo_bytes, .what = "/proc/cpuinfo"});
    return bytes ? std::move(*bytes) : std::string();
}

} // namespace

HostFacts read_host_facts() {
    HostFacts facts;
    struct utsname names {};
    if (uname(&names) == 0) {
        facts.system = names.sysname;
        facts.machine = names.machine;
    }
    facts.cpuinfo = read_cpuinfo();
    return facts;
}

const Platform &host_platform() {
    static const Platform host = host_platform_from(read_host_facts());
    return host;
}

Result<Platform> parse_platform(std::string_view text) {
    return parse_platform(text, host_platform());
}

} // namespace digestx

#include "digestx/io/host_platform.hpp"

#include <sys/utsname.h>

#include <fstream>
#include <sstream>

namespace digestx {
namespace {

std::string read_text_file(const char *path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace

HostFacts read_host_facts() {
    HostFacts facts;
    struct utsname names {};
    if (uname(&names) == 0) {
        facts.system = names.sysname;
        facts.machine = names.machine;
    }
    facts.cpuinfo = read_text_file("/proc/cpuinfo");
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

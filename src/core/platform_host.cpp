// The platform of a machine from what it tells about itself (uname, /proc/cpuinfo), as the
// docker engine computes its default pull platform; pure: io/host_platform reads the facts.

#include "digestx/core/platform.hpp"
#include "digestx/core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace digestx {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

bool has_all_flags(const std::vector<std::string_view> &flags, std::initializer_list<std::string_view> wanted) {
    return std::all_of(wanted.begin(), wanted.end(), [&](std::string_view flag) {
        return std::find(flags.begin(), flags.end(), flag) != flags.end();
    });
}

// uname machine → GOARCH spelling, for the names Linux and the BSDs report.
std::string architecture_from_machine(std::string_view machine) {
    std::string name = ascii_lowercase(machine);
    if (name.starts_with("armv") || name == "arm") return "arm";
    if (name.size() == 4 && name.front() == 'i' && name.ends_with("86")) return "386";
    if (name == "ppc64le" || name == "s390x" || name == "riscv64" || name == "mips64") return name;
    if (name == "loongarch64") return "loong64";
    return normalize_arch(name, "").first;
}

// containerd's getArmCPUVariant: the kernel's "CPU architecture" field, else the machine name.
// Where neither tells, the variant stays empty (the architecture's baseline) instead of
// containerd's "unknown", which no image declares and so would match nothing.
std::string arm_variant(const HostFacts &facts, const std::string &architecture) {
    std::string number = cpuinfo_value(facts.cpuinfo, "CPU architecture");
    if (number.empty()) number = cpu_variant_from_machine(facts.machine).value_or("");
    // Raspberry Pi ARMv6 boards report "CPU architecture: 7"; the model name tells the truth.
    // https://www.raspberrypi.org/forums/viewtopic.php?t=12614
    // (A return, not `number = "6"`: GCC 12 -O2 warns falsely on that assignment, -Wrestrict, GCC PR105329.)
    if (architecture == "arm" && number == "7" &&
        ascii_lowercase(cpuinfo_value(facts.cpuinfo, "model name")).starts_with("armv6-compatible")) {
        return "v6";
    }
    number = ascii_lowercase(number);
    if (number == "8" || number == "aarch64") return "v8";
    static constexpr std::array<std::string_view, 8> kSeven = {"7",     "7m",    "?(12)", "?(13)",
                                                               "?(14)", "?(15)", "?(16)", "?(17)"};
    if (std::find(kSeven.begin(), kSeven.end(), number) != kSeven.end()) return "v7";
    if (number == "6" || number == "6tej") return "v6";
    if (number == "5" || number == "5t" || number == "5te" || number == "5tej") return "v5";
    if (number == "4" || number == "4t") return "v4";
    if (number == "3") return "v3";
    return "";
}

} // namespace

std::optional<std::string> cpu_variant_from_machine(std::string_view machine) {
    std::string name = ascii_lowercase(machine);
    if (name == "aarch64") return "8";
    if (name.size() < 5 || !name.starts_with("armv")) return std::nullopt;
    char version = name[4];
    if (version >= '3' && version <= '8') return std::string(1, version);
    return "unknown";
}

std::string cpuinfo_value(std::string_view cpuinfo, std::string_view name) {
    std::string wanted = ascii_lowercase(name);
    std::size_t start = 0;
    while (start < cpuinfo.size()) {
        std::size_t end = cpuinfo.find('\n', start);
        std::string_view line = cpuinfo.substr(start, end == std::string_view::npos ? cpuinfo.npos : end - start);
        auto colon = line.find(':');
        if (colon != std::string_view::npos && ascii_lowercase(trim(line.substr(0, colon))) == wanted) {
            std::string_view value = line.substr(colon + 1);
            // containerd splits on every ':' and keeps the second field only.
            return std::string(trim(value.substr(0, value.find(':'))));
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return {};
}

std::string amd64_level_from_flags(std::string_view flags) {
    std::vector<std::string_view> list;
    std::size_t start = 0;
    while (start < flags.size()) {
        std::size_t end = flags.find(' ', start);
        if (end == std::string_view::npos) end = flags.size();
        if (end > start) list.push_back(flags.substr(start, end - start));
        start = end + 1;
    }
    // https://go.dev/wiki/MinimumRequirements#amd64 (x86-64-v2: SSE3 is "pni" in cpuinfo).
    if (!has_all_flags(list, {"cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"})) return "v1";
    if (!has_all_flags(list, {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"})) return "v2";
    if (!has_all_flags(list, {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})) return "v3";
    return "v4";
}

Platform host_platform_from(const HostFacts &facts) {
    Platform platform;
    platform.os = normalize_os(facts.system);
    platform.architecture = architecture_from_machine(facts.machine);
    if (platform.architecture == "arm" || platform.architecture == "arm64") {
        platform.variant = arm_variant(facts, platform.architecture);
    } else if (platform.architecture == "amd64" && !facts.cpuinfo.empty()) {
        platform.variant = amd64_level_from_flags(cpuinfo_value(facts.cpuinfo, "flags"));
    }
    return normalize(std::move(platform));
}

} // namespace digestx

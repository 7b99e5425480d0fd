// Runs every section of ../shared/conformance/platforms.json (containerd/platforms and moby test
// vectors) and the index selections of ../shared/conformance/manifests/selections.json against
// core/platform, reading both files in place.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/io/host_platform.hpp"
#include "digestx/core/platform.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"

using digestx::MatchMode;
using digestx::Platform;
using digestx::PlatformMatcher;
using nlohmann::json;

namespace {

const Platform kLinuxAmd64{"linux", "amd64", "", "", {}};

std::optional<json> load(const std::string &relative) {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) return std::nullopt;
    return json::parse(digestx::test::read_file(shared + "/conformance/" + relative));
}

Platform from_json(const json &object) {
    Platform platform;
    platform.os = object.value("os", "");
    platform.architecture = object.value("architecture", "");
    platform.variant = object.value("variant", "");
    platform.os_version = object.value("os.version", "");
    if (object.contains("os.features")) platform.os_features = object["os.features"].get<std::vector<std::string>>();
    return platform;
}

// The fields of a vector platform after substituting the host placeholders (`_about`): a host's
// variant only shows on 32-bit arm hosts whose variant is not v7, as in containerd's Parse.
Platform substitute_host(Platform platform, const Platform &host) {
    std::string host_variant = host.architecture == "arm" && host.variant != "v7" ? host.variant : "";
    if (platform.os == "<host-os>") platform.os = host.os;
    if (platform.architecture == "<host-arch>") platform.architecture = host.architecture;
    if (platform.variant == "<host-variant>") platform.variant = host_variant;
    return platform;
}

std::string substitute_host(std::string text, const Platform &host) {
    std::string host_variant = host.architecture == "arm" && host.variant != "v7" ? host.variant : "";
    auto replace = [&](const std::string &from, const std::string &to) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from))
            text.replace(at, from.size(), to);
    };
    // path.Join drops an empty last element together with its slash.
    if (host_variant.empty()) replace("/<host-variant>", "");
    replace("<host-variant>", host_variant);
    replace("<host-os>", host.os);
    replace("<host-arch>", host.architecture);
    return text;
}

Platform parse_ok(const std::string &text, const Platform &host = kLinuxAmd64) {
    INFO("parsing " << text);
    auto parsed = digestx::parse_platform(text, host);
    REQUIRE(parsed);
    return *parsed;
}

void check_parse_vector(const json &vector, const Platform &host, bool injected) {
    std::string input = vector["input"].get<std::string>();
    INFO("input: " << input << " host: " << digestx::display_platform(host));
    Platform expected = injected && vector.contains("expected_on_linux_amd64")
                            ? from_json(vector["expected_on_linux_amd64"])
                            : substitute_host(from_json(vector["expected"]), host);
    std::string formatted = injected && vector.contains("formatted_on_linux_amd64")
                                ? vector["formatted_on_linux_amd64"].get<std::string>()
                                : substitute_host(vector["formatted"].get<std::string>(), host);
    Platform parsed = parse_ok(input, host);
    CHECK(parsed == expected);
    bool all = vector["format_fn"] == "FormatAll";
    CHECK((all ? digestx::format_platform_all(parsed) : digestx::format_platform(parsed)) == formatted);
    // containerd's test matches the parsed platform with NewMatcher, a single strict matcher.
    auto matcher = PlatformMatcher::only_strict(parsed);
    for (const auto &also : vector["also_matches"]) {
        INFO("also matches: " << also.dump());
        CHECK(matcher.matches(from_json(also)));
    }
    CHECK(digestx::equivalent(parse_ok(formatted, host), expected));
}

PlatformMatcher matcher_named(const std::string &name, const Platform &platform) {
    if (name.starts_with("OnlyStrict(")) return PlatformMatcher::only_strict(platform);
    if (name.starts_with("OnlyOS(")) return PlatformMatcher::only_os(platform);
    REQUIRE(name.starts_with("Only("));
    return PlatformMatcher::only(platform);
}

std::vector<Platform> sorted_by(const PlatformMatcher &matcher, std::vector<Platform> list) {
    std::stable_sort(list.begin(), list.end(),
                     [&](const Platform &a, const Platform &b) { return matcher.less(a, b); });
    return list;
}

std::vector<Platform> parse_all(const json &texts) {
    std::vector<Platform> out;
    for (const auto &text : texts)
        out.push_back(parse_ok(text.get<std::string>()));
    return out;
}

std::vector<Platform> from_json_all(const json &objects) {
    std::vector<Platform> out;
    for (const auto &object : objects)
        out.push_back(from_json(object));
    return out;
}

} // namespace

TEST_CASE("containerd Parse, Format and FormatAll vectors", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    std::size_t run = 0;
    for (const auto &vector : (*vectors)["parse"]) {
        std::string input = vector["input"].get<std::string>();
        INFO("input: " << input);
        if (vector.value("skipped_in_upstream", false)) {
            // Upstream skips its wildcard expectations because Parse rejects "*"; so does digestx.
            CHECK_FALSE(digestx::parse_platform(input, kLinuxAmd64));
            continue;
        }
        check_parse_vector(vector, kLinuxAmd64, true);
        check_parse_vector(vector, digestx::host_platform(), false);
        ++run;
    }
    CHECK(run >= 25);
}

TEST_CASE("containerd Parse rejects the invalid specifiers", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    REQUIRE_FALSE((*vectors)["parse_invalid"].empty());
    for (const auto &vector : (*vectors)["parse_invalid"]) {
        std::string input = vector["input"].get<std::string>();
        INFO("input: \"" << input << "\" (" << vector.value("note", "") << ")");
        auto parsed = digestx::parse_platform(input, kLinuxAmd64);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == digestx::ErrorCode::Usage);
        CHECK_THAT(parsed.error().message, Catch::Contains("platform"));
    }
}

TEST_CASE("containerd FormatAll encodes and round-trips os.version and os.features", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    REQUIRE_FALSE((*vectors)["format_all"].empty());
    for (const auto &vector : (*vectors)["format_all"]) {
        Platform platform = from_json(vector["platform"]);
        std::string expected = vector["expected"].get<std::string>();
        INFO("expected: " << expected);
        CHECK(digestx::format_platform_all(platform) == expected);
        Platform reparsed = parse_ok(expected);
        CHECK(reparsed.os_version == platform.os_version);
        CHECK(digestx::normalize(reparsed).os_features == digestx::normalize(platform).os_features);
    }
}

TEST_CASE("containerd Only, OnlyStrict and OnlyOS matcher vectors", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    std::size_t run = 0;
    for (const char *section : {"matcher_only", "matcher_only_strict", "matcher_only_os"}) {
        for (const auto &vector : (*vectors)[section]) {
            std::string platform = vector["platform"].get<std::string>();
            std::string candidate = vector["candidate"].get<std::string>();
            std::string name = vector["matcher"].get<std::string>();
            INFO(name << " with platform " << platform << ", candidate " << candidate);
            auto matcher = matcher_named(name, parse_ok(platform));
            CHECK(matcher.matches(parse_ok(candidate)) == vector["match"].get<bool>());
            ++run;
        }
    }
    CHECK(run >= 290);
}

TEST_CASE("containerd ordering vectors", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    REQUIRE_FALSE((*vectors)["ordering"].empty());
    for (const auto &vector : (*vectors)["ordering"]) {
        std::string comparer = vector["comparer"].get<std::string>();
        std::string platform_text = vector["platform"].get<std::string>();
        INFO(comparer << " for " << platform_text);
        Platform platform = parse_ok(platform_text);
        auto candidates = parse_all(vector["candidates"]);
        auto expected = parse_all(vector["expected_order"]);
        std::vector<PlatformMatcher> matchers;
        if (comparer.starts_with("OnlyOS(")) {
            matchers.push_back(PlatformMatcher::only_os(platform));
        } else {
            // Ordered(p) builds the same single normalising matcher as OnlyStrict(p); Any is not
            // part of digestx (it has no preference order to offer).
            REQUIRE(comparer.starts_with("each of Only, OnlyStrict, Ordered, Any"));
            matchers.push_back(PlatformMatcher::only(platform));
            matchers.push_back(PlatformMatcher::only_strict(platform));
        }
        for (const auto &matcher : matchers)
            CHECK(sorted_by(matcher, candidates) == expected);
    }
}

TEST_CASE("containerd Windows os.version matching, ordering and host compatibility", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    for (const auto &vector : (*vectors)["windows_matcher"]) {
        INFO("host " << vector["host"].dump() << ", candidate " << vector["candidate"].dump());
        Platform host = from_json(vector["host"]);
        Platform candidate = from_json(vector["candidate"]);
        bool expected = vector["match"].get<bool>();
        CHECK(PlatformMatcher::only_strict(host).matches(candidate) == expected);
        CHECK(PlatformMatcher::windows_host(host).matches(candidate) == expected);
    }
    for (const auto &vector : (*vectors)["windows_ordering"]) {
        INFO(vector.value("name", "ordering") << ": host " << vector["host"].dump());
        auto matcher = PlatformMatcher::windows_host(from_json(vector["host"]));
        auto sorted = sorted_by(matcher, from_json_all(vector["candidates"]));
        if (vector.contains("expected_order")) CHECK(sorted == from_json_all(vector["expected_order"]));
        if (vector.contains("expected_first")) CHECK(sorted.front() == from_json(vector["expected_first"]));
    }
    REQUIRE_FALSE((*vectors)["windows_host_compat"].empty());
    for (const auto &vector : (*vectors)["windows_host_compat"]) {
        std::string host = vector["host_os_version"].get<std::string>();
        std::string image = vector["container_os_version"].get<std::string>();
        INFO("host " << vector["host_alias"] << " " << host << ", image " << vector["container_alias"] << " " << image);
        CHECK(digestx::windows_host_runs(host, image) == vector["should_run"].get<bool>());
    }
}

TEST_CASE("containerd CPU variant from the uname machine and the normalizeArch table", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    for (const auto &vector : (*vectors)["cpu_variant_from_uname_machine"]) {
        std::string input = vector["input"].get<std::string>();
        INFO("machine: " << input);
        auto variant = digestx::cpu_variant_from_machine(input);
        if (vector["error"].get<bool>()) {
            CHECK_FALSE(variant);
        } else {
            REQUIRE(variant);
            CHECK(*variant == vector["output"].get<std::string>());
        }
    }
    std::size_t rows = 0;
    for (const auto &vector : (*vectors)["normalize_arch_table"]) {
        // The closing row is a prose note on normalizeOS and the known-name lists, not a vector.
        if (!vector.contains("architecture")) continue;
        std::string architecture = vector["architecture"].get<std::string>();
        std::string variant = vector["variant"].get<std::string>();
        INFO("normalizeArch(" << architecture << ", " << variant << ")");
        auto normalized = digestx::normalize_arch(architecture, variant);
        CHECK(normalized.first == vector["normalized_architecture"].get<std::string>());
        CHECK(normalized.second == vector["normalized_variant"].get<std::string>());
        ++rows;
    }
    CHECK(rows >= 27);
}

TEST_CASE("moby index selection vectors", "[platform][conformance]") {
    auto vectors = load("platforms.json");
    if (!vectors) {
        DIGESTX_SKIP("../shared is absent: platform conformance vectors are skipped");
    }
    REQUIRE_FALSE((*vectors)["index_selection"].empty());
    for (const auto &vector : (*vectors)["index_selection"]) {
        std::string matcher = vector["matcher"].get<std::string>();
        INFO(vector["source"].get<std::string>()
             << "\nmatcher: " << matcher << "\nrequested: " << vector["requested"].dump());
        std::vector<std::optional<Platform>> entries;
        for (const auto &entry : vector["index_platforms"])
            entries.emplace_back(from_json(entry));
        std::vector<MatchMode> modes;
        Platform wanted;
        if (vector["requested"].is_null()) {
            // moby without --platform prefers what platforms.Only(daemon platform) accepts,
            // whichever of its matchers the caller asked for.
            wanted = from_json(vector["daemon_platform"]);
            modes = {MatchMode::Compatible};
        } else {
            wanted = from_json(vector["requested"]);
            if (matcher.find("OnlyStrict") != std::string::npos) modes.push_back(MatchMode::Strict);
            if (matcher.find("Only(") != std::string::npos || matcher.starts_with("Only and"))
                modes.push_back(MatchMode::Compatible);
        }
        REQUIRE_FALSE(modes.empty());
        for (MatchMode mode : modes) {
            INFO("mode: " << (mode == MatchMode::Strict ? "strict" : "compatible"));
            auto chosen = digestx::choose_platform(entries, wanted, mode);
            if (vector["expected_first"].is_null()) {
                CHECK_FALSE(chosen);
            } else {
                REQUIRE(chosen);
                CHECK(*entries[*chosen] == from_json(vector["expected_first"]));
            }
        }
    }
}

namespace {

// selections.json records containers/image's ChooseInstance (podman, skopeo). Where its rules
// differ from containerd's, which docker follows and digestx reproduces, the vector is replaced by
// what containerd chooses, and why.
struct Divergence {
    std::string document;
    std::string variant; // the wanted variant; all divergent vectors want linux/arm or linux/amd64
    std::string architecture;
    std::optional<Platform> containerd_choice;
    std::string reason;
};

const std::vector<Divergence> &divergences() {
    static const std::vector<Divergence> list = {
        {"ci-docker-manifest-list-arm-variants.json", "v7", "arm", Platform{"linux", "arm", "", "", {}},
         "containerd reads the variant-less arm entry as arm/v7, an exact match; containers/image prefers a "
         "declared v6 over a variant-less entry"},
        {"ci-docker-manifest-list-arm-variants.json", "v5", "arm", std::nullopt,
         "containers/image falls back to a variant-less entry for any variant; containerd reads it as arm/v7, "
         "which an arm/v5 CPU cannot run"},
        {"ci-docker-manifest-list-arm-variants.json", "unrecognized-not-present", "arm", std::nullopt,
         "same fallback: containerd matches an unknown variant only exactly"},
        {"ci-oci-index-with-artifacttype-entry.json", "", "amd64", std::nullopt,
         "the only amd64 entry requires os.features [sse4]; containerd accepts an entry only when its os.features "
         "are a subset of the wanted platform's, containers/image ignores os.features"},
    };
    return list;
}

const Divergence *divergence_for(const std::string &document, const Platform &wanted) {
    for (const auto &divergence : divergences()) {
        if (divergence.document == document && divergence.architecture == wanted.architecture &&
            divergence.variant == wanted.variant)
            return &divergence;
    }
    return nullptr;
}

} // namespace

TEST_CASE("containers/image index selection vectors on the shared manifests", "[platform][conformance]") {
    auto selections = load("manifests/selections.json");
    if (!selections) {
        DIGESTX_SKIP("../shared is absent: platform selection vectors are skipped");
    }
    std::string folder = digestx::test::shared_dir() + "/conformance/manifests/";
    std::size_t diverged = 0;
    for (const auto &vector : *selections) {
        std::string document = vector["document"].get<std::string>();
        Platform wanted{vector["os"].get<std::string>(),
                        vector["architecture"].get<std::string>(),
                        vector["variant"].get<std::string>(),
                        "",
                        {}};
        INFO(document << " for " << digestx::display_platform(wanted));
        json index = json::parse(digestx::test::read_file(folder + document));
        std::vector<std::optional<Platform>> entries;
        for (const auto &manifest : index["manifests"]) {
            entries.push_back(manifest.contains("platform") ? std::optional<Platform>(from_json(manifest["platform"]))
                                                            : std::nullopt);
        }
        auto chosen = digestx::choose_platform(entries, wanted, MatchMode::Compatible);
        if (const Divergence *divergence = divergence_for(document, wanted)) {
            INFO("diverges from containers/image: " << divergence->reason);
            ++diverged;
            REQUIRE(chosen.has_value() == divergence->containerd_choice.has_value());
            if (chosen) CHECK(*entries[*chosen] == *divergence->containerd_choice);
            continue;
        }
        const json &expected = vector["expected_digest"];
        if (expected.is_null()) {
            CHECK_FALSE(chosen);
        } else if (!chosen) {
            FAIL_CHECK("nothing chosen, expected " << expected);
        } else {
            CHECK(index["manifests"][*chosen]["digest"] == expected);
        }
    }
    CHECK(diverged == divergences().size());
}

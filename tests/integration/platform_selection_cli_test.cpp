// One table of platform selections run through the real binary, against every command that
// selects a platform, on the real registry and on an OCI layout holding the same documents: each
// case must give the same manifest from `digest`, `manifest`, `config`, `inspect`, `verify` and
// `check`, or the same exit code. The rules are containerd's images.Manifest and moby's puller
// (see src/resolve/select.hpp); the moby vectors of ../shared/conformance/platforms.json run too.
#include <catch2/catch.hpp>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digestx/core/digest.hpp"
#include "support/fixtures.hpp"
#include "support/skip.hpp"
#include "support/http_server.hpp"
#include "support/process.hpp"

using namespace digestx::test;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char *oci_index_type = "application/vnd.oci.image.index.v1+json";
constexpr const char *oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
constexpr const char *oci_config_type = "application/vnd.oci.image.config.v1+json";
constexpr const char *oci_layer_type = "application/vnd.oci.image.layer.v1.tar+gzip";

std::string sha256(const std::string &bytes) {
    return digestx::Digest::compute(bytes).str();
}

// What an index entry or an image config says of its platform, as OCI JSON.
struct PlatformSpec {
    std::string os;
    std::string architecture;
    std::string variant;
    std::string os_version;
    std::vector<std::string> os_features;

    [[nodiscard]] Json json() const {
        Json out;
        out["architecture"] = architecture;
        out["os"] = os;
        if (!variant.empty()) out["variant"] = variant;
        if (!os_version.empty()) out["os.version"] = os_version;
        if (!os_features.empty()) out["os.features"] = os_features;
        return out;
    }
};

PlatformSpec spec(const std::string &os, const std::string &architecture, const std::string &variant = {},
                  const std::string &os_version = {}, std::vector<std::string> os_features = {}) {
    return PlatformSpec{os, architecture, variant, os_version, std::move(os_features)};
}

PlatformSpec spec_of(const Json &json) {
    PlatformSpec out{json.value("os", ""),
                     json.value("architecture", ""),
                     json.value("variant", ""),
                     json.value("os.version", ""),
                     {}};
    if (json.contains("os.features")) out.os_features = json["os.features"].get<std::vector<std::string>>();
    return out;
}

// The documents of every case, kept to be written into a layout and pushed into a registry.
class Documents {
public:
    explicit Documents(std::string repository) : m_repository(std::move(repository)) {}

    // An image of `platform`: its config, one layer, and the manifest. Returns the manifest.
    const FixtureManifest &image(const PlatformSpec &platform, const std::string &label) {
        Json config;
        config["architecture"] = platform.architecture;
        config["os"] = platform.os;
        if (!platform.variant.empty()) config["variant"] = platform.variant;
        if (!platform.os_version.empty()) config["os.version"] = platform.os_version;
        if (!platform.os_features.empty()) config["os.features"] = platform.os_features;
        std::string layer = std::string(synthetic_marker) + " selection layer " + label;
        config["rootfs"] = {{"type", "layers"}, {"diff_ids", {sha256(layer + " (uncompressed)")}}};
        config["config"] = {{"Labels", {{"org.digestx.test", std::string(synthetic_marker) + " " + label}}}};
        std::string config_bytes = config.dump();
        add_blob(oci_config_type, config_bytes);
        add_blob(oci_layer_type, layer);
        Json manifest;
        manifest["schemaVersion"] = 2;
        manifest["mediaType"] = oci_manifest_type;
        manifest["config"] = {
            {"mediaType", oci_config_type}, {"digest", sha256(config_bytes)}, {"size", config_bytes.size()}};
        manifest["layers"] =
            Json::array({Json{{"mediaType", oci_layer_type}, {"digest", sha256(layer)}, {"size", layer.size()}}});
        return add_manifest(oci_manifest_type, manifest.dump(), sha256(config_bytes));
    }

    // An index of `entries` (each a manifest and the platform its entry declares, if any).
    const FixtureManifest &
    index(const std::vector<std::pair<const FixtureManifest *, std::optional<PlatformSpec>>> &entries,
          const std::vector<Json> &extra = {}) {
        Json index;
        index["schemaVersion"] = 2;
        index["mediaType"] = oci_index_type;
        index["manifests"] = Json::array();
        for (const auto &[manifest, platform] : entries) {
            Json entry{{"mediaType", manifest->media_type}, {"digest", manifest->digest}, {"size", manifest->size()}};
            if (platform) entry["platform"] = platform->json();
            index["manifests"].push_back(entry);
        }
        for (const auto &entry : extra)
            index["manifests"].push_back(entry);
        return add_manifest(oci_index_type, index.dump(), "");
    }

    // A buildx attestation entry for `subject` (its manifest is an image of unknown/unknown).
    Json attestation(const FixtureManifest &subject, const std::string &label) {
        const FixtureManifest &statement = image(spec("unknown", "unknown"), "attestation " + label);
        return Json{
            {"mediaType", oci_manifest_type},
            {"digest", statement.digest},
            {"size", statement.size()},
            {"platform", {{"architecture", "unknown"}, {"os", "unknown"}}},
            {"annotations",
             {{"vnd.docker.reference.digest", subject.digest}, {"vnd.docker.reference.type", "attestation-manifest"}}}};
    }

    // Tags `manifest` (the top document of a case).
    void tag(const FixtureManifest &manifest, const std::string &tag) {
        for (auto &stored : m_manifests) {
            if (stored.digest == manifest.digest) stored.tags.push_back(tag);
        }
        m_tags.emplace_back(tag, manifest.digest);
    }

    // The config digest (image ID) of an image manifest.
    [[nodiscard]] std::string config_of(const std::string &manifest) const { return m_configs.at(manifest); }

    // An OCI image layout of every document, each case's top document under its tag.
    void write_layout(const std::string &directory) const {
        std::filesystem::create_directories(directory + "/blobs/sha256");
        auto put = [&](const std::string &digest, const std::string &bytes) {
            std::ofstream(directory + "/blobs/sha256/" + digest.substr(7), std::ios::binary) << bytes;
        };
        for (const auto &blob : m_blobs)
            put(blob.digest, blob.bytes);
        Json index{{"schemaVersion", 2}, {"mediaType", oci_index_type}, {"manifests", Json::array()}};
        for (const auto &manifest : m_manifests)
            put(manifest.digest, manifest.bytes);
        for (const auto &[tag, digest] : m_tags) {
            const FixtureManifest &manifest = find(digest);
            index["manifests"].push_back(Json{{"mediaType", manifest.media_type},
                                              {"digest", digest},
                                              {"size", manifest.size()},
                                              {"annotations", {{"org.opencontainers.image.ref.name", tag}}}});
        }
        std::ofstream(directory + "/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
        std::ofstream(directory + "/index.json") << index.dump();
    }

    [[nodiscard]] const std::vector<FixtureBlob> &blobs() const { return m_blobs; }
    [[nodiscard]] std::vector<FixtureManifest> manifests() const { return {m_manifests.begin(), m_manifests.end()}; }

private:
    void add_blob(const std::string &media_type, const std::string &bytes) {
        std::string digest = sha256(bytes);
        for (const auto &blob : m_blobs) {
            if (blob.digest == digest) return;
        }
        m_blobs.push_back(FixtureBlob{m_repository, media_type, digest, bytes});
    }

    const FixtureManifest &add_manifest(const std::string &media_type, const std::string &bytes,
                                        const std::string &config) {
        std::string digest = sha256(bytes);
        for (const auto &manifest : m_manifests) {
            if (manifest.digest == digest) return manifest;
        }
        FixtureManifest manifest;
        manifest.repository = m_repository;
        manifest.media_type = media_type;
        manifest.digest = digest;
        manifest.bytes = bytes;
        manifest.config_digest = config;
        if (!config.empty()) m_configs[digest] = config;
        m_manifests.push_back(std::move(manifest));
        return m_manifests.back();
    }

    [[nodiscard]] const FixtureManifest &find(const std::string &digest) const {
        for (const auto &manifest : m_manifests) {
            if (manifest.digest == digest) return manifest;
        }
        throw std::runtime_error("no manifest " + digest);
    }

    std::string m_repository;
    std::vector<FixtureBlob> m_blobs;
    std::deque<FixtureManifest> m_manifests; // a deque: references to earlier documents stay valid
    std::map<std::string, std::string> m_configs;
    std::vector<std::pair<std::string, std::string>> m_tags;
};

// One selection: the tag of a case, the --platform asked for, and the manifest docker pulls (or
// the exit code every command gives instead).
struct Vector {
    std::string name;
    std::string tag;
    std::string platform;
    std::string expected; // manifest digest; "" when no manifest matches
    int exit_code = 0;
};

// The cases of the review of main and the rules of select.hpp, as documents and vectors.
std::vector<Vector> build_cases(Documents &docs) {
    std::vector<Vector> vectors;
    auto expect = [&](const std::string &name, const std::string &tag, const std::string &platform,
                      const FixtureManifest *manifest) {
        vectors.push_back(Vector{name, tag, platform, manifest ? manifest->digest : "", manifest ? 0 : 3});
    };

    // A buildx-style index: images, then an attestation, which is never chosen.
    const auto &amd64 = docs.image(spec("linux", "amd64"), "multi amd64");
    const auto &arm64 = docs.image(spec("linux", "arm64", "v8"), "multi arm64");
    const auto &armv7 = docs.image(spec("linux", "arm", "v7"), "multi arm/v7");
    Json attest = docs.attestation(amd64, "multi amd64");
    const auto &multi = docs.index({{&amd64, spec("linux", "amd64")},
                                    {&arm64, spec("linux", "arm64", "v8")},
                                    {&armv7, spec("linux", "arm", "v7")}},
                                   {attest});
    docs.tag(multi, "multi");
    expect("exact entry", "multi", "linux/amd64", &amd64);
    expect("arm64 is arm64/v8", "multi", "linux/arm64", &arm64);
    expect("aarch64 normalises", "multi", "linux/aarch64", &arm64);
    expect("arm/v7", "multi", "linux/arm/v7", &armv7);
    expect("arm/v8 runs arm/v7", "multi", "linux/arm/v8", &armv7);
    expect("amd64/v3 runs plain amd64", "multi", "linux/amd64/v3", &amd64);
    expect("arm/v6 has no entry", "multi", "linux/arm/v6", nullptr);
    expect("attestations are never chosen", "multi", "unknown/unknown", nullptr);
    expect("no windows entry", "multi", "windows/amd64", nullptr);

    // A nested index, reached through an entry without a platform: descended, as containerd does.
    const auto &n_amd64 = docs.image(spec("linux", "amd64"), "nested amd64");
    const auto &n_arm64 = docs.image(spec("linux", "arm64"), "nested arm64");
    const auto &inner = docs.index({{&n_amd64, spec("linux", "amd64")}, {&n_arm64, spec("linux", "arm64")}});
    const auto &outer = docs.index({{&inner, std::nullopt}});
    docs.tag(outer, "nested");
    expect("nested index, amd64", "nested", "linux/amd64", &n_amd64);
    expect("nested index, arm64", "nested", "linux/arm64", &n_arm64);
    expect("nested index without a match", "nested", "linux/s390x", nullptr);

    // A declared entry wins over a nested index; the nested index is the fallback.
    const auto &s390x = docs.image(spec("linux", "s390x"), "fallback s390x");
    const auto &fallback_inner = docs.index({{&s390x, spec("linux", "s390x")}});
    const auto &declared_first = docs.index({{&fallback_inner, std::nullopt}, {&n_amd64, spec("linux", "amd64")}});
    docs.tag(declared_first, "declared-first");
    expect("declared entry before the platform-less one", "declared-first", "linux/amd64", &n_amd64);
    expect("platform-less nested index as the fallback", "declared-first", "linux/s390x", &s390x);

    // An entry without a platform whose config decides (containerd reads it; limit one).
    const auto &undeclared = docs.image(spec("linux", "arm64"), "undeclared arm64");
    const auto &mixed = docs.index({{&amd64, spec("linux", "amd64")}, {&undeclared, std::nullopt}});
    docs.tag(mixed, "undeclared");
    expect("declared match", "undeclared", "linux/amd64", &amd64);
    expect("platform-less entry, config matches", "undeclared", "linux/arm64", &undeclared);
    expect("platform-less entry, config of another platform", "undeclared", "linux/ppc64le", nullptr);

    // A single-platform image: the tag names the manifest itself.
    docs.tag(amd64, "single");
    expect("single-platform image of that platform", "single", "linux/amd64", &amd64);
    expect("single-platform image of another platform", "single", "linux/arm64", nullptr);

    // x86-64 levels: docker's default platform on a v3 host is linux/amd64/v3 (moby maximumSpec).
    const auto &plain = docs.image(spec("linux", "amd64"), "levels v1");
    const auto &v2 = docs.image(spec("linux", "amd64", "v2"), "levels v2");
    const auto &levels = docs.index({{&plain, spec("linux", "amd64")}, {&v2, spec("linux", "amd64", "v2")}});
    docs.tag(levels, "levels");
    expect("a v3 host takes the v2 build", "levels", "linux/amd64/v3", &v2);
    expect("plain amd64 takes the v1 build", "levels", "linux/amd64", &plain);
    expect("v2 takes the v2 build", "levels", "linux/amd64/v2", &v2);

    // Windows: os.version windows and the win32k os.feature every real image declares.
    const auto &ltsc2019 = docs.image(spec("windows", "amd64", "", "10.0.17763.5", {"win32k"}), "ltsc2019");
    const auto &ltsc2022 = docs.image(spec("windows", "amd64", "", "10.0.20348.9", {"win32k"}), "ltsc2022");
    const auto &windows = docs.index({{&ltsc2019, spec("windows", "amd64", "", "10.0.17763.5", {"win32k"})},
                                      {&ltsc2022, spec("windows", "amd64", "", "10.0.20348.9", {"win32k"})},
                                      {&amd64, spec("linux", "amd64")}});
    docs.tag(windows, "windows");
    expect("win32k is ignored, first listed wins", "windows", "windows/amd64", &ltsc2019);
    expect("ltsc2019 host takes its own build", "windows", "windows/amd64:10.0.17763", &ltsc2019);
    expect("ltsc2022 host", "windows", "windows/amd64:10.0.20348", &ltsc2022);
    expect("a host past ltsc2025 keeps the ltsc2022 floor", "windows", "windows/amd64:10.0.26200", &ltsc2022);
    expect("no windows/arm64 entry", "windows", "windows/arm64", nullptr);
    return vectors;
}

// moby's index selections (platforms.json) that use platforms.Only, as one index each.
std::vector<Vector> build_conformance_cases(Documents &docs) {
    std::vector<Vector> vectors;
    std::ifstream in(std::string(shared_dir()) + "/conformance/platforms.json");
    if (!in) return vectors;
    Json all = Json::parse(in);
    std::size_t number = 0;
    for (const auto &vector : all["index_selection"]) {
        std::string matcher = vector["matcher"].get<std::string>();
        if (matcher.find("Only(") == std::string::npos) continue; // digestx's commands use Only
        std::string tag = "moby-" + std::to_string(number++);
        std::vector<std::pair<const FixtureManifest *, std::optional<PlatformSpec>>> entries;
        std::vector<const FixtureManifest *> images;
        for (const auto &platform : vector["index_platforms"]) {
            PlatformSpec declared = spec_of(platform);
            const auto &image = docs.image(declared, tag + " " + platform.dump());
            entries.emplace_back(&image, declared);
            images.push_back(&image);
        }
        docs.tag(docs.index(entries), tag);
        // requested null: the daemon's platform, which digestx takes from --platform here.
        PlatformSpec wanted = spec_of(vector["requested"].is_null() ? vector["daemon_platform"] : vector["requested"]);
        std::string platform =
            wanted.os + "/" + wanted.architecture + (wanted.variant.empty() ? "" : "/" + wanted.variant);
        if (!wanted.os_version.empty()) platform += ":" + wanted.os_version;
        const FixtureManifest *expected = nullptr;
        if (!vector["expected_first"].is_null()) {
            Json first = vector["expected_first"];
            for (std::size_t i = 0; i < images.size(); ++i) {
                if (vector["index_platforms"][i] == first) {
                    expected = images[i];
                    break;
                }
            }
        }
        vectors.push_back(Vector{vector["source"].get<std::string>(), tag, platform, expected ? expected->digest : "",
                                 expected ? 0 : 3});
    }
    return vectors;
}

struct Bench {
    Documents docs{"selection/app"};
    std::vector<Vector> vectors;
    std::size_t own = 0; // vectors[0, own) are ours, the rest moby's
    TempDir dir;
    std::unique_ptr<RegistryBed> bed;

    Bench() {
        vectors = build_cases(docs);
        own = vectors.size();
        auto conformance = build_conformance_cases(docs);
        vectors.insert(vectors.end(), conformance.begin(), conformance.end());
        docs.write_layout(dir.path() + "/layout");
        bed = fresh_bed(BedMode::Open, false);
        push_documents(*bed, docs.blobs(), docs.manifests());
    }

    [[nodiscard]] std::string reference(const std::string &tag, bool layout) const {
        return layout ? "oci:" + dir.path() + "/layout:" + tag : bed->reference("selection/app:" + tag);
    }
};

Bench &bench() {
    static Bench instance;
    return instance;
}

// Runs vectors [first, last) through every command against the registry or the layout. The
// table is cut in four test cases so that each stays well inside the per-test time limit, also
// under the sanitizers.
void run_table(std::size_t first, std::size_t last, bool layout) {
    Bench &b = bench();
    for (std::size_t i = first; i < last; ++i) {
        const Vector &v = b.vectors[i];
        std::string reference = b.reference(v.tag, layout);
        INFO(v.name << "\n" << reference << " --platform " << v.platform);
        auto digest = run_digestx({"digest", "--platform", v.platform, reference});
        auto manifest = run_digestx({"manifest", "--platform", v.platform, reference});
        auto config = run_digestx({"config", "--platform", v.platform, reference});
        auto inspect = run_digestx({"inspect", "-o", "json", "--platform", v.platform, reference});
        for (const auto *result : {&digest, &manifest, &config, &inspect}) {
            CHECK(result->exit_code == v.exit_code);
            if (v.exit_code != 0) {
                CHECK(result->out.empty());
                CHECK_THAT(result->err, Catch::Contains("no manifest for"));
            }
        }
        if (v.exit_code != 0) continue;
        CHECK(digest.out == v.expected + "\n");
        CHECK(sha256(manifest.out) == v.expected);
        CHECK(sha256(config.out) == b.docs.config_of(v.expected));
        auto tree = Json::parse(inspect.out);
        CHECK(tree["selected"] == v.expected);
        // The pin of that manifest is found where the selection found it.
        auto verify = run_digestx({"verify", "-o", "json", reference, "--digest", v.expected});
        CHECK(verify.exit_code == 0);
        auto verdict = Json::parse(verify.out.empty() ? "{}" : verify.out);
        CHECK((verdict.value("status", "") == "current" || verdict.value("status", "") == "platform-pin"));
    }
}

} // namespace

TEST_CASE("every command selects the manifest docker pull --platform would use, on the registry",
          "[selection][cli][bed]") {
    REQUIRE(bench().own >= 27);
    run_table(0, bench().own, false);
}

TEST_CASE("every command selects the manifest docker pull --platform would use, on a layout", "[selection][cli]") {
    run_table(0, bench().own, true);
}

TEST_CASE("moby's index selections give the same manifest from every command", "[selection][cli][bed][conformance]") {
    if (bench().vectors.size() == bench().own) {
        DIGESTX_SKIP("../shared is absent: the moby index-selection vectors are skipped");
    }
    run_table(bench().own, bench().vectors.size(), false);
    run_table(bench().own, bench().vectors.size(), true);
}

TEST_CASE("check accepts a platform pin under FROM --platform exactly where the selection takes it",
          "[selection][cli][bed][check]") {
    Bench &b = bench();
    TempDir work;
    std::size_t written = 0;
    std::ofstream dockerfile(work.path() + "/Dockerfile");
    for (const auto &v : b.vectors) {
        if (v.exit_code != 0 || v.tag == "single" || v.platform.find(':') != std::string::npos) continue;
        dockerfile << "FROM --platform=" << v.platform << " " << b.bed->reference("selection/app:" + v.tag) << "@"
                   << v.expected << " AS stage" << written++ << "\n";
    }
    dockerfile.close();
    // digestx's own vectors give 16 rows a Dockerfile can hold; moby's (in ../shared) add more.
    REQUIRE(written >= (b.vectors.size() > b.own ? 20U : 16U));
    auto check = run_digestx({"check", "-o", "json", work.path() + "/Dockerfile"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
    auto report = Json::parse(check.out.empty() ? "{}" : check.out);
    std::size_t rows = 0;
    for (const auto &row : report.value("results", Json::array())) {
        INFO(row.dump());
        CHECK((row.value("status", "") == "platform-pin" || row.value("status", "") == "current"));
        ++rows;
    }
    CHECK(rows == written);
}

TEST_CASE("a schema1 image answers --platform from its own architecture in every command",
          "[selection][cli][bed][schema1]") {
    // Schema1 names its architecture itself and has no os (linux) and no config: the same check
    // as a single-platform image's config, in every command (inspect used to exit 0 silently).
    RegistryBed &bed = shared_bed(BedMode::Open);
    const FixtureManifest &legacy = fixture_catalog().legacy;
    std::string reference = bed.reference("library/legacy:1");
    for (const std::string command : {"digest", "manifest", "inspect"}) {
        INFO(command);
        auto other = run_digestx({command, "--platform", "linux/arm64", reference});
        CHECK(other.exit_code == 3);
        CHECK(other.out.empty());
        CHECK_THAT(other.err, Catch::Contains("no manifest for linux/arm64") && Catch::Contains("linux/amd64"));
        auto own = run_digestx({command, "-o", "json", "--platform", "linux/amd64", reference});
        CHECK(own.exit_code == 0);
    }
    CHECK(run_digestx({"digest", "--platform", "linux/amd64", reference}).out == legacy.digest + "\n");
    auto config = run_digestx({"config", "--platform", "linux/arm64", reference});
    CHECK(config.exit_code == 3);
    CHECK_THAT(config.err, Catch::Contains("no manifest for linux/arm64"));
}

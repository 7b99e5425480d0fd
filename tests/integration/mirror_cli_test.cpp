// Registry mirrors through the real binary: a second distribution registry as a pull-through
// cache (`proxy.remoteurl`) in front of the first, mirrors from --mirror, daemon.json and
// registries.conf, fallback when a mirror is down or lacks the image, which host answered each
// document, credentials that never reach a mirror, and a stale tag on a mirror.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "registry_cli_support.hpp"
#include "support/fake_registry.hpp"
#include "support/http_server.hpp"
#include "support/jose.hpp"

using namespace digestx::test;
using json = nlohmann::json;

namespace {

// A stand-in for `/` with the test's own /etc/docker/daemon.json and /etc/containers files.
class SystemRoot {
public:
    [[nodiscard]] const std::string &path() const { return m_dir.path(); }
    void write(const std::string &relative, const std::string &text) const {
        std::filesystem::path file = m_dir.path() + "/" + relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
    }
    [[nodiscard]] std::map<std::string, std::string> env() const { return {{"DIGESTX_SYSTEM_ROOT", path()}}; }

private:
    TempDir m_dir;
};

// A pull-through cache of `upstream`: distribution's proxy mode (it refuses pushes).
std::unique_ptr<RegistryBed> pull_through_mirror(const RegistryBed &upstream) {
    BedOptions options;
    options.proxy_remote_url = upstream.base_url();
    options.schema1_push = false;
    return std::make_unique<RegistryBed>(BedMode::Open, options);
}

// A port nothing listens on: a server bound and closed.
int closed_port() {
    auto server = std::make_unique<TestHttpServer>([](const RecordedRequest &) { return ScriptedResponse{}; });
    int port = server->port();
    server.reset();
    return port;
}

json parse_json(const ProcessResult &result) {
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
}

// Every node's fetch record, depth first.
void collect_fetches(const json &node, std::vector<json> &out) {
    if (node.contains("fetch") && node["fetch"].is_object()) out.push_back(node["fetch"]);
    if (node.contains("children")) {
        for (const auto &child : node["children"])
            collect_fetches(child, out);
    }
}

std::vector<json> fetches(const json &document) {
    std::vector<json> out;
    collect_fetches(document["root"], out);
    return out;
}

std::size_t count(const std::string &text, const std::string &needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("a pull-through mirror answers every document, and its outage falls back to the registry", "[mirror][bed]") {
    RegistryBed &upstream = shared_bed(BedMode::Open);
    auto mirror = pull_through_mirror(upstream);
    const std::string image = upstream.reference("library/alpine:3.12");
    const std::string option = "--mirror=" + upstream.host() + "=" + mirror->host();

    auto through = parse_json(run_digestx({"-o", "json", option, "inspect", image}));
    auto records = fetches(through);
    REQUIRE(records.size() >= 8);
    for (const auto &record : records) {
        INFO(record.dump());
        CHECK(record["mirror"] == mirror->host());
        CHECK(record["answeredBy"] == mirror->host());
    }
    CHECK(through["root"]["digest"] == fixture_catalog().alpine_list.digest);
    CHECK(through["requests"]["mirrorRequests"] == through["requests"]["total"]);
    bool finding = false;
    for (const auto &item : through["findings"])
        finding = finding || item["code"] == "served-by-mirror";
    CHECK(finding);

    auto text = run_digestx({option, "inspect", image});
    REQUIRE(text.exit_code == 0);
    CHECK(count(text.out, "via mirror " + mirror->host()) == records.size());
    CHECK_THAT(text.out, Catch::Contains("requests to mirrors"));

    mirror->stop();
    auto fallback = run_digestx({"-o", "json", option, "inspect", image});
    INFO(fallback.err);
    REQUIRE(fallback.exit_code == 0);
    auto direct = json::parse(fallback.out);
    for (const auto &record : fetches(direct))
        CHECK(record["mirror"].is_null());
    CHECK(direct["root"]["digest"] == fixture_catalog().alpine_list.digest);
    // One warning for the dead mirror, not one per document.
    CHECK(count(fallback.err, "digestx: warning: mirror " + mirror->host() + " (--mirror): ") == 1);
    CHECK_THAT(fallback.err, Catch::Contains("trying the next source"));
}

TEST_CASE("mirrors from daemon.json and registries.conf serve docker.io, in order, relocations honoured",
          "[mirror][bed]") {
    RegistryBed &upstream = shared_bed(BedMode::Open);
    auto mirror = pull_through_mirror(upstream);
    SystemRoot root;
    const int dead = closed_port();
    // docker's mirrors come first (a dead one here), then registries.conf's; registries.conf also
    // relocates docker.io to the test registry, so nothing here can reach Docker Hub.
    root.write("etc/docker/daemon.json",
               R"({"registry-mirrors": ["http://127.0.0.1:)" + std::to_string(dead) + R"("]})");
    root.write("etc/containers/registries.conf",
               "[[registry]]\nprefix = \"docker.io\"\nlocation = \"" + upstream.host() + "\"\n");
    root.write("etc/containers/registries.conf.d/50-mirror.conf",
               "[[registry]]\nprefix = \"docker.io\"\nlocation = \"" + upstream.host() +
                   "\"\n[[registry.mirror]]\nlocation = \"" + mirror->host() + "\"\n");
    root.write("etc/containers/registries.conf.d/README", "not a .conf file: ignored");

    auto result = run_digestx({"-o", "json", "inspect", "library/hello:single"}, {}, root.env());
    auto document = parse_json(result);
    CHECK(document["root"]["digest"] == fixture_catalog().hello.digest);
    for (const auto &record : fetches(document))
        CHECK(record["mirror"] == mirror->host());
    CHECK(count(result.err, "digestx: warning: mirror 127.0.0.1:" + std::to_string(dead) + " (" + root.path() +
                                "/etc/docker/daemon.json): ") == 1);

    // --verbose names the route; --no-mirrors ignores every file, so docker.io is docker.io again.
    auto verbose = run_digestx({"-v", "--timeout", "20", "digest", "library/hello:single"}, {}, root.env());
    CHECK_THAT(verbose.err, Catch::Contains("from mirror 127.0.0.1:" + std::to_string(dead)) &&
                                Catch::Contains("then mirror " + mirror->host()) &&
                                Catch::Contains("(relocated by " + root.path() +
                                                "/etc/containers/registries.conf.d/50-mirror.conf)"));
    auto ignored = run_digestx({"--no-mirrors", "ref", "library/hello:single"}, {}, root.env());
    CHECK(ignored.exit_code == 0);
    auto both = run_digestx({"--no-mirrors", "--mirror", "m.example", "digest", "alpine"}, {}, root.env());
    CHECK(both.exit_code == 2);
    CHECK(both.out.empty());
    CHECK_THAT(both.err, Catch::Contains("--no-mirrors and --mirror exclude each other"));
}

TEST_CASE("broken mirror configuration is a usage error naming the file and key", "[mirror]") {
    SystemRoot root;
    root.write("etc/containers/registries.conf", "[[registry]]\nprefix = \"docker.io\"\ninsecure = \"yes\"\n");
    auto bad_toml = run_digestx({"digest", "alpine"}, {}, root.env());
    CHECK(bad_toml.exit_code == 2);
    CHECK(bad_toml.out.empty());
    CHECK(bad_toml.err ==
          "digestx: error: " + root.path() + "/etc/containers/registries.conf: \"insecure\" must be true or false\n");

    SystemRoot daemon;
    daemon.write("etc/docker/daemon.json", R"({"registry-mirrors": "https://mirror.example"})");
    auto bad_json = run_digestx({"digest", "alpine"}, {}, daemon.env());
    CHECK(bad_json.exit_code == 2);
    CHECK(bad_json.err == "digestx: error: " + daemon.path() +
                              "/etc/docker/daemon.json: \"registry-mirrors\" must be an array of strings\n");

    SystemRoot blocked;
    blocked.write("etc/containers/registries.conf", "[[registry]]\nprefix = \"docker.io/library\"\nblocked = true\n");
    auto refused = run_digestx({"inspect", "alpine:3.12"}, {}, blocked.env());
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("are blocked by " + blocked.path() + "/etc/containers/registries.conf"));

    auto option = run_digestx({"--mirror", "https://user:secret@mirror.example", "digest", "alpine"});
    CHECK(option.exit_code == 2);
    CHECK(option.err.find("secret") == std::string::npos);
}

TEST_CASE("credentials for the registry never reach its mirror, the mirror gets its own stored ones",
          "[mirror][bed][auth]") {
    RegistryBed &upstream = shared_bed(BedMode::Basic);
    const auto &alice = upstream.credentials();
    const std::string image = upstream.reference("library/hello:single");

    // A mirror that wants credentials of its own and has none of this image.
    FakeRegistry fake;
    fake.basic("mirror-user", "mirror-password");
    TestHttpServer mirror(fake.handler());
    const std::string option = "--mirror=" + upstream.host() + "=" + mirror.host();

    auto result = run_digestx({"--username", alice.user, "--password-stdin", option, "-o", "json", "inspect", image},
                              alice.password + "\n");
    auto document = parse_json(result);
    CHECK(document["root"]["digest"] == fixture_catalog().hello.digest);
    REQUIRE_FALSE(mirror.requests().empty());
    CHECK(authorized_requests(mirror) == 0);
    for (const auto &request : mirror.requests()) {
        for (const auto &[name, value] : request.headers)
            CHECK(value.find(base64_encode(alice.user + ":" + alice.password)) == std::string::npos);
    }
    CHECK(result.err.find(alice.password) == std::string::npos);

    // Stored credentials configured for the mirror's host are the mirror's: sent there, and only there.
    TempDir home;
    std::filesystem::create_directories(home.path() + "/.docker");
    std::ofstream(home.path() + "/.docker/config.json") << R"({"auths":{")" << mirror.host() << R"(":{"auth":")"
                                                        << base64_encode("mirror-user:mirror-password") << R"("}}})";
    auto stored = run_digestx({"--username", alice.user, "--password-stdin", option, "digest", image},
                              alice.password + "\n", {{"HOME", home.path()}});
    INFO(stored.err);
    CHECK(stored.exit_code == 0);
    CHECK(authorized_requests(mirror) > 0);
}

TEST_CASE("a stale tag on a mirror: pins read the registry tag and say so, inspect reads the mirror tag",
          "[mirror][bed]") {
    RegistryBed &upstream = shared_bed(BedMode::Open);
    const auto &hello = fixture_catalog().hello;
    SampleImage old_build = SampleImage::make("an older build");
    FakeRegistry fake;
    fake.image("single", old_build);
    TestHttpServer mirror(fake.handler());
    const std::string option = "--mirror=" + upstream.host() + "=" + mirror.host();
    const std::string image = upstream.reference("library/hello:single");
    const std::string stale = "digestx: warning: mirror " + mirror.host() + " (--mirror) serves tag single as " +
                              old_build.manifest_digest + ", but " + upstream.host() + " serves " + hello.digest +
                              ": the mirror's tag is stale, and pulls through it get the other image\n";

    auto verify = run_digestx({option, "verify", image + "@" + hello.digest});
    CHECK(verify.exit_code == 0);
    CHECK(verify.err == stale);

    auto digest = run_digestx({option, "digest", image});
    CHECK(digest.exit_code == 0);
    CHECK_THAT(digest.out, Catch::Contains(hello.digest));
    CHECK(digest.err == stale);

    TempDir dir;
    std::ofstream(dir.path() + "/Dockerfile") << "FROM " << image << "@" << hello.digest << "\n";
    auto check = run_digestx({option, "check", dir.path() + "/Dockerfile"});
    CHECK(check.exit_code == 0);
    CHECK_THAT(check.err, Catch::Contains(stale));

    // Told otherwise, the tag comes through the mirror: the old build, and verify fails on it.
    auto through = run_digestx({option, "--tags-from-mirror", "digest", image});
    CHECK(through.exit_code == 0);
    CHECK_THAT(through.out, Catch::Contains(old_build.manifest_digest));
    auto drifted = run_digestx({option, "--tags-from-mirror", "verify", image + "@" + hello.digest});
    CHECK(drifted.exit_code == 1);

    // inspect reads as docker pull does: the mirror's tag, said in the finding.
    auto inspect = run_digestx({option, "-o", "json", "inspect", image});
    auto document = parse_json(inspect);
    CHECK(document["root"]["digest"] == old_build.manifest_digest);
    CHECK(document["root"]["fetch"]["mirror"] == mirror.host());
}

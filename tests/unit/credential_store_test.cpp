// The search for stored credentials over fake files and a fake helper runner: the order of the
// files, helpers before `auths`, not found, failures (fault catalogue D8, D9), one host only (D10).

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "digestx/auth/credential_store.hpp"
#include "support/env_lookup.hpp"

using digestx::ErrorCode;
using digestx::Result;
using digestx::auth::CredentialKind;
using digestx::auth::CredentialStore;
using digestx::auth::HelperOutput;

namespace {

struct FakeHelpers : digestx::auth::HelperRunner {
    std::map<std::string, Result<HelperOutput>> answers; // by helper name
    std::vector<std::string> calls;                      // "name server_url"
    Result<HelperOutput> get(const std::string &name, const std::string &server_url) override {
        calls.push_back(name + " " + server_url);
        auto found = answers.find(name);
        if (found == answers.end()) return digestx::fail(ErrorCode::Auth, "docker-credential-" + name + " not found");
        return found->second;
    }
};

struct World {
    std::map<std::string, std::string> env{{"HOME", "/home/u"}};
    std::map<std::string, std::string> files;
    std::set<std::string> directories{"/run/user/1"};
    std::set<std::string> unreadable;
    std::shared_ptr<FakeHelpers> helpers = std::make_shared<FakeHelpers>();

    CredentialStore store() {
        return CredentialStore(
            digestx::test::env_from(env),
            [this](const std::string &path) -> Result<std::optional<std::string>> {
                if (unreadable.count(path) != 0) return digestx::fail(ErrorCode::Usage, "cannot read " + path);
                auto found = files.find(path);
                if (found == files.end()) return std::optional<std::string>();
                return std::optional<std::string>(found->second);
            },
            [this](const std::string &path) { return directories.count(path) != 0; }, helpers);
    }
};

const std::string docker_config = "/home/u/.docker/config.json";
const std::string user_auth = "/home/u/.config/containers/auth.json";

std::string user_of(CredentialStore &store, const std::string &registry, const std::string &repository = "app") {
    auto found = store.find(registry, repository);
    INFO((found ? std::string() : found.error().message));
    REQUIRE(found);
    return *found ? (*found)->credentials.username : std::string("(anonymous)");
}

HelperOutput answer(int status, std::string out) {
    return HelperOutput{status, std::move(out)};
}

} // namespace

TEST_CASE("the files are searched in containers/image's order, then docker's", "[auth][store]") {
    World world;
    auto paths = [&world] {
        std::vector<std::string> out;
        auto store = world.store();
        auto files = store.files();
        REQUIRE(files);
        for (const auto &file : *files)
            out.push_back(file.path);
        return out;
    };
    CHECK(paths() == std::vector<std::string>{user_auth, docker_config});
    world.env["XDG_RUNTIME_DIR"] = "/run/user/1";
    world.env["XDG_CONFIG_HOME"] = "/cfg";
    world.env["DOCKER_CONFIG"] = "/run/user/1";
    CHECK(paths() == std::vector<std::string>{"/run/user/1/containers/auth.json", "/cfg/containers/auth.json",
                                              "/run/user/1/config.json"});
    world.env["REGISTRY_AUTH_FILE"] = "/tmp/auth.json";
    CHECK(paths() == std::vector<std::string>{"/tmp/auth.json", "/run/user/1/config.json"});
    world.env["XDG_RUNTIME_DIR"] = "/missing";
    world.env.erase("REGISTRY_AUTH_FILE");
    CHECK(paths() == std::vector<std::string>{"/cfg/containers/auth.json", "/run/user/1/config.json"});

    world.env["DOCKER_CONFIG"] = "/no/such/dir";
    auto missing = world.store().find("reg.example", "app");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::Auth);
    CHECK_THAT(missing.error().message, Catch::Contains("DOCKER_CONFIG directory \"/no/such/dir\" does not exist"));

    World homeless;
    homeless.env.clear();
    auto homeless_store = homeless.store();
    CHECK(homeless_store.files()->empty());
    auto store = homeless.store();
    CHECK(user_of(store, "reg.example") == "(anonymous)");
}

TEST_CASE("the first file with an answer wins, per-repository keys in auth.json first", "[auth][store]") {
    World world;
    world.files[user_auth] = R"({"auths":{"reg.example/team":{"auth":"dGVhbTp0ZWFt"}}})";
    world.files[docker_config] = R"({"auths":{"reg.example":{"auth":"aG9zdDpob3N0"},
                                              "https://index.docker.io/v1/":{"auth":"aHViOmh1Yg=="}}})";
    auto store = world.store();
    CHECK(user_of(store, "reg.example", "team/app") == "team");
    CHECK(user_of(store, "reg.example", "other/app") == "host");
    CHECK(user_of(store, "docker.io", "library/alpine") == "hub");
    CHECK(user_of(store, "reg.example.evil.com") == "(anonymous)");
    CHECK(user_of(store, "reg.example:5000") == "(anonymous)");
    auto found = store.find("reg.example", "other/app");
    CHECK((*found)->source == docker_config + " (auths \"reg.example\")");
    CHECK(world.helpers->calls.empty());
}

TEST_CASE("helpers: credHelpers before credsStore before auths, never another host's", "[auth][store]") {
    World world;
    world.files[docker_config] = R"({"auths":{"reg.example":{"auth":"aG9zdDpob3N0"}},
        "credHelpers":{"reg.example":"pass","https://index.docker.io/v1/":"hub"},"credsStore":"desktop"})";
    world.helpers->answers.emplace("pass", answer(0, R"({"Username":"from-pass","Secret":"pw"})"));
    world.helpers->answers.emplace("hub", answer(0, R"({"Username":"<token>","Secret":"refresh"})"));
    world.helpers->answers.emplace("desktop", answer(1, "credentials not found in native keychain\n"));
    auto store = world.store();
    CHECK(user_of(store, "reg.example") == "from-pass");
    auto hub = store.find("docker.io", "library/alpine");
    REQUIRE(hub);
    REQUIRE(*hub);
    CHECK((*hub)->credentials.kind == CredentialKind::IdentityToken);
    CHECK((*hub)->source == "docker-credential-hub (credHelpers in " + docker_config + ")");
    // credsStore says "not found": anonymous, not the auths entry and not another host's helper.
    CHECK(user_of(store, "other.example") == "(anonymous)");
    CHECK(world.helpers->calls ==
          std::vector<std::string>{"pass reg.example", "hub https://index.docker.io/v1/", "desktop other.example"});
    // Remembered: no second run of the helper for the same repository.
    CHECK(user_of(store, "reg.example") == "from-pass");
    CHECK(world.helpers->calls.size() == 3);
}

TEST_CASE("a credHelpers entry in auth.json is asked, credsStore there is not", "[auth][store]") {
    World world;
    world.files[user_auth] = R"({"credHelpers":{"reg.example":"pass"},"credsStore":"desktop"})";
    world.files[docker_config] = R"({"auths":{"reg.example":{"auth":"aG9zdDpob3N0"}}})";
    world.helpers->answers.emplace("pass", answer(1, "credentials not found in native keychain"));
    auto store = world.store();
    // Not found in auth.json's helper: containers/image moves on to the next file.
    CHECK(user_of(store, "reg.example") == "host");
    CHECK(user_of(store, "other.example") == "(anonymous)");
    CHECK(world.helpers->calls == std::vector<std::string>{"pass reg.example"});
}

TEST_CASE("failures end the search with exit 4, naming file or helper", "[auth][store]") {
    World world;
    world.files[docker_config] = R"({"auths":{"reg.example":{"auth":"bad!"}}})";
    auto store = world.store();
    auto broken = store.find("reg.example", "app");
    REQUIRE_FALSE(broken);
    CHECK(broken.error().code == ErrorCode::Auth);
    CHECK_THAT(broken.error().message, Catch::Contains(docker_config + ": auths[\"reg.example\"].auth"));

    World unreadable;
    unreadable.unreadable.insert(user_auth);
    auto store2 = unreadable.store();
    auto refused = store2.find("reg.example", "app");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Auth);
    CHECK_THAT(refused.error().message, Catch::Contains(user_auth));

    World failing;
    failing.files[docker_config] = R"({"credHelpers":{"reg.example":"pass"}})";
    failing.helpers->answers.emplace("pass", answer(2, "topsecret garbage"));
    auto store3 = failing.store();
    auto helper = store3.find("reg.example", "app");
    REQUIRE_FALSE(helper);
    CHECK(helper.error().code == ErrorCode::Auth);
    CHECK_THAT(helper.error().message, Catch::Contains("docker-credential-pass failed (exit status 2)"));
    CHECK_THAT(helper.error().message, !Catch::Contains("topsecret"));
    // Another host is not affected by this helper.
    CHECK(user_of(store3, "other.example") == "(anonymous)");
}

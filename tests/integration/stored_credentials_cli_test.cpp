// Stored credentials through the real binary against the real registry (basic and token modes):
// docker's config.json (`auth`, username/password, identitytoken, registrytoken), credential
// helpers, containers' auth.json, precedence, broken files and helpers (fault catalogue D8, D9),
// exact host matching and the leak checks (D10), identity tokens by POST and the GET fallback
// (D11). Every child gets its own HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE and XDG_RUNTIME_DIR.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <sys/stat.h>

#include "registry_cli_support.hpp"
#include "support/http_server.hpp"
#include "support/jose.hpp"

using namespace digestx::test;

namespace {

// A home of one test: config files, an auth.json, and helper scripts on PATH.
class Home {
public:
    Home() {
        std::filesystem::create_directories(home() + "/.docker");
        std::filesystem::create_directories(bin());
        std::filesystem::create_directories(runtime());
    }
    [[nodiscard]] std::string home() const { return m_dir.path() + "/home"; }
    [[nodiscard]] std::string bin() const { return m_dir.path() + "/bin"; }
    [[nodiscard]] std::string runtime() const { return m_dir.path() + "/run"; }
    [[nodiscard]] std::string docker_config() const { return home() + "/.docker/config.json"; }
    [[nodiscard]] std::string helper_log() const { return m_dir.path() + "/helper.log"; }

    void write(const std::string &path, const std::string &text) const {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path, std::ios::binary) << text;
    }
    // docker-credential-NAME: logs its argument and stdin, then runs `body`.
    void helper(const std::string &name, const std::string &body) const {
        std::string path = bin() + "/docker-credential-" + name;
        write(path, "#!/bin/sh\nread -r url\necho \"$1 $url\" >> '" + helper_log() + "'\n" + body + "\n");
        ::chmod(path.c_str(), 0755);
    }
    [[nodiscard]] std::string helper_calls() const {
        std::ifstream in(helper_log());
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    [[nodiscard]] std::map<std::string, std::string> env() const {
        std::map<std::string, std::string> env = {{"HOME", home()}, {"PATH", bin() + ":/usr/bin:/bin"}};
        for (const auto &[key, value] : m_extra)
            env[key] = value;
        return env;
    }
    void set(const std::string &key, const std::string &value) { m_extra[key] = value; }
    [[nodiscard]] ProcessResult run(const std::vector<std::string> &args, const std::string &input = {}) const {
        return run_digestx(args, input, env());
    }

private:
    TempDir m_dir;
    std::map<std::string, std::string> m_extra;
};

std::string basic_auth(const std::string &user, const std::string &password) {
    return base64_encode(user + ":" + password);
}

std::string auths(const std::string &key, const std::string &entry) {
    return R"({"auths":{")" + key + R"(":)" + entry + "}}";
}

void check_no_secret(const ProcessResult &result, const std::string &secret) {
    CHECK(result.err.find(secret) == std::string::npos);
    CHECK(result.out.find(secret) == std::string::npos);
}

} // namespace

TEST_CASE("config.json credentials reach the basic and token registries", "[registry][cli][bed][credentials]") {
    for (BedMode mode : {BedMode::Basic, BedMode::Token}) {
        RegistryBed &bed = shared_bed(mode);
        const auto &account = bed.credentials();
        std::string reference =
            mode == BedMode::Basic ? bed.reference("library/alpine:3.12") : bed.reference("private/secret:1");
        const std::vector<std::pair<std::string, std::string>> entries = {
            {"auth", R"({"auth":")" + basic_auth(account.user, account.password) + R"("})"},
            {"username/password", R"({"username":")" + account.user + R"(","password":")" + account.password + R"("})"},
        };
        for (const auto &[name, entry] : entries) {
            INFO(bed_mode_name(mode) << " " << name);
            Home home;
            home.write(home.docker_config(), auths(bed.host(), entry));
            auto result = home.run({"--verbose", "manifest", reference});
            INFO(result.err);
            CHECK(result.exit_code == 0);
            CHECK_THAT(result.err, Catch::Contains("credentials for " + bed.host() + " from " + home.docker_config() +
                                                   " (auths \"" + bed.host() + "\")"));
            check_no_secret(result, account.password);
        }
        // A key written as a URL with a path is normalised to the same host.
        Home url_key;
        url_key.write(url_key.docker_config(),
                      auths("http://" + bed.host() + "/v2/",
                            R"({"auth":")" + basic_auth(account.user, account.password) + R"("})"));
        CHECK(url_key.run({"manifest", reference}).exit_code == 0);
    }
}

TEST_CASE("auth.json: REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR and per-repository keys",
          "[registry][cli][bed][credentials]") {
    RegistryBed &bed = shared_bed(BedMode::Basic);
    const auto &account = bed.credentials();
    std::string good = R"({"auth":")" + basic_auth(account.user, account.password) + R"("})";
    std::string wrong = R"({"auth":")" + basic_auth(account.user, "not-the-password") + R"("})";
    {
        Home home;
        home.write(home.runtime() + "/containers/auth.json", auths(bed.host() + "/library", good));
        home.write(home.docker_config(), auths(bed.host(), wrong));
        home.set("XDG_RUNTIME_DIR", home.runtime());
        auto result = home.run({"--verbose", "manifest", bed.reference("library/alpine:3.12")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK_THAT(result.err, Catch::Contains("from " + home.runtime() + "/containers/auth.json (auths \"" +
                                               bed.host() + "/library\")"));
        // Another repository does not match the namespace key: docker's config answers, wrongly.
        auto other = home.run({"manifest", bed.reference("private/secret:1")});
        CHECK(other.exit_code == 4);
        CHECK_THAT(other.err, Catch::Contains("credentials rejected by registry " + bed.host()));
    }
    {
        Home home;
        home.write(home.home() + "/auth.json", auths(bed.host(), good));
        home.set("REGISTRY_AUTH_FILE", home.home() + "/auth.json");
        auto result = home.run({"--verbose", "manifest", bed.reference("library/alpine:3.12")});
        CHECK(result.exit_code == 0);
        CHECK_THAT(result.err, Catch::Contains("from " + home.home() + "/auth.json"));
        Home config_home;
        config_home.write(config_home.home() + "/.config/containers/auth.json", auths(bed.host(), good));
        CHECK(config_home.run({"manifest", bed.reference("library/alpine:3.12")}).exit_code == 0);
    }
}

TEST_CASE("credential helpers: success, not found, failure, hang, garbage", "[registry][cli][bed][credentials][D9]") {
    RegistryBed &bed = shared_bed(BedMode::Basic);
    const auto &account = bed.credentials();
    std::string reference = bed.reference("library/alpine:3.12");
    {
        Home home;
        home.helper("test", R"(printf '{"ServerURL":"%s","Username":")" + account.user + R"(","Secret":")" +
                                account.password + R"("}' "$url")");
        home.write(home.docker_config(), R"({"credsStore":"test"})");
        auto result = home.run({"--verbose", "manifest", reference});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK_THAT(result.err,
                   Catch::Contains("credentials for " + bed.host() + " from docker-credential-test (credsStore in " +
                                   home.docker_config() + ")"));
        check_no_secret(result, account.password);
        CHECK(home.helper_calls() == "get " + bed.host() + "\n");
        // credHelpers[host] beats credsStore.
        Home both;
        both.helper("test",
                    R"(printf '{"Username":")" + account.user + R"(","Secret":")" + account.password + R"("}')");
        both.helper("other", "exit 1");
        both.write(both.docker_config(), R"({"credsStore":"other","credHelpers":{")" + bed.host() + R"(":"test"}})");
        CHECK(both.run({"manifest", reference}).exit_code == 0);
    }
    struct Row {
        std::string name;
        std::string body;
        std::string message;
    };
    const std::vector<Row> rows = {
        {"not found", "echo 'credentials not found in native keychain'; exit 1", "requires authentication"},
        {"failure", "echo 'broken helper-secret-1'; exit 2", "docker-credential-test failed (exit status 2)"},
        {"hang", "sleep 30", "docker-credential-test failed: no answer within 1000 ms"},
        {"garbage", "echo 'helper-secret-2 is not JSON'", "docker-credential-test printed an answer that is not"},
        {"oversize", "yes aaaaaaaaaaaaaaaa | head -c 100000", "docker-credential-test failed: printed more than 65536"},
        {"not on PATH", "", "docker-credential-missing failed: not found on PATH"},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        Home home;
        std::string name = row.body.empty() ? "missing" : "test";
        if (!row.body.empty()) home.helper("test", row.body);
        home.write(home.docker_config(), R"({"credsStore":")" + name + R"("})");
        home.set("DIGESTX_CREDENTIAL_HELPER_TIMEOUT", "1");
        auto started = std::chrono::steady_clock::now();
        auto result = home.run({"manifest", reference});
        INFO(result.err);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
        CHECK(result.exit_code == 4);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(row.message));
        CHECK(result.err.find("helper-secret") == std::string::npos);
    }
    // An open registry never asks, so a broken helper is never run.
    RegistryBed &open = shared_bed(BedMode::Open);
    Home home;
    home.helper("test", "exit 2");
    home.write(home.docker_config(), R"({"credsStore":"test"})");
    CHECK(home.run({"manifest", open.reference("library/hello:single")}).exit_code == 0);
    CHECK(home.helper_calls().empty());
}

TEST_CASE("identity tokens: OAuth POST, and GET with Basic where POST is refused",
          "[registry][cli][bed][credentials][D11]") {
    RegistryBed &bed = shared_bed(BedMode::Token);
    TestTokenServer &server = *bed.token_server();
    const std::string refresh = "identity-refresh-token-7";
    server.set_identity_token(refresh);
    std::string entry =
        R"({"auth":")" + basic_auth(bed.credentials().user, "") + R"(","identitytoken":")" + refresh + R"("})";
    for (int refused : {0, 404, 405}) {
        INFO("POST answered " << refused);
        server.refuse_post(refused);
        std::size_t before = server.requests().size();
        Home home;
        home.write(home.docker_config(), auths(bed.host(), entry));
        auto result = home.run({"--verbose", "manifest", bed.reference("private/secret:1")});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out == fixture_catalog().secret.bytes);
        check_no_secret(result, refresh);
        auto requests = server.requests();
        bool posted = false;
        bool fell_back = false;
        for (std::size_t i = before; i < requests.size(); ++i) {
            if (requests[i].method == "POST") posted = true;
            if (requests[i].method == "GET" && requests[i].header("authorization")) fell_back = true;
        }
        CHECK(posted);
        CHECK(fell_back == (refused != 0));
    }
    server.refuse_post(0);
    server.set_identity_token("");
}

TEST_CASE("a registry token is sent as it is", "[registry][cli][bed][credentials]") {
    RegistryBed &bed = shared_bed(BedMode::Token);
    std::string bearer = bed.authorization({"repository:private/secret:pull"});
    REQUIRE(bearer.rfind("Bearer ", 0) == 0);
    Home home;
    home.write(home.docker_config(), auths(bed.host(), R"({"registrytoken":")" + bearer.substr(7) + R"("})"));
    std::size_t before = bed.token_server()->requests().size();
    auto result = home.run({"manifest", bed.reference("private/secret:1")});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(bed.token_server()->requests().size() == before);
}

TEST_CASE("stored credentials lose to --username with --password-stdin", "[registry][cli][bed][credentials]") {
    RegistryBed &bed = shared_bed(BedMode::Basic);
    Home home;
    home.write(
        home.docker_config(),
        auths(bed.host(), R"({"auth":")" + basic_auth(bed.credentials().user, bed.credentials().password) + R"("})"));
    auto result = home.run(
        {"--username", bed.credentials().user, "--password-stdin", "manifest", bed.reference("library/alpine:3.12")},
        "wrong-password\n");
    CHECK(result.exit_code == 4);
    CHECK_THAT(result.err, Catch::Contains("credentials rejected by registry " + bed.host()));
}

TEST_CASE("broken config files are exit 4 naming file and key, a missing one is anonymous",
          "[registry][cli][bed][credentials][D8]") {
    RegistryBed &bed = shared_bed(BedMode::Basic);
    std::string reference = bed.reference("library/alpine:3.12");
    const std::string secret = "file-secret-9";
    struct Row {
        std::string name;
        std::string json;
        std::string message;
    };
    const std::vector<Row> rows = {
        {"invalid JSON", R"({"auths":{")" + bed.host() + R"(":{"auth":")" + secret, "malformed JSON"},
        {"not base64", auths(bed.host(), R"({"auth":")" + secret + R"(!"})"), ".auth is not valid base64"},
        {"no colon", auths(bed.host(), R"({"auth":")" + base64_encode(secret) + R"("})"), "no ':'"},
        {"empty username", auths(bed.host(), R"({"auth":")" + base64_encode(":" + secret) + R"("})"), "empty username"},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        Home home;
        home.write(home.docker_config(), row.json);
        auto result = home.run({"manifest", reference});
        INFO(result.err);
        CHECK(result.exit_code == 4);
        CHECK(result.out.empty());
        CHECK_THAT(result.err, Catch::Contains(home.docker_config()) && Catch::Contains(row.message));
        if (row.name != "invalid JSON") CHECK_THAT(result.err, Catch::Contains("auths[\"" + bed.host() + "\"]"));
        check_no_secret(result, secret);
    }
    // Trailing NULs of the password are dropped, as docker does.
    Home nuls;
    nuls.write(nuls.docker_config(),
               auths(bed.host(), R"({"auth":")" +
                                     base64_encode(bed.credentials().user + ":" + bed.credentials().password +
                                                   std::string(2, '\0')) +
                                     R"("})"));
    CHECK(nuls.run({"manifest", reference}).exit_code == 0);

    Home oversize;
    oversize.write(oversize.docker_config(), R"({"auths":{},"x":")" + std::string(5 << 20, 'a') + R"("})");
    auto large = oversize.run({"manifest", reference});
    CHECK(large.exit_code == 4);
    CHECK_THAT(large.err, Catch::Contains(oversize.docker_config() + " exceeds"));

    Home directory;
    std::filesystem::create_directories(directory.docker_config());
    auto unreadable = directory.run({"manifest", reference});
    CHECK(unreadable.exit_code == 4);
    CHECK_THAT(unreadable.err, Catch::Contains(directory.docker_config()));

    Home missing_dir;
    missing_dir.set("DOCKER_CONFIG", missing_dir.home() + "/no-such-dir");
    auto missing = missing_dir.run({"manifest", reference});
    CHECK(missing.exit_code == 4);
    CHECK_THAT(missing.err, Catch::Contains("DOCKER_CONFIG directory"));

    Home empty;
    auto anonymous = empty.run({"manifest", reference});
    CHECK(anonymous.exit_code == 4);
    CHECK_THAT(anonymous.err, Catch::Contains("requires authentication; no credentials given or stored"));
}

TEST_CASE("another host's credentials never reach an evil host", "[registry][cli][credentials][D10]") {
    TestHttpServer evil([](const RecordedRequest &) {
        ScriptedResponse response;
        response.status = 401;
        response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"evil\"");
        return response;
    });
    const std::string secret = "leak-check-secret-5";
    std::string entry = R"({"auth":")" + basic_auth("bob", secret) + R"("})";
    std::string port = evil.host().substr(evil.host().rfind(':'));
    Home home;
    home.helper("test", R"(printf '{"Username":"bob","Secret":")" + secret + R"("}')");
    // Credentials for the same address on other ports, for a name that merely starts like it, and
    // a helper for another host only.
    home.write(home.docker_config(), R"({"auths":{"127.0.0.1":)" + entry + R"(,"127.0.0.1:1)" + port.substr(1) +
                                         R"(":)" + entry + R"(,"localhost)" + port + R"(":)" + entry +
                                         R"(,"https://127.0.0.1)" + port + R"(.evil.com/v2/":)" + entry +
                                         R"(},"credHelpers":{"127.0.0.1:1":"test"}})");
    auto result = home.run({"--verbose", "manifest", evil.host() + "/app:1"});
    INFO(result.err);
    CHECK(result.exit_code == 4);
    CHECK_THAT(result.err, Catch::Contains("no stored credentials for " + evil.host()));
    for (const auto &request : evil.requests())
        CHECK_FALSE(request.header("authorization"));
    CHECK(home.helper_calls().empty());
    check_no_secret(result, secret);
}

TEST_CASE("pin authenticates to each registry with its own credentials", "[registry][cli][bed][credentials]") {
    RegistryBed &basic = shared_bed(BedMode::Basic);
    RegistryBed &token = shared_bed(BedMode::Token);
    const auto &account = basic.credentials();
    Home home;
    std::string entry = R"({"auth":")" + basic_auth(account.user, account.password) + R"("})";
    home.write(home.docker_config(),
               R"({"auths":{")" + basic.host() + R"(":)" + entry + R"(,")" + token.host() + R"(":)" + entry + "}}");
    std::string list = home.home() + "/images.txt";
    home.write(list, basic.reference("library/alpine:3.12") + "\n" + token.reference("private/secret:1") + "\n");
    auto result = home.run({"--verbose", "pin", "--dry-run", list});
    INFO(result.err << result.out);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains(basic.reference("library/alpine:3.12@sha256:")) &&
                               Catch::Contains(token.reference("private/secret:1@sha256:")));
    CHECK_THAT(result.err, Catch::Contains("credentials for " + basic.host() + " from"));
    CHECK_THAT(result.err, Catch::Contains("credentials for " + token.host() + " from"));
    check_no_secret(result, account.password);
}

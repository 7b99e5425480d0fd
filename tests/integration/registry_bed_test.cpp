// The registry test bed itself: every auth mode starts and answers /v2/ as it should, the token
// server issues tokens the real registry accepts (and only those), and no registry outlives its
// bed, whether the test process ends normally or is killed.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <signal.h>
#include <string>
#include <thread>

#include "support/fixtures.hpp"
#include "support/jose.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"

using namespace digestx::test;

namespace {

// True once `pid` no longer exists or is only a zombie waiting for init to reap it.
bool process_gone(int pid) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    return close == std::string::npos || line.substr(close + 2, 1) == "Z";
}

bool process_gone_within(int pid, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!process_gone(pid)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string command_line(int pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::replace(text.begin(), text.end(), '\0', ' ');
    return text;
}

// The pid a child test printed as "registry-pid=N".
int printed_pid(const std::string &out) {
    auto at = out.find("registry-pid=");
    return at == std::string::npos ? 0 : std::stoi(out.substr(at + 13));
}

} // namespace

TEST_CASE("every bed mode answers /v2/ as its auth mode says", "[bed][registry]") {
    struct Row {
        BedMode mode;
        long anonymous_status;
        std::string challenge_prefix;
    };
    for (const Row &row :
         {Row{BedMode::Open, 200, ""}, Row{BedMode::Basic, 401, "Basic realm=\"digestx-test-registry\""},
          Row{BedMode::Token, 401, "Bearer realm=\"http://127.0.0.1:"}, Row{BedMode::Tls, 200, ""}}) {
        RegistryBed bed(row.mode);
        INFO(bed_mode_name(row.mode) << "\n" << bed.log_tail(10));
        HttpReply anonymous = http_call(bed.call("GET", "/v2/"));
        CHECK(anonymous.status == row.anonymous_status);
        CHECK(anonymous.header("docker-distribution-api-version") == "registry/2.0");
        CHECK(anonymous.header("www-authenticate").value_or("").rfind(row.challenge_prefix, 0) == 0);
        CHECK(bed.base_url().rfind(row.mode == BedMode::Tls ? "https://127.0.0.1:" : "http://127.0.0.1:", 0) == 0);
        CHECK_THAT(bed.log_tail(200), Catch::Contains("listening on 127.0.0.1:" + std::to_string(bed.port())));
        CHECK_THAT(command_line(bed.pid()), Catch::Contains("docker-registry serve " + bed.config_path()));

        HttpReply authorised = http_call(bed.call("GET", "/v2/", bed.authorization({})));
        CHECK(authorised.status == 200);
        CHECK(authorised.body == "{}");
    }
}

TEST_CASE("basic bed accepts alice and refuses a wrong password", "[bed][registry][basic]") {
    RegistryBed &bed = shared_bed(BedMode::Basic);
    const FixtureCatalog &catalog = fixture_catalog();
    std::string path = "/v2/library/alpine/manifests/" + catalog.alpine_list.digest;
    HttpCall right = bed.call("GET", path);
    right.headers.push_back("Accept: application/vnd.docker.distribution.manifest.list.v2+json");
    right.basic_auth = std::make_pair(bed.credentials().user, bed.credentials().password);
    HttpReply served = http_call(right);
    CHECK(served.status == 200);
    CHECK(served.header("docker-content-digest") == catalog.alpine_list.digest);

    HttpCall wrong = right;
    wrong.basic_auth = std::make_pair(bed.credentials().user, std::string("not-the-password"));
    HttpReply refused = http_call(wrong);
    CHECK(refused.status == 401);
    CHECK_THAT(refused.body, Catch::Contains("UNAUTHORIZED"));
    CHECK(http_call(bed.call("GET", path)).status == 401);
}

TEST_CASE("token bed challenges for our token server, whose tokens open exactly what they grant",
          "[bed][registry][token]") {
    RegistryBed &bed = shared_bed(BedMode::Token);
    TestTokenServer &tokens = *bed.token_server();
    const FixtureCatalog &catalog = fixture_catalog();
    auto fetch = [&](const FixtureManifest &manifest, const std::string &authorization) {
        HttpCall call = bed.call("GET", "/v2/" + manifest.repository + "/manifests/" + manifest.digest, authorization);
        call.headers.push_back("Accept: " + manifest.media_type);
        return http_call(call);
    };

    HttpReply challenged = fetch(catalog.hello, "");
    CHECK(challenged.status == 401);
    CHECK(challenged.header("www-authenticate") ==
          "Bearer realm=\"" + tokens.realm() +
              "\",service=\"digestx-test-registry\",scope=\"repository:library/hello:pull\"");

    std::size_t mark = tokens.requests().size();
    std::string anonymous = bed.authorization({"repository:library/hello:pull"}, true);
    CHECK(fetch(catalog.hello, anonymous).status == 200);
    auto claims = TestTokenServer::claims_of(anonymous.substr(7));
    REQUIRE(claims);
    CHECK((*claims)["iss"] == TestTokenServer::issuer);
    CHECK((*claims)["aud"] == TestTokenServer::service);
    CHECK((*claims)["sub"] == "");
    CHECK((*claims)["exp"].get<long long>() - (*claims)["iat"].get<long long>() == 300);
    CHECK((*claims)["access"] ==
          nlohmann::json::parse(R"([{"type":"repository","name":"library/hello","actions":["pull"]}])"));

    std::string anonymous_private = bed.authorization({"repository:private/secret:pull"}, true);
    HttpReply denied = fetch(catalog.secret, anonymous_private);
    CHECK(denied.status == 401);
    CHECK_THAT(denied.header("www-authenticate").value_or(""), Catch::Contains("error=\"insufficient_scope\""));
    CHECK(fetch(catalog.secret, bed.authorization({"repository:private/secret:pull"})).status == 200);

    auto requests = tokens.requests();
    REQUIRE(requests.size() == mark + 3);
    CHECK(requests[mark].target == "/token?service=digestx-test-registry&scope=repository%3Alibrary%2Fhello%3Apull");
    CHECK_FALSE(requests[mark].header("authorization"));
    CHECK_THAT(requests[mark + 2].target, Catch::Contains("&account=alice"));
    CHECK(requests[mark + 2].header("authorization") ==
          "Basic " + base64_encode("alice:" + bed.credentials().password));
    for (const auto &request : requests) {
        INFO(request.target);
        CHECK(request.target.find(bed.credentials().password) == std::string::npos);
    }

    HttpCall wrong =
        get_call(tokens.realm() + "?service=digestx-test-registry&scope=repository%3Aprivate%2Fsecret%3Apull");
    wrong.basic_auth = std::make_pair(std::string("alice"), std::string("wrong"));
    CHECK(http_call(wrong).status == 401);
    HttpCall other_service = get_call(tokens.realm() + "?service=elsewhere");
    CHECK(http_call(other_service).status == 400);
}

TEST_CASE("the registry verifies our tokens for real", "[bed][registry][token]") {
    RegistryBed &bed = shared_bed(BedMode::Token);
    const FixtureManifest &hello = fixture_catalog().hello;
    auto access = nlohmann::ordered_json::parse(R"([{"type":"repository","name":"library/hello","actions":["pull"]}])");
    auto status_with = [&](const std::string &token) {
        HttpCall call = bed.call("GET", "/v2/library/hello/manifests/" + hello.digest, "Bearer " + token);
        call.headers.push_back("Accept: " + hello.media_type);
        return http_call(call).status;
    };
    std::time_t now = std::time(nullptr);
    nlohmann::ordered_json claims{{"iss", TestTokenServer::issuer},
                                  {"sub", "alice"},
                                  {"aud", TestTokenServer::service},
                                  {"exp", now + 300},
                                  {"nbf", now},
                                  {"iat", now},
                                  {"jti", "handmade"},
                                  {"access", access}};
    CHECK(status_with(make_jwt(test_signing_identity(), claims)) == 200);

    SigningIdentity stranger;
    CHECK(status_with(make_jwt(stranger, claims)) == 401);
    CHECK(status_with(bed.token_server()->issue("alice", access, std::chrono::seconds(-3600))) == 401);
    auto wrong_audience = claims;
    wrong_audience["aud"] = "another-registry";
    CHECK(status_with(make_jwt(test_signing_identity(), wrong_audience)) == 401);
    auto wrong_issuer = claims;
    wrong_issuer["iss"] = "someone-else";
    CHECK(status_with(make_jwt(test_signing_identity(), wrong_issuer)) == 401);
}

TEST_CASE("TLS bed is trusted only with the test CA", "[bed][registry][tls]") {
    RegistryBed &bed = shared_bed(BedMode::Tls);
    const FixtureManifest &amd64 = fixture_catalog().alpine_platforms.at(1);
    HttpCall call = bed.call("GET", "/v2/library/alpine/manifests/" + amd64.digest);
    call.headers.push_back("Accept: " + amd64.media_type);
    HttpReply trusted = http_call(call);
    CHECK(trusted.status == 200);
    CHECK(trusted.body == amd64.bytes);

    call.ca_file.clear(); // the system store does not know the test CA
    HttpReply untrusted = http_call(call);
    CHECK(untrusted.status == 0);
    CHECK(untrusted.curl_code == 60); // CURLE_PEER_FAILED_VERIFICATION

    HttpReply plain = http_call(get_call("http://" + bed.host() + "/v2/"));
    CHECK(plain.status == 400); // Go answers plain HTTP on a TLS port with 400
}

TEST_CASE("shared beds are started once per process", "[bed][registry]") {
    RegistryBed &first = shared_bed(BedMode::Open);
    RegistryBed &again = shared_bed(BedMode::Open);
    CHECK(&first == &again);
    CHECK(first.pid() == again.pid());
    CHECK_FALSE(process_gone(first.pid()));
}

TEST_CASE("a stopped bed leaves no registry process and frees its port", "[bed][registry]") {
    auto bed = std::make_unique<RegistryBed>(BedMode::Open);
    int pid = bed->pid();
    std::string url = bed->base_url() + "/v2/";
    std::string storage = bed->storage_root();
    REQUIRE(pid > 0);
    CHECK_FALSE(process_gone(pid));
    bed->stop();
    CHECK(bed->pid() == 0);
    CHECK(process_gone(pid));
    bed->stop(); // idempotent
    bed.reset();
    CHECK(http_call(get_call(url)).curl_code == 7); // CURLE_COULDNT_CONNECT
    CHECK_FALSE(std::filesystem::exists(storage));
}

TEST_CASE("a registry does not outlive the test process, however it ends", "[bed][registry]") {
    // The killed child first: it needs no fixtures, so it runs even where the other one skips.
    for (const char *child : {"bed child: killed", "bed child: exit normally"}) {
        INFO(child);
        ProcessResult result = run_process({"/proc/self/exe", child});
        // The shared bed loads the fixtures, which need ../shared: the child skipped, so does this.
        if (result.out.find(DIGESTX_SKIP_MARKER) != std::string::npos) DIGESTX_SKIP("the bed child skipped: " << child);
        int pid = printed_pid(result.out);
        REQUIRE(pid > 0);
        CHECK(result.exit_code == (std::string(child) == "bed child: killed" ? 128 + SIGKILL : 0));
        CHECK(process_gone_within(pid, std::chrono::seconds(5)));
        std::istringstream lines(result.out);
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("left=/", 0) == 0) std::filesystem::remove_all(line.substr(5));
    }
}

// Run only by the test above, as a separate process (hidden from discovery by "[.]").
TEST_CASE("bed child: exit normally", "[.][bed-child]") {
    std::printf("registry-pid=%d\n", shared_bed(BedMode::Open).pid());
}

TEST_CASE("bed child: killed", "[.][bed-child]") {
    RegistryBed bed(BedMode::Open);
    // A killed process cleans nothing up: the parent removes what it names here.
    std::printf("registry-pid=%d\nleft=%s\nleft=%s\n", bed.pid(), bed.storage_root().c_str(),
                std::filesystem::path(bed.config_path()).parent_path().c_str());
    std::fflush(stdout);
    ::kill(::getpid(), SIGKILL);
}

TEST_CASE("a bed that cannot start throws with the registry's log", "[bed][registry]") {
    BedOptions options;
    options.binary = "/bin/false";
    CHECK_THROWS_WITH(RegistryBed(BedMode::Open, options),
                      Catch::Contains("registry bed (open) did not start: the registry exited"));
}

TEST_CASE("a fresh bed may be mutated: retag and delete", "[bed][registry]") {
    auto bed = fresh_bed(BedMode::Open);
    const FixtureManifest &hello = fixture_catalog().hello;
    HttpCall retag = bed->call("PUT", "/v2/library/hello/manifests/retagged");
    retag.headers.push_back("Content-Type: " + hello.media_type);
    retag.body = hello.bytes;
    HttpReply retagged = http_call(retag);
    CHECK(retagged.status == 201);
    CHECK(retagged.header("docker-content-digest") == hello.digest);

    HttpReply deleted = http_call(bed->call("DELETE", "/v2/library/hello/manifests/" + hello.digest));
    CHECK(deleted.status == 202);
    HttpCall get = bed->call("GET", "/v2/library/hello/manifests/" + hello.digest);
    get.headers.push_back("Accept: " + hello.media_type);
    CHECK(http_call(get).status == 404);

    // The shared bed is another registry with its own storage: untouched.
    HttpCall shared = shared_bed(BedMode::Open).call("GET", "/v2/library/hello/manifests/" + hello.digest);
    shared.headers.push_back("Accept: " + hello.media_type);
    CHECK(http_call(shared).status == 200);
}

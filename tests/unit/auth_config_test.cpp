// Docker's config.json and containers' auth.json as data: parsing (fault catalogue D8), key
// normalisation and exact-host lookup (D10), credential helper answers (D9).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "digestx/auth/auth_config.hpp"

using digestx::ErrorCode;
using digestx::auth::AuthConfig;
using digestx::auth::CredentialKind;
using digestx::auth::Credentials;
using digestx::auth::parse_auth_config;

namespace {

const std::string file = "/home/u/.docker/config.json";

AuthConfig parsed(const std::string &json) {
    auto config = parse_auth_config(json, file);
    INFO((config ? std::string() : config.error().message));
    REQUIRE(config);
    return *config;
}

std::optional<Credentials> lookup(const AuthConfig &config, const std::string &registry,
                                  const std::string &repository) {
    const auto *entry = digestx::auth::find_auth_entry(config, registry, repository);
    if (entry == nullptr) return std::nullopt;
    return entry->credentials;
}

} // namespace

TEST_CASE("config entries decode as docker/cli decodeAuth does", "[auth][config]") {
    struct Row {
        std::string name;
        std::string entry;
        Credentials expected;
    };
    const std::vector<Row> rows = {
        {"auth", R"({"auth":"Ym9iOnMzY3JldA=="})", {"bob", "s3cret", CredentialKind::Password}},
        {"auth beats username/password",
         R"({"auth":"Ym9iOnMzY3JldA==","username":"x","password":"y"})",
         {"bob", "s3cret", CredentialKind::Password}},
        {"username and password", R"({"username":"amy","password":"pw"})", {"amy", "pw", CredentialKind::Password}},
        {"password with colons", R"({"auth":"Ym9iOmE6Yjpj"})", {"bob", "a:b:c", CredentialKind::Password}},
        // base64("bob:pw\0\0"): docker trims NULs around the password.
        {"trailing NULs", R"({"auth":"Ym9iOnB3AAA="})", {"bob", "pw", CredentialKind::Password}},
        {"identity token",
         R"({"auth":"Ym9iOg==","identitytoken":"refresh-1"})",
         {"bob", "refresh-1", CredentialKind::IdentityToken}},
        {"registry token", R"({"registrytoken":"tok.en"})", {"", "tok.en", CredentialKind::RegistryToken}},
        {"field names as Go matches them",
         R"({"Username":"amy","PASSWORD":"pw"})",
         {"amy", "pw", CredentialKind::Password}},
        {"base64 with a line break", "{\"auth\":\"Ym9iOnMz\\nY3JldA==\"}", {"bob", "s3cret", CredentialKind::Password}},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        auto config = parsed(R"({"auths":{"reg.example":)" + row.entry + "}}");
        auto found = lookup(config, "reg.example", "app");
        REQUIRE(found);
        CHECK(*found == row.expected);
    }
    auto empty = parsed(R"({"auths":{"reg.example":{}}})");
    REQUIRE(empty.auths.size() == 1);
    CHECK_FALSE(empty.auths.front().credentials);
}

TEST_CASE("broken config files name the file and key, never the secret", "[auth][config]") {
    struct Row {
        std::string name;
        std::string json;
        std::string message;
    };
    const std::vector<Row> rows = {
        {"not JSON", R"({"auths":)", "malformed JSON"},
        {"not JSON, the parser's detail withheld", R"({"auths":{"r":{"auth":"topsecret)", "malformed JSON"},
        {"not an object", R"([1])", "is not a JSON object"},
        {"auths not an object", R"({"auths":[]})", "auths is not an object"},
        {"entry not an object", R"({"auths":{"reg.example":"x"}})", R"(auths["reg.example"] is not an object)"},
        {"auth not base64", R"({"auths":{"reg.example":{"auth":"c2VjcmV0!!"}}})",
         R"(auths["reg.example"].auth is not valid base64)"},
        // base64("topsecretvalue"): no colon.
        {"no colon", R"({"auths":{"reg.example":{"auth":"dG9wc2VjcmV0dmFsdWU="}}})", "no ':'"},
        // base64(":topsecret")
        {"empty username", R"({"auths":{"reg.example":{"auth":"OnRvcHNlY3JldA=="}}})", "empty username"},
        {"password without username", R"({"auths":{"reg.example":{"password":"topsecret"}}})", "empty username"},
        {"field of the wrong type", R"({"auths":{"reg.example":{"password":5}}})", ".password is not a string"},
        {"registry token with a newline", R"({"auths":{"reg.example":{"registrytoken":"top\nsecret"}}})",
         "registrytoken is not a usable token"},
        {"helper name with a slash", R"({"credHelpers":{"reg.example":"../../bin/sh"}})", "is not allowed"},
        {"helper name with ..", R"({"credsStore":"a..b"})", "is not allowed"},
        {"helper not a string", R"({"credHelpers":{"reg.example":1}})", "is not a string"},
        {"duplicate key", R"({"auths":{},"auths":{}})", "duplicate JSON key"},
    };
    for (const auto &row : rows) {
        INFO(row.name);
        auto config = parse_auth_config(row.json, file);
        REQUIRE_FALSE(config);
        CHECK(config.error().code == ErrorCode::Auth);
        CHECK_THAT(config.error().message, Catch::StartsWith(file + ": ") && Catch::Contains(row.message));
        CHECK_THAT(config.error().message, !Catch::Contains("secret"));
    }
}

TEST_CASE("keys normalise as docker and containers/image do", "[auth][config]") {
    using digestx::auth::normalize_auth_key;
    CHECK(normalize_auth_key("https://index.docker.io/v1/") == "docker.io");
    CHECK(normalize_auth_key("registry-1.docker.io") == "docker.io");
    CHECK(normalize_auth_key("index.docker.io") == "docker.io");
    CHECK(normalize_auth_key("https://reg.example:5000/v2/") == "reg.example:5000");
    CHECK(normalize_auth_key("http://reg.example") == "reg.example");
    CHECK(normalize_auth_key("reg.example/team") == "reg.example/team");
    CHECK(digestx::auth::auth_key_candidates("reg.example:5000", "team/sub/app") ==
          std::vector<std::string>{"reg.example:5000/team/sub/app", "reg.example:5000/team/sub",
                                   "reg.example:5000/team", "reg.example:5000"});
    CHECK(digestx::auth::helper_server_url("docker.io") == "https://index.docker.io/v1/");
    CHECK(digestx::auth::helper_server_url("reg.example:5000") == "reg.example:5000");
}

TEST_CASE("lookup matches the exact host, most specific key first", "[auth][config]") {
    auto config = parsed(R"({"auths":{
        "https://index.docker.io/v1/":{"auth":"aHViOmh1Yg=="},
        "https://reg.example:5000/v2/":{"auth":"cG9ydDpwb3J0"},
        "reg.example":{"auth":"aG9zdDpob3N0"},
        "reg.example/team":{"auth":"dGVhbTp0ZWFt"},
        "reg.example/team/app":{"auth":"YXBwOmFwcA=="}
    }})");
    struct Row {
        std::string registry;
        std::string repository;
        std::optional<std::string> user;
    };
    const std::vector<Row> rows = {
        {"docker.io", "library/alpine", "hub"},
        {"reg.example:5000", "x", "port"},
        {"reg.example", "other", "host"},
        {"reg.example", "team/lib", "team"},
        {"reg.example", "team/app", "app"},
        {"reg.example", "teamx/app", "host"},
        {"reg.example.evil.com", "x", std::nullopt},
        {"evil.com", "reg.example/x", std::nullopt},
        {"reg.example:5001", "x", std::nullopt},
        {"eg.example", "x", std::nullopt},
    };
    for (const auto &row : rows) {
        INFO(row.registry << " " << row.repository);
        auto found = lookup(config, row.registry, row.repository);
        CHECK((found ? std::optional<std::string>(found->username) : std::nullopt) == row.user);
    }
    auto plain = parsed(R"({"auths":{"reg.example":{"auth":"aG9zdDpob3N0"}}})");
    CHECK_FALSE(lookup(plain, "reg.example:5000", "x"));
}

TEST_CASE("credential helpers: per host, Docker Hub's key, and their answers", "[auth][config]") {
    auto config = parsed(R"({"credHelpers":{"https://index.docker.io/v1/":"hub","reg.example":"pass"},
                             "credsStore":"desktop"})");
    CHECK(digestx::auth::find_cred_helper(config, "docker.io") == std::optional<std::string>("hub"));
    CHECK(digestx::auth::find_cred_helper(config, "reg.example") == std::optional<std::string>("pass"));
    CHECK_FALSE(digestx::auth::find_cred_helper(config, "reg.example:5000"));
    CHECK(config.creds_store == "desktop");

    using digestx::auth::read_helper_answer;
    auto found = read_helper_answer("pass", 0, R"({"ServerURL":"reg.example","Username":"bob","Secret":"pw"})");
    REQUIRE(found);
    CHECK(*found == std::optional<Credentials>(Credentials{"bob", "pw", CredentialKind::Password}));
    auto token = read_helper_answer("pass", 0, R"({"Username":"<token>","Secret":"refresh"})");
    REQUIRE(token);
    CHECK(*token == std::optional<Credentials>(Credentials{"", "refresh", CredentialKind::IdentityToken}));
    auto missing = read_helper_answer("pass", 1, "credentials not found in native keychain\n");
    REQUIRE(missing);
    CHECK_FALSE(*missing);
    auto empty = read_helper_answer("pass", 0, R"({"Username":"","Secret":""})");
    REQUIRE(empty);
    CHECK_FALSE(*empty);
    for (auto [status, out] : std::vector<std::pair<int, std::string>>{{1, "some error mentioning topsecret"},
                                                                       {0, "topsecret"},
                                                                       {0, "[\"topsecret\"]"},
                                                                       {0, R"({"Username":"bob","Secret":7})"}}) {
        auto refused = read_helper_answer("pass", status, out);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::Auth);
        CHECK_THAT(refused.error().message, Catch::Contains("docker-credential-pass"));
        CHECK_THAT(refused.error().message, !Catch::Contains("topsecret"));
    }
}

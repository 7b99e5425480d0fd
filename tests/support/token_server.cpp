#include "support/token_server.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/jose.hpp"

namespace digestx::test {
namespace {

std::string percent_decode(const std::string &text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// Form-encoded parameters in order; a repeated name (scope) appears once per occurrence.
std::vector<std::pair<std::string, std::string>> form_parameters(const std::string &text) {
    std::vector<std::pair<std::string, std::string>> parameters;
    std::stringstream query(text);
    std::string pair;
    while (std::getline(query, pair, '&')) {
        auto eq = pair.find('=');
        std::string name = percent_decode(pair.substr(0, eq));
        std::string value = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
        parameters.emplace_back(std::move(name), std::move(value));
    }
    return parameters;
}

// The query's parameters in order.
std::vector<std::pair<std::string, std::string>> query_parameters(const std::string &target) {
    auto question = target.find('?');
    if (question == std::string::npos) return {};
    return form_parameters(target.substr(question + 1));
}

std::vector<TokenScope> scopes_of(const std::string &value) {
    std::vector<TokenScope> scopes;
    std::stringstream list(value); // one parameter may carry several scopes, space-separated
    std::string text;
    while (std::getline(list, text, ' '))
        if (auto scope = parse_token_scope(text)) scopes.push_back(*scope);
    return scopes;
}

ScriptedResponse json_response(int status, const nlohmann::ordered_json &body) {
    ScriptedResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = body.dump();
    return response;
}

std::string rfc3339(std::time_t when) {
    std::tm utc{};
    gmtime_r(&when, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool contains(const std::vector<std::string> &list, const std::string &item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace

std::optional<TokenScope> parse_token_scope(const std::string &text) {
    // The name may itself hold a colon (a registry host with a port), so split on the first and
    // the last colon, as distribution's own parser does.
    auto first = text.find(':');
    auto last = text.rfind(':');
    if (first == std::string::npos || first == last) return std::nullopt;
    TokenScope scope{text.substr(0, first), text.substr(first + 1, last - first - 1), {}};
    std::stringstream actions(text.substr(last + 1));
    std::string action;
    while (std::getline(actions, action, ','))
        if (!action.empty()) scope.actions.push_back(action);
    return scope;
}

TestTokenServer::TestTokenServer(const std::string &directory, std::string user, std::string password)
    : m_user(std::move(user)), m_password(std::move(password)), m_bundle_path(directory + "/token-root.pem"),
      m_server([this](const RecordedRequest &request) { return answer(request); }) {
    std::ofstream bundle(m_bundle_path, std::ios::binary);
    bundle << test_signing_identity().certificate_pem();
    if (!bundle) throw std::runtime_error("cannot write " + m_bundle_path);
}

std::string TestTokenServer::realm() const {
    return m_server.base_url() + "/token";
}

nlohmann::ordered_json TestTokenServer::grant(const std::string &subject,
                                              const std::vector<TokenScope> &requested) const {
    static const std::vector<std::string> user_repository_actions = {"pull", "push", "delete", "*"};
    nlohmann::ordered_json access = nlohmann::ordered_json::array();
    for (const auto &scope : requested) {
        nlohmann::ordered_json granted = nlohmann::ordered_json::array();
        for (const auto &action : scope.actions) {
            bool allowed = false;
            if (scope.type == "repository") {
                allowed = subject.empty() ? action == "pull" && scope.name.rfind("private/", 0) != 0
                                          : contains(user_repository_actions, action);
            } else if (scope.type == "registry" && scope.name == "catalog") {
                allowed = !subject.empty() && action == "*";
            }
            if (allowed && !contains(granted.get<std::vector<std::string>>(), action)) granted.push_back(action);
        }
        access.push_back({{"type", scope.type}, {"name", scope.name}, {"actions", granted}});
    }
    return access;
}

std::string TestTokenServer::issue(const std::string &subject, const nlohmann::ordered_json &access,
                                   std::chrono::seconds lifetime) const {
    std::time_t now = std::time(nullptr);
    nlohmann::ordered_json claims;
    claims["iss"] = issuer;
    claims["sub"] = subject;
    claims["aud"] = service;
    claims["exp"] = static_cast<long long>(now) + lifetime.count();
    claims["nbf"] = static_cast<long long>(now);
    claims["iat"] = static_cast<long long>(now);
    claims["jti"] = "digestx-test-" + std::to_string(++m_issued);
    claims["access"] = access;
    return make_jwt(test_signing_identity(), claims);
}

std::optional<nlohmann::json> TestTokenServer::claims_of(const std::string &token) {
    auto first = token.find('.');
    auto second = token.find('.', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos) return std::nullopt;
    auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
    if (!payload) return std::nullopt;
    auto claims = nlohmann::json::parse(*payload, nullptr, false);
    if (claims.is_discarded()) return std::nullopt;
    return claims;
}

void TestTokenServer::set_identity_token(std::string token) {
    std::lock_guard lock(m_identity_mutex);
    m_identity_token = std::move(token);
}

std::string TestTokenServer::identity_token() const {
    std::lock_guard lock(m_identity_mutex);
    return m_identity_token;
}

ScriptedResponse TestTokenServer::answer_post(const RecordedRequest &request) const {
    if (int refused = m_refuse_post.load(); refused != 0) return json_response(refused, {{"details", "no POST here"}});
    std::string grant_type;
    std::string refresh_token;
    std::string requested_service;
    std::vector<TokenScope> scopes;
    for (const auto &[name, value] : form_parameters(request.body)) {
        if (name == "grant_type") grant_type = value;
        if (name == "refresh_token") refresh_token = value;
        if (name == "service") requested_service = value;
        if (name == "scope") {
            auto more = scopes_of(value);
            scopes.insert(scopes.end(), more.begin(), more.end());
        }
    }
    std::string accepted = identity_token();
    if (grant_type != "refresh_token" || accepted.empty() || refresh_token != accepted) {
        return json_response(401, {{"error", "invalid_grant"}});
    }
    if (requested_service != service) return json_response(400, {{"error", "invalid_request"}});
    auto lifetime = std::chrono::seconds(m_lifetime_seconds.load());
    return json_response(
        200, {{"access_token", issue(m_user, grant(m_user, scopes), lifetime)}, {"expires_in", lifetime.count()}});
}

ScriptedResponse TestTokenServer::answer(const RecordedRequest &request) const {
    if (request.path() != "/token") return json_response(404, {{"details", "not found"}});
    if (request.method == "POST") return answer_post(request);
    if (request.method != "GET") {
        ScriptedResponse response = json_response(405, {{"details", "only GET is supported"}});
        response.headers.emplace_back("Allow", "GET");
        return response;
    }
    std::string subject;
    if (auto authorization = request.header("authorization")) {
        auto decoded = authorization->rfind("Basic ", 0) == 0 ? base64_decode(authorization->substr(6))
                                                              : std::optional<std::string>();
        std::string identity = identity_token();
        bool valid = decoded && (*decoded == m_user + ":" + m_password ||
                                 (!identity.empty() && decoded->substr(decoded->find(':') + 1) == identity));
        if (!valid) {
            ScriptedResponse response = json_response(401, {{"details", "incorrect username or password"}});
            response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"digestx test token server\"");
            return response;
        }
        subject = m_user;
    }
    std::string requested_service;
    std::vector<TokenScope> scopes;
    for (const auto &[name, value] : query_parameters(request.target)) {
        if (name == "service") requested_service = value;
        if (name != "scope") continue;
        auto more = scopes_of(value);
        scopes.insert(scopes.end(), more.begin(), more.end());
    }
    if (requested_service != service) return json_response(400, {{"details", "unknown or missing service"}});
    auto lifetime = std::chrono::seconds(m_lifetime_seconds.load());
    std::string token = issue(subject, grant(subject, scopes), lifetime);
    return json_response(200, {{"token", token},
                               {"access_token", token},
                               {"expires_in", lifetime.count()},
                               {"issued_at", rfc3339(std::time(nullptr))}});
}

} // namespace digestx::test

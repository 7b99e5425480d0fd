/// @file
/// Fuzz target: the registry's response headers digestx reads — `WWW-Authenticate` (RFC 7235
/// §4.1), `Link` (RFC 8288), `Warning` (RFC 7234 §5.5) and `Docker-Content-Digest`.
/// Invariants: schemes and parameter names come out lowercased; nothing parses from more than the
/// header cap; a selected Bearer challenge has a realm; a usable Docker-Content-Digest has no problem
/// and its shown text stays within the cap.

#include <cctype>
#include <string>
#include <vector>

#include "digestx/auth/challenge.hpp"
#include "digestx/net/transport.hpp"
#include "digestx/registry/headers.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;

namespace {

bool lowercase(std::string_view text) {
    for (const char c : text)
        if (std::isupper(static_cast<unsigned char>(c))) return false;
    return true;
}

void check_challenges(std::string_view header) {
    const auto challenges = digestx::auth::parse_challenges(header);
    if (!challenges) return;
    check(header.size() <= digestx::auth::max_challenge_header_bytes, "no header past the cap parses");
    for (const auto &challenge : *challenges) {
        check(!challenge.scheme.empty() && lowercase(challenge.scheme), "a scheme is present and lowercased");
        for (const auto &[name, value] : challenge.params) {
            check(lowercase(name), "a parameter name is lowercased");
            check(challenge.param(name).has_value(), "a parameter is found by its name");
        }
    }
}

void check_response(const std::vector<std::string> &values, std::size_t name_choice) {
    // The same values offered under every header name digestx reads from a response.
    static constexpr std::string_view names[] = {"link", "warning", "docker-content-digest"};
    digestx::net::HttpResponse response;
    response.status = 200;
    for (const auto &value : values)
        response.headers.push_back({std::string(names[name_choice % 3]), value});
    (void)digestx::registry::next_link(response);
    (void)digestx::registry::warning_texts(response);
    const auto digest = digestx::registry::read_header_digest(response);
    if (digest.digest) check(digest.problem.empty(), "a usable Docker-Content-Digest has no problem");
    if (!digest.shown) check(!digest.digest && digest.problem.empty(), "an absent header has nothing to say");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    const auto name_choice = input.choose(3);
    const auto whole = input.rest();
    check_challenges(whole);
    // One header value per line, as a response with several of the same header delivers them.
    std::vector<std::string> values;
    while (!input.rest().empty()) {
        const auto value = input.line();
        check_challenges(value);
        values.emplace_back(value);
    }
    const auto selected = digestx::auth::select_challenge(values);
    if (selected && selected->scheme == digestx::auth::AuthScheme::Bearer)
        check(!selected->realm.empty(), "a selected Bearer challenge has a realm");
    check_response(values, name_choice);
    return 0;
}

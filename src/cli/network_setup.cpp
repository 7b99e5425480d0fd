#include "network_setup.hpp"

#include <chrono>
#include <istream>
#include <ostream>

#include "digestx/core/text.hpp"
#include "digestx/net/certs_dir.hpp"
#include "mirror_setup.hpp"
#include "stored_credentials.hpp"

namespace digestx::cli {
namespace {

Result<std::optional<auth::Credentials>> read_credentials(const GlobalOptions &globals, Context &ctx) {
    if (globals.username.empty() && !globals.password_stdin) return std::optional<auth::Credentials>();
    if (globals.username.empty()) return fail(ErrorCode::Usage, "--password-stdin needs --username");
    if (!globals.password_stdin) {
        // A password on the command line would show in `ps` and shell history.
        return fail(ErrorCode::Usage, "--username needs --password-stdin (the password is read from stdin)");
    }
    std::string password;
    std::getline(ctx.in, password);
    // `echo pass |` and Windows-edited files end the line with \n or \r\n: neither is the password's.
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) return fail(ErrorCode::Usage, "--password-stdin: no password on stdin");
    auth::Credentials credentials{globals.username, std::move(password)};
    if (auto valid = auth::check_credentials(credentials); !valid) return fail(std::move(valid.error()));
    return std::optional<auth::Credentials>(std::move(credentials));
}

} // namespace

Result<NetworkSettings> network_settings(const GlobalOptions &globals, Context &ctx) {
    NetworkSettings settings;
    auto credentials = read_credentials(globals, ctx);
    if (!credentials) return fail(std::move(credentials.error()));
    settings.credentials = std::move(*credentials);
    // --username with --password-stdin beats every stored credential for its registry (make_client);
    // `check` and `pin` --auth-registry leave the other registries to the store.
    auto store = make_credential_store(ctx);
    if (!store) return fail(std::move(store.error()));
    settings.store = std::move(*store);

    double seconds = globals.timeout_seconds > 0 ? globals.timeout_seconds : default_timeout_seconds;
    settings.transport.deadline =
        std::chrono::steady_clock::now() +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    settings.transport.ca_file = globals.cacert;
    // Tests point this at their own directories; the real /etc ones are docker's and podman's.
    settings.transport.certs_roots =
        net::certs_roots(ctx.env ? ctx.env(std::string(net::certs_dirs_variable)) : std::nullopt);
    settings.transport.insecure = globals.insecure;
    if (globals.insecure) {
        ctx.err << "digestx: warning: --insecure: TLS certificates and host names are NOT verified; anyone on the "
                   "network path can impersonate the registry (pinned digests are still verified)\n";
    }
    if (globals.verbose) settings.transport.trace = &ctx.err;

    settings.client.plain_http = globals.plain_http;
    settings.client.strict = globals.strict;
    settings.client.max_manifest_bytes = globals.max_manifest_bytes;
    settings.client.diagnostics = &ctx.err;
    settings.client.verbose = globals.verbose;
    // One per command: a registry's token realm learnt from one repository's 401 serves the others.
    settings.client.challenges = std::make_shared<auth::ChallengeMemory>();
    auto mirrors = load_mirror_config(globals, ctx);
    if (!mirrors) return fail(std::move(mirrors.error()));
    settings.mirrors = std::move(*mirrors);
    return settings;
}

namespace {

// The lookup of one client: its registry and repository only, so another host's credentials are
// never tried (CVE-2021-41092).
auth::CredentialProvider stored_provider(const Reference &reference, const NetworkSettings &settings) {
    std::ostream *notes = settings.client.verbose ? settings.client.diagnostics : nullptr;
    return [store = settings.store, registry = reference.registry(), repository = reference.repository(),
            notes]() -> Result<std::optional<auth::Credentials>> {
        auto found = store->find(registry, repository);
        if (!found) return fail(std::move(found.error()));
        if (notes != nullptr) {
            *notes << "digestx: note: "
                   << (*found ? "credentials for " + registry + " from " + (*found)->source
                              : "no stored credentials for " + registry)
                   << "\n";
        }
        if (!*found) return std::optional<auth::Credentials>();
        return std::optional<auth::Credentials>((*found)->credentials);
    };
}

} // namespace

Result<std::unique_ptr<registry::RegistryClient>> make_client(const Reference &reference, NetworkSettings settings) {
    auto transport = net::make_curl_transport(settings.transport);
    if (!transport) return fail(std::move(transport.error()));
    if (!settings.credentials && settings.store) {
        auto provider = stored_provider(reference, settings);
        return std::make_unique<registry::RegistryClient>(std::shared_ptr<net::Transport>(std::move(*transport)),
                                                          reference.endpoint(), std::move(provider),
                                                          std::move(settings.client));
    }
    return std::make_unique<registry::RegistryClient>(std::shared_ptr<net::Transport>(std::move(*transport)),
                                                      reference.endpoint(), std::move(settings.credentials),
                                                      std::move(settings.client));
}

} // namespace digestx::cli

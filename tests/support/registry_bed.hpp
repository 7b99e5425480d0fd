#pragma once
/// @file
/// Real CNCF distribution registries (Debian's `docker-registry` 2.8) started by the test harness
/// on 127.0.0.1, one per auth mode, each with its own temporary storage root, generated config.yml
/// and log file. Fixtures and the per-process shared instances are in support/fixtures.hpp.
///
/// A bed's registry runs in its own process group, dies with the thread that started it
/// (PR_SET_PDEATHSIG: start beds from the test's main thread, as Catch2 runs tests) and is stopped
/// (SIGTERM, then SIGKILL after 3 s, then reaped) by the destructor whether the test passed or not.
///
/// What registry 2.8.2 does that client tests meet (each pinned by registry_fixtures_test.cpp):
/// - a Docker list fetched BY TAG with only the Docker v2 type accepted comes back as its
///   linux/amd64 manifest (Content-Type and Docker-Content-Digest of that manifest); by digest the
///   list comes back as it is;
/// - an OCI index or OCI manifest whose type is not accepted is 404 MANIFEST_UNKNOWN ("OCI index
///   found, but accept header does not support OCI indexes" / "... OCI manifests"), by tag and by
///   digest, on GET and HEAD;
/// - a schema2 manifest fetched BY TAG without the v2 type (no Accept at all, `*/*`, only schema1,
///   or only the OCI index type for a list) is converted to a signed schema1 document whose
///   Docker-Content-Digest is that of its payload, never of the body; by digest it is not converted;
/// - schema1 manifests are stored as payload only and signed afresh (new key per start, new time)
///   on every GET, so their bodies differ between requests while the digest header stays;
/// - there is no referrers API (GET /v2/<name>/referrers/<digest> is a plain-text 404);
/// - tags/list gives the tags in storage directory order, not sorted (seen: newest first).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/curl_client.hpp"
#include "support/http_server.hpp"
#include "support/token_server.hpp"

namespace digestx::test {

/// How a bed's registry authenticates and serves.
enum class BedMode {
    Open,  ///< plain HTTP, no auth: /v2/ is 200
    Basic, ///< plain HTTP, `auth: htpasswd` (bcrypt): /v2/ is 401 with a Basic challenge
    Token, ///< plain HTTP, `auth: token` with our TestTokenServer: /v2/ is 401 with a Bearer challenge
    Tls,   ///< HTTPS with a throwaway CA (make_test_pki), no auth
};

/// "open", "basic", "token" or "tls".
std::string_view bed_mode_name(BedMode mode) noexcept;

/// The one account the authenticated modes know.
struct BedCredentials {
    std::string user;     ///< "alice"
    std::string password; ///< a fixed password, distinctive enough to grep for in leak checks
};

/// alice and her password (the same for every bed and every run).
const BedCredentials &bed_credentials();

/// Knobs for unusual beds; the defaults are what the shared beds use.
struct BedOptions {
    std::string binary = "/usr/bin/docker-registry"; ///< the registry executable
    std::chrono::milliseconds ready_timeout{10000};  ///< how long /v2/ may take to answer
    bool schema1_push = true; ///< `compatibility.schema1.enabled`: without it 2.8 answers a schema1 PUT with 500, and
                              ///< load_fixtures() fails
    /// Tls mode only: `http.tls.clientcas` lists the bed's CA, so the registry refuses a client
    /// without a certificate that CA signed (client_certificate()).
    bool require_client_certificate = false;
    /// `proxy.remoteurl`: the registry becomes a pull-through cache of this registry (it then
    /// refuses pushes, so leave schema1_push off and load no fixtures).
    std::string proxy_remote_url;
};

/// One running registry. Not copyable or movable; hold it by reference or unique_ptr.
class RegistryBed {
public:
    /// Starts the registry and waits until GET /v2/ answers 200 or 401; throws std::runtime_error
    /// with the tail of the registry's log when it exits or does not answer in time.
    explicit RegistryBed(BedMode mode, BedOptions options = {});
    /// Stops the registry (see stop()) and removes the temporary directory.
    ~RegistryBed();
    RegistryBed(const RegistryBed &) = delete;
    RegistryBed &operator=(const RegistryBed &) = delete;

    /// The mode it was started in.
    [[nodiscard]] BedMode mode() const noexcept { return m_mode; }
    /// The bound port on 127.0.0.1.
    [[nodiscard]] int port() const noexcept { return m_port; }
    /// `127.0.0.1:PORT`, the registry host of a reference.
    [[nodiscard]] std::string host() const;
    /// `http://127.0.0.1:PORT` or, in Tls mode, `https://127.0.0.1:PORT`.
    [[nodiscard]] std::string base_url() const;
    /// `host()/repository_and_tag`, e.g. reference("library/alpine:3.12").
    [[nodiscard]] std::string reference(std::string_view repository_and_tag) const;
    /// The CA certificate (PEM path) that signed the registry's certificate; "" unless Tls.
    [[nodiscard]] std::string ca_certificate() const;
    /// The client certificate the bed's CA signed; "" paths unless Tls.
    [[nodiscard]] TestClientCertificate client_certificate() const;
    /// The filesystem driver's `rootdirectory` (its layout starts at docker/registry/v2/): a fresh
    /// directory under /dev/shm when available (the driver fsyncs every file), removed with the bed.
    [[nodiscard]] const std::string &storage_root() const noexcept { return m_storage.path; }
    /// The generated config.yml.
    [[nodiscard]] const std::string &config_path() const noexcept { return m_config_path; }
    /// The registry's stdout and stderr.
    [[nodiscard]] const std::string &log_path() const noexcept { return m_log_path; }
    /// The last `max_lines` lines of the log (for INFO when a check fails).
    [[nodiscard]] std::string log_tail(std::size_t max_lines = 40) const;
    /// The account of the Basic and Token modes (also valid, and unused, in the others).
    [[nodiscard]] const BedCredentials &credentials() const { return bed_credentials(); }
    /// The token server in Token mode, nullptr otherwise.
    [[nodiscard]] TestTokenServer *token_server() const noexcept { return m_token_server.get(); }
    /// The registry's process id (also its process group id); 0 once stopped.
    [[nodiscard]] int pid() const noexcept { return m_pid; }

    /// The value of an Authorization header for `scopes` (e.g. "repository:library/alpine:pull"):
    /// "" in Open and Tls mode and for an anonymous Basic client; `Basic …` for alice in Basic mode;
    /// in Token mode `Bearer …` with a token fetched from the token server as alice, or
    /// anonymously when `anonymous`. Throws when the token server refuses.
    [[nodiscard]] std::string authorization(const std::vector<std::string> &scopes, bool anonymous = false) const;
    /// An HttpCall for `base_url() + path` with the CA file set (Tls) and, when `authorization`
    /// is not empty, an Authorization header.
    [[nodiscard]] HttpCall call(std::string method, const std::string &path,
                                const std::string &authorization = {}) const;

    /// Stops the registry: SIGTERM to its process group, SIGKILL after 3 s, then waits for it.
    /// Idempotent.
    void stop();

private:
    void write_config();
    void start_process();
    bool wait_until_ready(std::string &why);

    /// Removes its directory tree when destroyed, even when the constructor throws.
    struct OwnedDirectory {
        std::string path; ///< the directory
        /// Removes `path` and everything below it.
        ~OwnedDirectory();
    };

    BedMode m_mode;
    BedOptions m_options;
    TempDir m_dir;
    OwnedDirectory m_storage;
    std::optional<TestPki> m_pki;
    std::unique_ptr<TestTokenServer> m_token_server;
    std::string m_config_path;
    std::string m_log_path;
    std::string m_htpasswd_path;
    int m_port = 0;
    int m_pid = 0;
};

} // namespace digestx::test

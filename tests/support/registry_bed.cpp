#include "support/registry_bed.hpp"

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <crypt.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/jose.hpp"

extern char **environ;

namespace digestx::test {
namespace {

// A port the kernel just handed out on 127.0.0.1. Another process may take it before the registry
// binds it, so the start is retried on "address already in use".
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("registry bed: cannot bind a free port on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// An htpasswd line with a bcrypt hash (`$2b$`), made with libxcrypt. Cost 4, the minimum: the
// registry checks it on every request, and the fixture loader sends 150 of them.
// The salt comes from fixed bytes so the file is the same on every run.
std::string htpasswd_line(const BedCredentials &credentials) {
    static constexpr char salt_input[17] = "digestx-bed-salt";
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$2b$", 4, salt_input, 16, salt, sizeof salt) == nullptr)
        throw std::runtime_error("registry bed: libcrypt has no bcrypt");
    crypt_data data{};
    const char *hash = crypt_r(credentials.password.c_str(), salt, &data);
    if (hash == nullptr || hash[0] != '$') throw std::runtime_error("registry bed: bcrypt hashing failed");
    return credentials.user + ":" + hash + "\n";
}

void write_text(const std::string &path, const std::string &text) {
    std::ofstream file(path, std::ios::binary);
    file << text;
    if (!file) throw std::runtime_error("registry bed: cannot write " + path);
}

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// The filesystem driver fsyncs every file it commits (upload state, blob data, each link): on a
// busy disk that is 20-80 ms per request and seconds per fixture load, so the storage lives in
// RAM (/dev/shm) when the machine has it, and beside the config otherwise.
std::string make_storage_root(const std::string &fallback_parent) {
    std::error_code error;
    if (std::filesystem::is_directory("/dev/shm", error) && ::access("/dev/shm", W_OK) == 0) {
        std::string pattern = "/dev/shm/digestx-bed-XXXXXX";
        if (::mkdtemp(pattern.data()) != nullptr) return pattern;
    }
    std::string path = fallback_parent + "/storage";
    std::filesystem::create_directories(path);
    return path;
}

bool reap(int pid, bool block) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    return done == pid || (done < 0 && errno == ECHILD);
}

} // namespace

std::string_view bed_mode_name(BedMode mode) noexcept {
    switch (mode) {
    case BedMode::Open: return "open";
    case BedMode::Basic: return "basic";
    case BedMode::Token: return "token";
    case BedMode::Tls: return "tls";
    }
    return "unknown";
}

const BedCredentials &bed_credentials() {
    static const BedCredentials credentials{"alice", "digestx-bed-pw-8J3q"};
    return credentials;
}

RegistryBed::RegistryBed(BedMode mode, BedOptions options) : m_mode(mode), m_options(std::move(options)) {
    m_storage.path = make_storage_root(m_dir.path());
    m_config_path = m_dir.path() + "/config.yml";
    m_log_path = m_dir.path() + "/registry.log";
    if (mode == BedMode::Tls) {
        std::filesystem::create_directories(m_dir.path() + "/pki");
        m_pki = make_test_pki(m_dir.path() + "/pki");
        if (m_options.require_client_certificate) make_test_client_certificate(m_dir.path() + "/pki");
    }
    if (mode == BedMode::Basic) {
        m_htpasswd_path = m_dir.path() + "/htpasswd";
        write_text(m_htpasswd_path, htpasswd_line(bed_credentials()));
    }
    if (mode == BedMode::Token) {
        m_token_server =
            std::make_unique<TestTokenServer>(m_dir.path(), bed_credentials().user, bed_credentials().password);
    }
    std::string why;
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = free_port();
        write_config();
        start_process();
        bool ready = false;
        try {
            ready = wait_until_ready(why);
        } catch (...) {
            stop();
            throw;
        }
        if (ready) return;
        stop();
        if (log_tail(5).find("address already in use") == std::string::npos) break;
    }
    throw std::runtime_error("registry bed (" + std::string(bed_mode_name(mode)) + ") did not start: " + why +
                             "\n--- " + m_log_path + " (tail) ---\n" + log_tail());
}

RegistryBed::~RegistryBed() {
    stop();
}

RegistryBed::OwnedDirectory::~OwnedDirectory() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
}

std::string RegistryBed::host() const {
    return "127.0.0.1:" + std::to_string(m_port);
}

std::string RegistryBed::base_url() const {
    return (m_mode == BedMode::Tls ? "https://" : "http://") + host();
}

std::string RegistryBed::reference(std::string_view repository_and_tag) const {
    return host() + "/" + std::string(repository_and_tag);
}

std::string RegistryBed::ca_certificate() const {
    return m_pki ? m_pki->ca_certificate : std::string();
}

void RegistryBed::write_config() {
    std::ostringstream yaml;
    yaml << "version: 0.1\n"
         << "log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: true\n"
         // No `cache:` section: the registry then reads the filesystem on every request, so
         // documents the fixture loader places in storage directly are seen at once.
         << "storage:\n  filesystem:\n    rootdirectory: \"" << m_storage.path << "\"\n"
         << "  delete:\n    enabled: true\n"
         << "  maintenance:\n    uploadpurging:\n      enabled: false\n"
         << "http:\n  addr: \"127.0.0.1:" << m_port << "\"\n  secret: \"digestx-test-bed-secret\"\n";
    if (m_pki) {
        yaml << "  tls:\n    certificate: \"" << m_pki->server_certificate << "\"\n    key: \"" << m_pki->server_key
             << "\"\n";
        if (m_options.require_client_certificate)
            yaml << "    clientcas:\n      - \"" << m_pki->ca_certificate << "\"\n";
    }
    if (m_mode == BedMode::Basic) {
        yaml << "auth:\n  htpasswd:\n    realm: \"digestx-test-registry\"\n    path: \"" << m_htpasswd_path << "\"\n";
    }
    if (m_token_server) {
        yaml << "auth:\n  token:\n    realm: \"" << m_token_server->realm() << "\"\n    service: \""
             << TestTokenServer::service << "\"\n    issuer: \"" << TestTokenServer::issuer
             << "\"\n    rootcertbundle: \"" << m_token_server->root_certificate_bundle() << "\"\n";
    }
    if (m_options.schema1_push) yaml << "compatibility:\n  schema1:\n    enabled: true\n";
    if (!m_options.proxy_remote_url.empty()) yaml << "proxy:\n  remoteurl: \"" << m_options.proxy_remote_url << "\"\n";
    write_text(m_config_path, yaml.str());
}

void RegistryBed::start_process() {
    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    std::vector<std::string> args{m_options.binary, "serve", m_config_path};
    std::vector<char *> argv;
    for (auto &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    // REGISTRY_* variables override config.yml entries; a stray one must not change the bed.
    std::vector<char *> envp;
    for (char **entry = environ; *entry != nullptr; ++entry)
        if (std::strncmp(*entry, "REGISTRY_", 9) != 0) envp.push_back(*entry);
    envp.push_back(nullptr);
    int log_fd = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log_fd < 0 || null_fd < 0) throw std::runtime_error("registry bed: cannot open " + m_log_path);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("registry bed: fork failed");
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126); // the parent died before prctl took effect
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        ::close_range(3, ~0U, 0); // the test process's sockets (other servers) stay out of it
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid); // also from the parent, so stop() can signal the group at once
    ::close(log_fd);
    ::close(null_fd);
    m_pid = pid;
}

bool RegistryBed::wait_until_ready(std::string &why) {
    auto deadline = std::chrono::steady_clock::now() + m_options.ready_timeout;
    CurlClient client;
    HttpCall probe = call("GET", "/v2/");
    probe.timeout_ms = 1000;
    while (std::chrono::steady_clock::now() < deadline) {
        if (reap(m_pid, false)) {
            m_pid = 0;
            why = "the registry exited";
            return false;
        }
        HttpReply reply = client.perform(probe);
        // The answer counts only once our registry says it listens on that port: another
        // process that took the port first would answer too, while ours fails to bind.
        bool ours = log_tail(40).find("listening on " + host()) != std::string::npos;
        if ((reply.status == 200 || reply.status == 401) && ours) return true;
        why = reply.status != 0 ? "GET /v2/ answered " + std::to_string(reply.status) : "GET /v2/: " + reply.error;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    why = "no answer within " + std::to_string(m_options.ready_timeout.count()) + " ms (" + why + ")";
    return false;
}

void RegistryBed::stop() {
    if (m_pid <= 0) return;
    ::kill(-m_pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    bool gone = false;
    while (!(gone = reap(m_pid, false)) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!gone) {
        ::kill(-m_pid, SIGKILL);
        reap(m_pid, true);
    }
    m_pid = 0;
}

std::string RegistryBed::log_tail(std::size_t max_lines) const {
    std::ifstream file(m_log_path);
    std::deque<std::string> lines;
    std::string line;
    while (std::getline(file, line)) {
        lines.push_back(line);
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string tail;
    for (const auto &kept : lines)
        tail += kept + "\n";
    return tail;
}

std::string RegistryBed::authorization(const std::vector<std::string> &scopes, bool anonymous) const {
    const BedCredentials &account = bed_credentials();
    if (m_mode == BedMode::Basic && !anonymous) return "Basic " + base64_encode(account.user + ":" + account.password);
    if (m_mode != BedMode::Token) return {};
    std::string url = m_token_server->realm() + "?service=" + percent_encode(TestTokenServer::service);
    for (const auto &scope : scopes)
        url += "&scope=" + percent_encode(scope);
    HttpCall fetch{"GET", url, {}, {}, {}, std::nullopt, 10000};
    if (!anonymous) {
        url += "&account=" + percent_encode(account.user);
        fetch.url = url;
        fetch.basic_auth = std::make_pair(account.user, account.password);
    }
    HttpReply reply = http_call(fetch);
    auto answer = nlohmann::json::parse(reply.body, nullptr, false);
    if (reply.status != 200 || answer.is_discarded() || !answer.contains("token"))
        throw std::runtime_error("registry bed: token server answered " + std::to_string(reply.status) + ": " +
                                 reply.body);
    return "Bearer " + answer["token"].get<std::string>();
}

TestClientCertificate RegistryBed::client_certificate() const {
    if (!m_pki) return {};
    return make_test_client_certificate(m_dir.path() + "/pki");
}

HttpCall RegistryBed::call(std::string method, const std::string &path, const std::string &authorization) const {
    HttpCall result;
    result.method = std::move(method);
    result.url = base_url() + path;
    result.ca_file = ca_certificate();
    if (m_options.require_client_certificate) {
        auto client = client_certificate();
        result.client_certificate = client.certificate;
        result.client_key = client.key;
    }
    if (!authorization.empty()) result.headers.push_back("Authorization: " + authorization);
    return result;
}

} // namespace digestx::test

#include "digestx/net/certs_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "digestx/core/text.hpp"
#include "digestx/io/file.hpp"

namespace digestx::net {
namespace {

constexpr std::size_t max_pem_bytes = 1U << 20U;

Result<std::string> read_pem(const std::string &path) {
    io::ReadLimit limit;
    limit.max_bytes = max_pem_bytes;
    limit.what = "certificate file " + digestx::quoted(path);
    limit.too_large = ErrorCode::Usage;
    limit.regular_only = true;
    return io::read_file_bounded(path, limit);
}

} // namespace

std::vector<std::string> certs_roots(const std::optional<std::string> &value) {
    if (!value) return {"/etc/containers/certs.d", "/etc/docker/certs.d"};
    std::vector<std::string> roots;
    std::size_t start = 0;
    while (start <= value->size()) {
        auto end = value->find(':', start);
        if (end == std::string::npos) end = value->size();
        if (end > start) roots.push_back(value->substr(start, end - start));
        start = end + 1;
    }
    return roots;
}

std::string certs_dir_name(std::string_view host, int port, bool default_port) {
    std::string name(host);
    if (!default_port) name += ":" + std::to_string(port);
    return name;
}

Result<HostTls> read_host_tls(const std::vector<std::string> &roots, const std::string &name) {
    HostTls tls;
    namespace fs = std::filesystem;
    // A host name never contains '/', but keep a hostile name from walking out of the root.
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") return tls;
    for (const auto &root : roots) {
        std::error_code error;
        fs::path candidate = fs::path(root) / name;
        // containers/image dockerCertDir: a missing or forbidden directory is skipped.
        if (fs::is_directory(candidate, error)) {
            tls.directory = candidate.string();
            break;
        }
    }
    if (tls.directory.empty()) return tls;
    std::vector<std::string> names;
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(tls.directory, error))
        names.push_back(entry.path().filename().string());
    if (error) return fail(ErrorCode::Usage, "cannot read certificate directory " + digestx::quoted(tls.directory));
    std::sort(names.begin(), names.end());
    auto has = [&](const std::string &file) { return std::binary_search(names.begin(), names.end(), file); };
    auto where = [&](const std::string &file) { return tls.directory + "/" + file; };
    for (const auto &file : names) {
        auto dot = file.rfind('.');
        if (dot == std::string::npos) continue;
        std::string base = file.substr(0, dot);
        std::string ext = file.substr(dot);
        if (ext == ".crt") {
            auto pem = read_pem(where(file));
            if (!pem) return fail(std::move(pem.error()));
            tls.ca_pem += *pem;
            if (!tls.ca_pem.empty() && tls.ca_pem.back() != '\n') tls.ca_pem += '\n';
        } else if (ext == ".cert") {
            // moby loadTLSConfig: "missing key %s for client certificate %s".
            if (!has(base + ".key")) {
                return fail(ErrorCode::Usage, "certificate directory " + digestx::quoted(tls.directory) +
                                                  ": missing key " + digestx::quoted(base + ".key") +
                                                  " for client certificate " + digestx::quoted(file) +
                                                  " (CA certificates must use the extension .crt)");
            }
            if (tls.client_certificate.empty()) {
                tls.client_certificate = where(file);
                tls.client_key = where(base + ".key");
            }
        } else if (ext == ".key") {
            // moby loadTLSConfig: "missing client certificate %s for key %s".
            if (!has(base + ".cert")) {
                return fail(ErrorCode::Usage, "certificate directory " + digestx::quoted(tls.directory) +
                                                  ": missing client certificate " + digestx::quoted(base + ".cert") +
                                                  " for key " + digestx::quoted(file));
            }
        }
    }
    return tls;
}

} // namespace digestx::net

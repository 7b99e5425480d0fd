#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

#include "support/fixture_content.hpp"
#include "support/fixtures.hpp"
#include "support/jose.hpp"

namespace digestx::test {
namespace {

using fixture_content::Json;

// Signs a schema1 payload the way libtrust's pretty signatures do: the protected header records
// where the payload's closing brace was cut (formatLength) and what followed it (formatTail), and
// the signature covers `protected.base64url(payload)`. RS256 with the test identity; registry 2.8
// verifies it, then keeps only the payload and re-signs it with its own key when serving.
std::string sign_schema1(const std::string &canonical) {
    std::size_t close = canonical.find_last_not_of(" \t\r\n");
    std::size_t format_length = canonical.find_last_not_of(" \t\r\n", close - 1) + 1;
    Json protected_header{{"formatLength", format_length},
                          {"formatTail", base64url_encode(canonical.substr(format_length))},
                          {"time", fixture_content::created}};
    std::string protected_text = base64url_encode(protected_header.dump());
    const SigningIdentity &identity = test_signing_identity();
    std::string signature = identity.sign_rs256(protected_text + "." + base64url_encode(canonical));
    Json block{{"header", {{"jwk", identity.public_jwk()}, {"alg", "RS256"}}},
               {"signature", base64url_encode(signature)},
               {"protected", protected_text}};
    return canonical.substr(0, format_length) + ",\n   \"signatures\": " + Json::array({block}).dump() +
           canonical.substr(format_length);
}

void write_file(const std::filesystem::path &path, const std::string &bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream file(path, std::ios::binary);
    file << bytes;
    if (!file) throw std::runtime_error("fixtures: cannot write " + path.string());
}

// Writes a manifest into the filesystem driver's layout, as a PUT would have: the blob, the
// repository's revision link and, per tag, the current link and the tag's index entry. Link files
// hold the digest with no newline, like the registry's own.
void place_in_storage(const std::string &root, const FixtureManifest &manifest) {
    std::string hex = manifest.digest.substr(7);
    std::filesystem::path v2 = std::filesystem::path(root) / "docker/registry/v2";
    write_file(v2 / "blobs/sha256" / hex.substr(0, 2) / hex / "data", manifest.bytes);
    std::filesystem::path manifests = v2 / "repositories" / manifest.repository / "_manifests";
    write_file(manifests / "revisions/sha256" / hex / "link", manifest.digest);
    for (const auto &tag : manifest.tags) {
        write_file(manifests / "tags" / tag / "current/link", manifest.digest);
        write_file(manifests / "tags" / tag / "index/sha256" / hex / "link", manifest.digest);
    }
}

// Pushes through the registry API on one kept-alive connection, authenticating as alice.
class Pusher {
public:
    explicit Pusher(RegistryBed &bed) : m_bed(bed) {}

    void blob(const FixtureBlob &blob) {
        HttpReply started = send("POST", "/v2/" + blob.repository + "/blobs/uploads/", blob.repository);
        auto location = started.header("location");
        if (started.status != 202 || !location) fail("POST upload for " + blob.digest, started);
        HttpCall finish = m_bed.call("PUT", "", authorization(blob.repository));
        // 2.8 answers an absolute Location; a relative one is resolved against the registry.
        finish.url = (location->rfind("http", 0) == 0 ? *location : m_bed.base_url() + *location) +
                     (location->find('?') == std::string::npos ? "?" : "&") + "digest=" + blob.digest;
        finish.headers.push_back("Content-Type: application/octet-stream");
        finish.body = blob.bytes;
        HttpReply done = m_client.perform(finish);
        if (done.status != 201 || done.header("docker-content-digest") != blob.digest)
            fail("PUT blob " + blob.digest, done);
    }

    void manifest(const FixtureManifest &manifest) {
        std::string body = manifest.media_type == "application/vnd.docker.distribution.manifest.v1+prettyjws"
                               ? sign_schema1(manifest.bytes)
                               : manifest.bytes;
        std::vector<std::string> references = manifest.tags;
        if (references.empty()) references.push_back(manifest.digest);
        for (const auto &reference : references) {
            HttpReply reply = send("PUT", "/v2/" + manifest.repository + "/manifests/" + reference, manifest.repository,
                                   body, manifest.media_type);
            if (reply.status != 201 || reply.header("docker-content-digest") != manifest.digest)
                fail("PUT manifest " + manifest.repository + ":" + reference, reply);
        }
    }

private:
    const std::string &authorization(const std::string &repository) {
        auto found = m_authorization.find(repository);
        if (found != m_authorization.end()) return found->second;
        std::string value = m_bed.authorization({"repository:" + repository + ":pull,push"});
        return m_authorization.emplace(repository, std::move(value)).first->second;
    }

    HttpReply send(const std::string &method, const std::string &path, const std::string &repository,
                   const std::string &body = {}, const std::string &content_type = {}) {
        HttpCall call = m_bed.call(method, path, authorization(repository));
        call.body = body;
        if (!content_type.empty()) call.headers.push_back("Content-Type: " + content_type);
        return m_client.perform(call);
    }

    [[noreturn]] void fail(const std::string &what, const HttpReply &reply) const {
        throw std::runtime_error("fixtures: " + what + " got " + std::to_string(reply.status) + " " + reply.error +
                                 reply.body + "\n--- registry log (tail) ---\n" + m_bed.log_tail(10));
    }

    RegistryBed &m_bed;
    CurlClient m_client;
    std::map<std::string, std::string> m_authorization;
};

} // namespace

void load_fixtures(RegistryBed &bed) {
    const FixtureCatalog &catalog = fixture_catalog();
    // No blob descriptor cache is configured, so the registry sees these files at once; the
    // manifest list that follows is accepted only because its amd64 entry is already there.
    for (const auto *manifest : catalog.manifests())
        if (manifest->stored_directly) place_in_storage(bed.storage_root(), *manifest);
    Pusher pusher(bed);
    for (const auto &blob : catalog.blobs)
        pusher.blob(blob);
    for (const auto *manifest : catalog.manifests())
        if (!manifest->stored_directly) pusher.manifest(*manifest);
}

void push_documents(RegistryBed &bed, const std::vector<FixtureBlob> &blobs,
                    const std::vector<FixtureManifest> &manifests) {
    Pusher pusher(bed);
    for (const auto &blob : blobs)
        pusher.blob(blob);
    for (const auto &manifest : manifests)
        pusher.manifest(manifest);
}

RegistryBed &shared_bed(BedMode mode) {
    static std::mutex mutex;
    static std::map<BedMode, std::unique_ptr<RegistryBed>> beds;
    std::lock_guard lock(mutex);
    auto &slot = beds[mode];
    if (!slot) slot = fresh_bed(mode, true);
    return *slot;
}

std::unique_ptr<RegistryBed> fresh_bed(BedMode mode, bool with_fixtures) {
    auto bed = std::make_unique<RegistryBed>(mode);
    if (with_fixtures) load_fixtures(*bed);
    return bed;
}

} // namespace digestx::test

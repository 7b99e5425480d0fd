// Per-registry certificate directories (docker's /etc/docker/certs.d, containers'
// /etc/containers/certs.d), replaced here by DIGESTX_CERTS_D so that the machine's own are never
// read: CAs from `*.crt`, a client certificate from `*.cert` + `*.key`, --cacert added to them.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "registry_cli_support.hpp"
#include "support/http_server.hpp"

using namespace digestx::test;

namespace {

void copy_to(const std::string &from, const std::string &to) {
    std::filesystem::create_directories(std::filesystem::path(to).parent_path());
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

std::map<std::string, std::string> roots(const std::string &value) {
    return {{"DIGESTX_CERTS_D", value}};
}

} // namespace

TEST_CASE("certs.d: a TLS registry's CA from its host directory, from --cacert, or both", "[certs][tls][bed]") {
    RegistryBed &bed = shared_bed(BedMode::Tls);
    const std::string reference = bed.reference("library/alpine:3.12");
    TempDir dir;
    const std::string root = dir.path() + "/certs.d";
    const std::string empty_root = dir.path() + "/empty";
    std::filesystem::create_directories(empty_root);
    copy_to(bed.ca_certificate(), root + "/" + bed.host() + "/ca.crt");
    std::filesystem::create_directories(dir.path() + "/other");
    TestPki other = make_test_pki(dir.path() + "/other");

    SECTION("the host directory alone") {
        auto run = run_digestx({"digest", reference}, "", roots(root));
        INFO(run.err);
        CHECK(run.exit_code == 0);
        CHECK(run.out.rfind("sha256:", 0) == 0);
    }
    SECTION("neither: exit 6") {
        auto run = run_digestx({"digest", reference}, "", roots(empty_root));
        CHECK(run.exit_code == 6);
        CHECK(run.out.empty());
    }
    SECTION("--cacert alone") {
        auto run = run_digestx({"--cacert", bed.ca_certificate(), "digest", reference}, "", roots(empty_root));
        INFO(run.err);
        CHECK(run.exit_code == 0);
    }
    SECTION("--cacert adds to the host directory's CAs") {
        auto run = run_digestx({"--cacert", other.ca_certificate, "digest", reference}, "", roots(root));
        INFO(run.err);
        CHECK(run.exit_code == 0);
    }
    SECTION("the first root with a directory for the host is used alone (containers/image dockerCertDir)") {
        const std::string first = dir.path() + "/first";
        copy_to(other.ca_certificate, first + "/" + bed.host() + "/other.crt");
        auto run = run_digestx({"digest", reference}, "", roots(first + ":" + root));
        CHECK(run.exit_code == 6);
        auto second = run_digestx({"digest", reference}, "", roots(empty_root + ":" + root));
        CHECK(second.exit_code == 0);
    }
    SECTION("a directory of another port does not apply") {
        const std::string wrong = dir.path() + "/wrong";
        copy_to(bed.ca_certificate(), wrong + "/127.0.0.1/ca.crt");
        auto run = run_digestx({"digest", reference}, "", roots(wrong));
        CHECK(run.exit_code == 6);
    }
    SECTION("a .cert without its .key, or a .key without its .cert, is exit 2") {
        const std::string broken = dir.path() + "/broken";
        copy_to(bed.ca_certificate(), broken + "/" + bed.host() + "/ca.crt");
        std::string file = GENERATE(std::string("client.cert"), std::string("client.key"));
        copy_to(bed.ca_certificate(), broken + "/" + bed.host() + "/" + file);
        auto run = run_digestx({"digest", reference}, "", roots(broken));
        INFO(run.err);
        CHECK(run.exit_code == 2);
        CHECK(run.out.empty());
        CHECK_THAT(run.err, Catch::Contains(file == "client.cert" ? "missing key \"client.key\" for client certificate"
                                                                  : "missing client certificate \"client.cert\""));
    }
}

TEST_CASE("certs.d: a registry that requires a client certificate", "[certs][tls][bed]") {
    BedOptions options;
    options.require_client_certificate = true;
    RegistryBed bed(BedMode::Tls, options);
    auto client = bed.client_certificate();
    TempDir dir;
    const std::string root = dir.path() + "/certs.d";
    const std::string host_dir = root + "/" + bed.host();
    copy_to(bed.ca_certificate(), host_dir + "/ca.crt");
    // An empty repository: 404 (exit 3) proves the TLS handshake and the request went through.
    const std::string reference = bed.reference("library/absent:1");

    SECTION("client.cert and client.key from the host directory") {
        copy_to(client.certificate, host_dir + "/client.cert");
        copy_to(client.key, host_dir + "/client.key");
        auto run = run_digestx({"digest", reference}, "", roots(root));
        INFO(run.err);
        CHECK(run.exit_code == 3);
    }
    SECTION("without them: exit 6 with a clear message") {
        auto run = run_digestx({"digest", reference}, "", roots(root));
        INFO(run.err);
        CHECK(run.exit_code == 6);
        CHECK(run.out.empty());
        CHECK_THAT(run.err, Catch::Contains("client certificate"));
    }
}

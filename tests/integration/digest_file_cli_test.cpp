#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/model_samples.hpp"
#include "support/skip.hpp"
#include "digestx/core/digest.hpp"
#include "support/process.hpp"

using digestx::Digest;
using digestx::test::ProcessResult;
using digestx::test::run_digestx;
using digestx::test::run_in_process;

namespace {

// A scratch directory removed at the end of the test.
class ScratchDir {
public:
    ScratchDir() {
        m_path = std::filesystem::temp_directory_path() /
                 ("digestx-digest-test-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
        std::filesystem::create_directories(m_path);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;

    std::string write(const std::string &name, const std::string &bytes) const {
        auto path = m_path / name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path.string();
    }
    [[nodiscard]] std::string path() const { return m_path.string(); }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_path;
};

// Both ways of running the command: in-process and the real binary.
std::vector<std::pair<std::string, std::function<ProcessResult(const std::vector<std::string> &, const std::string &)>>>
runners() {
    return {
        {"in-process", [](const auto &args, const auto &input) { return run_in_process(args, input); }},
        {"binary", [](const auto &args, const auto &input) { return run_digestx(args, input); }},
    };
}

void check_failure(const ProcessResult &result, int exit_code, const std::string &message_part) {
    CHECK(result.exit_code == exit_code);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("digestx: error: "));
    CHECK_THAT(result.err, Catch::Contains(message_part));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.back() == '\n');
}

} // namespace

TEST_CASE("digest --file prints the registry digest of each document type", "[cli][digest]") {
    ScratchDir dir;
    const std::string schema1 = samples::schema1_unsigned();
    struct Case {
        std::string name;
        std::string bytes;
        std::string digest;
        std::string media_type;
    };
    std::vector<Case> cases = {
        {"oci manifest", samples::oci_manifest(), Digest::compute(samples::oci_manifest()).str(),
         "application/vnd.oci.image.manifest.v1+json"},
        {"docker manifest", samples::docker_manifest(), Digest::compute(samples::docker_manifest()).str(),
         "application/vnd.docker.distribution.manifest.v2+json"},
        {"oci index", samples::oci_index(samples::index_entry('a')),
         Digest::compute(samples::oci_index(samples::index_entry('a'))).str(),
         "application/vnd.oci.image.index.v1+json"},
        {"schema1 unsigned", schema1, Digest::compute(schema1).str(),
         "application/vnd.docker.distribution.manifest.v1+json"},
        {"schema1 signed", samples::sign_schema1(schema1), Digest::compute(schema1).str(),
         "application/vnd.docker.distribution.manifest.v1+prettyjws"},
    };
    for (const auto &[runner_name, run] : runners()) {
        for (const auto &c : cases) {
            INFO(runner_name << ": " << c.name);
            std::string path = dir.write("doc.json", c.bytes);
            auto text = run({"digest", "--file", path}, "");
            CHECK(text.exit_code == 0);
            CHECK(text.out == c.digest + "\n");
            CHECK(text.err.empty());

            auto from_stdin = run({"digest", "--file", "-"}, c.bytes);
            CHECK(from_stdin.exit_code == 0);
            CHECK(from_stdin.out == c.digest + "\n");

            for (const auto &args : std::vector<std::vector<std::string>>{{"-o", "json", "digest", "--file", path},
                                                                          {"digest", "--file", path, "-o", "json"},
                                                                          {"digest", "-o", "json", "--file", path}}) {
                auto result = run(args, "");
                REQUIRE(result.exit_code == 0);
                CHECK(result.err.empty());
                auto parsed = nlohmann::json::parse(result.out);
                CHECK(parsed["schemaVersion"] == 1);
                CHECK(parsed["digest"] == c.digest);
                CHECK(parsed["mediaType"] == c.media_type);
                CHECK(parsed["size"] == c.bytes.size());
                CHECK(parsed.size() == 4);
                CHECK(result.out.back() == '\n');
            }
        }
    }
}

TEST_CASE("digest --file on the real alpine:3.12 manifest", "[cli][digest][fixture]") {
    std::string shared = digestx::test::shared_dir();
    if (shared.empty()) {
        DIGESTX_SKIP("../shared is absent: alpine CLI check skipped");
    }
    std::string path = shared + "/fixtures/alpine-3.12/manifest-linux-amd64.json";
    auto result = run_digestx({"digest", "--file", path});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18\n");
    auto json_result = run_in_process({"-o", "json", "digest", "--file", path});
    REQUIRE(json_result.exit_code == 0);
    CHECK(json_result.out ==
          "{\"schemaVersion\":1,\"digest\":\"sha256:74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18\","
          "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":528}\n");
    auto signed_schema1 =
        run_digestx({"digest", "--file", shared + "/conformance/manifests/rc-docker-v2s1-signed-debian6.json"});
    CHECK(signed_schema1.exit_code == 0);
    CHECK(signed_schema1.out == "sha256:f3ef067962554c3352dc0c659ca563f73cc396fe0dea2a2c23a7964c6290f782\n");
}

TEST_CASE("digest --file refuses malformed documents with exit 5", "[cli][digest]") {
    ScratchDir dir;
    const std::string good = samples::oci_manifest();
    std::vector<std::pair<std::string, std::string>> cases = {
        {"", "empty manifest"},
        {"\xEF\xBB\xBF" + good, "malformed JSON in manifest at byte 1: leading UTF-8 byte order mark"},
        {good.substr(0, good.size() / 2), "malformed JSON in manifest at byte "},
        {good + "garbage", "malformed JSON in manifest at byte "},
        {std::string("\x89PNG\r\n\x1a\n\0\0", 10), "malformed JSON in manifest at byte 1"},
        {samples::oci_index(samples::index_entry('a'), "\"layers\":[]"),
         "ambiguous manifest: unexpected fields [layers] in application/vnd.oci.image.index.v1+json"},
        {samples::oci_manifest("\"mediaType\":\"x\""), "duplicate JSON key \"mediaType\""},
        {samples::oci_index(samples::descriptor("application/vnd.oci.image.manifest.v1+json", "\"sha256:../../x\"")),
         "invalid digest in index entry 0"},
        {samples::oci_index(
             samples::descriptor("application/vnd.oci.image.manifest.v1+json", samples::quoted_digest('a'), "-1")),
         "descriptor size must be a non-negative integer in index entry 0"},
        {"{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}", "JSON nesting deeper than 64"},
        {"{\"schemaVersion\":99999}", "unsupported schemaVersion 99999"},
        {samples::schema1_unsigned().substr(0, samples::schema1_unsigned().size() - 2) + ",\n   \"signatures\": 1\n}",
         "invalid schema1 signatures: expected an array"},
        {"{\"schemaVersion\":2,\"mediaType\":\"\\u001b]8;;evil\\u0007\",\"manifests\":[]}",
         "unsupported manifest mediaType \"\\x1b]8;;evil\\x07\""},
    };
    for (const auto &[runner_name, run] : runners()) {
        for (const auto &[bytes, message] : cases) {
            INFO(runner_name << ": " << bytes.substr(0, 120));
            std::string path = dir.write("bad.json", bytes);
            auto from_file = run({"digest", "--file", path}, "");
            check_failure(from_file, 5, message);
            CHECK_THAT(from_file.err, Catch::Contains(path + ": "));
            auto from_stdin = run({"digest", "--file", "-"}, bytes);
            check_failure(from_stdin, 5, "stdin: " + message);
        }
    }
}

TEST_CASE("digest --file reports unreadable input and bad usage with exit 2", "[cli][digest]") {
    ScratchDir dir;
    std::string newline_name = dir.write("line\nbreak.json", samples::oci_manifest());
    for (const auto &[runner_name, run] : runners()) {
        INFO(runner_name);
        check_failure(run({"digest", "--file", dir.path() + "/missing.json"}, ""), 2,
                      "cannot read \"" + dir.path() + "/missing.json\": No such file or directory");
        check_failure(run({"digest", "--file", dir.path()}, ""), 2, "Is a directory");
        check_failure(run({"digest"}, ""), 2, "--file");
        check_failure(run({"digest", "--file"}, ""), 2, "--file");
        check_failure(run({"digest", "--file", newline_name, "alpine:3.12"}, ""), 2, "alpine:3.12");
        check_failure(run({"-o", "dot", "digest", "--file", newline_name}, ""), 2, "digest prints text or json");
        auto escaped = run({"digest", "--file", newline_name + ".missing"}, "");
        check_failure(escaped, 2, "line\\nbreak.json.missing");
    }
}

TEST_CASE("digest --file caps the document size", "[cli][digest][B6]") {
    ScratchDir dir;
    // Valid JSON just over the cap: refused for its size, not its content.
    std::string big = "{\"schemaVersion\":2,\"manifests\":[],\"pad\":\"" + std::string(8U * 1024U * 1024U, 'x') + "\"}";
    std::string path = dir.write("big.json", big);
    check_failure(run_digestx({"digest", "--file", path}), 5, "manifest exceeds 8388608-byte limit");
    check_failure(run_in_process({"digest", "--file", "-"}, big), 5, "manifest exceeds 8388608-byte limit");
    // Exactly at the cap is fine.
    std::string fits = "{\"schemaVersion\":2,\"manifests\":[],\"pad\":\"";
    fits += std::string(8U * 1024U * 1024U - fits.size() - 2, 'x') + "\"}";
    REQUIRE(fits.size() == 8U * 1024U * 1024U);
    auto ok = run_digestx({"digest", "--file", dir.write("fits.json", fits)});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == Digest::compute(fits).str() + "\n");
}

TEST_CASE("digest is listed in --help", "[cli][digest]") {
    auto result = run_in_process({"--help"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("digest"));
    auto command_help = run_in_process({"digest", "--help"});
    CHECK(command_help.exit_code == 0);
    CHECK_THAT(command_help.out, Catch::Contains("--file"));
}

// The tar index: what it finds in well-formed archives (ustar prefix, pax, GNU long names, links
// as docker save writes them) and the one-line Integrity refusal of every hostile archive.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "digestx/io/tar_reader.hpp"
#include "support/http_server.hpp"
#include "support/tar_writer.hpp"

using digestx::ErrorCode;
using digestx::io::TarIndex;
using digestx::test::TarEntry;
using digestx::test::TarWriter;

namespace {

// An archive in memory that records every range read, so a test can prove bodies were skipped.
class MemoryBytes final : public digestx::io::ByteSource {
public:
    explicit MemoryBytes(std::string bytes) : m_bytes(std::move(bytes)) {}
    [[nodiscard]] std::uint64_t size() const override { return m_bytes.size(); }
    digestx::Result<std::string> read_at(std::uint64_t offset, std::size_t length) override {
        if (offset + length > m_bytes.size()) return digestx::fail(ErrorCode::Integrity, "short");
        reads += length;
        return m_bytes.substr(offset, length);
    }
    std::uint64_t reads = 0;

private:
    std::string m_bytes;
};

digestx::Result<TarIndex> index_of(const std::string &bytes) {
    MemoryBytes source(bytes);
    return TarIndex::build(source);
}

std::string read(const std::string &archive, const std::string &name, std::size_t limit = 1 << 20) {
    MemoryBytes source(archive);
    auto index = TarIndex::build(source);
    REQUIRE(index);
    auto body = digestx::io::read_member(source, *index, name, limit, name);
    REQUIRE(body);
    return *body;
}

} // namespace

TEST_CASE("member names are normalised and unsafe ones refused", "[tar]") {
    struct Row {
        std::string name;
        std::optional<std::string> expected;
    };
    std::vector<Row> rows = {
        {"manifest.json", "manifest.json"},
        {"./manifest.json", "manifest.json"},
        {"blobs//sha256/./abc", "blobs/sha256/abc"},
        {"dir/", "dir"},
        {"/etc/passwd", std::nullopt},
        {"../escape", std::nullopt},
        {"a/../../b", std::nullopt},
        {"a/..", std::nullopt},
        {"", std::nullopt},
        {"./", std::nullopt},
        {std::string("a\0b", 3), std::nullopt},
    };
    for (const auto &row : rows) {
        CAPTURE(row.name);
        CHECK(digestx::io::normalize_member_name(row.name) == row.expected);
    }
}

TEST_CASE("the index finds ustar, pax and GNU long names and reads small members", "[tar]") {
    std::string long_name = std::string(120, 'p') + "/" + std::string(90, 'n');
    std::string pax_name = std::string(300, 'x') + ".json";
    std::string gnu_name = std::string(200, 'g');
    std::string archive = TarWriter()
                              .directory("./")
                              .directory("blobs/")
                              .file("./manifest.json", "[]")
                              .file(long_name, "prefixed")
                              .pax({{"path", pax_name}})
                              .file("ignored-short-name", "from pax")
                              .gnu_long_name(gnu_name)
                              .file("ignored-too", "from gnu")
                              .bytes();
    CHECK(read(archive, "manifest.json") == "[]");
    CHECK(read(archive, long_name) == "prefixed");
    CHECK(read(archive, pax_name) == "from pax");
    CHECK(read(archive, gnu_name) == "from gnu");
    auto index = index_of(archive);
    REQUIRE(index);
    CHECK(index->members().size() == 4); // the directory is not indexed
    CHECK(index->find("ignored-short-name").error().code == ErrorCode::NotFound);
}

TEST_CASE("links are followed inside the archive, as docker save writes shared layers", "[tar]") {
    std::string archive = TarWriter()
                              .file("aaa/layer.tar", "layer bytes")
                              .symlink("bbb/layer.tar", "../aaa/layer.tar")
                              .hardlink("ccc/layer.tar", "aaa/layer.tar")
                              .symlink("ddd/layer.tar", "../bbb/layer.tar")
                              .bytes();
    CHECK(read(archive, "bbb/layer.tar") == "layer bytes");
    CHECK(read(archive, "ccc/layer.tar") == "layer bytes");
    CHECK(read(archive, "ddd/layer.tar") == "layer bytes");
}

TEST_CASE("a member over the cap is refused without reading it", "[tar]") {
    MemoryBytes source(TarWriter().file("config.json", std::string(4096, 'c')).bytes());
    auto index = TarIndex::build(source);
    REQUIRE(index);
    auto before = source.reads;
    auto body = digestx::io::read_member(source, *index, "config.json", 1024, "config.json");
    REQUIRE_FALSE(body);
    CHECK(body.error().code == ErrorCode::Integrity);
    CHECK(body.error().message == "config.json exceeds 1024-byte limit");
    CHECK(source.reads == before);
    auto missing = digestx::io::read_member(source, *index, "nope.json", 1024, "nope.json");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
}

TEST_CASE("hostile and corrupt archives are refused with one Integrity line", "[tar]") {
    std::string good = TarWriter().file("manifest.json", "[]").bytes();
    TarEntry bad_checksum{"manifest.json", '0', "[]", 0, {}, {}, true};
    TarEntry giant{"layer.tar", '0', "x", 0, {}, std::string("77777777777\0", 12), false};
    TarEntry not_octal{"layer.tar", '0', "x", 0, {}, std::string("0000000009x\0", 12), false};
    TarEntry negative{"layer.tar", '0', "x", 0, {}, std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12),
                      false};
    TarEntry overflow{"layer.tar", '0', "x", 0, {}, std::string("\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12),
                      false};
    struct Row {
        std::string what;
        std::string archive;
        std::string fragment;
    };
    std::vector<Row> rows = {
        {"bad checksum", TarWriter().entry(bad_checksum).bytes(), "bad header checksum"},
        {"size beyond the archive", TarWriter().entry(giant).bytes(), "truncated: member at byte 0 claims"},
        {"size not octal", TarWriter().entry(not_octal).bytes(), "bad size field"},
        {"negative base-256 size", TarWriter().entry(negative).bytes(), "bad size field"},
        {"overflowing base-256 size", TarWriter().entry(overflow).bytes(), "bad size field"},
        {"pax size beyond the archive", TarWriter().pax({{"size", "1099511627776"}}).file("layer.tar", "x").bytes(),
         "truncated: member"},
        {"pax size not a number", TarWriter().pax({{"size", "-1"}}).file("layer.tar", "x").bytes(),
         "pax size is not a number"},
        {"malformed pax record", TarWriter().entry({"pax", 'x', "99 path=x\n", 0, {}, {}, false}).bytes(),
         "pax record length out of range"},
        {"absolute name", TarWriter().file("/etc/passwd", "x").bytes(), "unsafe member name"},
        {"traversal", TarWriter().file("../../etc/passwd", "x").bytes(), "unsafe member name"},
        {"traversal through pax", TarWriter().pax({{"path", "a/../../x"}}).file("x", "x").bytes(),
         "unsafe member name"},
        {"symlink escape", TarWriter().symlink("aaa/layer.tar", "../../etc/passwd").bytes(),
         "points outside the archive"},
        {"absolute symlink", TarWriter().symlink("aaa/layer.tar", "/etc/passwd").bytes(), "points outside the archive"},
        {"hardlink escape", TarWriter().hardlink("aaa/layer.tar", "../x").bytes(), "points outside the archive"},
        {"duplicate name", TarWriter().file("manifest.json", "[]").file("./manifest.json", "{}").bytes(),
         "appears twice"},
        {"sparse member", TarWriter().entry({"s", 'S', "", 0, {}, {}, false}).bytes(), "sparse members"},
        {"no end-of-archive block", TarWriter().file("manifest.json", "[]").bytes(false), "no end-of-archive block"},
        {"cut inside a body", good.substr(0, 600), "truncated"},
        {"cut inside a header", good.substr(0, 100), "truncated"},
        {"gzip-compressed", "\x1f\x8b\x08" + std::string(1021, '\0'), "compressed (gzip or zstd)"},
        {"oversized GNU long name",
         TarWriter().entry({"L", 'L', std::string((1 << 20) + 1, 'a'), 0, {}, {}, false}).bytes(), "extended header"},
    };
    for (const auto &row : rows) {
        CAPTURE(row.what);
        auto index = index_of(row.archive);
        REQUIRE_FALSE(index);
        CHECK(index.error().code == ErrorCode::Integrity);
        CHECK_THAT(index.error().message, Catch::Contains(row.fragment));
        CHECK(index.error().message.find('\n') == std::string::npos);
    }
}

TEST_CASE("the index refuses more members or name bytes than its limits", "[tar]") {
    TarWriter writer;
    for (int i = 0; i < 5; ++i)
        writer.file("member-" + std::to_string(i), "x");
    MemoryBytes source(writer.bytes());
    digestx::io::TarLimits few;
    few.max_members = 4;
    auto counted = TarIndex::build(source, few);
    REQUIRE_FALSE(counted);
    CHECK(counted.error().message == "corrupt archive: more than 4 members");
    digestx::io::TarLimits short_names;
    short_names.max_name_total = 30;
    auto named = TarIndex::build(source, short_names);
    REQUIRE_FALSE(named);
    CHECK(named.error().message == "corrupt archive: member names exceed 30 bytes in all");
    digestx::io::TarLimits enough;
    enough.max_members = 5;
    CHECK(TarIndex::build(source, enough));
}

TEST_CASE("links that go nowhere or loop are refused when read", "[tar]") {
    std::string archive = TarWriter()
                              .symlink("a/layer.tar", "../b/layer.tar")
                              .symlink("b/layer.tar", "../a/layer.tar")
                              .symlink("c/layer.tar", "../missing/layer.tar")
                              .directory("d")
                              .symlink("e", "d")
                              .bytes();
    auto index = index_of(archive);
    REQUIRE(index);
    for (const char *name : {"a/layer.tar", "c/layer.tar", "e"}) {
        CAPTURE(name);
        auto found = index->find(name);
        REQUIRE_FALSE(found);
        CHECK(found.error().code == ErrorCode::Integrity);
    }
}

TEST_CASE("a 1 GiB archive is indexed by reading its headers only", "[tar]") {
    digestx::test::TempDir dir;
    std::string path = dir.path() + "/big.tar";
    constexpr std::uint64_t gib = 1ULL << 30U;
    TarWriter()
        .file("manifest.json", "[]")
        .large_file("aaa/layer.tar", gib)
        .large_file("bbb/layer.tar", gib / 2 + 7)
        .file("config.json", "{}")
        .write(path);
    REQUIRE(std::filesystem::file_size(path) > gib + gib / 2);
    auto bytes = digestx::io::FileBytes::open(path);
    REQUIRE(bytes);
    auto index = TarIndex::build(**bytes);
    REQUIRE(index);
    REQUIRE(index->members().size() == 4);
    CHECK(index->members()[1].size == gib);
    CHECK(index->members()[2].size == gib / 2 + 7);
    // Five headers and the end-of-archive block: nothing of the 1.5 GiB of bodies.
    CHECK((*bytes)->bytes_read() == 5 * 512);
    auto config = digestx::io::read_member(**bytes, *index, "config.json", 1024, "config");
    REQUIRE(config);
    CHECK(*config == "{}");
    CHECK((*bytes)->bytes_read() == 5 * 512 + 2);
}

TEST_CASE("archive files that are not there or not regular files are refused", "[tar]") {
    auto missing = digestx::io::FileBytes::open("/nonexistent/app.tar");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
    digestx::test::TempDir dir;
    auto directory = digestx::io::FileBytes::open(dir.path());
    REQUIRE_FALSE(directory);
    CHECK(directory.error().code == ErrorCode::Usage);
}

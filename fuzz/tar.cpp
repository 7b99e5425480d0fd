/// @file
/// Fuzz target: tar archives as `docker save`, `skopeo copy … oci-archive:` and `tar -C DIR .`
/// write them (POSIX ustar, pax extended headers, GNU long names and base-256 numbers), read by
/// io/tar_reader and by the docker-archive and oci-archive sources, whose manifest.json and
/// index.json live inside the archive. The first byte chooses what reads the rest: the index alone,
/// a docker-archive walk, or an oci-archive walk.
/// Invariants: every indexed member is a normalised, unique name whose body lies inside the
/// archive; a member read within its cap is exactly its size; a walk's root document hashes to its
/// digest and fails, when it fails, with an archive's error code (never a network one).

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <unistd.h>

#include "digestx/core/digest.hpp"
#include "digestx/core/error.hpp"
#include "digestx/core/reference.hpp"
#include "digestx/io/tar_reader.hpp"
#include "digestx/resolve/resolve.hpp"
#include "digestx/source/archive_source.hpp"
#include "fuzz_support.hpp"

using digestx::fuzz::check;

namespace {

// The archive in memory: the index reads it through the same interface as a file.
class MemoryBytes final : public digestx::io::ByteSource {
public:
    explicit MemoryBytes(std::string_view bytes) : m_bytes(bytes) {}
    [[nodiscard]] std::uint64_t size() const override { return m_bytes.size(); }
    digestx::Result<std::string> read_at(std::uint64_t offset, std::size_t length) override {
        if (offset > m_bytes.size() || length > m_bytes.size() - offset) {
            return digestx::fail(digestx::ErrorCode::Integrity, "truncated archive");
        }
        return std::string(m_bytes.substr(offset, length));
    }

private:
    std::string_view m_bytes;
};

// Small caps, so that the fuzzer reaches them with inputs of a few kilobytes.
constexpr std::size_t read_cap = 4096;

void check_index(std::string_view archive) {
    MemoryBytes bytes(archive);
    digestx::io::TarLimits limits;
    limits.max_members = 64;
    limits.max_extended_bytes = 8192;
    const auto index = digestx::io::TarIndex::build(bytes, limits);
    if (!index) {
        check(index.error().code == digestx::ErrorCode::Integrity, "a refused archive is an integrity failure");
        return;
    }
    check(index->members().size() <= limits.max_members, "no more members than the limit");
    std::set<std::string> names;
    for (const auto &member : index->members()) {
        check(digestx::io::normalize_member_name(member.name) == member.name, "member names are normalised");
        check(names.insert(member.name).second, "no name is indexed twice");
        check(member.offset <= archive.size() && member.size <= archive.size() - member.offset,
              "a body lies inside the archive");
        const auto found = index->find(member.name);
        if (!found) continue;
        check((*found)->type == digestx::io::TarEntryType::File, "find() ends on a regular file");
        const auto body = digestx::io::read_member(bytes, *index, member.name, read_cap, "member");
        if ((*found)->size <= read_cap) {
            check(body && body->size() == (*found)->size, "a member within the cap reads whole");
        } else {
            check(!body, "a member over the cap is refused");
        }
    }
}

// The archive as a file, since the sources open a path; one per process, rewritten each time and
// removed at exit. The path is never destroyed: the atexit handler is registered before a static
// string's destructor would be, so it would run after it.
const std::string &archive_path() {
    static const std::string *const path = [] {
        char name[] = "/tmp/digestx-fuzz-tar-XXXXXX";
        const int fd = mkstemp(name);
        check(fd >= 0, "a temporary file can be made");
        close(fd);
        auto *kept = new std::string(name);
        std::atexit([] { unlink(archive_path().c_str()); });
        return kept;
    }();
    return *path;
}

void check_source(std::string_view archive, bool docker) {
    const std::string &path = archive_path();
    std::FILE *file = std::fopen(path.c_str(), "wb");
    check(file != nullptr, "the temporary file can be written");
    check(std::fwrite(archive.data(), 1, archive.size(), file) == archive.size(), "the whole input is written");
    std::fclose(file);

    const auto reference = digestx::parse_reference((docker ? "docker-archive:" : "oci-archive:") + path);
    check(reference.has_value(), "an archive reference parses");
    std::unique_ptr<digestx::Source> source;
    if (docker) {
        source = std::make_unique<digestx::DockerArchiveSource>(path, read_cap);
    } else {
        source = digestx::make_oci_archive_source(path, read_cap);
    }
    digestx::ResolveOptions options;
    options.max_entries = 64;
    options.max_total_bytes = 1U << 16U;
    const auto tree = digestx::resolve(*source, *reference, options);
    if (!tree) {
        const auto code = tree.error().code;
        check(code != digestx::ErrorCode::Network && code != digestx::ErrorCode::Auth &&
                  code != digestx::ErrorCode::RateLimited,
              "an archive fails with an archive's error");
        return;
    }
    const auto &document = tree->root().document;
    if (document && !document->is_schema1()) {
        check(document->digest() == digestx::Digest::compute(document->bytes(), document->digest().algorithm()),
              "the root document hashes to its digest");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    digestx::fuzz::Input input(data, size);
    const auto choice = input.choose(3);
    const auto archive = input.rest();
    if (choice == 0) {
        check_index(archive);
    } else {
        check_source(archive, choice == 1);
    }
    return 0;
}

// `digestx digest --file PATH`: the digest of a manifest document exactly as a registry computes
// it (sha256 of the bytes, or of the signed payload of a schema1 manifest), like
// `skopeo manifest-digest`. The registry form `digest REF` will be a second source feeding the
// same output: a positional option beside --file and a branch in run_digest.

#include <cerrno>
#include <cstring>
#include <istream>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "commands.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/text.hpp"

namespace digestx::cli {
namespace {

struct DigestOptions {
    std::string file; ///< --file PATH, or "-" for stdin
};

Error too_large() {
    return Error{
        ErrorCode::Integrity, "manifest exceeds " + std::to_string(max_manifest_bytes) + "-byte limit", {}, 0, {}};
}

// Reads at most one byte past the cap, so an endless input is not buffered whole.
Result<std::string> read_stream(std::istream &in) {
    std::string bytes;
    std::string chunk(65536, '\0');
    while (in && bytes.size() <= max_manifest_bytes) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (bytes.size() > max_manifest_bytes) return fail(too_large());
    if (in.bad()) return fail(ErrorCode::Usage, "cannot read stdin");
    return bytes;
}

Result<std::string> read_path(const std::string &path) {
    auto cannot = [&path](int error) {
        return fail(ErrorCode::Usage, "cannot read " + digestx::quoted(path) + ": " + std::strerror(error));
    };
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return cannot(errno);
    std::string bytes;
    std::string chunk(65536, '\0');
    while (bytes.size() <= max_manifest_bytes) {
        ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            return cannot(error);
        }
        if (n == 0) break;
        bytes.append(chunk.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (bytes.size() > max_manifest_bytes) return fail(too_large());
    return bytes;
}

Result<int> run_digest(const DigestOptions &options, Context &ctx, const GlobalOptions &globals) {
    if (globals.output != "text" && globals.output != "json") {
        return fail(ErrorCode::Usage, "digest prints text or json, not " + digestx::quoted(globals.output));
    }
    bool from_stdin = options.file == "-";
    auto bytes = from_stdin ? read_stream(ctx.in) : read_path(options.file);
    if (!bytes) return fail(std::move(bytes.error()));
    auto document = parse_document(std::move(*bytes));
    if (!document) return fail(std::move(document.error()).with_context(from_stdin ? "stdin" : sanitize(options.file)));
    if (globals.output == "json") {
        nlohmann::ordered_json out;
        out["schemaVersion"] = 1;
        out["digest"] = document->digest().str();
        out["mediaType"] = document->media_type();
        out["size"] = document->size();
        ctx.out << out.dump() << "\n";
    } else {
        ctx.out << document->digest().str() << "\n";
    }
    return 0;
}

} // namespace

void setup_digest_command(CLI::App &app, Invocation &invocation) {
    auto options = std::make_shared<DigestOptions>();
    CLI::App *command = app.add_subcommand(
        "digest", "Print the digest of a manifest document exactly as a registry computes it (schema1 included)");
    command->add_option("--file", options->file, "Manifest document to hash; - reads stdin")->required();
    command->callback([options, &invocation] {
        invocation.run = [options](Context &ctx, const GlobalOptions &globals) {
            return run_digest(*options, ctx, globals);
        };
    });
}

} // namespace digestx::cli

// Docker's normalisation of references (distribution/reference normalize.go) and the local source
// prefixes digestx reads. The grammar checks live in reference_grammar.cpp; this file decides which
// part of the input is the registry and fills in Docker Hub's defaults.
#include "digestx/core/reference.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "digestx/core/text.hpp"
#include "reference_grammar.hpp"

namespace digestx {

using namespace reference_detail;

namespace {

constexpr std::string_view library_prefix = "library/";
constexpr std::string_view oci_prefix = "oci:";
constexpr std::string_view docker_archive_prefix = "docker-archive:";
constexpr std::string_view oci_archive_prefix = "oci-archive:";

// True when parse_reference() reads `text` as a local source rather than a registry reference.
bool is_source_prefixed(std::string_view text) {
    return text.starts_with(oci_prefix) || text.starts_with(docker_archive_prefix) ||
           text.starts_with(oci_archive_prefix);
}

// normalize.go splitDockerDomain: the first component is a registry only when it contains '.' or
// ':', is "localhost", or has uppercase (repository paths never do); otherwise it is a Docker Hub
// namespace. `[` is covered by ':' for every well-formed IPv6 literal.
bool names_registry(std::string_view first) {
    return first == "localhost" || first.find_first_of(".:") != std::string_view::npos ||
           std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// `index.docker.io` is the legacy Hub name, and the only one distribution/reference folds
// (normalize.go splitDockerDomain: `if domain == legacyDefaultDomain { domain = defaultDomain }`).
// `registry-1.docker.io`, Hub's API host, is a registry name of its own there, without the
// `library/` prefix, so `docker pull registry-1.docker.io/alpine` asks for the repository `alpine`:
// digestx reads it the same way.
std::string fold_registry(std::string_view registry) {
    if (registry == "index.docker.io") return std::string(docker_hub_registry);
    return std::string(registry);
}

// Fields of a registry reference before the Reference is assembled.
struct RegistryPieces {
    std::string_view registry; // as written; empty when Docker Hub is implied
    std::string_view remote;   // repository path as written (without any library/)
    std::size_t remote_offset = 0;
    Split split;
};

std::optional<Fault> check_registry_pieces(std::string_view text, RegistryPieces &pieces) {
    if (auto fault = check_not_url(text)) return fault;
    pieces.split = split_reference(text);
    pieces.remote = pieces.split.name;
    auto slash = pieces.split.name.find('/');
    if (slash != std::string_view::npos && names_registry(pieces.split.name.substr(0, slash))) {
        pieces.registry = pieces.split.name.substr(0, slash);
        pieces.remote = pieces.split.name.substr(slash + 1);
        pieces.remote_offset = slash + 1;
    }
    if (pieces.registry == "." || pieces.registry == "..") {
        return Fault{"relative path component " + quoted(pieces.registry) + " at " + position(0) + " is not allowed"};
    }
    // normalize.go checks case before the grammar, so "docker/Docker" is a case error, not a format
    // one; when lowercasing would not make the path valid either, the grammar's fault says more.
    if (auto upper = first_uppercase(pieces.remote, pieces.remote_offset)) {
        if (!check_path(ascii_lowercase(pieces.remote), pieces.remote_offset)) {
            return Fault{"repository name must be lowercase (" + describe_char(text, *upper) + " at " +
                         position(*upper) + ")"};
        }
    }
    if (!pieces.registry.empty()) {
        if (auto fault = check_domain(pieces.registry, 0)) return fault;
    }
    if (auto fault = check_path(pieces.remote, pieces.remote_offset)) return fault;
    if (pieces.split.tag) {
        if (auto fault = check_tag(*pieces.split.tag, pieces.split.tag_offset)) return fault;
    }
    if (pieces.split.digest) {
        if (auto fault = check_digest_pattern(*pieces.split.digest, pieces.split.digest_offset)) return fault;
    }
    return std::nullopt;
}

std::optional<Fault> check_port(std::string_view port, std::size_t offset) {
    unsigned long value = 0;
    for (char c : port) {
        value = value * 10 + static_cast<unsigned long>(c - '0');
        if (value > 65535) break;
    }
    if (value >= 1 && value <= 65535) return std::nullopt;
    return Fault{"registry port " + quoted(port, 20) + " at " + position(offset) + " is out of range (1-65535)"};
}

// What the peer's grammar lets through but no connection could use: ports beyond 65535 and
// bracketed text that is not an IPv6 address (regexp_test.go marks both "will fail on validation").
std::optional<Fault> check_registry_host(std::string_view registry) {
    std::size_t host_end = registry.size();
    if (!registry.empty() && registry[0] == '[') {
        host_end = registry.find(']') + 1;
        std::string address(registry.substr(1, host_end - 2));
        std::array<unsigned char, 16> buffer{};
        if (inet_pton(AF_INET6, address.c_str(), buffer.data()) != 1) {
            return Fault{quoted(registry.substr(0, host_end), 60) + " at " + position(0) +
                         " is not a valid IPv6 address"};
        }
    } else {
        host_end = std::min(registry.find(':'), registry.size());
    }
    if (host_end < registry.size()) return check_port(registry.substr(host_end + 1), host_end + 1);
    return std::nullopt;
}

// Control characters in a path would reach terminals and file APIs; everything else is the
// file system's business.
std::optional<Fault> check_source_path(std::string_view path, std::size_t base, std::string_view kind) {
    if (path.empty()) {
        std::string form = kind == "oci"           ? "oci:DIR[:TAG|@DIGEST]"
                           : kind == "oci-archive" ? "oci-archive:FILE[:TAG|@DIGEST]"
                                                   : "docker-archive:FILE[:REF|:@N]";
        return Fault{std::string(kind) + ": needs a path (" + form + ")"};
    }
    for (std::size_t i = 0; i < path.size(); ++i) {
        auto c = static_cast<unsigned char>(path[i]);
        if (c < 0x20 || c == 0x7F) {
            return Fault{describe_char(path, i) + " at " + position(base + i) + " is not allowed in a " +
                         std::string(kind) + ": path"};
        }
    }
    return std::nullopt;
}

// oci:PATH[:TAG|@DIGEST] and oci-archive:PATH[:TAG|@DIGEST]; see parse_reference() in the
// header for how separators are found.
struct OciPieces {
    std::string_view path;
    std::optional<std::string_view> tag;
    std::optional<std::string_view> digest;
    std::size_t tag_offset = 0;
    std::size_t digest_offset = 0;
};

std::optional<Fault> split_oci(std::string_view text, std::string_view prefix, OciPieces &pieces) {
    const std::size_t base = prefix.size();
    std::string_view kind = prefix.substr(0, prefix.size() - 1);
    std::string_view rest = text.substr(base);
    auto slash = rest.rfind('/');
    std::size_t tail = slash == std::string_view::npos ? 0 : slash + 1;
    pieces.path = rest;
    if (auto at = rest.rfind('@'); at != std::string_view::npos && at >= tail) {
        pieces.digest = rest.substr(at + 1);
        pieces.digest_offset = base + at + 1;
        pieces.path = rest.substr(0, at);
    }
    if (auto colon = pieces.path.rfind(':'); colon != std::string_view::npos && colon >= tail) {
        pieces.tag = pieces.path.substr(colon + 1);
        pieces.tag_offset = base + colon + 1;
        pieces.path = pieces.path.substr(0, colon);
    }
    if (pieces.tag && pieces.digest) {
        return Fault{std::string(prefix) + " takes a tag or a digest, not both (':' at " +
                     position(pieces.tag_offset - 1) + ", '@' at " + position(pieces.digest_offset - 1) +
                     "); end the path with '/' if its last name has a ':'"};
    }
    if (auto fault = check_source_path(pieces.path, base, kind)) return fault;
    if (pieces.tag) return check_tag(*pieces.tag, pieces.tag_offset);
    if (pieces.digest) return check_digest_pattern(*pieces.digest, pieces.digest_offset);
    return std::nullopt;
}

// docker-archive:PATH[:REF|:@N], cut at the first ':' as containers/image docker/archive
// transport.go ParseReference cuts it; `@N` is its source index (a number, N >= 0).
struct ArchivePieces {
    std::string_view path;
    std::optional<std::string> image; // canonical, `latest` added
    std::optional<std::size_t> index;
};

std::optional<Fault> split_docker_archive(std::string_view text, ArchivePieces &pieces) {
    const std::size_t base = docker_archive_prefix.size();
    std::string_view rest = text.substr(base);
    std::size_t colon = rest.find(':');
    pieces.path = rest.substr(0, colon);
    if (auto fault = check_source_path(pieces.path, base, "docker-archive")) return fault;
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view selection = rest.substr(colon + 1);
    const std::size_t offset = base + colon + 1;
    if (selection.empty()) {
        return Fault{"':' at " + position(offset - 1) +
                     " is not followed by an image (docker-archive:FILE:REF or :@N)"};
    }
    if (selection.front() == '@') {
        std::string_view number = selection.substr(1);
        bool digits = !number.empty() && number.size() <= 9 &&
                      std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits) {
            return Fault{"image index " + quoted(number, 40) + " at " + position(offset + 1) +
                         " is not a number (@0 is the first image of manifest.json)"};
        }
        std::size_t index = 0;
        for (char c : number)
            index = index * 10 + static_cast<std::size_t>(c - '0');
        pieces.index = index;
        return std::nullopt;
    }
    // ParseDockerRef: normalised, and `latest` added to a name without a tag.
    auto named = parse_docker_ref(selection);
    if (!named) {
        return Fault{"image " + quoted(selection, 200) + " at " + position(offset) +
                     " is not a reference: " + named.error().message};
    }
    if (named->digest()) {
        return Fault{"image " + quoted(selection, 200) + " at " + position(offset) +
                     " has a digest; an archive's images are named by their RepoTags (NAME[:TAG]) or by @N"};
    }
    pieces.image = named->canonical();
    return std::nullopt;
}

} // namespace

std::string_view source_kind_name(SourceKind kind) noexcept {
    switch (kind) {
    case SourceKind::Registry: return "registry";
    case SourceKind::OciLayout: return "oci";
    case SourceKind::DockerArchive: return "docker-archive";
    case SourceKind::OciArchive: return "oci-archive";
    }
    return "registry";
}

std::string Reference::endpoint() const {
    if (m_source != SourceKind::Registry) return "";
    if (m_registry == docker_hub_registry) return std::string(docker_hub_endpoint);
    return m_registry;
}

std::string Reference::name() const {
    if (m_source != SourceKind::Registry) return "";
    return m_registry + "/" + m_repository;
}

std::string Reference::familiar_name() const {
    if (m_source != SourceKind::Registry) return "";
    if (m_registry != docker_hub_registry) return name();
    // normalize.go familiarizeName: only a single-level official image loses its "library/".
    std::string_view path = m_repository;
    if (path.starts_with(library_prefix) && path.find('/', library_prefix.size()) == std::string_view::npos) {
        return std::string(path.substr(library_prefix.size()));
    }
    return m_repository;
}

std::string Reference::manifest_reference() const {
    if (m_digest) return m_digest->str();
    return m_tag.value_or("");
}

std::string Reference::canonical() const {
    std::string text =
        m_source == SourceKind::Registry ? name() : std::string(source_kind_name(m_source)) + ":" + m_source_path;
    if (m_tag) text += ":" + *m_tag;
    if (m_digest) text += "@" + m_digest->str();
    if (m_archive_image) text += ":" + *m_archive_image;
    if (m_archive_index) text += ":@" + std::to_string(*m_archive_index);
    return text;
}

std::string Reference::docker_familiar() const {
    if (m_source != SourceKind::Registry) return canonical();
    std::string text = familiar_name();
    if (m_tag) text += ":" + *m_tag;
    if (m_digest) text += "@" + m_digest->str();
    return text;
}

std::string Reference::familiar() const {
    std::string text = docker_familiar();
    if (m_source != SourceKind::Registry) return text;
    // Docker prints docker.io/library/oci:1 as `oci:1`, which parse_reference() reads as an OCI
    // layout; keeping `library/` names the same image and still reads back as it.
    if (is_source_prefixed(text)) return std::string(library_prefix) + text;
    // Docker prints docker.io/a.b/app as `a.b/app` (normalize.go familiarizeName), which
    // splitDockerDomain then reads as registry `a.b`: the Hub name is kept where that happens.
    std::string_view first = std::string_view(m_repository).substr(0, m_repository.find('/'));
    if (m_registry == docker_hub_registry && names_registry(first)) return m_registry + "/" + text;
    return text;
}

ReferenceParts Reference::parts() const {
    ReferenceParts parts{m_registry, m_repository, m_tag, std::nullopt};
    if (m_digest) parts.digest = m_digest->str();
    return parts;
}

Result<Reference> Reference::with_tag(std::string_view tag) const {
    if (!grammar::is_tag(tag)) {
        return fail(ErrorCode::Usage, "invalid tag " + quoted(tag, 60) + ": " + std::string(tag_rule));
    }
    Reference copy = *this;
    copy.m_tag = std::string(tag);
    copy.m_tag_is_default = false;
    return copy;
}

Reference Reference::with_digest(Digest digest) const {
    Reference copy = *this;
    copy.m_digest = std::move(digest);
    return copy;
}

Reference Reference::without_tag() const {
    Reference copy = *this;
    copy.m_tag.reset();
    copy.m_tag_is_default = false;
    return copy;
}

Result<Reference> parse_normalized_named(std::string_view text) {
    if (text.empty()) return fail(reference_error(text, Fault{"reference is empty"}));
    if (grammar::is_identifier(text)) {
        return fail(reference_error(text, Fault{"refusing 64-hex repository name (looks like an image ID)"}));
    }
    RegistryPieces pieces;
    if (auto fault = check_registry_pieces(text, pieces)) return fail(reference_error(text, *fault));
    Reference reference;
    reference.m_registry = pieces.registry.empty() ? std::string(docker_hub_registry) : fold_registry(pieces.registry);
    reference.m_repository = std::string(pieces.remote);
    if (reference.m_registry == docker_hub_registry && pieces.remote.find('/') == std::string_view::npos) {
        reference.m_repository.insert(0, library_prefix);
    }
    if (auto fault = check_path_length(reference.m_repository)) return fail(reference_error(text, *fault));
    if (pieces.split.tag) reference.m_tag = std::string(*pieces.split.tag);
    if (pieces.split.digest) {
        if (auto fault = parse_digest(*pieces.split.digest, pieces.split.digest_offset, reference.m_digest)) {
            return fail(reference_error(text, *fault));
        }
    }
    return reference;
}

Result<Reference> parse_reference(std::string_view text) {
    bool layout = text.starts_with(oci_prefix);
    if (layout || text.starts_with(oci_archive_prefix)) {
        OciPieces pieces;
        if (auto fault = split_oci(text, layout ? oci_prefix : oci_archive_prefix, pieces)) {
            return fail(reference_error(text, *fault));
        }
        Reference reference;
        reference.m_source = layout ? SourceKind::OciLayout : SourceKind::OciArchive;
        reference.m_source_path = std::string(pieces.path);
        if (pieces.tag) reference.m_tag = std::string(*pieces.tag);
        if (pieces.digest) {
            if (auto fault = parse_digest(*pieces.digest, pieces.digest_offset, reference.m_digest)) {
                return fail(reference_error(text, *fault));
            }
        }
        return reference;
    }
    if (text.starts_with(docker_archive_prefix)) {
        ArchivePieces pieces;
        if (auto fault = split_docker_archive(text, pieces)) return fail(reference_error(text, *fault));
        Reference reference;
        reference.m_source = SourceKind::DockerArchive;
        reference.m_source_path = std::string(pieces.path);
        reference.m_archive_image = std::move(pieces.image);
        reference.m_archive_index = pieces.index;
        return reference;
    }
    // The peer reads `sha256:<hex>` as Docker Hub's `library/sha256` with a 64-character tag;
    // someone typing a digest alone means an image ID, which names no repository to fetch from.
    if (Digest::parse(text)) {
        return fail(
            reference_error(text, Fault{"refusing a bare digest: it names no repository (write REPOSITORY@DIGEST)"}));
    }
    auto reference = parse_normalized_named(text);
    if (!reference) return reference;
    if (reference->m_registry != docker_hub_registry) {
        if (auto fault = check_registry_host(reference->m_registry)) return fail(reference_error(text, *fault));
    }
    if (!reference->m_tag && !reference->m_digest) {
        reference->m_tag = std::string(default_tag);
        reference->m_tag_is_default = true;
    }
    return reference;
}

Result<Reference> parse_named(std::string_view text) {
    auto reference = parse_normalized_named(text);
    if (!reference) return reference;
    if (reference->canonical() != text) {
        return fail(reference_error(text, Fault{"repository name must be canonical (expected " +
                                                digestx::quoted(reference->canonical(), 120) + ")"}));
    }
    return reference;
}

Result<Reference> parse_docker_ref(std::string_view text) {
    auto reference = parse_normalized_named(text);
    if (!reference) return reference;
    if (reference->tag() && reference->digest()) return reference->without_tag();
    if (!reference->m_tag && !reference->m_digest) {
        reference->m_tag = std::string(default_tag);
        reference->m_tag_is_default = true;
    }
    return reference;
}

std::string AnyReference::str() const {
    if (const auto *digest = std::get_if<Digest>(&value)) return digest->str();
    return std::get<Reference>(value).canonical();
}

std::string AnyReference::familiar() const {
    if (const auto *digest = std::get_if<Digest>(&value)) return digest->str();
    return std::get<Reference>(value).familiar();
}

Result<AnyReference> parse_any_reference(std::string_view text) {
    if (grammar::is_identifier(text)) {
        auto digest = Digest::parse("sha256:" + std::string(text));
        if (digest) return AnyReference{*digest};
    }
    if (auto digest = Digest::parse(text)) return AnyReference{*digest};
    auto reference = parse_normalized_named(text);
    if (!reference) return fail(reference.error());
    return AnyReference{*reference};
}

} // namespace digestx

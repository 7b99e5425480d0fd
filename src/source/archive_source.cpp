// Archives read in place. What a `docker save` tarball holds follows moby image/tarexport
// (save.go: manifest.json, `repositories`, `<id>.json` configs, `<id>/layer.tar` layers, and from
// Docker 25 an OCI layout beside them), and how a manifest is built for a classic archive follows
// containers/image (docker/internal/tarfile/src.go, which skopeo uses).
#include "digestx/source/archive_source.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "digestx/core/json.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"

namespace digestx {
namespace {

// The one file of a docker save archive that says what is in it (moby image/tarexport).
constexpr std::string_view manifest_json = "manifest.json";

FetchNote archive_note(const std::string &location, const std::string &media_type) {
    return FetchNote{FetchMethod::Read, location, {}, media_type, std::nullopt, "archive", 0, ""};
}

tl::unexpected<Error> bad_manifest_json(const std::string &path, const std::string &why) {
    return fail(ErrorCode::Integrity, "manifest.json of " + digestx::quoted(path) + " " + why);
}

Result<std::vector<std::string>> string_array(const nlohmann::json &entry, const char *key, bool required) {
    std::vector<std::string> out;
    if (!entry.contains(key) || entry[key].is_null()) {
        if (required) return fail(ErrorCode::Integrity, std::string("has no ") + key);
        return out;
    }
    if (!entry[key].is_array()) return fail(ErrorCode::Integrity, std::string(key) + " is not an array");
    for (const auto &item : entry[key]) {
        if (!item.is_string()) return fail(ErrorCode::Integrity, std::string(key) + " holds a non-string");
        out.push_back(item.get<std::string>());
    }
    return out;
}

// The annotation containerd and Docker 25+ docker save give an index.json entry: the image's
// full name (containerd images/archive/exporter.go).
constexpr std::string_view containerd_image_name = "io.containerd.image.name";

// A RepoTag as a selection names it: normalised, `latest` added (docker save writes `app:1.2`,
// or `app:latest` for `docker save app`).
std::optional<std::string> normalized_repo_tag(std::string_view repo_tag) {
    auto parsed = parse_docker_ref(repo_tag);
    if (!parsed || parsed->digest()) return std::nullopt;
    return parsed->canonical();
}

std::string list_text(const std::vector<std::string> &items) {
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : ", ") + sanitize(item, 200);
    return out.empty() ? "none" : out;
}

// An uncompressed layer type: what docker save stores, whatever the registry serves.
bool uncompressed_layer(std::string_view media_type) {
    return media_type == media::docker_layer_tar || media_type == media::oci_layer_tar;
}

} // namespace

Result<void> ArchiveFiles::open() {
    if (m_failure) return fail(*m_failure);
    if (m_index) return {};
    auto bytes = io::FileBytes::open(m_path);
    if (!bytes) {
        m_failure = bytes.error();
        return fail(std::move(bytes.error()));
    }
    auto index = io::TarIndex::build(**bytes);
    if (!index) {
        m_failure = std::move(index.error()).with_context("reading archive " + digestx::quoted(m_path));
        return fail(*m_failure);
    }
    m_bytes = std::move(*bytes);
    m_index = std::move(*index);
    return {};
}

Result<std::string> ArchiveFiles::read(const std::string &relative, std::size_t limit, const std::string &what) {
    if (auto opened = open(); !opened) return fail(std::move(opened.error()));
    auto body = io::read_member(*m_bytes, *m_index, relative, limit, what);
    if (!body && body.error().code == ErrorCode::NotFound) {
        return fail(ErrorCode::NotFound, what + " not found in archive " + digestx::quoted(m_path));
    }
    return body;
}

// A member that is there but unreadable (a link loop) counts as there: reading it says why.
bool ArchiveFiles::has(std::string_view name) const {
    if (!m_index) return false;
    auto found = m_index->find(name);
    return found || found.error().code != ErrorCode::NotFound;
}

Result<std::uint64_t> ArchiveFiles::size_of(std::string_view name) const {
    if (!m_index) return fail(ErrorCode::Internal, "archive not opened");
    auto member = m_index->find(name);
    if (!member) return fail(std::move(member.error()));
    return (*member)->size;
}

std::unique_ptr<Source> make_oci_archive_source(std::string path, std::size_t max_document_bytes) {
    auto files = std::make_shared<ArchiveFiles>(path);
    return std::make_unique<OciLayoutSource>(std::move(files), path, "oci-archive:FILE:TAG", max_document_bytes);
}

DockerArchiveSource::DockerArchiveSource(std::string path, std::size_t max_document_bytes)
    : DockerArchiveSource(std::move(path), ArchiveSelection{}, max_document_bytes) {}

DockerArchiveSource::DockerArchiveSource(std::string path, ArchiveSelection selection, std::size_t max_document_bytes)
    : m_files(std::make_shared<ArchiveFiles>(std::move(path))), m_max_document_bytes(max_document_bytes),
      m_selection(std::move(selection)) {}

Result<void> DockerArchiveSource::load() {
    if (m_failure) return fail(*m_failure);
    if (m_loaded) return {};
    auto loaded = [this]() -> Result<void> {
        if (auto opened = m_files->open(); !opened) return fail(std::move(opened.error()));
        bool layout = m_files->has("oci-layout") && m_files->has("index.json");
        m_names_from = m_files->has(manifest_json) ? std::string(manifest_json) : std::string("index.json");
        if (m_files->has(manifest_json)) {
            if (auto read = load_manifest_json(); !read) return read;
        } else if (!layout) {
            return fail(ErrorCode::Integrity, digestx::quoted(m_files->path()) +
                                                  " is not a docker save archive (no manifest.json or index.json)");
        }
        return layout ? load_layout() : load_classic();
    }();
    if (!loaded) {
        m_failure = loaded.error();
        return loaded;
    }
    std::string tags = m_repo_tags.empty() ? "no tag (it was saved by image ID)" : list_text(m_repo_tags);
    std::string which = m_image_count > 1 ? "; it is image @" + std::to_string(m_position) + " of the " +
                                                std::to_string(m_image_count) + " the archive holds"
                                          : std::string();
    m_findings.push_back({FindingLevel::Info, "archive-repo-tags",
                          "the archive's " + m_names_from + " names this image " + tags + " (RepoTags)" + which,
                          std::nullopt});
    m_loaded = true;
    return {};
}

// manifest.json is a list of {Config, RepoTags, Layers}; docker save writes one entry per image.
Result<void> DockerArchiveSource::load_manifest_json() {
    const std::string &path = m_files->path();
    auto bytes = m_files->read(std::string(manifest_json), m_max_document_bytes, "manifest.json");
    if (!bytes) return fail(std::move(bytes.error()));
    m_stats.bytes_received += bytes->size();
    JsonReadOptions options;
    options.what = "manifest.json";
    auto parsed = parse_json_strict(*bytes, options);
    if (!parsed) return fail(std::move(parsed.error()).with_context("archive " + digestx::quoted(path)));
    if (!parsed->is_array() || parsed->empty()) return bad_manifest_json(path, "is not a list of images");
    std::vector<std::vector<std::string>> tags_of;
    for (const auto &entry : *parsed) {
        auto tags = entry.is_object() ? string_array(entry, "RepoTags", false) : Result<std::vector<std::string>>{};
        tags_of.push_back(tags ? *tags : std::vector<std::string>{});
    }
    auto chosen = choose_image(tags_of);
    if (!chosen) return fail(std::move(chosen.error()));
    m_image_count = parsed->size();
    m_position = *chosen;
    const auto &entry = (*parsed)[*chosen];
    if (!entry.is_object() || !entry.contains("Config") || !entry["Config"].is_string()) {
        return bad_manifest_json(path, "has no Config");
    }
    m_config_name = entry["Config"].get<std::string>();
    auto layers = string_array(entry, "Layers", true);
    if (!layers) return bad_manifest_json(path, layers.error().message);
    auto tags = string_array(entry, "RepoTags", false);
    if (!tags) return bad_manifest_json(path, tags.error().message);
    m_layer_names = std::move(*layers);
    m_repo_tags = std::move(*tags);
    return {};
}

// Which of the archive's images to read: skopeo's docker-archive:FILE:REF (the image whose
// RepoTags name REF, compared normalised as containers/image docker/internal/tarfile
// reader.go ChooseManifestItem compares them) or :@N (its source index), and without either the
// only image there is.
Result<std::size_t> DockerArchiveSource::choose_image(const std::vector<std::vector<std::string>> &tags_of) const {
    const std::string &path = m_files->path();
    auto everything = [&] {
        std::vector<std::string> images;
        for (const auto &tags : tags_of)
            images.push_back(tags.empty() ? "untagged" : list_text(tags));
        return list_text(images);
    };
    if (m_selection.index) {
        if (*m_selection.index < tags_of.size()) return *m_selection.index;
        return fail(ErrorCode::NotFound,
                    "archive " + digestx::quoted(path) + " holds " + std::to_string(tags_of.size()) +
                        (tags_of.size() == 1 ? " image" : " images") + "; @" + std::to_string(*m_selection.index) +
                        " is not one of them (@0 is the first)");
    }
    if (m_selection.image) {
        for (std::size_t i = 0; i < tags_of.size(); ++i) {
            for (const auto &tag : tags_of[i])
                if (normalized_repo_tag(tag) == m_selection.image) return i;
        }
        return fail(ErrorCode::NotFound, "no image of archive " + digestx::quoted(path) + " is tagged " +
                                             sanitize(*m_selection.image, 300) + " (RepoTags: " + everything() + ")");
    }
    if (tags_of.size() == 1) return std::size_t{0};
    return fail(ErrorCode::Usage, "archive " + digestx::quoted(path) + " holds " + std::to_string(tags_of.size()) +
                                      " images (" + everything() +
                                      "); choose one with docker-archive:" + sanitize(path, 300) +
                                      ":REF or docker-archive:" + sanitize(path, 300) + ":@N (@0 is the first)");
}

Result<void> DockerArchiveSource::load_classic() {
    const std::string &path = m_files->path();
    auto bytes = m_files->read(m_config_name, m_max_document_bytes, "config " + sanitize(m_config_name, 200));
    if (!bytes) return fail(std::move(bytes.error()).with_context("archive " + digestx::quoted(path)));
    m_stats.bytes_received += bytes->size();
    auto config = parse_image_config(*bytes);
    if (!config) return fail(std::move(config.error()).with_context("config of archive " + digestx::quoted(path)));
    if (config->diff_ids.size() != m_layer_names.size()) {
        return bad_manifest_json(path, "lists " + std::to_string(m_layer_names.size()) +
                                           " layers; the config's rootfs has " +
                                           std::to_string(config->diff_ids.size()) + " diff_ids");
    }
    // containers/image src.go GetManifest: the config as it is, each layer uncompressed and named
    // by its diff_id, which is the sha256 of exactly the layer.tar the archive holds (image-spec
    // config.md: diff_ids are the digests of the uncompressed layers).
    nlohmann::ordered_json manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = std::string(media::docker_manifest_v2);
    manifest["config"] = {
        {"mediaType", std::string(media::docker_config)}, {"size", bytes->size()}, {"digest", config->digest.str()}};
    manifest["layers"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < m_layer_names.size(); ++i) {
        auto size = m_files->size_of(m_layer_names[i]);
        if (!size) {
            return fail(ErrorCode::Integrity, "layer " + digestx::quoted(m_layer_names[i]) +
                                                  " listed in manifest.json of " + digestx::quoted(path) +
                                                  " is not a file in the archive");
        }
        manifest["layers"].push_back({{"mediaType", std::string(media::docker_layer_tar)},
                                      {"size", *size},
                                      {"digest", config->diff_ids[i].str()}});
    }
    std::string built = manifest.dump(3);
    Digest digest = Digest::compute(built);
    std::string type(media::docker_manifest_v2);
    m_manifest = Fetched{std::move(built), digest, type, archive_note("manifest.json", type), std::nullopt};
    m_config = Fetched{std::move(*bytes), config->digest, std::string(media::docker_config),
                       archive_note(m_config_name, std::string(media::docker_config)), std::nullopt};
    m_findings.push_back(
        {FindingLevel::Info, "archive-built-manifest",
         "a docker save archive in the classic layout holds no manifest: digestx built this one from manifest.json "
         "(as skopeo does), so its digest is not one a registry serves; docker save stores layers uncompressed, so "
         "the registry's compressed layer digests legitimately differ: compare the image ID (config digest) and the "
         "diff_ids",
         std::size_t{0}});
    return {};
}

// Docker 25+ writes an OCI layout: index.json lists each image once per name it was saved under
// (annotation io.containerd.image.name), in the order manifest.json lists the images (moby
// image/tarexport save.go writes both in one loop).
Result<void> DockerArchiveSource::load_layout() {
    m_layout = std::make_unique<OciLayoutSource>(m_files, m_files->path(), "docker save IMAGE", m_max_document_bytes);
    auto entries = m_layout->entries();
    if (!entries) return fail(std::move(entries.error()));
    std::vector<const Descriptor *> images; // one per distinct digest, in order
    std::vector<std::vector<std::string>> names;
    for (const auto &entry : *entries) {
        auto same = std::find_if(images.begin(), images.end(),
                                 [&](const Descriptor *seen) { return seen->digest.str() == entry.digest.str(); });
        std::size_t at = static_cast<std::size_t>(same - images.begin());
        if (same == images.end()) {
            images.push_back(&entry);
            names.emplace_back();
        }
        if (auto name = entry.annotation(containerd_image_name)) names[at].emplace_back(*name);
    }
    if (images.empty()) {
        return fail(ErrorCode::Integrity,
                    "index.json of archive " + digestx::quoted(m_files->path()) + " lists no image");
    }
    std::size_t chosen = 0;
    if (m_image_count == images.size()) {
        chosen = m_position; // manifest.json chose it
    } else {
        auto by_name = choose_image(names);
        if (!by_name) return fail(std::move(by_name.error()));
        chosen = *by_name;
        if (m_repo_tags.empty()) m_repo_tags = names[chosen];
    }
    auto root = images[chosen]->digest.require_verifiable();
    if (!root) return fail(std::move(root.error()));
    m_layout_root = *root;
    return {};
}

Result<Fetched> DockerArchiveSource::fetch_reference(const Reference &reference) {
    if (auto loaded = load(); !loaded) return fail(std::move(loaded.error()));
    if (!m_layout) return *m_manifest;
    auto fetched = m_layout->fetch_reference(reference.with_digest(*m_layout_root));
    if (!fetched) return fetched;
    auto document = parse_document(fetched->bytes, fetched->media_type);
    bool noted = std::any_of(m_findings.begin(), m_findings.end(),
                             [](const Finding &finding) { return finding.code == "archive-uncompressed-layers"; });
    if (!noted && document && document->is_manifest() && !document->manifest().layers.empty() &&
        std::all_of(document->manifest().layers.begin(), document->manifest().layers.end(),
                    [](const Descriptor &layer) { return uncompressed_layer(layer.media_type); })) {
        m_findings.push_back({FindingLevel::Info, "archive-uncompressed-layers",
                              "docker save wrote this manifest with uncompressed layers (as it does outside the "
                              "containerd image store), so its digest and layer digests are not the registry's: "
                              "compare the image ID (config digest) and the diff_ids",
                              std::size_t{0}});
    }
    return fetched;
}

std::vector<Result<Fetched>> DockerArchiveSource::fetch_batch(const std::vector<FetchItem> &items) {
    if (auto loaded = load(); !loaded) return std::vector<Result<Fetched>>(items.size(), fail(loaded.error()));
    if (m_layout) return m_layout->fetch_by_digest(items);
    std::vector<Result<Fetched>> results;
    for (const auto &item : items) {
        if (item.digest == m_config->digest) {
            results.emplace_back(*m_config);
        } else if (item.digest == m_manifest->digest) {
            results.emplace_back(*m_manifest);
        } else {
            results.emplace_back(fail(ErrorCode::NotFound, item.digest.str() + " is not in archive " +
                                                               digestx::quoted(m_files->path()) +
                                                               " (a classic docker save holds configs and layers)"));
        }
    }
    return results;
}

Result<TagList> DockerArchiveSource::list_tags(std::size_t /*page_size*/) {
    if (auto loaded = load(); !loaded) return fail(std::move(loaded.error()));
    TagList list;
    list.pages = 1;
    for (const auto &repo_tag : m_repo_tags) {
        auto parsed = parse_reference(repo_tag);
        if (!parsed || parsed->source() != SourceKind::Registry || !parsed->tag()) {
            ++list.dropped;
            continue;
        }
        if (std::find(list.tags.begin(), list.tags.end(), *parsed->tag()) == list.tags.end()) {
            list.tags.push_back(*parsed->tag());
        }
    }
    return list;
}

SourceStats DockerArchiveSource::stats() const {
    SourceStats stats = m_stats;
    if (m_layout) stats.bytes_received += m_layout->stats().bytes_received;
    return stats;
}

std::vector<Result<ReferrerList>> DockerArchiveSource::referrers(const std::vector<Digest> &subjects) {
    if (auto loaded = load(); !loaded) return std::vector<Result<ReferrerList>>(subjects.size(), fail(loaded.error()));
    if (m_layout) return m_layout->referrers(subjects);
    return Source::referrers(subjects);
}

} // namespace digestx

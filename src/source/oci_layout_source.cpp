#include "digestx/source/oci_layout_source.hpp"

#include <algorithm>
#include <filesystem>

#include "digestx/core/json.hpp"
#include "digestx/core/media_type.hpp"
#include "digestx/core/text.hpp"
#include "digestx/io/file.hpp"

namespace digestx {
namespace {

// image-spec annotations.md: the tag of a layout entry.
constexpr std::string_view ref_name_annotation = "org.opencontainers.image.ref.name";

// A layout directory on disk: a file absent (or not a regular file) is "not found", too large
// an integrity failure, unreadable a usage error.
class DirectoryFiles final : public LayoutFiles {
public:
    explicit DirectoryFiles(std::string directory) : m_directory(std::move(directory)) {}

    Result<void> open() override {
        if (!std::filesystem::is_directory(m_directory)) {
            return fail(ErrorCode::NotFound, "no OCI layout directory at " + digestx::quoted(m_directory));
        }
        return {};
    }

    Result<std::string> read(const std::string &relative, std::size_t limit, const std::string &what) override {
        auto path = std::filesystem::path(m_directory) / relative;
        auto bytes = io::read_file_bounded(
            path.string(), {.max_bytes = limit, .what = what, .missing = ErrorCode::NotFound, .regular_only = true});
        if (!bytes && bytes.error().code == ErrorCode::NotFound) {
            return fail(ErrorCode::NotFound, what + " not found in layout (" + sanitize(path.string()) + ")");
        }
        return bytes;
    }

private:
    std::string m_directory;
};

FetchNote note_for(const std::string &location, const std::string &media_type) {
    return FetchNote{FetchMethod::Read, location, {}, media_type, std::nullopt, "oci-layout", 0, ""};
}

} // namespace

std::shared_ptr<LayoutFiles> directory_layout_files(std::string directory) {
    return std::make_shared<DirectoryFiles>(std::move(directory));
}

OciLayoutSource::OciLayoutSource(std::string directory, std::size_t max_document_bytes)
    : m_files(directory_layout_files(directory)), m_directory(std::move(directory)),
      m_max_document_bytes(max_document_bytes) {}

OciLayoutSource::OciLayoutSource(std::shared_ptr<LayoutFiles> files, std::string name, std::string tag_form,
                                 std::size_t max_document_bytes)
    : m_files(std::move(files)), m_directory(std::move(name)), m_tag_form(std::move(tag_form)),
      m_max_document_bytes(max_document_bytes) {}

Result<std::vector<Descriptor>> OciLayoutSource::entries() {
    auto index = read_index();
    if (!index) return fail(std::move(index.error()));
    return index->index().manifests;
}

Result<Document> OciLayoutSource::read_index() {
    if (auto opened = m_files->open(); !opened) return fail(std::move(opened.error()));
    auto marker = m_files->read("oci-layout", 4096, "oci-layout file");
    if (!marker)
        return fail(ErrorCode::NotFound, digestx::quoted(m_directory) + " is not an OCI layout (no oci-layout file)");
    JsonReadOptions options;
    options.what = "oci-layout file";
    auto layout = parse_json_strict(*marker, options);
    if (!layout || !layout->is_object() || !layout->contains("imageLayoutVersion") ||
        !(*layout)["imageLayoutVersion"].is_string()) {
        return fail(ErrorCode::Integrity, "malformed oci-layout file in " + digestx::quoted(m_directory));
    }
    auto bytes = m_files->read("index.json", m_max_document_bytes, "index.json");
    if (!bytes) return fail(std::move(bytes.error()));
    m_stats.bytes_received += bytes->size();
    auto index = parse_document(std::move(*bytes), media::oci_index);
    if (!index) return fail(std::move(index.error()).with_context("index.json of " + digestx::quoted(m_directory)));
    if (!index->is_index()) return fail(ErrorCode::Integrity, "index.json is not an image index");
    return index;
}

Result<std::string> OciLayoutSource::read_blob(const Digest &digest) {
    std::string path = "blobs/" + std::string(algorithm_name(digest.algorithm())) + "/" + digest.hex();
    auto bytes = m_files->read(path, m_max_document_bytes, "blob " + digest.str());
    if (!bytes) return bytes;
    if (!digest.matches(*bytes)) {
        return fail(ErrorCode::Integrity, "integrity failure: layout blob " + digest.str() + " hashes to " +
                                              Digest::compute(*bytes, digest.algorithm()).str());
    }
    m_stats.bytes_received += bytes->size();
    return bytes;
}

Result<Fetched> OciLayoutSource::fetch_reference(const Reference &reference) {
    auto index = read_index();
    if (!index) return fail(std::move(index.error()));
    const auto &entries = index->index().manifests;
    if (reference.digest()) {
        auto bytes = read_blob(*reference.digest());
        if (!bytes) return fail(std::move(bytes.error()));
        std::string media_type;
        for (const auto &entry : entries) {
            if (entry.digest.str() == reference.digest()->str()) media_type = entry.media_type;
        }
        return Fetched{std::move(*bytes), *reference.digest(), media_type,
                       note_for("blobs/" + reference.digest()->str(), media_type), std::nullopt};
    }
    const Descriptor *chosen = nullptr;
    std::string available;
    for (const auto &entry : entries) {
        auto name = entry.annotation(ref_name_annotation);
        if (name) available += (available.empty() ? "" : ", ") + sanitize(*name, 80);
        if (reference.tag() && name && *name == *reference.tag()) {
            chosen = &entry;
            break;
        }
    }
    if (!reference.tag()) {
        if (entries.size() != 1) {
            return fail(ErrorCode::Usage, "layout " + digestx::quoted(m_directory) + " holds " +
                                              std::to_string(entries.size()) + " images; name one as " + m_tag_form +
                                              " (tags: " + (available.empty() ? "none" : available) + ")");
        }
        chosen = &entries.front();
    }
    if (chosen == nullptr) {
        return fail(ErrorCode::NotFound, "tag " + digestx::quoted(*reference.tag()) + " not found in layout " +
                                             digestx::quoted(m_directory) +
                                             " (tags: " + (available.empty() ? "none" : available) + ")");
    }
    auto digest = chosen->digest.require_verifiable();
    if (!digest) return fail(std::move(digest.error()));
    auto bytes = read_blob(*digest);
    if (!bytes) return fail(std::move(bytes.error()));
    if (static_cast<std::int64_t>(bytes->size()) != chosen->size) {
        return fail(ErrorCode::Integrity, "layout blob " + digest->str() + " has " + std::to_string(bytes->size()) +
                                              " bytes; index.json says " + std::to_string(chosen->size));
    }
    return Fetched{std::move(*bytes), *digest, chosen->media_type,
                   note_for("blobs/" + digest->str(), chosen->media_type), std::nullopt};
}

Result<TagList> OciLayoutSource::list_tags(std::size_t /*page_size*/) {
    auto index = read_index();
    if (!index) return fail(std::move(index.error()));
    TagList list;
    list.pages = 1;
    for (const auto &entry : index->index().manifests) {
        auto name = entry.annotation(ref_name_annotation);
        if (!name) continue;
        // The same validity rule as a registry's tags: a name a reference could not carry is dropped.
        if (!grammar::is_tag(*name)) {
            ++list.dropped;
            continue;
        }
        if (std::find(list.tags.begin(), list.tags.end(), *name) == list.tags.end()) list.tags.emplace_back(*name);
    }
    return list;
}

std::vector<Result<Fetched>> OciLayoutSource::fetch_batch(const std::vector<FetchItem> &items) {
    std::vector<Result<Fetched>> results;
    results.reserve(items.size());
    for (const auto &item : items) {
        auto bytes = read_blob(item.digest);
        if (!bytes) {
            results.emplace_back(fail(std::move(bytes.error())));
            continue;
        }
        results.emplace_back(Fetched{std::move(*bytes), item.digest, item.media_type,
                                     note_for("blobs/" + item.digest.str(), item.media_type), std::nullopt});
    }
    return results;
}

// A layout has no referrers API: a referrer is findable only if index.json lists it, so every
// manifest listed there is read once and filed under its `subject`.
Result<void> OciLayoutSource::scan_referrers() {
    if (m_scanned) return {};
    auto index = read_index();
    if (!index) return fail(std::move(index.error()));
    for (const auto &entry : index->index().manifests) {
        auto digest = entry.digest.require_verifiable();
        if (!digest || !media::is_manifest_type(entry.media_type)) continue;
        auto bytes = read_blob(*digest);
        if (!bytes) return fail(std::move(bytes.error()).with_context("scanning index.json for referrers"));
        auto document = parse_document(std::move(*bytes), entry.media_type);
        if (!document || document->subject() == nullptr) continue;
        Descriptor referrer = entry;
        // distribution-spec: a referrers listing carries the manifest's artifactType (or its config's type).
        if (referrer.artifact_type.empty()) referrer.artifact_type = std::string(document->artifact_type());
        if (referrer.artifact_type.empty() && document->is_manifest() && document->manifest().config) {
            referrer.artifact_type = document->manifest().config->media_type;
        }
        m_referrers[document->subject()->digest.str()].push_back(std::move(referrer));
    }
    m_scanned = true;
    return {};
}

std::vector<Result<ReferrerList>> OciLayoutSource::referrers(const std::vector<Digest> &subjects) {
    std::vector<Result<ReferrerList>> results;
    auto scanned = scan_referrers();
    std::string index_type(media::oci_index);
    for (const auto &subject : subjects) {
        if (!scanned) {
            results.emplace_back(fail(scanned.error()));
            continue;
        }
        auto found = m_referrers.find(subject.str());
        results.emplace_back(ReferrerList{found == m_referrers.end() ? std::vector<Descriptor>{} : found->second,
                                          ReferrerRoute::OciLayout, note_for("index.json", index_type)});
    }
    return results;
}

} // namespace digestx

#pragma once
/// @file
/// Internal to pinning: YAML through yaml-cpp, and the way back from a parsed scalar to its bytes.
/// yaml-cpp's Mark gives where a node starts (at its anchor or tag when it has one); locate_scalar()
/// reads the file from there and accepts the bytes only when they decode to exactly the node's value.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "digestx/core/error.hpp"
#include "scan_support.hpp"

namespace digestx::pinning::detail {

/// The offset recorded for a value byte that an escape sequence produced (it has no byte of its own).
inline constexpr std::size_t escaped_byte = std::numeric_limits<std::size_t>::max();

/// Where a scalar's value is in the file.
struct LocatedScalar {
    std::size_t start = 0;                  ///< offset of the scalar's first byte (its quote, if quoted)
    TextStyle style = TextStyle::YamlPlain; ///< plain, single- or double-quoted
    std::vector<std::size_t> offsets;       ///< file offset of each value byte (escaped_byte for escapes)
    std::string problem;                    ///< why the bytes could not be matched; "" when they were
};

/// Reads the scalar whose Mark points at `offset` (anchor and tag are skipped) and checks that its
/// bytes decode to `value`. Block scalars and quoted or plain scalars folded over several lines
/// are refused (the problem says so): rewriting them could not keep their layout.
LocatedScalar locate_scalar(std::string_view bytes, std::size_t offset, std::string_view value);

/// The file offset of a node's Mark, for a document whose marks count from `origin`.
std::size_t mark_offset(std::size_t origin, const YAML::Node &node);

/// One YAML document of a file and where the text it was parsed from starts, which is where its
/// Marks count from: the whole file, or one document cut out of it when the whole did not parse.
struct YamlDocument {
    YAML::Node root;        ///< the document
    std::size_t offset = 0; ///< file offset the Marks count from (after a UTF-8 byte order mark)
    std::size_t lines = 0;  ///< lines of the file before `offset`
    std::size_t number = 0; ///< 1-based position among the file's documents
};

/// What a YAML file holds: the documents that parse, and those that do not.
struct YamlStream {
    std::vector<YamlDocument> documents; ///< in file order
    std::vector<BadDocument> bad;        ///< in file order
};

/// Every document of a YAML stream. When the stream does not parse as a whole, it is cut into
/// documents as kubectl cuts it (at the `---` lines) and each is parsed on its own, so one bad
/// document hides none of the others. A Usage error naming the file, line and column when there is
/// a single document and it is not well-formed.
Result<YamlStream> load_yaml(std::string_view file, std::string_view bytes);

/// A mapping entry: the key node (for its line) and the value. Copies bind to the same nodes;
/// assignment is deleted because YAML::Node's operator= overwrites the node it refers to.
struct Entry {
    YAML::Node key;   ///< the key as written
    YAML::Node value; ///< its value

    /// Binds to the given nodes.
    Entry(YAML::Node key_node, YAML::Node value_node) : key(std::move(key_node)), value(std::move(value_node)) {}
    /// Binds to the same nodes.
    Entry(const Entry &) = default;
    Entry &operator=(const Entry &) = delete;
};

/// The entry for `key` in a mapping, following YAML merge keys (`<<: *base`, `<<: [*a, *b]`) as
/// Compose does; nullopt when absent or when `node` is not a mapping.
std::optional<Entry> child(const YAML::Node &node, std::string_view key);

/// The entries of a mapping in order (merged entries after explicit ones, keys already present
/// skipped); empty for anything else.
std::vector<Entry> entries(const YAML::Node &node);

/// A node's scalar text; nullopt for a sequence, mapping, null or missing node.
std::optional<std::string> scalar_of(const YAML::Node &node);

/// The 1-based line of a node.
std::size_t line_of(const YAML::Node &node);

/// Reports `entry.value` as an image reference (the first `prefix` bytes of the value, such as
/// `docker://`, are not part of it). `context.line` is set from the key. A value that is not a
/// string is a warning.
void report_image(Collector &collector, const Entry &entry, std::size_t prefix, Context context);

/// What a YAML stream looks like: Compose, Workflow or Kubernetes; nullopt when none of them.
std::optional<FileKind> yaml_shape(const std::vector<YamlDocument> &documents);

/// Whether a document is a Kubernetes object: a mapping with a scalar `apiVersion` and `kind` at
/// its top (a `List` is one too): the two fields kubectl reads to know what an object is.
bool is_kubernetes_object(const YAML::Node &document);

/// Scans Compose documents: `services.*.image`.
void scan_compose(Collector &collector, const std::vector<YamlDocument> &documents);
/// Scans Kubernetes documents: the containers of every pod spec, List items included.
void scan_kubernetes(Collector &collector, const std::vector<YamlDocument> &documents);
/// Scans GitHub Actions workflow documents: job containers, services and `docker://` steps.
void scan_workflow(Collector &collector, const std::vector<YamlDocument> &documents);

} // namespace digestx::pinning::detail

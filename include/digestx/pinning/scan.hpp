#pragma once
/// @file
/// Finds the image references in a file's bytes. Pure: the caller reads the file (see
/// io/file.hpp) and passes the name it wants in messages.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "digestx/core/error.hpp"
#include "digestx/pinning/occurrence.hpp"

namespace digestx::pinning {

/// The largest file `check` and `pin` read: image references live in small files, and a cap keeps
/// a mistaken path (a disk image) from exhausting memory.
inline constexpr std::size_t max_scanned_file_bytes = 16U * 1024U * 1024U;

/// The kind a file name implies, or nullopt when the name says nothing (`values.yaml`, `README`).
/// Only the last path element counts, except that `.github/workflows/*.y*ml` is a workflow.
std::optional<FileKind> kind_from_name(std::string_view path);

/// The kind of a file: kind_from_name() when the name decides, Kubernetes for `.json`; otherwise
/// YAML is sniffed (`services` → Compose, `jobs` with `on` → Workflow, `apiVersion`/`kind` →
/// Kubernetes) and text whose first instruction is FROM or ARG is a Dockerfile. Anything else is a
/// PlainList, which is how a file passed explicitly with one reference per line is read.
FileKind detect_kind(std::string_view path, std::string_view bytes);

/// What a `.json` file is to `check` and `pin`. kubectl reads `.json` files beside `.yaml` and
/// `.yml` ones (k8s.io/cli-runtime resource.FileExtensions), but most JSON files in a repository
/// are package.json, tsconfig.json and the like, which hold no image references.
enum class JsonRole {
    Kubernetes, ///< a document with a scalar `apiVersion` and `kind` at its top (a `List` included)
    Malformed,  ///< does not parse, yet names `apiVersion` and `kind`: most likely a broken manifest
    Other,      ///< anything else
};

/// Whether the file name ends in `.json` (as kubectl, case matters).
bool is_json_name(std::string_view path);

/// The role of a `.json` file, from its bytes.
JsonRole json_role(std::string_view bytes);

/// Scans `bytes` as a file of `kind` (detect_kind() when nullopt). Never throws for bad input: a
/// file that is not well-formed YAML is a Usage error naming the file, line and column, and so is
/// a `.json` file that is not a Kubernetes object (when `kind` is nullopt); in a multi-document
/// file, a document that does not parse is a BadDocument and the others are scanned. Problems with
/// one reference (it does not parse, it is templated) are reported on that occurrence.
Result<FileScan> scan_file(std::string_view path, std::string_view bytes, std::optional<FileKind> kind = std::nullopt);

} // namespace digestx::pinning

#pragma once
/// @file
/// The files `check` and `pin` read: paths as given, directories walked for the files the pinning
/// scanners know, each read and scanned once.

#include <optional>
#include <string>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/pinning/occurrence.hpp"

namespace digestx::cli {

/// One file read and scanned.
struct ScannedFile {
    std::string path;                      ///< as given, or as found below a given directory
    std::string bytes;                     ///< its content
    std::optional<pinning::FileScan> scan; ///< what the scanner found, unless it refused the file
    std::optional<Error> error;            ///< why the scanner refused it (not well-formed YAML)
    bool named = true;                     ///< named on the command line, not found in a directory
};

/// Reads and scans every file the paths name. A file named explicitly is always scanned (as a
/// plain list when nothing else fits, as a Kubernetes manifest when it is `.json`); below a
/// directory only Dockerfiles, Compose files, workflows, other YAML files and the `.json` files
/// that are Kubernetes objects are (a `.txt` list must be named: most are not image lists), and
/// hidden directories other than `.github` are skipped, as is `node_modules`. Symbolic links to
/// directories are not followed. A path that does not exist or cannot be read is a Usage error.
Result<std::vector<ScannedFile>> scan_paths(const std::vector<std::string> &paths);

} // namespace digestx::cli

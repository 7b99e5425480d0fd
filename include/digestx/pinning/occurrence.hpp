#pragma once
/// @file
/// What the file scanners report: every image reference found in a Dockerfile, Compose file,
/// Kubernetes manifest, GitHub Actions workflow or plain list, with where its bytes are (for
/// rewriting), what it parses to, and what uses it. Pure values: no I/O.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/reference.hpp"

namespace digestx::pinning {

/// The kinds of file the scanners understand.
enum class FileKind {
    Dockerfile, ///< `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`
    Compose,    ///< `compose.yaml`, `docker-compose.yml`, or YAML with a top-level `services:`
    Kubernetes, ///< Kubernetes manifests, multi-document YAML
    Workflow,   ///< GitHub Actions workflows (`.github/workflows/*.yml`)
    PlainList,  ///< one reference per line, `#` comments
};

/// The kind's name as written in messages and JSON: "dockerfile", "compose", "kubernetes",
/// "workflow", "list".
std::string_view file_kind_name(FileKind kind) noexcept;

/// A byte range of a file.
struct Span {
    std::size_t offset = 0; ///< first byte, 0-based
    std::size_t length = 0; ///< number of bytes

    /// Field-wise equality.
    friend bool operator==(const Span &, const Span &) = default;
};

/// How the bytes of a span are written, which decides how replacement text must be encoded.
enum class TextStyle {
    Bare,             ///< a word of a plain list: no whitespace, no `#`
    DockerfileWord,   ///< a Dockerfile word (bare or inside quotes): no whitespace, quotes, `$` or escapes
    YamlPlain,        ///< inside a plain YAML scalar: no indicators, `: `, ` #`, flow characters
    YamlSingleQuoted, ///< inside a single-quoted YAML scalar: `'` written as `''`
    YamlDoubleQuoted, ///< inside a double-quoted YAML scalar: `"`, `\` and controls escaped
};

/// What uses an image reference.
enum class ContextKind {
    DockerfileFrom,      ///< `FROM image [AS name]`
    DockerfileCopyFrom,  ///< `COPY --from=image`
    DockerfileSyntax,    ///< the `# syntax=image` parser directive (the BuildKit frontend image)
    ComposeService,      ///< `services.NAME.image`
    KubernetesContainer, ///< a container, initContainer or ephemeralContainer of a pod spec
    WorkflowContainer,   ///< `jobs.ID.container` (string or `.image`)
    WorkflowService,     ///< `jobs.ID.services.NAME.image`
    WorkflowStep,        ///< `jobs.ID.steps[N].uses: docker://image`
    ListEntry,           ///< a line of a plain list
};

/// The context kind's name as written in messages and JSON ("dockerfile-from", "compose-service"…).
std::string_view context_kind_name(ContextKind kind) noexcept;

/// One use of an image reference.
struct Context {
    ContextKind kind = ContextKind::ListEntry; ///< what kind of use
    std::string name;     ///< stage (`AS` name), service, container, job id or step name; "" when unnamed
    std::string owner;    ///< the enclosing object: `Kind/name` of a Kubernetes object, the job of a
                          ///< workflow service or step, the stage of a `COPY --from`; "" when none
    std::string path;     ///< where in the file: the YAML key path (`services.web.image`,
                          ///< `spec.template.spec.containers[0].image`) or the instruction (`FROM`)
    std::size_t line = 0; ///< 1-based line of the instruction or key that uses the reference
    std::string platform; ///< a Dockerfile `FROM --platform=` value as written; "" when absent
    std::optional<std::string> platform_value; ///< that value after ARG substitution, when static
};

/// What the scanner could make of a reference.
enum class OccurrenceStatus {
    Valid,   ///< parsed: `reference` is set
    Invalid, ///< does not parse as an image reference: `error` says why
    Dynamic, ///< templated or built from values only known at build/deploy time: skipped, `reason` says why
};

/// The status name as written in messages and JSON: "valid", "invalid", "dynamic".
std::string_view occurrence_status_name(OccurrenceStatus status) noexcept;

/// One image reference found in a file.
struct Occurrence {
    std::string file;       ///< the file name as given to the scanner
    std::size_t line = 0;   ///< 1-based line of the reference text (or of the word that produced it)
    std::size_t column = 0; ///< 1-based byte column on that line
    /// The bytes of the reference text in the file, when they can be rewritten: the characters of
    /// the reference alone (inside any quotes, after any `docker://`), verified against the file.
    std::optional<Span> span;
    std::string span_problem;          ///< why `span` is absent (a value built from several ARGs, a folded scalar…)
    TextStyle style = TextStyle::Bare; ///< how the span's bytes are written
    std::string text; ///< the reference: the decoded value after ARG substitution; as written when dynamic
    OccurrenceStatus status = OccurrenceStatus::Invalid; ///< what the scanner made of `text`
    std::optional<Reference> reference;                  ///< the parsed reference, when status is Valid
    std::optional<Error> error;                          ///< the parse error, when status is Invalid
    std::string reason;                                  ///< why it was skipped, when status is Dynamic
    Context context;                                     ///< the first use of the reference
    /// Further uses of the same bytes (a YAML alias of an anchored value, an ARG used by several
    /// FROMs): the reference is reported and rewritten once, here.
    std::vector<Context> other_contexts;
};

/// A document of a multi-document YAML file that does not parse. kubectl reads each document of
/// a file on its own, so the file's other documents are still read; the references this one holds
/// are unknown.
struct BadDocument {
    std::size_t line = 0;       ///< 1-based line where the parser stopped (the document's first when it says none)
    std::size_t column = 0;     ///< 1-based byte column there
    std::size_t first_line = 0; ///< the document's first line, 1-based
    std::size_t last_line = 0;  ///< the document's last line, 1-based
    /// Usage: `malformed YAML in "FILE" at line L, column C (document N of M, lines A-B): why`.
    Error error;
};

/// Everything found in one file.
struct FileScan {
    std::string file;                       ///< the file name as given
    FileKind kind = FileKind::PlainList;    ///< how the file was read
    std::vector<Occurrence> occurrences;    ///< sorted by line and column
    std::vector<std::string> warnings;      ///< `FILE:LINE:COL: what was skipped and why`, sanitized
    std::vector<BadDocument> bad_documents; ///< YAML documents that do not parse, in file order
};

} // namespace digestx::pinning

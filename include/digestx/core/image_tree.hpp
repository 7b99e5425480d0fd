#pragma once
/// @file
/// The resolved digest graph of one reference: every document below it, how each was obtained,
/// and what went wrong where. Produced by resolve (src/resolve), read by explain and render; the
/// types are plain values so the pure core can read them without linking any I/O.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "digestx/core/error.hpp"
#include "digestx/core/model.hpp"
#include "digestx/core/platform.hpp"
#include "digestx/core/reference.hpp"

namespace digestx {

/// How a document was obtained.
enum class FetchMethod {
    Get,  ///< an HTTP GET
    Head, ///< an HTTP HEAD (no body)
    Read, ///< read from a file (an OCI layout)
};

/// "GET", "HEAD" or "read": the name JSON and the text output show.
std::string_view fetch_method_name(FetchMethod method) noexcept;

/// How the referrers of a manifest were listed.
enum class ReferrerRoute {
    Api,       ///< the OCI 1.1 referrers API (`/v2/<name>/referrers/<digest>`)
    TagSchema, ///< the `<alg>-<hex>` tag schema of registries without the API (and cosign)
    OciLayout, ///< the `subject` of entries in an OCI layout's index.json
};

/// "referrers-api", "tag-schema" or "oci-layout": the stable name in JSON.
std::string_view referrer_route_name(ReferrerRoute route) noexcept;

/// What was asked and what answered for one document: the record `inspect` shows per node.
struct FetchNote {
    FetchMethod method = FetchMethod::Get;    ///< GET, HEAD, or a file read
    std::string location;                     ///< redacted URL, or path inside a layout
    std::string accept;                       ///< Accept header sent; empty for files and blobs
    std::string content_type;                 ///< Content-Type received (or the descriptor's type)
    std::optional<std::string> header_digest; ///< Docker-Content-Digest as received, sanitized
    std::string answered_by;                  ///< host that answered after redirects, or "oci-layout"
    int status = 0;                           ///< HTTP status; 0 for files
    std::string mirror; ///< the mirror (host[:port][/namespace]) that answered; "" for the registry itself
};

/// Counters for the cost summary line of `inspect`.
struct SourceStats {
    std::size_t requests = 0;                       ///< HTTP requests sent (0 for local sources)
    std::size_t manifest_gets = 0;                  ///< manifest GETs: what Docker Hub counts as pulls
    std::size_t manifest_heads = 0;                 ///< manifest HEADs: free on Docker Hub
    std::size_t blob_gets = 0;                      ///< blob GETs (configs)
    std::size_t bytes_received = 0;                 ///< body bytes received
    std::optional<std::string> ratelimit_limit;     ///< `ratelimit-limit` as last sent, sanitized
    std::optional<std::string> ratelimit_remaining; ///< `ratelimit-remaining` as last sent, sanitized
    std::size_t mirror_requests = 0;                ///< of `requests`, those sent to mirrors
    std::size_t mirror_manifest_gets = 0; ///< of `manifest_gets`, those sent to mirrors (Docker Hub never sees them)
};

/// What a node holds.
enum class NodeKind {
    Index,    ///< an OCI index or Docker manifest list
    Manifest, ///< an image or artifact manifest (OCI or Docker schema2)
    Schema1,  ///< a legacy Docker schema1 manifest
    Config,   ///< an image config (its digest is the image ID)
    Unknown,  ///< a descriptor digestx did not read (unknown media type, skipped, failed)
};

/// One document of the graph.
struct TreeNode {
    std::size_t id = 0;                   ///< position in ImageTree::nodes
    std::optional<std::size_t> parent;    ///< the node that refers to this one; none for the root
    std::size_t depth = 0;                ///< 0 for the root
    NodeKind kind = NodeKind::Unknown;    ///< what it holds
    std::optional<Descriptor> descriptor; ///< how the parent refers to it; none for the root
    std::optional<std::size_t> entry;     ///< position in the parent's `manifests`, for index entries
    /// The parsed manifest or index, when read; shared by every node with the same digest, so a
    /// document listed twice in a graph is held once.
    std::shared_ptr<const Document> document;
    /// The parsed image config, when read; shared like `document`.
    std::shared_ptr<const ImageConfig> config;
    std::optional<Platform> platform;  ///< the platform the parent's entry declares (normalised)
    std::optional<Error> error;        ///< why this node could not be read or trusted
    std::string skipped;               ///< why it was deliberately not read ("" when read)
    std::optional<FetchNote> note;     ///< how it was obtained, when a fetch happened
    std::vector<std::size_t> children; ///< nodes this one refers to, in document order, then its referrers
    /// For a referrer (`inspect --referrers`): how it was found; none for every other node. A
    /// referrer names its parent as `subject`; the parent does not refer to it, so it was attached
    /// after the fact and is not part of the parent's digest.
    std::optional<ReferrerRoute> referrer_via;

    /// True for a node attached through the referrers listing of its parent.
    [[nodiscard]] bool is_referrer() const noexcept { return referrer_via.has_value(); }

    /// The node's digest: the document's or config's computed digest, else the descriptor's
    /// (only as written, when nothing was read).
    [[nodiscard]] std::string digest_text() const;
};

/// How serious a finding is.
enum class FindingLevel { Info, Warning, Error };

/// Something a user should know about the graph beyond the digests themselves.
struct Finding {
    FindingLevel level = FindingLevel::Info; ///< how serious
    std::string code;                        ///< stable identifier for JSON ("header-digest-mismatch")
    std::string message;                     ///< one sanitized sentence
    std::optional<std::size_t> node;         ///< the node it is about
};

/// The reference read with another client's Accept list (`inspect --accept PRESET`), beside what
/// digestx's default list is given: registries choose the document by Accept.
struct AcceptComparison {
    std::string preset;          ///< the preset the reference was read with
    std::string full_digest;     ///< the digest a HEAD with the default list announced ("" when none)
    std::string full_media_type; ///< that answer's Content-Type ("" when none)
};

/// The whole resolved graph of one reference.
struct ImageTree {
    Reference reference;                    ///< what was resolved
    std::vector<TreeNode> nodes;            ///< nodes[0] is the root; parents before children
    std::vector<Finding> findings;          ///< in the order they were found
    SourceStats stats;                      ///< the source's counters after the walk
    std::optional<Platform> platform;       ///< the --platform filter, normalised, when given
    std::optional<std::size_t> selected;    ///< the node --platform selected
    std::optional<AcceptComparison> accept; ///< set by `inspect --accept`

    /// The root node.
    [[nodiscard]] const TreeNode &root() const { return nodes.front(); }
    /// The most serious error on any node (the exit code reflects it), or none.
    [[nodiscard]] std::optional<Error> worst_error() const;
};

} // namespace digestx

#pragma once
/// @file
/// Deterministic images for the registry test bed, the loader that puts them into a RegistryBed,
/// and the per-process shared beds the integration tests use.
///
/// Every synthetic document is built from fixed content and fixed timestamps, so every digest is
/// the same on every run and every machine; golden tests may hard-code them (read them from
/// fixture_catalog()). The only real documents are alpine:3.12's linux/amd64 manifest and config
/// from ../shared/fixtures/alpine-3.12 (read in place); everything else says
/// "synthetic digestx test fixture" in a label, a history entry, an annotation or its content.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/registry_bed.hpp"

namespace digestx::test {

/// The marker every synthetic document carries.
inline constexpr std::string_view synthetic_marker = "synthetic digestx test fixture";

/// A blob the loader pushes (layer, config, in-toto statement, artifact payload).
struct FixtureBlob {
    std::string repository; ///< where it is pushed, e.g. "library/alpine"
    std::string media_type; ///< the media type its descriptors give it
    std::string digest;     ///< sha256:… of `bytes`
    std::string bytes;      ///< its exact content
};

/// A manifest or index the loader puts into a registry, with its exact bytes.
struct FixtureManifest {
    std::string repository;        ///< e.g. "org/team/app"
    std::vector<std::string> tags; ///< tags pointing at it; empty = reachable by digest only
    std::string media_type;        ///< the Content-Type it is pushed with and served as
    std::string digest;            ///< sha256:… of `bytes`, what the registry announces
    std::string bytes;             ///< exact bytes (schema1: the canonical payload, see `legacy`)
    std::string platform; ///< "os/arch[/variant]"; "unknown/unknown" for attestations; "" for indexes and artifacts
    std::string config_digest;              ///< image manifests: the config blob (= image ID); "" otherwise
    std::vector<std::string> layer_digests; ///< image manifests: layer blobs in order (schema1: fsLayers order)
    std::vector<std::string> diff_ids;      ///< image manifests: the config's rootfs.diff_ids
    bool synthetic = true;                  ///< false only for the real alpine:3.12 linux/amd64 manifest
    bool stored_directly = false; ///< written into the storage layout instead of pushed (its layer blob is absent)

    /// The byte size, as a descriptor gives it.
    [[nodiscard]] std::size_t size() const noexcept { return bytes.size(); }
};

/// Everything the loader puts into a registry, with every digest a golden test may need.
struct FixtureCatalog {
    /// library/alpine:3.12, :3.12.9 and :latest: a Docker manifest list of seven platforms. Its
    /// digest differs from Docker Hub's d9459083… because six of its entries are synthetic.
    FixtureManifest alpine_list;
    /// The list's platform manifests in list order: linux/386, linux/amd64, linux/arm/v6,
    /// linux/arm/v7, linux/arm64/v8, linux/ppc64le, linux/s390x. [1] is the REAL linux/amd64
    /// manifest (528 bytes, sha256:74e5ad84…; config sha256:b0925e08…; its layer blob
    /// sha256:8572bc8f… is not in the registry), placed in storage and tagged 3.12-amd64.
    std::vector<FixtureManifest> alpine_platforms;
    /// org/team/app:1.0 and :latest: a buildx-style OCI index of eight images and their
    /// attestation manifests (images first, then attestations, like buildx).
    FixtureManifest app_index;
    /// The eight image manifests: linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6, linux/386,
    /// linux/ppc64le, linux/s390x, linux/riscv64.
    std::vector<FixtureManifest> app_images;
    /// The attestation manifests; app_attestations[i] describes app_images[i] (platform
    /// unknown/unknown, one in-toto SLSA provenance layer).
    std::vector<FixtureManifest> app_attestations;
    /// library/hello:single: a single-platform OCI manifest (linux/amd64).
    FixtureManifest hello;
    /// An OCI 1.1 artifact (artifactType application/spdx+json, empty config) whose `subject` is
    /// `hello`; in library/hello, untagged.
    FixtureManifest hello_sbom;
    /// The referrers tag-schema fallback for `hello`: an OCI index listing `hello_sbom`, tagged
    /// `sha256-<hello hex>` (registry 2.8 has no referrers API).
    FixtureManifest hello_referrers;
    /// library/nested:1: an OCI index whose only entry is `nested_inner`.
    FixtureManifest nested_outer;
    /// The inner OCI index (untagged) of `nested_images`.
    FixtureManifest nested_inner;
    /// The inner index's two image manifests: linux/amd64, linux/arm64.
    std::vector<FixtureManifest> nested_images;
    /// library/legacy:1: a Docker schema1 manifest. `bytes` is the canonical payload (the
    /// document without "signatures"), whose sha256 is the digest the registry announces; the
    /// registry stores only that payload and signs it afresh with its own key on every GET.
    FixtureManifest legacy;
    /// private/secret:1: an OCI manifest that anonymous token requests cannot pull.
    FixtureManifest secret;
    /// Every blob, in push order (some appear in several repositories).
    std::vector<FixtureBlob> blobs;

    /// Every manifest in the order the loader writes them (children before their parents).
    [[nodiscard]] std::vector<const FixtureManifest *> manifests() const;
    /// The manifest with this digest, or nullptr.
    [[nodiscard]] const FixtureManifest *find(std::string_view digest) const;
};

/// The catalog, built once per process (no registry needed). Throws std::runtime_error when
/// ../shared/fixtures/alpine-3.12 is absent (see shared_dir()).
const FixtureCatalog &fixture_catalog();

/// Puts every fixture into `bed`: writes the real alpine amd64 manifest into its storage, then
/// pushes blobs (POST + monolithic PUT) and manifests (PUT with the document's Content-Type)
/// through the API, authenticating as alice (Basic, or a push+pull token per repository).
/// Throws std::runtime_error (with the registry's log tail) when the registry refuses anything.
void load_fixtures(RegistryBed &bed);

/// Pushes `blobs`, then `manifests` in order (children before the indexes naming them), into
/// `bed` as load_fixtures() does, for tests that bring documents of their own.
void push_documents(RegistryBed &bed, const std::vector<FixtureBlob> &blobs,
                    const std::vector<FixtureManifest> &manifests);

/// The bed of `mode` shared by every test of this process: started on first use, loaded with
/// the fixtures once, stopped at exit. Do not mutate it (use fresh_bed()).
RegistryBed &shared_bed(BedMode mode);

/// A private bed for tests that mutate (retag, delete), loaded with the fixtures unless told not.
std::unique_ptr<RegistryBed> fresh_bed(BedMode mode, bool with_fixtures = true);

} // namespace digestx::test

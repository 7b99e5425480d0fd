#!/usr/bin/env python3
"""Pushes the benchmark's deterministic images into a registry through its HTTP API.

- `bench/app:multi`: a Docker manifest list (what `docker buildx` pushed before OCI indexes became
  the default, and what Docker Hub's official images serve) of six platforms; each platform
  manifest names one image config and one gzip-compressed tar layer.
- `bench/app:oci16` and `bench/app:oci64`: OCI indexes as `docker buildx build --platform ...`
  pushes them today, with provenance on: one image manifest per platform and, after them, one
  attestation manifest per image (platform unknown/unknown, annotated
  `vnd.docker.reference.type: attestation-manifest` and `vnd.docker.reference.digest`, an OCI
  image config of unknown/unknown and one in-toto layer), as buildx's attestation-storage.md
  describes. 16 entries = 8 images + 8 attestations; 64 = 32 + 32.
- `bench/svc01` .. `bench/svc20`, tags `v1` .. `v10`: 200 single-platform images for `check`.

Every byte is built from fixed content and fixed timestamps (tar mtime 0, gzip mtime 0), so every
digest is the same on every run.

Blobs are pushed as the distribution spec describes a monolithic upload (POST to
/blobs/uploads/, then PUT to the Location with ?digest=), the platform manifests by digest and the
list by tag, each with its own Content-Type. Prints the list's digest and the linux/amd64
manifest, config and layer digests, the OCI indexes' digests, and the `check` references as
KEY=VALUE lines for the shell.
"""

import argparse
import gzip
import hashlib
import io
import json
import sys
import tarfile
import urllib.parse
import urllib.request

LIST_TYPE = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
PLATFORMS = [
    ("linux", "amd64", None),
    ("linux", "arm64", "v8"),
    ("linux", "arm", "v7"),
    ("linux", "386", None),
    ("linux", "ppc64le", None),
    ("linux", "s390x", None),
]
MARKER = "synthetic digestx benchmark fixture"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
IN_TOTO = "application/vnd.in-toto+json"
# 8 architectures, and 4 systems for the 64-entry index: 32 distinct platforms.
ARCHES = [("amd64", None), ("arm64", "v8"), ("arm", "v7"), ("arm", "v6"), ("386", None), ("ppc64le", None),
          ("s390x", None), ("riscv64", None)]
SYSTEMS = ["linux", "freebsd", "netbsd", "openbsd"]
CHECK_REPOSITORIES = 20
CHECK_TAGS = 10


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(document):
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def layer_tar(name):
    """A tar holding one small file per platform, with every header field fixed."""
    content = (f"{MARKER}\nplatform {name}\n" * 64).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("etc/bench-platform")
        info.size, info.mtime, info.mode, info.uid, info.gid = len(content), 0, 0o644, 0, 0
        info.uname = info.gname = "root"
        tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def gzipped(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0, filename="") as file:
        file.write(data)
    return out.getvalue()


def image_config(os_name, arch, variant, diff_id):
    config = {
        "architecture": arch,
        "os": os_name,
        "created": "2020-01-01T00:00:00Z",
        "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/usr/bin:/bin"], "Labels": {"org.digestx.bench": MARKER}},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "2020-01-01T00:00:00Z", "created_by": MARKER}],
    }
    if variant:
        config["variant"] = variant
    return canonical(config)


def request(method, url, body=None, content_type=None):
    req = urllib.request.Request(url, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=30) as reply:
            return reply.status, reply.headers
    except urllib.error.HTTPError as error:
        sys.exit(f"load_fixtures: {method} {url} answered {error.code}: {error.read()[:300]!r}")


def push_blob(base, repository, data):
    digest = sha256(data)
    _, headers = request("POST", f"{base}/v2/{repository}/blobs/uploads/", b"")
    location = urllib.parse.urljoin(base + "/", headers["Location"])
    separator = "&" if "?" in location else "?"
    url = f"{location}{separator}digest={urllib.parse.quote(digest)}"
    status, headers = request("PUT", url, data, "application/octet-stream")
    if status != 201 or headers.get("Docker-Content-Digest") != digest:
        sys.exit(f"load_fixtures: blob {digest} answered {status} {headers.get('Docker-Content-Digest')}")
    return digest


def push_manifest(base, repository, reference, data, media_type):
    status, headers = request("PUT", f"{base}/v2/{repository}/manifests/{reference}", data, media_type)
    if status != 201 or headers.get("Docker-Content-Digest") != sha256(data):
        sys.exit(f"load_fixtures: manifest {reference} answered {status} {headers.get('Docker-Content-Digest')}")
    return sha256(data)


def platform_of(os_name, arch, variant):
    platform = {"architecture": arch, "os": os_name}
    if variant:
        platform["variant"] = variant
    return platform


def push_image(base, repository, os_name, arch, variant, salt="", tag=None):
    """One image (config + one layer) in OCI form, by digest or under `tag`; returns the
    manifest's descriptor."""
    name = "/".join(part for part in (os_name, arch, variant) if part) + salt
    tar = layer_tar(name)
    layer = gzipped(tar)
    config = image_config(os_name, arch, variant, sha256(tar))
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config), "digest": push_blob(base, repository, config)},
            "layers": [{"mediaType": OCI_LAYER, "size": len(layer), "digest": push_blob(base, repository, layer)}],
        },
        indent=2,
    ).encode()
    digest = push_manifest(base, repository, tag or sha256(manifest), manifest, OCI_MANIFEST)
    return {"mediaType": OCI_MANIFEST, "size": len(manifest), "digest": digest,
            "platform": platform_of(os_name, arch, variant)}


def push_attestation(base, repository, image):
    """A buildx attestation manifest for `image` (an SPDX SBOM statement as its one layer)."""
    statement = canonical({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://spdx.dev/Document",
        "subject": [{"name": "pkg:docker/bench/app", "digest": {"sha256": image["digest"][7:]}}],
        "predicate": {"spdxVersion": "SPDX-2.3", "name": MARKER, "packages": []},
    })
    config = canonical({"architecture": "unknown", "os": "unknown", "config": {},
                        "rootfs": {"type": "layers", "diff_ids": [sha256(statement)]}})
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config), "digest": push_blob(base, repository, config)},
            "layers": [{"mediaType": IN_TOTO, "size": len(statement), "digest": push_blob(base, repository, statement),
                        "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}],
        },
        indent=2,
    ).encode()
    digest = push_manifest(base, repository, sha256(manifest), manifest, OCI_MANIFEST)
    return {"mediaType": OCI_MANIFEST, "size": len(manifest), "digest": digest,
            "platform": {"architecture": "unknown", "os": "unknown"},
            "annotations": {"vnd.docker.reference.digest": image["digest"],
                            "vnd.docker.reference.type": "attestation-manifest"}}


def push_oci_index(base, repository, tag, images):
    """An index of `images` platforms (8 per system), then one attestation per image in the same
    order, as buildx lists them; returns its digest and its first (linux/amd64) manifest's."""
    platforms = [(os_name, arch, variant) for os_name in SYSTEMS for arch, variant in ARCHES][:images]
    entries = [push_image(base, repository, *platform) for platform in platforms]
    entries += [push_attestation(base, repository, image) for image in list(entries)]
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}, indent=2).encode()
    return push_manifest(base, repository, tag, index, OCI_INDEX), entries[0]["digest"]


def push_check_images(base):
    """20 repositories of 10 tags, each a small single-platform image: the references `check`
    reads, as `repository:tag@digest` lines."""
    lines = []
    for r in range(1, CHECK_REPOSITORIES + 1):
        repository = f"bench/svc{r:02d}"
        for t in range(1, CHECK_TAGS + 1):
            image = push_image(base, repository, "linux", "amd64", None, salt=f"#{repository}:v{t}", tag=f"v{t}")
            lines.append(f"{repository}:v{t}@{image['digest']}")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True, help="http://HOST:PORT")
    parser.add_argument("--repository", default="bench/app")
    parser.add_argument("--tag", default="multi")
    parser.add_argument("--check-list", help="write the check references (REPOSITORY:TAG@DIGEST) here")
    args = parser.parse_args()
    base, repository = args.registry.rstrip("/"), args.repository

    entries, facts = [], {}
    for os_name, arch, variant in PLATFORMS:
        name = "/".join(part for part in (os_name, arch, variant) if part)
        tar = layer_tar(name)
        layer = gzipped(tar)
        config = image_config(os_name, arch, variant, sha256(tar))
        layer_digest = push_blob(base, repository, layer)
        config_digest = push_blob(base, repository, config)
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": MANIFEST_TYPE,
                "config": {"mediaType": CONFIG_TYPE, "size": len(config), "digest": config_digest},
                "layers": [{"mediaType": LAYER_TYPE, "size": len(layer), "digest": layer_digest}],
            },
            indent=3,
        ).encode()
        manifest_digest = push_manifest(base, repository, sha256(manifest), manifest, MANIFEST_TYPE)
        platform = {"architecture": arch, "os": os_name}
        if variant:
            platform["variant"] = variant
        entries.append(
            {"mediaType": MANIFEST_TYPE, "size": len(manifest), "digest": manifest_digest, "platform": platform}
        )
        if name == "linux/amd64":
            facts.update(amd64_manifest=manifest_digest, amd64_config=config_digest, amd64_layer=layer_digest)

    index = json.dumps({"schemaVersion": 2, "mediaType": LIST_TYPE, "manifests": entries}, indent=3).encode()
    facts["list_digest"] = push_manifest(base, repository, args.tag, index, LIST_TYPE)
    facts["platforms"] = len(entries)
    facts["oci16_digest"], facts["oci16_amd64"] = push_oci_index(base, repository, "oci16", 8)
    facts["oci64_digest"], facts["oci64_amd64"] = push_oci_index(base, repository, "oci64", 32)
    if args.check_list:
        lines = push_check_images(base)
        with open(args.check_list, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        facts["check_references"] = len(lines)
    for key, value in facts.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()

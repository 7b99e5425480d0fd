#!/usr/bin/env python3
"""Pushes the benchmark's deterministic images into a registry through its HTTP API.

The image is a Docker manifest list (what `docker buildx` pushed before OCI indexes became the
default, and what Docker Hub's official images serve) of six platforms; each platform manifest
names one image config and one gzip-compressed tar layer. Every byte is built from fixed content
and fixed timestamps (tar mtime 0, gzip mtime 0), so every digest is the same on every run.

Blobs are pushed as the distribution spec describes a monolithic upload (POST to
/blobs/uploads/, then PUT to the Location with ?digest=), the platform manifests by digest and the
list by tag, each with its own Content-Type. Prints the list's digest and the linux/amd64
manifest, config and layer digests as KEY=VALUE lines for the shell.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True, help="http://HOST:PORT")
    parser.add_argument("--repository", default="bench/app")
    parser.add_argument("--tag", default="multi")
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
    for key, value in facts.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Assembles the native image's own layer as an OCI image layout, without a container engine or registry.

What Dockerfile.native-micro adds on top of its base (quay.io/quarkus/ubi9-quarkus-micro-image:2.0):
/work/application (the native executable, mode 0755, owner 1001:0), the working directory, user 1001,
ports 8080 and 9000 and the entrypoint. Build the executable as that Dockerfile does, with
-Dquarkus.management.enabled=true: the manifests probe and scrape port 9000. Written to target/oci-image/ (an
OCI layout holding that one layer, with the base named in an annotation) and target/progress-hub-native-oci.tar.
To publish it, append the layer to the base where a registry is reachable, e.g.
    crane append -b quay.io/quarkus/ubi9-quarkus-micro-image:2.0 -f target/oci-image/layer.tar \
        -t REGISTRY/progress-hub:1.0.0-native
    crane mutate --entrypoint ./application,-Dquarkus.http.host=0.0.0.0 --workdir /work --user 1001 ...
Prints the layer's compressed size, the figure that adds to the base's.

Usage: src/main/docker/oci-layer.py target/progress-hub-1.0.0-SNAPSHOT-runner
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

BASE = "quay.io/quarkus/ubi9-quarkus-micro-image:2.0"


def blob(root, data, media_type):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(root, "blobs", "sha256", digest)
    with open(path, "wb") as out:
        out.write(data)
    return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}


def layer_tar(binary):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        work = tarfile.TarInfo("work")
        work.type, work.mode, work.uid, work.gid = tarfile.DIRTYPE, 0o775, 1001, 0
        tar.addfile(work)
        info = tar.gettarinfo(binary, arcname="work/application")
        info.mode, info.uid, info.gid, info.uname, info.gname, info.mtime = 0o755, 1001, 0, "", "", 0
        with open(binary, "rb") as f:
            tar.addfile(info, f)
    return buffer.getvalue()


def main(binary, root="target/oci-image"):
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    raw = layer_tar(binary)
    with open(os.path.join(root, "layer.tar"), "wb") as out:
        out.write(raw)
    compressed = gzip.compress(raw, compresslevel=9, mtime=0)
    layer = blob(root, compressed, "application/vnd.oci.image.layer.v1.tar+gzip")
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"User": "1001", "WorkingDir": "/work/", "ExposedPorts": {"8080/tcp": {}, "9000/tcp": {}},
                   "Entrypoint": ["./application", "-Dquarkus.http.host=0.0.0.0"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
    }
    config_desc = blob(root, json.dumps(config, sort_keys=True).encode(), "application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config_desc, "layers": [layer],
                "annotations": {"org.opencontainers.image.base.name": BASE}}
    manifest_desc = blob(root, json.dumps(manifest, sort_keys=True).encode(), manifest["mediaType"])
    with open(os.path.join(root, "index.json"), "w") as out:
        json.dump({"schemaVersion": 2, "manifests": [manifest_desc]}, out)
    with open(os.path.join(root, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    with tarfile.open("target/progress-hub-native-oci.tar", "w") as tar:
        for name in ("oci-layout", "index.json", "blobs"):
            tar.add(os.path.join(root, name), arcname=name)
    print(f"binary {os.path.getsize(binary) / 1e6:.1f} MB, layer {len(compressed) / 1e6:.1f} MB compressed "
          f"(gzip -9), on top of {BASE}")


if __name__ == "__main__":
    main(sys.argv[1])
